//! IPC commands: each is a thin adapter from a Tauri call to `connassist-core`,
//! returning core types and the shared `{code, message}` error. Every command
//! is declared once, in `command_table.rs`, or the main window cannot call it.
//! What they decide (which session, what a signed-out call answers) runs
//! over a [`Host`], so it is unit-tested without a window.

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
use connassist_sandbox::PUBLIC_CLIENT_ID;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

use crate::host::Host;
use crate::sandbox_tenant;
use crate::state::Session;
use crate::tauri_host::TauriHost;

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
    url: String,
    client_id: String,
) -> Result<SessionInfo, ApiError> {
    connect(&TauriHost(app), url, client_id).await
}

/// [`connect_tenant`] over any host.
pub async fn connect<H: Host>(
    host: &H,
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
                return finish(host, tenant, kept, false).await;
            }
        }
    }
    let tokens = interactive_sign_in(host, &tenant, &client_id).await?;
    let session = Arc::new(TokenSession::save(&tenant, &client_id, tokens, store)?);
    finish(host, tenant, session, false).await
}

/// Signs in through the host's window with the app's scopes and settings.
async fn interactive_sign_in<H: Host>(
    host: &H,
    tenant: &TenantUrl,
    client_id: &str,
) -> Result<connassist_core::auth::sign_in::TokenSet, ApiError> {
    let settings = host.settings();
    host.sign_in(
        tenant,
        client_id,
        &scopes(),
        settings.redirect_ports(),
        settings.consent_timeout(),
    )
    .await
}

/// Attended choices are kept in the tenant where it offers that (the
/// sandbox's extended profile), else in the app's config folder: no public
/// API holds the Assistant's choices.
fn selection_store<H: Host>(
    host: &H,
    tenant: &TenantUrl,
    capabilities: &Capabilities,
) -> Result<SelectionStore, ApiError> {
    if capabilities.has(FeatureId::AttendedChoices) {
        return Ok(SelectionStore::Tenant);
    }
    let dir = host.config_dir()?;
    Ok(SelectionStore::Local {
        file: dir.join(connassist_core::selections::LOCAL_FILE),
        tenant: tenant.url.clone(),
    })
}

pub(crate) fn scopes() -> Vec<&'static str> {
    let mut scopes = vec!["openid", "offline_access"];
    scopes.extend_from_slice(READ_SCOPES);
    scopes
}

