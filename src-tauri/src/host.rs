//! The seam between what the shell decides and what only Tauri can do.
//! Commands, the background watch and the consent flows run over a [`Host`]:
//! the app's folders, its state, the tray, desktop notifications, the main
//! window and the windows a sign-in or a consent opens. `tauri_host` is the
//! real one over an `AppHandle`; the unit tests (`tests` below) run the same
//! code over a host with no window (the way yaak's `TestHost` runs its
//! handlers), against the sandbox over real HTTP, so what the shell decides
//! is tested without WebKit. The real-window tests keep what only a window
//! shows.
//!
//! Above `state`, below every feature: this module imports only `state`.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use connassist_core::auth::sign_in::TokenSet;
use connassist_core::consent::ConsentView;
use connassist_core::health::round::HealthRounds;
use connassist_core::health::watch::{Notice, OpenRequest, badge_text};
use connassist_core::settings::{Settings, SettingsFile};
use connassist_core::{ApiError, TenantUrl};
use url::Url;

use crate::state::AppState;

/// Label of the one window that capabilities grant IPC to.
pub const MAIN_WINDOW: &str = "main";

/// What the tray shows: the user's broken connections as a badge and in
/// words (the menu's first entry, the tooltip).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayLook {
    /// Nobody is signed in: nothing is checked.
    SignedOut,
    /// Signed in, no check finished yet.
    Unchecked,
    /// The last check found this many of the user's connections broken.
    Checked { broken: usize },
}

impl TrayLook {
    /// The number on the badge (no badge at 0).
    pub fn broken(self) -> usize {
        match self {
            Self::Checked { broken } => broken,
            Self::SignedOut | Self::Unchecked => 0,
        }
    }

    pub fn text(self) -> String {
        match self {
            Self::SignedOut => "Not signed in".to_owned(),
            Self::Unchecked => "Your connections are not checked yet".to_owned(),
            Self::Checked { broken } => badge_text(broken),
        }
    }
}

/// What the shell needs from the desktop.
pub trait Host: Clone + Send + Sync + 'static {
    /// The app's state (session, sandbox, checks).
    fn state(&self) -> &AppState;
    /// Where settings, recorded dates and choices are kept.
    fn config_dir(&self) -> Result<PathBuf, ApiError>;
    /// Where the health history is kept.
    fn data_dir(&self) -> Result<PathBuf, ApiError>;
    /// Draws `look` on the tray icon and its menu.
    fn show_tray(&self, look: TrayLook);
    /// Shows `notice` on the desktop; clicking it asks the window to open
    /// its connection ([`Host::open_main`]).
    fn notify(&self, notice: Notice);
    /// Shows and focuses the main window.
    fn raise_main(&self);
    /// Shows a consent page: in a window of its own (no IPC, fresh cookies)
    /// that reports its navigations, or in the system browser.
    fn open_consent(
        &self,
        url: &Url,
        title: &str,
        system_browser: bool,
    ) -> Result<ConsentView, ApiError>;
    /// Signs in to `tenant` interactively (a window with the tenant's form),
    /// catching the redirect on one of `redirect_ports`.
    fn sign_in(
        &self,
        tenant: &TenantUrl,
        client_id: &str,
        scopes: &[&str],
        redirect_ports: Vec<u16>,
        timeout: Duration,
    ) -> impl Future<Output = Result<TokenSet, ApiError>> + Send;

    /// The saved settings, or the defaults when they cannot be read (said
    /// in the log: a check or a consent must not fail for a damaged file).
    fn settings(&self) -> Settings {
        match self
            .config_dir()
            .and_then(|d| SettingsFile::in_folder(&d).load())
        {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e.message, "settings unreadable; using the defaults");
                Settings::default()
            }
        }
    }

    /// Core's health rounds for this app (the history in the data folder,
    /// recorded dates in the config folder), made on first use.
    fn health_rounds(&self) -> Result<Arc<HealthRounds>, ApiError> {
        let mut slot = self
            .state()
            .health_rounds
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(rounds) = slot.as_ref() {
            return Ok(rounds.clone());
        }
        let rounds = Arc::new(HealthRounds::kept_in(
            &self.data_dir()?,
            &self.config_dir()?,
        ));
        *slot = Some(rounds.clone());
        Ok(rounds)
    }

    /// Shows the main window and asks it to open `connection_id` (or the
    /// health view when `health`, else nothing more).
    fn open_main(&self, connection_id: Option<String>, health: bool) {
        self.raise_main();
        if connection_id.is_some() || health {
            self.state().ask_window(OpenRequest { connection_id });
        }
    }
}

#[cfg(test)]
mod tests;
