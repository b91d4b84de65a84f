//! Consent flows the user starts from the main window: reconnecting a
//! connection in place and creating a new one. The flow is core's
//! (`connassist_core::consent`); this module gives it the app's browsers:
//! the provider's page in a `consent-N` window (no IPC, fresh cookies), which
//! reports its navigations, or the system browser. The app never sees a
//! provider's token. Closing the window, or the time running out, ends the
//! wait; the session is cancelled at the tenant where it offers that.

use std::time::Duration;

use connassist_core::capabilities::FeatureId;
use connassist_core::consent::flow::Started;
use connassist_core::consent::handoff::{self, Handoff};
use connassist_core::consent::{
    ConnectionRef, ConsentDriver, ConsentView, FlowOptions, Observed, run_consent, start_reconnect,
};
use connassist_core::create::{
    self, ConnectorInfo, CreateOutcome, Created, FolderChoice, NewConnection,
};
use connassist_core::reconnect::{self, ReconnectProgress};
use connassist_core::settings::{Settings, SettingsFile};
use connassist_core::{ApiError, ErrorCode};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};
use tokio::sync::mpsc;
use url::Url;

use crate::sign_in_window::{self, Seen};
use crate::state::AppState;

fn settings_file<R: Runtime>(app: &AppHandle<R>) -> Result<SettingsFile, ApiError> {
    let dir = app.path().app_config_dir().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("No folder for the app's settings: {e}"),
        )
    })?;
    Ok(SettingsFile::in_folder(&dir))
}

/// The saved settings, or the defaults when they cannot be read (said in the
/// log: a consent must not fail because of a damaged settings file).
pub fn current_settings<R: Runtime>(app: &AppHandle<R>) -> Settings {
    match settings_file(app).and_then(|f| f.load()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e.message, "settings unreadable; using the defaults");
            Settings::default()
        }
    }
}

#[tauri::command]
pub fn get_settings<R: Runtime>(app: AppHandle<R>) -> Result<Settings, ApiError> {
    settings_file(&app)?.load()
}

#[tauri::command]
pub fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    settings: Settings,
) -> Result<Settings, ApiError> {
    let file = settings_file(&app)?;
    file.save(&settings)?;
    let saved = file.load()?;
    // A new interval takes effect now, not after the next check.
    crate::watch::restart(&app);
    Ok(saved)
}

/// The app's browsers for a consent: its own window (`consent-N`: no IPC,
/// fresh cookies), which reports every navigation, or the system browser,
/// which reports nothing (for providers that refuse embedded browsers).
struct AppBrowser<R: Runtime> {
    app: AppHandle<R>,
    system_browser: bool,
}

impl<R: Runtime> ConsentDriver for AppBrowser<R> {
    fn open(&self, url: &Url, title: &str) -> Result<ConsentView, ApiError> {
        if self.system_browser {
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
            &self.app,
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
}

fn flow_options<R: Runtime>(app: &AppHandle<R>, state: &AppState, title: &str) -> FlowOptions {
    let session_status = state
        .session()
        .is_ok_and(|s| s.capabilities.has(FeatureId::ConsentSessionStatus));
    FlowOptions {
        timeout: current_settings(app).consent_timeout(),
        poll_every: Duration::from_millis(700),
        session_status,
        title: title.to_owned(),
    }
}

/// Reconnects connection `id` (in folder `folder_key`) in place: the
/// provider's consent page opens in a window of its own or in the system
/// browser, and core's consent flow says how it ended. `on_progress` hears
/// the start at once. A consent by another account comes back either as
/// `needs_confirmation` (a tenant that asks; nothing changes until
/// [`confirm_reconnect`]) or completed with `otherAccount` set (the
/// documented platform, which does not ask).
#[tauri::command]
pub async fn reconnect_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    folder_key: Option<String>,
    system_browser: bool,
    on_progress: Channel<ReconnectProgress>,
) -> Result<ReconnectProgress, ApiError> {
    let client = state.client()?;
    let target = ConnectionRef { id, folder_key };
    let started = start_reconnect(&client, &target).await?;
    let options = flow_options(&app, &state, "Reconnect · Connections Assistant");
    let browser = AppBrowser {
        app: app.clone(),
        system_browser,
    };
    run_consent(&client, &started, &browser, &options, |p| {
        // The main window may have gone away; the result still comes back.
        let _ = on_progress.send(p.clone());
    })
    .await
}

/// Accepts or rejects the other account that consented in a reconnect.
#[tauri::command]
pub async fn confirm_reconnect(
    state: State<'_, AppState>,
    id: String,
    session_id: String,
    accept: bool,
) -> Result<ReconnectProgress, ApiError> {
    let client = state.client()?;
    reconnect::confirm(&client, &id, &session_id, accept).await
}

/// The connector catalogue for "New connection".
#[tauri::command]
pub async fn list_connectors(state: State<'_, AppState>) -> Result<Vec<ConnectorInfo>, ApiError> {
    create::connectors(&*state.client()?).await
}

/// The folders a new connection may go to, with whether the user may create there.
#[tauri::command]
pub async fn list_create_folders(
    state: State<'_, AppState>,
) -> Result<Vec<FolderChoice>, ApiError> {
    create::folders(&*state.client()?).await
}

/// Creates a connection. Where the tenant creates connections through its
/// API (the sandbox's extended profile), types a person signs in to run
/// their consent like a reconnect and the others come back created. Where it
/// does not (every real tenant), the tenant's own page opens on the folder
/// and the new connection is picked up when it appears (`on_handoff` first
/// hears where and what to click).
#[tauri::command]
pub async fn create_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    new: NewConnection,
    system_browser: bool,
    on_progress: Channel<ReconnectProgress>,
    on_handoff: Channel<Handoff>,
) -> Result<CreateOutcome, ApiError> {
    let session = state.session()?;
    let client = session.client.clone();
    let browser = AppBrowser {
        app: app.clone(),
        system_browser,
    };
    if !session.capabilities.has(FeatureId::CreateInApp) {
        let folder = create::folders(&client)
            .await?
            .into_iter()
            .map(|c| c.folder)
            .find(|f| f.key == new.folder_key.trim())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    "That folder is not among those you can see; refresh and try again.",
                )
            })?;
        let handoff = handoff::page(&client, &folder, &new.connector_key).await?;
        let _ = on_handoff.send(handoff.clone());
        let options = flow_options(&app, &state, "New connection · Connections Assistant");
        let connection = handoff::create_on_tenant_page(
            &client,
            &folder,
            &new.connector_key,
            &handoff,
            &browser,
            &options,
        )
        .await?;
        return Ok(CreateOutcome::Created { connection });
    }
    match create::create(&client, &new).await? {
        Created::Connection(connection) => Ok(CreateOutcome::Created {
            connection: *connection,
        }),
        Created::Consent(auth) => {
            let started = Started {
                session: auth,
                folder_key: new.folder_key.clone(),
                before: None,
            };
            let options = flow_options(&app, &state, "New connection · Connections Assistant");
            let progress = run_consent(&client, &started, &browser, &options, |p| {
                let _ = on_progress.send(p.clone());
            })
            .await?;
            Ok(CreateOutcome::Consent {
                connection_id: started.session.connection_id,
                progress: progress.for_new_connection(),
            })
        }
    }
}
