//! IPC commands: each is a thin adapter from a Tauri call to `connassist-core`,
//! returning core types and the shared `{code, message}` error. Every command
//! must also be listed in `build.rs` (its ACL permission) and granted in
//! `capabilities/main.json`, or the main window cannot call it.

use connassist_core::account::current_user;
use connassist_core::audit::AuditReport;
use connassist_core::audit::fetch::{AuditOptions, gather};
use connassist_core::auth::session::READ_SCOPES;
use connassist_core::capabilities::{Capabilities, FeatureId, probe_tenant};
use connassist_core::connections::{ListEvent, ListOptions, list};
use connassist_core::json_file;
use connassist_core::selections::{SelectionStore, Selections};
use connassist_core::session_info::SessionInfo;
use std::sync::Arc;

use connassist_core::auth::token_session::TokenSession;
use connassist_core::keychain::{MemoryStore, OsKeychain, SecretStore};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode, TenantUrl};
use connassist_sandbox::{Config, PUBLIC_CLIENT_ID, Profile, Sandbox};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::sign_in_window;
use crate::state::{AppState, Session};

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
            "Enter the external application's ID: a non-confidential application registered in your tenant with the redirect URIs the README lists (http://127.0.0.1:47611/callback and the others).",
        ));
    }
    let store: Arc<dyn SecretStore> = Arc::new(OsKeychain::default());
    if let Ok(kept) = TokenSession::load(&tenant, store.clone()) {
        let kept = Arc::new(kept);
        if kept.client_id().await == client_id {
            let client = TenantClient::with_session(tenant.clone(), kept.clone())?;
            if current_user(&client).await.is_ok() {
                tracing::info!(url = %tenant.url, "signed in with the kept session");
                return finish(&app, &state, tenant, kept, false).await;
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
    finish(&app, &state, tenant, session, false).await
}

/// Attended choices are kept in the tenant where it offers that (the
/// sandbox's extended profile), else in the app's config folder: no public
/// API holds the Assistant's choices.
fn selection_store<R: Runtime>(
    app: &AppHandle<R>,
    tenant: &TenantUrl,
    capabilities: &Capabilities,
) -> Result<SelectionStore, ApiError> {
    if capabilities.has(FeatureId::AttendedChoices) {
        return Ok(SelectionStore::Tenant);
    }
    let dir = config_dir(app)?;
    Ok(SelectionStore::Local {
        file: dir.join("selections.json"),
        tenant: tenant.url.clone(),
    })
}

fn config_dir<R: Runtime>(app: &AppHandle<R>) -> Result<std::path::PathBuf, ApiError> {
    app.path().app_config_dir().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("No folder for the app's settings: {e}"),
        )
    })
}

fn scopes() -> Vec<&'static str> {
    let mut scopes = vec!["openid", "offline_access"];
    scopes.extend_from_slice(READ_SCOPES);
    scopes
}

/// Finds out what the tenant offers and keeps it per tenant, with the time
/// it was taken (`capabilities.json` in the app's config folder).
async fn probe<R: Runtime>(
    app: &AppHandle<R>,
    client: &TenantClient,
) -> Result<Capabilities, ApiError> {
    let found = probe_tenant(client).await?;
    let file = config_dir(app)?.join("capabilities.json");
    let mut kept: std::collections::BTreeMap<String, Capabilities> =
        json_file::read(&file, "only what each tenant offered").unwrap_or_default();
    kept.insert(found.tenant.clone(), found.clone());
    if let Err(e) = json_file::write(&file, &kept, "what the tenant offers") {
        tracing::warn!(error = %e.message, "what the tenant offers could not be kept");
    }
    Ok(found)
}

/// Keeps the session (one client for all of it), probes the tenant and
/// says who is signed in.
async fn finish<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    tenant: TenantUrl,
    tokens: Arc<TokenSession>,
    sandbox: bool,
) -> Result<SessionInfo, ApiError> {
    let client = Arc::new(TenantClient::with_session(tenant.clone(), tokens.clone())?);
    let me = current_user(&client).await?;
    let capabilities = probe(app, &client).await?;
    let selections = selection_store(app, &tenant, &capabilities)?;
    state.set_selections(Some(selections));
    state.set_session(Some(Session {
        tokens,
        client,
        capabilities: capabilities.clone(),
        me: me.clone(),
    }));
    Ok(SessionInfo {
        tenant,
        user: me.display,
        email: me.email,
        sandbox,
        capabilities,
    })
}

/// What the signed-in tenant offers; `refresh` asks it again.
#[tauri::command]
pub async fn tenant_capabilities<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    refresh: bool,
) -> Result<Capabilities, ApiError> {
    let session = state.session()?;
    if !refresh {
        return Ok(session.capabilities);
    }
    let found = probe(&app, &session.client).await?;
    state.set_capabilities(found.clone());
    Ok(found)
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
            let profile = if crate::consent::current_settings(&app).extended_sandbox {
                Profile::Extended
            } else {
                Profile::Documented
            };
            let config = Config {
                profile,
                ..Config::default()
            };
            let started = Sandbox::start(config).await.map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("The sandbox tenant did not start: {e}"),
                )
            })?;
            tracing::info!(url = %started.base_url, %profile, "sandbox started");
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
    finish(&app, &state, tenant, session, true).await
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
        mine: state.mine(&client).await,
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
        session.tokens.sign_out().await?;
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
