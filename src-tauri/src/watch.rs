//! Background checks of the signed-in user's own connections (owned, acting
//! as them, or chosen by them for an attended binding), every
//! `backgroundCheckMinutes` while the app runs, a few seconds after sign-in,
//! and whenever the tray's "Check my connections now" is clicked. Only those
//! connections are pinged, so a helpdesk account that sees thousands costs
//! the tenant a handful of pings. Each check is recorded in the health
//! history; core's `health::watch` decides the tray badge and which changes
//! (new failure, recovery, expiry mark) become desktop notifications.
//!
//! Clicking a notification or the tray's menu asks the window, through the
//! channel it registered with `watch_health`, to show that connection (or
//! the health view). tauri-plugin-notification cannot report a click on
//! desktop (plugins-workspace#2150), so on Linux the notification is sent
//! with notify-rust, the crate the plugin itself uses there, with a default
//! action whose invocation we wait for; elsewhere the plugin shows it.

use std::sync::Arc;
use std::time::Duration;

use connassist_core::ApiError;
use connassist_core::connections::{ConnectionRow, ListOptions, list};
use connassist_core::health::watch::{self as decide, Notice, OpenRequest};
use connassist_core::health::{self, HealthResult};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::state::AppState;
use crate::{MAIN_WINDOW, health as checks, tray};

/// The first background check waits this long after sign-in, so the
/// window's own listing goes first.
const FIRST_CHECK_DELAY: Duration = Duration::from_secs(3);

/// The running background checks of the signed-in session.
pub struct Watching {
    task: tauri::async_runtime::JoinHandle<()>,
    now: Arc<tokio::sync::Notify>,
    opens: Channel<OpenRequest>,
}

impl std::fmt::Debug for Watching {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watching").finish_non_exhaustive()
    }
}

/// Starts (or restarts, with the current settings) the background checks;
/// `on_open` is how the window is asked to show a connection.
#[tauri::command]
pub fn watch_health<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    on_open: Channel<OpenRequest>,
) -> Result<(), ApiError> {
    state.client()?;
    start(&app, &state, on_open);
    Ok(())
}

fn start<R: Runtime>(app: &AppHandle<R>, state: &AppState, opens: Channel<OpenRequest>) {
    let interval = crate::consent::current_settings(app).background_interval();
    let now = Arc::new(tokio::sync::Notify::new());
    let task = tauri::async_runtime::spawn(run(app.clone(), interval, now.clone()));
    let old = state
        .watching
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .replace(Watching { task, now, opens });
    match old {
        // Restarted with new settings: what the last check found stands.
        Some(old) => old.task.abort(),
        None => tray::show_unchecked(app),
    }
    tracing::info!(every = ?interval, "background checks started");
}

/// Restarts the checks after the settings changed (when signed in).
pub fn restart<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let opens = state
        .watching
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|w| w.opens.clone());
    if let Some(opens) = opens {
        start(app, &state, opens);
    }
}

/// Ends the checks (sign-out) and clears the badge.
pub fn stop<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    if let Some(old) = state
        .watching
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
    {
        old.task.abort();
    }
    tray::show_signed_out(app);
}

/// Runs a check now (the tray's menu); opens the window when signed out.
pub fn check_now<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let slot = state.watching.lock().unwrap_or_else(|p| p.into_inner());
    match slot.as_ref() {
        Some(w) => w.now.notify_one(),
        None => {
            drop(slot);
            open(app, None, false);
        }
    }
}

async fn run<R: Runtime>(
    app: AppHandle<R>,
    interval: Option<Duration>,
    now: Arc<tokio::sync::Notify>,
) {
    let mut wait = interval.map(|_| FIRST_CHECK_DELAY);
    loop {
        match wait {
            Some(d) => tokio::select! {
                () = tokio::time::sleep(d) => {}
                () = now.notified() => {}
            },
            // Off: only "Check now" runs one.
            None => now.notified().await,
        }
        wait = interval;
        match check_mine(&app).await {
            Ok(n) => tracing::info!(checked = n, "background check done"),
            Err(e) => tracing::warn!(error = %e.message, "background check failed"),
        }
    }
}

/// Checks the user's connections; returns how many were checked.
async fn check_mine<R: Runtime>(app: &AppHandle<R>) -> Result<usize, ApiError> {
    let state = app.state::<AppState>();
    let client = state.client()?;
    let mine = state.mine(&client).await;
    let mut listing = list(&client, &ListOptions::default(), |_| {}).await?;
    for e in &listing.errors {
        tracing::warn!(folder = %e.folder.path, error = %e.error.message, "folder not checked in the background");
    }
    checks::apply_recorded(app, &state, &mut listing.connections);
    let rows: Vec<ConnectionRow> = listing
        .connections
        .into_iter()
        .filter(|r| mine.owns(r))
        .collect();
    let mut results: Vec<HealthResult> = Vec::with_capacity(rows.len());
    health::check(&client, rows, 0, |mut batch| {
        checks::record(app, &state, &mut batch);
        results.append(&mut batch);
    })
    .await;
    tray::show_badge(app, decide::badge(&results, &mine));
    for notice in decide::notices(&decide::changes(&results, &mine)) {
        notify(app, notice);
    }
    Ok(results.len())
}

/// Shows the main window and asks it to open `connection_id` (or the health
/// view when `health`, else nothing more).
pub fn open<R: Runtime>(app: &AppHandle<R>, connection_id: Option<String>, health: bool) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        // Best effort: a window manager may refuse focus.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if connection_id.is_none() && !health {
        return;
    }
    let state = app.state::<AppState>();
    let slot = state.watching.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(w) = slot.as_ref()
        && let Err(e) = w.opens.send(OpenRequest { connection_id })
    {
        tracing::warn!(error = %e, "the window could not be asked to open the connection");
    }
}

/// Sends `notice` as a desktop notification; clicking it opens its connection.
#[cfg(target_os = "linux")]
fn notify<R: Runtime>(app: &AppHandle<R>, notice: Notice) {
    let app = app.clone();
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
                    open(&app, notice.connection_id.clone(), true);
                }
            }),
            Err(e) => {
                tracing::warn!(error = %e, "no desktop notification (is a notification daemon running?)")
            }
        }
    });
}

/// Notification servers may read the body as markup: names with `&` or `<`
/// must show as typed.
#[cfg(target_os = "linux")]
fn markup_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(not(target_os = "linux"))]
fn notify<R: Runtime>(app: &AppHandle<R>, notice: Notice) {
    use tauri_plugin_notification::NotificationExt;
    if let Err(e) = app
        .notification()
        .builder()
        .title(&notice.title)
        .body(&notice.body)
        .show()
    {
        tracing::warn!(error = %e, "no desktop notification");
    }
}
