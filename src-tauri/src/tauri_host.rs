//! The real [`Host`]: the app's folders, tray, notifications and windows
//! through Tauri's `AppHandle`. Nothing here decides; the features above
//! decide and this draws, shows and opens.
//!
//! tauri-plugin-notification cannot report a click on desktop
//! (plugins-workspace#2150), so on Linux a notification is sent with
//! notify-rust, the crate the plugin itself uses there, with a default action
//! whose invocation we wait for; elsewhere the plugin shows it.

use std::path::PathBuf;
use std::time::Duration;

use connassist_core::auth::sign_in::TokenSet;
use connassist_core::consent::{ConsentView, Observed};
use connassist_core::health::watch::Notice;
use connassist_core::{ApiError, ErrorCode, TenantUrl};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::mpsc;
use url::Url;

use crate::host::{Host, MAIN_WINDOW, TrayLook};
use crate::sign_in_window::{self, Seen};
use crate::state::AppState;
use crate::tray_icon;

pub struct TauriHost<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Clone for TauriHost<R> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

fn no_folder(what: &str, e: tauri::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("No folder for the app's {what}: {e}"),
    )
}

impl<R: Runtime> Host for TauriHost<R> {
    fn state(&self) -> &AppState {
        self.0.state::<AppState>().inner()
    }

    fn config_dir(&self) -> Result<PathBuf, ApiError> {
        self.0
            .path()
            .app_config_dir()
            .map_err(|e| no_folder("settings", e))
    }

    fn data_dir(&self) -> Result<PathBuf, ApiError> {
        self.0
            .path()
            .app_data_dir()
            .map_err(|e| no_folder("data", e))
    }

    fn show_tray(&self, look: TrayLook) {
        tray_icon::show(&self.0, look.broken(), &look.text());
    }

    #[cfg(target_os = "linux")]
    fn notify(&self, notice: Notice) {
        let host = self.clone();
        // Sending and waiting for the click block: a thread per notification
        // (at most three per check), ended when the notification closes.
        std::thread::spawn(move || {
            let shown = notify_rust::Notification::new()
                .appname("Connections Assistant")
                .summary(&notice.title)
                .body(&markup_escaped(&notice.body))
                .icon("dialog-warning")
                .action("default", "Open")
                .show();
            match shown {
                Ok(handle) => handle.wait_for_action(|action| {
                    if action == "default" {
                        host.open_main(notice.connection_id.clone(), true);
                    }
                }),
                Err(e) => {
                    tracing::warn!(error = %e, "no desktop notification (is a notification daemon running?)")
                }
            }
        });
    }

    #[cfg(not(target_os = "linux"))]
    fn notify(&self, notice: Notice) {
        use tauri_plugin_notification::NotificationExt;
        if let Err(e) = self
            .0
            .notification()
            .builder()
            .title(&notice.title)
            .body(&notice.body)
            .show()
        {
            tracing::warn!(error = %e, "no desktop notification");
        }
    }

    fn raise_main(&self) {
        if let Some(window) = self.0.get_webview_window(MAIN_WINDOW) {
            // Best effort: a window manager may refuse focus.
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    }

    fn open_consent(
        &self,
        url: &Url,
        title: &str,
        system_browser: bool,
    ) -> Result<ConsentView, ApiError> {
        if system_browser {
            open::that_detached(url.as_str()).map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!(
                        "The system browser could not be opened ({e}); try the embedded window."
                    ),
                )
            })?;
            return Ok(ConsentView::silent());
        }
        let (tx, rx) = mpsc::channel(32);
        let window = sign_in_window::open(
            &self.0,
            "consent",
            title,
            url.clone(),
            |_| false,
            move |seen| {
                let observed = match seen {
                    Seen::Navigated(url) | Seen::Stopped(url) => Observed::Navigated(url),
                    Seen::Closed => Observed::Closed,
                };
                // Never blocks: a full channel drops a navigation, not the app.
                let _ = tx.try_send(observed);
            },
        )?;
        Ok(ConsentView::new(rx, move || window.close()))
    }

    async fn sign_in(
        &self,
        tenant: &TenantUrl,
        client_id: &str,
        scopes: &[&str],
        redirect_ports: Vec<u16>,
        timeout: Duration,
    ) -> Result<TokenSet, ApiError> {
        sign_in_window::sign_in(&self.0, tenant, client_id, scopes, &redirect_ports, timeout).await
    }
}

/// Notification servers may read the body as markup: names with `&` or `<`
/// must show as typed.
#[cfg(target_os = "linux")]
fn markup_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
