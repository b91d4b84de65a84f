//! Consent flows the user starts from the main window: reconnecting a
//! connection in place and creating a new one. Both end in the same runner:
//! the provider's page opens in a `consent-N` window (no IPC, fresh cookies)
//! or in the system browser, and the tenant tells us the outcome; the app
//! never sees a provider's token.
//!
//! When the window is closed or the time runs out before the provider has
//! answered, the session is cancelled at the tenant (`DELETE …/auth/{id}`), so
//! a consent finished later in a forgotten tab stores nothing.

use std::time::Duration;

use connassist_core::create::{
    self, ConnectorInfo, CreateOutcome, Created, FolderChoice, NewConnection,
};
use connassist_core::reconnect::{self, AuthSession, ReconnectProgress, ReconnectStatus};
use connassist_core::settings::{Settings, SettingsFile};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::sign_in_window::{self, Ended};
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

/// Runs the consent of `session` to its end and reports how it ended.
async fn run_consent<R: Runtime>(
    app: &AppHandle<R>,
    client: &TenantClient,
    session: &AuthSession,
    system_browser: bool,
    title: &str,
    on_progress: &Channel<ReconnectProgress>,
) -> Result<ReconnectProgress, ApiError> {
    let (id, session_id) = (&session.connection_id, &session.session_id);
    let before = reconnect::status(client, id, session_id).await?;
    // The main window may have gone away; the result still comes back below.
    let _ = on_progress.send(before);
    let timeout = current_settings(app).consent_timeout();
    let ended = if system_browser {
        open::that_detached(session.auth_url.as_str()).map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("The system browser could not be opened ({e}); try the embedded window."),
            )
        })?;
        match reconnect::wait(client, session, Duration::from_secs(1), timeout).await {
            Ok(progress) => return Ok(progress),
            Err(e) if e.code == ErrorCode::Cancelled => Ended::TimedOut,
            Err(e) => return Err(e),
        }
    } else {
        let (done_url, done_session) = (session.auth_url.clone(), session_id.clone());
        sign_in_window::run_window(
            app,
            "consent",
            title,
            session.auth_url.clone(),
            move |url| reconnect::is_done_page(&done_url, url, &done_session),
            timeout,
        )
        .await?
    };
    let now = reconnect::status(client, id, session_id).await?;
    if now.status != ReconnectStatus::Pending {
        tracing::info!(status = ?now.status, "consent ended");
        return Ok(now);
    }
    // Nobody finished: make sure a late answer stores nothing.
    if let Err(e) = reconnect::cancel(client, id, session_id).await {
        tracing::warn!(error = %e.message, "the consent session could not be cancelled");
    }
    let why = match ended {
        Ended::TimedOut => format!(
            "The consent was not finished within {}; nothing was stored. Start it again.",
            connassist_core::settings::in_words(timeout)
        ),
        _ => "The consent window was closed before the provider answered; nothing was stored."
            .to_owned(),
    };
    Err(ApiError::new(ErrorCode::Cancelled, why))
}

/// Reconnects connection `id` in place: the provider's consent page opens in a
/// window of its own (label `consent-N`: no IPC, fresh cookies), or in the
/// system browser for providers that refuse embedded browsers. `on_progress`
/// first gets the session with the scope difference, before the user consents.
/// A consent by another account comes back as `needs_confirmation`: nothing
/// changes until [`confirm_reconnect`].
#[tauri::command]
pub async fn reconnect_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    system_browser: bool,
    on_progress: Channel<ReconnectProgress>,
) -> Result<ReconnectProgress, ApiError> {
    let client = state.client()?;
    let session = reconnect::start(&client, &id).await?;
    run_consent(
        &app,
        &client,
        &session,
        system_browser,
        "Reconnect · Connections Assistant",
        &on_progress,
    )
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
    create::connectors(&state.client()?).await
}

/// The folders a new connection may go to, with whether the user may create there.
#[tauri::command]
pub async fn list_create_folders(
    state: State<'_, AppState>,
) -> Result<Vec<FolderChoice>, ApiError> {
    create::folders(&state.client()?).await
}

/// Creates a connection. Types a person signs in to run their consent like a
/// reconnect (the connection exists once the provider has answered); the
/// others are checked by the tenant and come back created.
#[tauri::command]
pub async fn create_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    new: NewConnection,
    system_browser: bool,
    on_progress: Channel<ReconnectProgress>,
) -> Result<CreateOutcome, ApiError> {
    let client = state.client()?;
    match create::create(&client, &new).await? {
        Created::Connection(connection) => Ok(CreateOutcome::Created {
            connection: *connection,
        }),
        Created::Consent(session) => {
            let progress = run_consent(
                &app,
                &client,
                &session,
                system_browser,
                "New connection · Connections Assistant",
                &on_progress,
            )
            .await?;
            Ok(CreateOutcome::Consent {
                connection_id: session.connection_id,
                progress,
            })
        }
    }
}
