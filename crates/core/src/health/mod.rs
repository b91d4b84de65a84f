//! Connection health at scale: every visible connection pinged through the
//! tenant (`GET Connections/{id}/ping`, scoped to its folder) with bounded
//! concurrency, each answer judged ([`judge`]) into a status of the failure
//! catalogue with its cause and fix, plus the early warnings (idle Microsoft
//! sign-ins, app secrets near expiry). Results arrive in batches of whatever
//! is ready, so a GUI updates a few times a second rather than per row, and a
//! CLI can stream them.
//!
//! A ping that cannot be made (after the client's retries) does not lose the
//! row: the connection's recorded state stands, marked as such, with why the
//! ping failed (`ping_error`). A tenant
//! answering 429 slows every request of the client, not only that one
//! ([`crate::tenant_client`]'s shared pause), so the run slows down instead
//! of failing rows.

pub mod export;
pub mod history;
pub mod judge;
pub mod recorded;
pub mod round;
pub mod watch;

use futures::StreamExt;
use serde::Serialize;
use ts_rs::TS;

pub use judge::{Evidence, HealthResult, Ping, judge};

use crate::connections::ConnectionRow;
use crate::error::ApiError;
use crate::failure::FailureStatus;
use crate::tenant_client::{TenantClient, TenantError};

/// What a GUI is told while a check runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum HealthEvent {
    /// The connections are listed; this many will be pinged.
    Started { total: usize },
    /// Results that are ready (a batch, not one by one).
    Results(Vec<HealthResult>),
    /// A folder whose connections could not be listed, so not checked.
    FolderFailed(crate::connections::FolderError),
}

/// Pings in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// At most this many results per batch.
const BATCH: usize = 200;

/// Counts by status, for the summary line and the tray badge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct HealthSummary {
    pub checked: usize,
    pub healthy: usize,
    pub expiring_soon: usize,
    /// Broken: anything neither healthy nor expiring soon.
    pub broken: usize,
    /// Judged from the recorded state because the ping could not be made.
    pub unpinged: usize,
}

impl HealthSummary {
    pub fn add(&mut self, r: &HealthResult) {
        self.checked += 1;
        match r.status {
            FailureStatus::Healthy => self.healthy += 1,
            FailureStatus::ExpiringSoon => self.expiring_soon += 1,
            _ => self.broken += 1,
        }
        if r.evidence == Evidence::State {
            self.unpinged += 1;
        }
    }
}

/// Pings `row`'s connection. A refusal the tenant explains (a 4xx such as
/// `400 CNS1008`) is evidence about the connection; no answer (transport,
/// 5xx after retries, an unreadable body) leaves its recorded state, with why.
async fn ping(client: &TenantClient, row: &ConnectionRow) -> Result<Ping, ApiError> {
    let path = format!("connections_/api/v1/Connections/{}/ping", row.id);
    let failed = |e: TenantError| {
        tracing::debug!(connection = %row.id, error = %e, "ping failed; the state stands");
        ApiError::from(e)
    };
    let answer = client
        .get_answer(&path, &[], Some(&row.folder.key))
        .await
        .map_err(failed)?;
    if !answer.is_success() {
        return Ok(Ping::refusal(answer.status, &answer.body));
    }
    serde_json::from_slice::<Ping>(&answer.body).map_err(|e| {
        failed(TenantError::Malformed {
            path,
            reason: e.to_string(),
        })
    })
}

/// Checks `rows`, `concurrency` at a time (0: [`DEFAULT_CONCURRENCY`]),
/// handing results to `on_batch` as they are ready; returns the summary.
/// Dropping the future cancels the pings not yet made.
pub async fn check(
    client: &TenantClient,
    rows: Vec<ConnectionRow>,
    concurrency: usize,
    mut on_batch: impl FnMut(Vec<HealthResult>),
) -> HealthSummary {
    let concurrency = if concurrency == 0 {
        DEFAULT_CONCURRENCY
    } else {
        concurrency
    };
    let mut summary = HealthSummary::default();
    let mut results = futures::stream::iter(rows)
        .map(|row| async move {
            let answer = ping(client, &row).await;
            let mut result = judge(row, answer.as_ref().ok(), chrono::Utc::now());
            result.ping_error = answer.err();
            result
        })
        .buffer_unordered(concurrency)
        .ready_chunks(BATCH);
    while let Some(batch) = results.next().await {
        for r in &batch {
            summary.add(r);
        }
        on_batch(batch);
    }
    summary
}
