//! Consent flows the user starts from the main window: reconnecting a
//! connection in place and creating a new one, and the settings they use.
//! The flows are core's (`consent::reconnecting`, `consent::creating`: the
//! order of steps, when to poll, the one cancel, the hand-off); this module
//! gives them the app's browser through the host (the provider's page in a
//! `consent-N` window with no IPC and fresh cookies, which reports its
//! navigations, or the system browser) and passes progress to the window.
//! The app never sees a provider's token. A consent by another account is
//! left for the window to ask about (`confirm_reconnect`).

use connassist_core::ApiError;
use connassist_core::consent::creating::{self, CreateStep};
use connassist_core::consent::handoff::Handoff;
use connassist_core::consent::reconnecting;
use connassist_core::consent::{ConnectionRef, ConsentDriver, ConsentView, Offers};
use connassist_core::create::{self, ConnectorInfo, CreateOutcome, FolderChoice, NewConnection};
use connassist_core::reconnect::{self, ReconnectProgress};
use connassist_core::settings::{Settings, SettingsFile};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};
use url::Url;

use crate::host::Host;
use crate::tauri_host::TauriHost;

#[tauri::command]
pub fn get_settings<R: Runtime>(app: AppHandle<R>) -> Result<Settings, ApiError> {
    SettingsFile::in_folder(&TauriHost(app).config_dir()?).load()
}

#[tauri::command]
pub fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    settings: Settings,
) -> Result<Settings, ApiError> {
    save(&TauriHost(app), &settings)
}

/// [`save_settings`] over any host: saved, read back, and a new interval of
/// the background checks takes effect now, not after the next check.
pub fn save<H: Host>(host: &H, settings: &Settings) -> Result<Settings, ApiError> {
    let file = SettingsFile::in_folder(&host.config_dir()?);
    file.save(settings)?;
    let saved = file.load()?;
    crate::watch::restart(host);
    Ok(saved)
}

/// The host's browser for a consent: its own window, or the system browser.
struct HostBrowser<'a, H: Host> {
    host: &'a H,
    system_browser: bool,
}

impl<H: Host> ConsentDriver for HostBrowser<'_, H> {
    fn open(&self, url: &Url, title: &str) -> Result<ConsentView, ApiError> {
        self.host.open_consent(url, title, self.system_browser)
    }
}

/// What the signed-in tenant offers the flows (from its capability probe).
fn offers<H: Host>(host: &H) -> Result<Offers, ApiError> {
    Ok(Offers::from_capabilities(
        &host.state().session()?.capabilities,
    ))
}

/// Reconnects connection `id` (in folder `folder_key`) in place: the
/// provider's consent page opens in a window of its own or in the system
/// browser, and core's flow says how it ended. `on_progress` hears the start
/// at once. A consent by another account comes back either as
/// `needs_confirmation` (a tenant that asks; nothing changes until
/// [`confirm_reconnect`]) or completed with `otherAccount` set (the
/// documented platform, which does not ask).
#[tauri::command]
pub async fn reconnect_connection<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    folder_key: Option<String>,
    system_browser: bool,
    on_progress: Channel<ReconnectProgress>,
) -> Result<ReconnectProgress, ApiError> {
    reconnect_one(&TauriHost(app), id, folder_key, system_browser, |p| {
        // The main window may have gone away; the result still comes back.
        let _ = on_progress.send(p.clone());
    })
    .await
}

/// [`reconnect_connection`] over any host.
pub async fn reconnect_one<H: Host>(
    host: &H,
    id: String,
    folder_key: Option<String>,
    system_browser: bool,
    on_progress: impl FnMut(&ReconnectProgress),
) -> Result<ReconnectProgress, ApiError> {
    let client = host.state().client()?;
    let browser = HostBrowser {
        host,
        system_browser,
    };
    reconnecting::reconnect(
        &client,
        &ConnectionRef { id, folder_key },
        offers(host)?,
        &browser,
        host.settings().consent_timeout(),
        on_progress,
    )
    .await
}

/// Accepts or rejects the other account that consented in a reconnect.
#[tauri::command]
pub async fn confirm_reconnect<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    session_id: String,
    accept: bool,
) -> Result<ReconnectProgress, ApiError> {
    let client = TauriHost(app).state().client()?;
    reconnect::confirm(&client, &id, &session_id, accept).await
}

/// The connector catalogue for "New connection".
#[tauri::command]
pub async fn list_connectors<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Vec<ConnectorInfo>, ApiError> {
    let client = TauriHost(app).state().client()?;
    create::connectors(&client).await
}

/// The folders a new connection may go to, with whether the user may create there.
#[tauri::command]
pub async fn list_create_folders<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Vec<FolderChoice>, ApiError> {
    let client = TauriHost(app).state().client()?;
    create::folders(&client).await
}

/// Creates a connection through core's flow. Where the tenant creates
/// connections through its API (the sandbox's extended profile), types a
/// person signs in to run their consent like a reconnect and the others come
/// back created. Where it does not (every real tenant), the tenant's own
/// page opens on the folder and the new connection is picked up when it
/// appears (`on_handoff` first hears where and what to click).
#[tauri::command]
pub async fn create_connection<R: Runtime>(
    app: AppHandle<R>,
    new: NewConnection,
    system_browser: bool,
    on_progress: Channel<ReconnectProgress>,
    on_handoff: Channel<Handoff>,
) -> Result<CreateOutcome, ApiError> {
    create_one(&TauriHost(app), &new, system_browser, |step| {
        // The main window may have gone away; the result still comes back.
        let _ = match step {
            CreateStep::Handoff(h) => on_handoff.send(h),
            CreateStep::Progress(p) => on_progress.send(*p),
            CreateStep::Consenting { .. } => Ok(()),
        };
    })
    .await
}

/// [`create_connection`] over any host.
pub async fn create_one<H: Host>(
    host: &H,
    new: &NewConnection,
    system_browser: bool,
    on_step: impl FnMut(CreateStep),
) -> Result<CreateOutcome, ApiError> {
    let client = host.state().client()?;
    let browser = HostBrowser {
        host,
        system_browser,
    };
    creating::create_connection(
        &client,
        new,
        offers(host)?,
        &browser,
        host.settings().consent_timeout(),
        on_step,
    )
    .await
}
