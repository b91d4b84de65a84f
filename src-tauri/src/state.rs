//! What the app keeps between commands: the in-process sandbox (started on
//! "Try the sandbox", kept for the app's lifetime, its state in the app's
//! data folder: `sandbox_tenant`) and the signed-in session:
//! one `TenantClient` for all of it (one connection pool, one shared pause
//! when the tenant says 429), what the tenant offers (the capability probe)
//! and who is signed in. A real tenant's tokens live in the OS keychain; the
//! sandbox's in memory (it ends with the app). Tokens never go to the UI.
//! `std::sync::Mutex` for the session slot (never held across an await),
//! `tokio::sync::Mutex` for the sandbox (held while it starts).
//!
//! The bottom of the shell: it imports no other module of this crate; the
//! host seam (`host`) and the features (`commands`, `consent`, `health`,
//! `watch`) stand on it.

use std::sync::{Arc, Mutex};

use connassist_core::account::Me;
use connassist_core::auth::token_session::TokenSession;
use connassist_core::capabilities::Capabilities;
use connassist_core::health::round::{HealthRounds, Whose};
use connassist_core::health::watch::OpenRequest;
use connassist_core::mine::Mine;
use connassist_core::selections::SelectionStore;
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode};
use connassist_sandbox::Sandbox;

#[derive(Debug, Default)]
pub struct AppState {
    pub sandbox: tokio::sync::Mutex<Option<Sandbox>>,
    session: Mutex<Option<Session>>,
    /// Where the signed-in user's attended connection choices are kept.
    selections: Mutex<Option<SelectionStore>>,
    /// Stops the health check in progress, if any.
    health_stop: Mutex<Option<Arc<tokio::sync::Notify>>>,
    /// The latest health check's results, for "Export" (no secrets in them).
    pub last_health: Mutex<Option<LastHealth>>,
    /// Core's health rounds (history, recorded expiries), made on first use
    /// once the host says where the app's folders are.
    pub health_rounds: Mutex<Option<Arc<HealthRounds>>>,
    /// The background checks of the signed-in session, once the window asked.
    pub watching: Mutex<Option<Watching>>,
}

/// How the window asks to be shown a connection (or, with no id, Health).
pub type AskWindow = Arc<dyn Fn(OpenRequest) -> Result<(), String> + Send + Sync>;

/// The running background checks of the signed-in session.
pub struct Watching {
    pub task: tauri::async_runtime::JoinHandle<()>,
    /// Wakes the loop for a check right now.
    pub now: Arc<tokio::sync::Notify>,
    /// The window's channel from `watch_health`.
    pub ask_window: AskWindow,
}

impl std::fmt::Debug for Watching {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watching").finish_non_exhaustive()
    }
}

/// The signed-in session: its tokens, the one client every command uses,
/// what the tenant offers and who is signed in.
#[derive(Debug, Clone)]
pub struct Session {
    pub tokens: Arc<TokenSession>,
    pub client: Arc<TenantClient>,
    pub capabilities: Capabilities,
    pub me: Me,
}

/// What the latest health check found, as far as it got.
#[derive(Debug, Default, Clone)]
pub struct LastHealth {
    pub summary: connassist_core::health::HealthSummary,
    pub results: Vec<connassist_core::health::HealthResult>,
    pub errors: Vec<connassist_core::connections::FolderError>,
}

impl AppState {
    pub fn set_session(&self, session: Option<Session>) {
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = session;
    }

    /// The signed-in session.
    pub fn session(&self) -> Result<Session, ApiError> {
        self.session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(signed_out)
    }

    /// Replaces what the tenant offers (a new probe) in the current session.
    pub fn set_capabilities(&self, capabilities: Capabilities) {
        if let Some(s) = self
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
        {
            s.capabilities = capabilities;
        }
    }

    pub fn set_selections(&self, store: Option<SelectionStore>) {
        *self.selections.lock().unwrap_or_else(|p| p.into_inner()) = store;
    }

    pub fn selections(&self) -> Result<SelectionStore, ApiError> {
        self.selections
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(signed_out)
    }

    /// Whose connections are the signed-in user's: decided in core from who
    /// they are and the connections they chose for attended processes (none
    /// when the choices cannot be read: nothing is marked theirs by mistake).
    pub async fn mine(&self, client: &TenantClient) -> Mine {
        let Ok(session) = self.session() else {
            return Mine::nobody();
        };
        let selections = self.selections().ok();
        Whose::User {
            me: &session.me,
            selections: selections.as_ref(),
        }
        .resolve(client)
        .await
    }

    /// Asks the window, through the channel it gave `watch_health`, to show
    /// `request`; false when no window asked to be told.
    pub fn ask_window(&self, request: OpenRequest) -> bool {
        let ask = self
            .watching
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|w| w.ask_window.clone());
        match ask {
            Some(ask) => {
                if let Err(e) = ask(request) {
                    tracing::warn!(error = %e, "the window could not be asked to open the connection");
                }
                true
            }
            None => false,
        }
    }

    /// A fresh stop signal for a new health check (a check already running is stopped).
    pub fn new_health_run(&self) -> Arc<tokio::sync::Notify> {
        let stop = Arc::new(tokio::sync::Notify::new());
        let old = self
            .health_stop
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .replace(stop.clone());
        if let Some(old) = old {
            old.notify_one();
        }
        stop
    }

    /// Forgets `stop` once its check has ended (a newer check keeps its own).
    pub fn end_health_run(&self, stop: &Arc<tokio::sync::Notify>) {
        let mut slot = self.health_stop.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, stop)) {
            *slot = None;
        }
    }

    /// Stops the health check in progress; false when none runs.
    pub fn stop_health(&self) -> bool {
        match self
            .health_stop
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            Some(stop) => {
                stop.notify_one();
                true
            }
            None => false,
        }
    }

    pub fn take_session(&self) -> Option<Session> {
        self.session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// The signed-in tenant's client (the same one for every command); it
    /// refreshes the session as needed.
    pub fn client(&self) -> Result<Arc<TenantClient>, ApiError> {
        Ok(self.session()?.client)
    }
}

fn signed_out() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthorized,
        "Sign in first: choose a tenant or try the sandbox.",
    )
}
