//! The helpdesk's "Check all": lists every visible connection (or one
//! folder's), pings them through core's bounded check and streams the results
//! to the window in batches; "Stop" ends it, keeping what was shown. The
//! results are kept for "Export", which writes core's CSV or JSON to the path
//! the user chose in the save dialog.

use connassist_core::connections::{ListOptions, list};
use connassist_core::health::{self, HealthEvent, HealthSummary};
use connassist_core::{ApiError, ErrorCode};
use tauri::State;
use tauri::ipc::Channel;

use connassist_core::health::export::{self, ExportFormat, HealthReport};

use crate::state::{AppState, LastHealth};

fn keep<T>(state: &AppState, change: impl FnOnce(&mut LastHealth) -> T) -> T {
    let mut slot = state.last_health.lock().unwrap_or_else(|p| p.into_inner());
    change(slot.get_or_insert_with(LastHealth::default))
}

#[tauri::command]
pub async fn check_health(
    state: State<'_, AppState>,
    folder: Option<String>,
    on_event: Channel<HealthEvent>,
) -> Result<HealthSummary, ApiError> {
    let client = state.client()?;
    let stop = state.new_health_run();
    *state.last_health.lock().unwrap_or_else(|p| p.into_inner()) = Some(LastHealth::default());
    let run = async {
        let options = ListOptions {
            folder,
            ..ListOptions::default()
        };
        let listing = list(&client, &options, |_| {}).await?;
        // The window may have gone away; the check still ends normally.
        let _ = on_event.send(HealthEvent::Started {
            total: listing.connections.len(),
        });
        for e in listing.errors {
            keep(&state, |h| h.errors.push(e.clone()));
            let _ = on_event.send(HealthEvent::FolderFailed(e));
        }
        let summary = health::check(&client, listing.connections, 0, |batch| {
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