/// Finds out what the tenant offers and keeps it per tenant, with the time
/// it was taken (`capabilities.json` in the app's config folder).
async fn probe<H: Host>(host: &H, client: &TenantClient) -> Result<Capabilities, ApiError> {
    let found = probe_tenant(client).await?;
    let file = host.config_dir()?.join("capabilities.json");
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
pub async fn finish<H: Host>(
    host: &H,
    tenant: TenantUrl,
    tokens: Arc<TokenSession>,
    sandbox: bool,
) -> Result<SessionInfo, ApiError> {
    let state = host.state();
    let client = Arc::new(TenantClient::with_session(tenant.clone(), tokens.clone())?);
    let me = current_user(&client).await?;
    let capabilities = probe(host, &client).await?;
    let selections = selection_store(host, &tenant, &capabilities)?;
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
    refresh: bool,
) -> Result<Capabilities, ApiError> {
    let host = TauriHost(app);
    let session = host.state().session()?;
    if !refresh {
        return Ok(session.capabilities);
    }
    let found = probe(&host, &session.client).await?;
    host.state().set_capabilities(found.clone());
    Ok(found)
}

/// Starts the built-in sandbox tenant (once per app run, on the state it
/// kept) and signs in to it through the sign-in window, like any tenant.
#[tauri::command]
pub async fn start_sandbox<R: Runtime>(app: AppHandle<R>) -> Result<SessionInfo, ApiError> {
    let host = TauriHost(app);
    let tenant = sandbox_tenant::ensure_started(&host).await?;
    let tokens = interactive_sign_in(&host, &tenant, PUBLIC_CLIENT_ID).await?;
    // The sandbox's session stays in memory: each launch signs in anew.
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let session = Arc::new(TokenSession::save(
        &tenant,
        PUBLIC_CLIENT_ID,
        tokens,
        store,
    )?);
    finish(&host, tenant, session, true).await
}

/// Puts the sandbox tenant back to its first state: a session signed in to
/// it ends first (its grant goes with the wipe, so a failed revocation does
/// not stop the reset), then [`sandbox_tenant::wipe`].
#[tauri::command]
pub async fn reset_sandbox<R: Runtime>(app: AppHandle<R>) -> Result<(), ApiError> {
    reset(&TauriHost(app)).await
}

/// [`reset_sandbox`] over any host.
pub async fn reset<H: Host>(host: &H) -> Result<(), ApiError> {
    if let Some(url) = sandbox_tenant::running_url(host).await {
        let signed_in_here = host
            .state()
            .session()
            .is_ok_and(|s| s.client.tenant().url == url);
        if signed_in_here {
            if let Err(e) = leave(host).await {
                tracing::warn!(error = %e.message, "the sandbox session was not revoked before the reset");
            }
            *host
                .state()
                .last_health
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = None;
        }
    }
    sandbox_tenant::wipe(host).await
}

/// Lists every connection the session can see, streaming each folder's
/// result to `on_event` as it completes; `folder` narrows to one folder path
/// (and its subfolders), e.g. to retry a folder that failed.
#[tauri::command]
pub async fn list_connections<R: Runtime>(
    app: AppHandle<R>,
    on_event: Channel<ListEvent>,
    folder: Option<String>,
) -> Result<(), ApiError> {
    list_to(&TauriHost(app), folder, |event| {
        // The window may have gone away mid-listing; nothing to do then.
        let _ = on_event.send(event.clone());
    })
    .await
}

/// [`list_connections`] over any host, the user's connections marked.
pub async fn list_to<H: Host>(
    host: &H,
    folder: Option<String>,
    on_event: impl FnMut(&ListEvent),
) -> Result<(), ApiError> {
    let state = host.state();
    let client = state.client()?;
    let options = ListOptions {
        folder,
        mine: state.mine(&client).await,
        ..ListOptions::default()
    };
    list(&client, &options, on_event).await?;
    Ok(())
}

/// Audits every visible process's connection bindings (or one folder's, with
/// its subfolders) and returns the findings, errors first.
#[tauri::command]
pub async fn run_audit<R: Runtime>(
    app: AppHandle<R>,
    folder: Option<String>,
) -> Result<AuditReport, ApiError> {
    let client = TauriHost(app).state().client()?;
    let options = AuditOptions {
        folder,
        ..AuditOptions::default()
    };
    let gathered = gather(&client, &options, |_, _| {}).await?;
    Ok(AuditReport::new(&gathered.input, gathered.problems))
}

/// The signed-in user's attended connection choices, and where they are kept.
#[tauri::command]
pub async fn list_selections<R: Runtime>(app: AppHandle<R>) -> Result<Selections, ApiError> {
    let host = TauriHost(app);
    let client = host.state().client()?;
    host.state().selections()?.list(&client).await
}

/// Picks the connection a binding configurable by users runs with for this
/// user (`connection_id`), or forgets the choice (`None`).
#[tauri::command]
pub async fn choose_connection<R: Runtime>(
    app: AppHandle<R>,
    release_key: String,
    binding_key: String,
    connection_id: Option<String>,
) -> Result<(), ApiError> {
    let host = TauriHost(app);
    let client = host.state().client()?;
    host.state()
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
pub async fn sign_out<R: Runtime>(app: AppHandle<R>) -> Result<(), ApiError> {
    leave(&TauriHost(app)).await
}

/// [`sign_out`] over any host: the background checks end, the tray says
/// nobody is signed in, the session is revoked and forgotten.
pub async fn leave<H: Host>(host: &H) -> Result<(), ApiError> {
    let state = host.state();
    crate::watch::stop(host);
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
