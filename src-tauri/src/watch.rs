//! Background checks of the signed-in user's own connections (owned, acting
//! as them, or chosen by them for an attended binding), every
//! `backgroundCheckMinutes` while the app runs, a few seconds after sign-in,
//! and whenever the tray's "Check my connections now" is clicked. Each check
//! is one round of core's `health::round` with only the user's connections
//! (a helpdesk account that sees thousands costs the tenant a handful of
//! pings), recorded in the history it shares with "Check all"; the round
//! says the tray badge and which changes (new failure, recovery, expiry
//! mark) become desktop notifications. This module only hands them to the
//! host.
//!
//! Clicking a notification or the tray's menu asks the window, through the
//! channel it registered with `watch_health`, to show that connection (or
//! the health view): `Host::open_main`.

use std::sync::Arc;
use std::time::Duration;

use connassist_core::ApiError;
use connassist_core::health::round::{Scope, Whose};
use connassist_core::health::watch::OpenRequest;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

use crate::host::{Host, TrayLook};
use crate::state::{AskWindow, Watching};
use crate::tauri_host::TauriHost;

/// The first background check waits this long after sign-in, so the
/// window's own listing goes first.
const FIRST_CHECK_DELAY: Duration = Duration::from_secs(3);

/// Starts (or restarts, with the current settings) the background checks;
/// `on_open` is how the window is asked to show a connection.
#[tauri::command]
pub fn watch_health<R: Runtime>(
    app: AppHandle<R>,
    on_open: Channel<OpenRequest>,
) -> Result<(), ApiError> {
    let ask: AskWindow = Arc::new(move |request| on_open.send(request).map_err(|e| e.to_string()));
    watch(&TauriHost(app), ask)
}

/// [`watch_health`] over any host: signed in, the checks start.
pub fn watch<H: Host>(host: &H, ask_window: AskWindow) -> Result<(), ApiError> {
    host.state().client()?;
    start(host, ask_window);
    Ok(())
}

fn start<H: Host>(host: &H, ask_window: AskWindow) {
    let interval = host.settings().background_interval();
    let now = Arc::new(tokio::sync::Notify::new());
    let task = tauri::async_runtime::spawn(run(host.clone(), interval, now.clone()));
    let old = host
        .state()
        .watching
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .replace(Watching {
            task,
            now,
            ask_window,
        });
    match old {
        // Restarted with new settings: what the last check found stands.
        Some(old) => old.task.abort(),
        None => host.show_tray(TrayLook::Unchecked),
    }
    tracing::info!(every = ?interval, "background checks started");
}

/// Restarts the checks after the settings changed (when signed in).
pub fn restart<H: Host>(host: &H) {
    let ask = host
        .state()
        .watching
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|w| w.ask_window.clone());
    if let Some(ask) = ask {
        start(host, ask);
    }
}

/// Ends the checks (sign-out) and clears the badge.
pub fn stop<H: Host>(host: &H) {
    if let Some(old) = host
        .state()
        .watching
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
    {
        old.task.abort();
    }
    host.show_tray(TrayLook::SignedOut);
}

/// Runs a check now (the tray's menu); opens the window when signed out.
pub fn check_now<H: Host>(host: &H) {
    let now = host
        .state()
        .watching
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|w| w.now.clone());
    match now {
        Some(now) => now.notify_one(),
        None => host.open_main(None, false),
    }
}

async fn run<H: Host>(host: H, interval: Option<Duration>, now: Arc<tokio::sync::Notify>) {
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
        match check_mine(&host).await {
            Ok(n) => tracing::info!(checked = n, "background check done"),
            Err(e) => tracing::warn!(error = %e.message, "background check failed"),
        }
    }
}

/// Checks the user's connections, shows the badge and notifies what
/// changed; returns how many were checked.
pub async fn check_mine<H: Host>(host: &H) -> Result<usize, ApiError> {
    let state = host.state();
    let session = state.session()?;
    let selections = state.selections().ok();
    let whose = Whose::User {
        me: &session.me,
        selections: selections.as_ref(),
    };
    let scope = Scope {
        only_mine: true,
        ..Scope::default()
    };
    let round = host
        .health_rounds()?
        .run(&session.client, whose, &scope, |_| {})
        .await?;
    for e in &round.errors {
        tracing::warn!(folder = %e.folder.path, error = %e.error.message, "folder not checked in the background");
    }
    host.show_tray(TrayLook::Checked {
        broken: round.badge(),
    });
    for notice in round.notices() {
        host.notify(notice);
    }
    Ok(round.results.len())
}
