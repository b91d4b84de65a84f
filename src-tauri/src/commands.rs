//! IPC commands: each is a thin adapter from a Tauri call to `connassist-core`,
//! returning core types and the shared `{code, message}` error. Every command
//! must also be listed in `build.rs` (its ACL permission) and granted in
//! `capabilities/main.json`, or the main window cannot call it.

use connassist_core::audit::AuditReport;
use connassist_core::audit::fetch::{AuditOptions, gather};
use connassist_core::connections::{ListEvent, ListOptions, list};
use connassist_core::selections::{SelectionStore, Selections};
use connassist_core::session::{READ_SCOPES, SessionInfo, current_user};
use std::sync::Arc;

use connassist_core::keychain::{MemoryStore, OsKeychain, SecretStore};
use connassist_core::tenant_client::TenantClient;
use connassist_core::token_session::TokenSession;
use connassist_core::{ApiError, ErrorCode, TenantUrl};
use connassist_sandbox::{Config, PUBLIC_CLIENT_ID, Sandbox};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::sign_in_window;
use crate::state::AppState;

/// Validates and normalizes a tenant URL as the user types it.
#[tauri::command]
pub fn check_tenant_url(url: String) -> Result<TenantUrl, ApiError> {
    Ok(TenantUrl::parse(&url)?)
}

/// Signs in to the tenant at `url` as the external application `client_id`:
/// with the session kept in the keychain if there is one, else in the sign-in
/// window, keeping the new session in the keychain.
#[tauri::command]
pub async fn connect_tenant<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    url: String,
    client_id: String,
) -> Result<SessionInfo, ApiError> {
    let tenant = TenantUrl::parse(&url)?;
    let client_id = client_id.trim().to_owned();
    if client_id.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "Enter the external application's ID: a non-confidential application registered in your tenant with the redirect http://127.0.0.1/callback.",
        ));
    }
    let store: Arc<dyn SecretStore> = Arc::new(OsKeychain::default());
    if let Ok(kept) = TokenSession::load(&tenant, store.clone()) {
        let kept = Arc::new(kept);
        if kept.client_id().await == client_id {
            let client = TenantClient::with_session(tenant.clone(), kept.clone())?;
            if let Ok(user) = current_user(&client).await {
                tracing::info!(url = %tenant.url, "signed in with the kept session");
                state.set_session(Some(kept));
                state.set_selections(Some(local_selections(&app, &tenant)?));
                return Ok(SessionInfo {
                    tenant,
                    user: user.display,
                    email: user.email,
                    sandbox: false,
                });
            }
        }
    }
    let tokens = sign_in_window::sign_in(
        &app,
        &tenant,
        &client_id,
        &scopes(),
        crate::consent::current_settings(&app).consent_timeout(),
    )
    .await?;
    let session = Arc::new(TokenSession::save(&tenant, &client_id, tokens, store)?);
    let selections = local_selections(&app, &tenant)?;
    finish(&state, tenant, session, selections).await
}

/// A real tenant keeps attended choices in the app's config folder (no API).
fn local_selections<R: Runtime>(
    app: &AppHandle<R>,
    tenant: &TenantUrl,
) -> Result<SelectionStore, ApiError> {
    let dir = app.path().app_config_dir().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("No folder for the app's settings: {e}"),
        )
    })?;
    Ok(SelectionStore::Local {
        file: dir.join("selections.json"),
        tenant: tenant.url.clone(),
    })
}

fn scopes() -> Vec<&'static str> {
    let mut scopes = vec!["openid", "offline_access"];
    scopes.extend_from_slice(READ_SCOPES);
    scopes
}

/// Keeps the session and says who is signed in.
async fn finish(
    state: &AppState,
    tenant: TenantUrl,
    session: Arc<TokenSession>,
    selections: SelectionStore,
) -> Result<SessionInfo, ApiError> {
    let client = TenantClient::with_session(tenant.clone(), session.clone())?;
    let user = current_user(&client).await?;
    let sandbox = matches!(selections, SelectionStore::Tenant);
    state.set_session(Some(session));
    state.set_selections(Some(selections));
    Ok(SessionInfo {
        tenant,
        user: user.display,
        email: user.email,
        sandbox,
    })
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
    let tokens = sign_in_window::sign_in(
        &app,
        &tenant,
        PUBLIC_CLIENT_ID,
        &scopes(),
        crate::consent::current_settings(&app).consent_timeout(),
    )
    .await?;
    // The sandbox ends with the app: its session stays in memory.
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let session = Arc::new(TokenSession::save(
        &tenant,
        PUBLIC_CLIENT_ID,
        tokens,
        store,
    )?);
    finish(&state, tenant, session, SelectionStore::Tenant).await
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

/// Audits every visible process's connection bindings (or one folder's, with
/// its subfolders) and returns the findings, errors first.
#[tauri::command]
pub async fn run_audit(
    state: State<'_, AppState>,
    folder: Option<String>,
) -> Result<AuditReport, ApiError> {
    let client = state.client()?;
    let options = AuditOptions {
        folder,
        ..AuditOptions::default()
    };
    let gathered = gather(&client, &options, |_, _| {}).await?;
    Ok(AuditReport::new(&gathered.input, gathered.problems))
}

/// The signed-in user's attended connection choices, and where they are kept.
#[tauri::command]
pub async fn list_selections(state: State<'_, AppState>) -> Result<Selections, ApiError> {
    let client = state.client()?;
    state.selections()?.list(&client).await
}

/// Picks the connection a binding configurable by users runs with for this
/// user (`connection_id`), or forgets the choice (`None`).
#[tauri::command]
pub async fn choose_connection(
    state: State<'_, AppState>,
    release_key: String,
    binding_key: String,
    connection_id: Option<String>,
) -> Result<(), ApiError> {
    let client = state.client()?;
    state
        .selections()?
        .choose(
            &client,
            &release_key,
            &binding_key,
            connection_id.as_deref(),
        )
        .await
}

/// Revokes the session and forgets it (the sandbox keeps running).
#[tauri::command]
pub async fn sign_out<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), ApiError> {
    crate::watch::stop(&app);
    state.set_selections(None);
    if let Some(session) = state.take_session() {
        session.sign_out().await?;
    }
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
    }
}
