//! The helpdesk's "Check all": lists every visible connection (or one
//! folder's), pings them through core's bounded check and streams the results
//! to the window in batches; "Stop" ends it, keeping what was shown.

use connassist_core::connections::{ListOptions, list};
use connassist_core::health::{self, HealthEvent, HealthSummary};
use connassist_core::{ApiError, ErrorCode};
use tauri::State;
use tauri::ipc::Channel;

use crate::state::AppState;

#[tauri::command]
pub async fn check_health(
    state: State<'_, AppState>,
    folder: Option<String>,
    on_event: Channel<HealthEvent>,
) -> Result<HealthSummary, ApiError> {
    let client = state.client()?;
    let stop = state.new_health_run();
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
            let _ = on_event.send(HealthEvent::FolderFailed(e));
        }
        Ok::<_, ApiError>(
            health::check(&client, listing.connections, 0, |batch| {
                let _ = on_event.send(HealthEvent::Results(batch));
            })
            .await,
        )
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
