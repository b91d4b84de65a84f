//! IPC commands: each is a thin adapter from a Tauri call to `connassist-core`,
//! returning core types and the shared `{code, message}` error. Every command
//! must also be listed in `build.rs` (its ACL permission) and granted in
//! `capabilities/main.json`, or the main window cannot call it.

use connassist_core::connections::{ListEvent, ListOptions, list};
use connassist_core::session::{READ_SCOPES, SessionInfo, current_user};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode, TenantUrl};
use connassist_sandbox::{Config, PUBLIC_CLIENT_ID, Sandbox};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::sign_in_window;
use crate::state::{AppState, Session};

/// Validates and normalizes a tenant URL as the user types it.
#[tauri::command]
pub fn check_tenant_url(url: String) -> Result<TenantUrl, ApiError> {
    Ok(TenantUrl::parse(&url)?)
}

/// Signs in to the tenant at `url`.
#[tauri::command]
pub fn connect_tenant(url: String) -> Result<TenantUrl, ApiError> {
    let tenant = TenantUrl::parse(&url)?;
    tracing::info!(url = %tenant.url, "sign-in requested");
    Err(ApiError::not_available(format!(
        "Signing in to {} is not available in this build yet. Meanwhile, the command-line tool can check tenant URLs: connassist --help.",
        tenant.host
    )))
}

/// Starts the built-in sandbox tenant (once per app run) and signs in to it
/// through the sign-in window, like any tenant.
#[tauri::command]
pub async fn start_sandbox<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<SessionInfo, ApiError> {
    let tenant = {
        let mut sandbox = state.sandbox.lock().await;
        if sandbox.is_none() {
            let started = Sandbox::start(Config::default()).await.map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("The sandbox tenant did not start: {e}"),
                )
            })?;
            tracing::info!(url = %started.base_url, "sandbox started");
            *sandbox = Some(started);
        }
        let base = sandbox
            .as_ref()
            .map(|s| s.base_url.clone())
            .unwrap_or_default();
        TenantUrl::parse(&base)?
    };
    let mut scopes = vec!["openid", "offline_access"];
    scopes.extend_from_slice(READ_SCOPES);
    let tokens = sign_in_window::sign_in(
        &app,
        &tenant,
        PUBLIC_CLIENT_ID,
        &scopes,
        sign_in_window::DEFAULT_TIMEOUT,
    )
    .await?;
    let client = TenantClient::new(tenant.clone(), tokens.access.clone())?;
    let user = current_user(&client).await?;
    state.set_session(Some(Session {
        tenant: tenant.clone(),
        access: tokens.access,
    }));
    Ok(SessionInfo {
        tenant,
        user,
        sandbox: true,
    })
}

/// Lists every connection the session can see, streaming each folder's
/// result to `on_event` as it completes; `folder` narrows to one folder path
/// (and its subfolders), e.g. to retry a folder that failed.
#[tauri::command]
pub async fn list_connections(
    state: State<'_, AppState>,
    on_event: Channel<ListEvent>,
    folder: Option<String>,
) -> Result<(), ApiError> {
    let client = state.client()?;
    let options = ListOptions {
        folder,
        ..ListOptions::default()
    };
    list(&client, &options, |event| {
        // The window may have gone away mid-listing; nothing to do then.
        let _ = on_event.send(event.clone());
    })
    .await?;
    Ok(())
}

/// Forgets the session (the sandbox keeps running for a later sign-in).
#[tauri::command]
pub fn sign_out(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.set_session(None);
    tracing::info!("signed out");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_urls_come_back_as_invalid_input() {
        let err = check_tenant_url("http://example.com".into()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        let err = connect_tenant("http://example.com".into()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn unbuilt_features_say_so_through_the_error_path() {
        let err = connect_tenant("https://cloud.uipath.com/acme/DefaultTenant".into()).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotAvailable);
        assert!(err.message.contains("cloud.uipath.com"));
    }
}
