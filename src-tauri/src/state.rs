//! What the app keeps between commands: the in-process sandbox (started on
//! "Try the sandbox", kept for the app's lifetime) and the signed-in session.
//! Tokens live here in memory as `Secret`s; they are never sent to the UI.
//! `std::sync::Mutex` for the session (never held across an await) and
//! `tokio::sync::Mutex` for the sandbox (held while it starts).

use std::sync::Mutex;

use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode, Secret, TenantUrl};
use connassist_sandbox::Sandbox;

#[derive(Debug, Clone)]
pub struct Session {
    pub tenant: TenantUrl,
    pub access: Secret<String>,
}

#[derive(Debug, Default)]
pub struct AppState {
    pub sandbox: tokio::sync::Mutex<Option<Sandbox>>,
    session: Mutex<Option<Session>>,
}

impl AppState {
    pub fn set_session(&self, session: Option<Session>) {
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = session;
    }

    /// A client for the signed-in tenant.
    pub fn client(&self) -> Result<TenantClient, ApiError> {
        let session = self
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Unauthorized,
                    "Sign in first: choose a tenant or try the sandbox.",
                )
            })?;
        Ok(TenantClient::new(session.tenant, session.access)?)
    }
}
