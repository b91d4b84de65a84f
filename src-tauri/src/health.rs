//! The helpdesk's "Check all": lists every visible connection (or one
//! folder's), pings them through core's bounded check and streams the results
//! to the window in batches; "Stop" ends it, keeping what was shown. The
//! results are kept for "Export", which writes core's CSV or JSON to the path
//! the user chose in the save dialog. A full check (no folder) also sets the
//! tray's badge; the background checks (`watch`) share the history and the
//! recorded expiry dates through [`record`] and [`apply_recorded`].

use connassist_core::connections::ConnectionRow;
use connassist_core::connections::{ListOptions, list};
use connassist_core::health::history::History;
use connassist_core::health::recorded::RecordedExpiries;
use connassist_core::health::watch;
use connassist_core::health::{self, HealthEvent, HealthResult, HealthSummary};
use connassist_core::{ApiError, ErrorCode};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use connassist_core::health::export::{self, ExportFormat, HealthReport};

use crate::state::{AppState, LastHealth};

fn keep<T>(state: &AppState, change: impl FnOnce(&mut LastHealth) -> T) -> T {
    let mut slot = state.last_health.lock().unwrap_or_else(|p| p.into_inner());
    change(slot.get_or_insert_with(LastHealth::default))
}

/// Runs `f` on the history, opening it first; a history that cannot be used
/// is logged and skipped (the check itself must not fail for it).
pub(crate) fn with_history<R: Runtime, T>(
    app: &AppHandle<R>,
    state: &AppState,
    f: impl FnOnce(&mut History) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut slot = state
        .health_history
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if slot.is_none() {
        let dir = app.path().app_data_dir().map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("No folder for the app's data: {e}"),
            )
        })?;
        *slot = Some(History::open(&dir.join("health.sqlite3"))?);
    }
    match slot.as_mut() {
        Some(h) => f(h),
        None => Err(ApiError::new(
            ErrorCode::Internal,
            "The health history is not open.",
        )),
    }
}

#[tauri::command]
pub async fn check_health<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    folder: Option<String>,
    on_event: Channel<HealthEvent>,
) -> Result<HealthSummary, ApiError> {
    let client = state.client()?;
    let everywhere = folder.is_none();
    let stop = state.new_health_run();
    *state.last_health.lock().unwrap_or_else(|p| p.into_inner()) = Some(LastHealth::default());
    let mine = state.mine(&client).await;
    let run = async {
        let options = ListOptions {
            folder,
            mine: mine.clone(),
            ..ListOptions::default()
        };
        let mut listing = list(&client, &options, |_| {}).await?;
        apply_recorded(&app, &state, &mut listing.connections);
        // The window may have gone away; the check still ends normally.
        let _ = on_event.send(HealthEvent::Started {
            total: listing.connections.len(),
        });
        for e in listing.errors {
            keep(&state, |h| h.errors.push(e.clone()));
            let _ = on_event.send(HealthEvent::FolderFailed(e));
        }
        let summary = health::check(&client, listing.connections, 0, |mut batch| {
            record(&app, &state, &mut batch);
            keep(&state, |h| {
                for r in &batch {
                    h.summary.add(r);
                }
                h.results.extend(batch.iter().cloned());
            });
            let _ = on_event.send(HealthEvent::Results(batch));
        })
        .await;
        Ok::<_, ApiError>(summary)
    };
    let outcome = tokio::select! {
        done = run => done,
        () = stop.notified() => Err(ApiError::new(
            ErrorCode::Cancelled,
            "The check was stopped; the connections checked so far are shown.",
        )),
    };
    state.end_health_run(&stop);
    if outcome.is_ok() && everywhere {
        // A full check counts the user's broken connections as well as a
        // background one: the tray's badge follows.
        let broken = keep(&state, |h| watch::badge(&h.results, &mine));
        crate::tray::show_badge(&app, broken);
    }
    if let Ok(s) = &outcome {
        tracing::info!(
            checked = s.checked,
            broken = s.broken,
            expiring = s.expiring_soon,
            "health checked"
        );
    }
    outcome
}

/// Stops the health check in progress.
#[tauri::command]
pub fn stop_health(state: State<'_, AppState>) -> bool {
    state.stop_health()
}

/// Writes the latest check's results to `path` as CSV or JSON (through a
/// temporary file and a rename). Returns how many connections were written.
#[tauri::command]
pub fn export_health(
    state: State<'_, AppState>,
    path: String,
    format: ExportFormat,
) -> Result<usize, ApiError> {
    let Some(mut last) = state
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
pub fn clear_health_history<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), ApiError> {
    with_history(&app, &state, |h| h.clear())
}

/// Fills in the secret expiry dates recorded on this computer (logged and
/// skipped when they cannot be read: the check goes on without them).
pub fn apply_recorded<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    rows: &mut [ConnectionRow],
) {
    let applied = recorded(app, state).and_then(|r| r.apply(rows));
    if let Err(e) = applied {
        tracing::warn!(error = %e.message, "recorded expiry dates skipped");
    }
}

/// Adds `batch` to the history, filling in what earlier checks found
/// (logged and skipped when the history cannot be used).
pub fn record<R: Runtime>(app: &AppHandle<R>, state: &AppState, batch: &mut [HealthResult]) {
    if let Err(e) = with_history(app, state, |h| h.annotate_and_record(batch)) {
        tracing::warn!(error = %e.message, "health history skipped");
    }
}

/// The expiry dates recorded on this computer for the signed-in tenant.
fn recorded<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
) -> Result<RecordedExpiries, ApiError> {
    let dir = app.path().app_config_dir().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("No folder for the app's settings: {e}"),
        )
    })?;
    let client = state.client()?;
    Ok(RecordedExpiries::new(&dir, client.tenant().url.as_str()))
}

/// Dates recorded by hand for app secrets the tenant does not report, by connection id.
#[tauri::command]
pub fn list_recorded_expiries<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    recorded(&app, &state)?.all()
}

/// Records when connection `id`'s secret or certificate expires (`null` forgets it).
#[tauri::command]
pub fn record_secret_expiry<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    date: Option<String>,
) -> Result<(), ApiError> {
    recorded(&app, &state)?.record(&id, date.as_deref())
}
