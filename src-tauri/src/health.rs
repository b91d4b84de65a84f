//! The helpdesk's "Check all": one round of core's `health::round` over
//! every visible connection (or one folder's), streamed to the window in
//! batches; "Stop" ends it, keeping what was shown. The results are kept for
//! "Export", which writes core's CSV or JSON to the path the user chose in
//! the save dialog. A full check (no folder) also sets the tray's badge. The
//! history and the recorded expiry dates are the round's, shared with the
//! background checks (`watch`).

use std::collections::BTreeMap;

use connassist_core::health::export::{self, ExportFormat, HealthReport};
use connassist_core::health::round::{Scope, Whose};
use connassist_core::health::{HealthEvent, HealthSummary};
use connassist_core::{ApiError, ErrorCode};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

use crate::host::{Host, TrayLook};
use crate::state::{AppState, LastHealth};
use crate::tauri_host::TauriHost;

fn keep<T>(state: &AppState, change: impl FnOnce(&mut LastHealth) -> T) -> T {
    let mut slot = state.last_health.lock().unwrap_or_else(|p| p.into_inner());
    change(slot.get_or_insert_with(LastHealth::default))
}

#[tauri::command]
pub async fn check_health<R: Runtime>(
    app: AppHandle<R>,
    folder: Option<String>,
    on_event: Channel<HealthEvent>,
) -> Result<HealthSummary, ApiError> {
    check(&TauriHost(app), folder, |e| {
        // The window may have gone away; the check still ends normally.
        let _ = on_event.send(e);
    })
    .await
}

/// [`check_health`] over any host: `tell` hears the round's events.
pub async fn check<H: Host>(
    host: &H,
    folder: Option<String>,
    mut tell: impl FnMut(HealthEvent),
) -> Result<HealthSummary, ApiError> {
    let state = host.state();
    let session = state.session()?;
    let rounds = host.health_rounds()?;
    let everywhere = folder.is_none();
    let stop = state.new_health_run();
    *state.last_health.lock().unwrap_or_else(|p| p.into_inner()) = Some(LastHealth::default());
    let selections = state.selections().ok();
    let whose = Whose::User {
        me: &session.me,
        selections: selections.as_ref(),
    };
    let scope = Scope {
        folder,
        ..Scope::default()
    };
    let run = rounds.run(&session.client, whose, &scope, |event| {
        match &event {
            HealthEvent::FolderFailed(e) => keep(state, |h| h.errors.push(e.clone())),
            HealthEvent::Results(batch) => keep(state, |h| {
                for r in batch {
                    h.summary.add(r);
                }
                h.results.extend(batch.iter().cloned());
            }),
            HealthEvent::Started { .. } => {}
        }
        tell(event);
    });
    let outcome = tokio::select! {
        done = run => done,
        () = stop.notified() => Err(ApiError::new(
            ErrorCode::Cancelled,
            "The check was stopped; the connections checked so far are shown.",
        )),
    };
    state.end_health_run(&stop);
    let round = outcome?;
    if everywhere {
        // A full check counts the user's broken connections as well as a
        // background one: the tray's badge follows.
        host.show_tray(TrayLook::Checked {
            broken: round.badge(),
        });
    }
    let s = &round.summary;
    tracing::info!(
        checked = s.checked,
        broken = s.broken,
        expiring = s.expiring_soon,
        "health checked"
    );
    Ok(round.summary)
}

/// Stops the health check in progress.
#[tauri::command]
pub fn stop_health<R: Runtime>(app: AppHandle<R>) -> bool {
    TauriHost(app).state().stop_health()
}

/// Writes the latest check's results to `path` as CSV or JSON (through a
/// temporary file and a rename). Returns how many connections were written.
#[tauri::command]
pub fn export_health<R: Runtime>(
    app: AppHandle<R>,
    path: String,
    format: ExportFormat,
) -> Result<usize, ApiError> {
    export_to(&TauriHost(app), path, format)
}

/// [`export_health`] over any host.
pub fn export_to<H: Host>(host: &H, path: String, format: ExportFormat) -> Result<usize, ApiError> {
    let Some(mut last) = host
        .state()
        .last_health
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
    else {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "Nothing to export yet: run \"Check all\" first.",
        ));
    };
    export::sort(&mut last.results);
    let text = match format {
        ExportFormat::Csv => export::csv(&last.results),
        ExportFormat::Json => export::json(&HealthReport {
            summary: &last.summary,
            results: &last.results,
            errors: &last.errors,
        }),
    }
    .map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("The report could not be written: {e}"),
        )
    })?;
    let path = std::path::PathBuf::from(path);
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "Cannot write {}: {e}. Choose another place.",
                    path.display()
                ),
            )
        })?;
    tracing::info!(rows = last.results.len(), ?format, "health exported");
    Ok(last.results.len())
}

/// Forgets every earlier check ("failing since" starts again).
#[tauri::command]
pub fn clear_health_history<R: Runtime>(app: AppHandle<R>) -> Result<(), ApiError> {
    TauriHost(app).health_rounds()?.clear_history()
}

/// Dates recorded by hand for app secrets the tenant does not report, by connection id.
#[tauri::command]
pub fn list_recorded_expiries<R: Runtime>(
    app: AppHandle<R>,
) -> Result<BTreeMap<String, String>, ApiError> {
    recorded_expiries(&TauriHost(app))
}

/// [`list_recorded_expiries`] over any host (signed in).
pub fn recorded_expiries<H: Host>(host: &H) -> Result<BTreeMap<String, String>, ApiError> {
    let client = host.state().client()?;
    host.health_rounds()?.recorded(&client)?.all()
}

/// Records when connection `id`'s secret or certificate expires (`null` forgets it).
#[tauri::command]
pub fn record_secret_expiry<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    date: Option<String>,
) -> Result<(), ApiError> {
    record_expiry(&TauriHost(app), &id, date.as_deref())
}

/// [`record_secret_expiry`] over any host (signed in).
pub fn record_expiry<H: Host>(host: &H, id: &str, date: Option<&str>) -> Result<(), ApiError> {
    let client = host.state().client()?;
    host.health_rounds()?.recorded(&client)?.record(id, date)
}
