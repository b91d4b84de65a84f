//! The health report as files: CSV (one row per connection, the columns of
//! [`CSV_COLUMNS`], stable: only ever added to) and JSON (`{summary, results,
//! errors}`, the CLI's `--format json`). One writer for the CLI and the app's
//! "Export", so both give the same columns.

use serde::{Deserialize, Serialize};

use super::{Evidence, HealthResult, HealthSummary};
use crate::connections::FolderError;
use crate::failure::FailureStatus;

pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "name",
    "connector_key",
    "folder_path",
    "owner",
    "identity",
    "auth_type",
    "state",
    "status",
    "code",
    "cause",
    "fix",
    "needs_admin",
    "lapses_on",
    "evidence",
    "checked_at",
];

/// The whole report, as `--format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct HealthReport<'a> {
    pub summary: &'a HealthSummary,
    pub results: &'a [HealthResult],
    pub errors: &'a [FolderError],
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Json,
}

/// `healthy`, `expiring_soon`, …: the status as JSON and CSV spell it.
pub fn status_name(s: FailureStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Broken first, then expiring soon, then healthy; by folder and name within.
pub fn sort(results: &mut [HealthResult]) {
    let rank = |s: FailureStatus| match s {
        FailureStatus::Healthy => 2,
        FailureStatus::ExpiringSoon => 1,
        _ => 0,
    };
    results.sort_by(|a, b| {
        (
            rank(a.status),
            &a.connection.folder.path,
            &a.connection.name,
        )
            .cmp(&(
                rank(b.status),
                &b.connection.folder.path,
                &b.connection.name,
            ))
    });
}

pub fn csv(results: &[HealthResult]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(vec![]);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    w.write_record(CSV_COLUMNS).map_err(|e| e.to_string())?;
    for r in results {
        let c = &r.connection;
        w.write_record([
            c.id.clone(),
            c.name.clone(),
            c.connector_key.clone(),
            c.folder.path.clone(),
            c.owner.clone(),
            c.identity.clone(),
            opt(&c.auth_type),
            c.state.name().to_owned(),
            status_name(r.status),
            r.explanation.code.clone(),
            r.explanation.cause.clone(),
            r.explanation.fix.clone(),
            r.explanation.needs_admin.to_string(),
            opt(&r.lapses_on),
            match r.evidence {
                Evidence::Ping => "ping".to_owned(),
                Evidence::State => "state".to_owned(),
            },
            r.checked_at.clone(),
        ])
        .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

pub fn json(report: &HealthReport<'_>) -> Result<String, String> {
    serde_json::to_string_pretty(report).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::{ConnectionRow, ConnectionState};
    use crate::health::{Ping, judge};

    fn row(id: &str, name: &str, state: ConnectionState) -> ConnectionRow {
        let mut row = crate::connections::sample_row(id, name, state);
        // Quotes and a comma: the CSV must escape them.
        row.folder.path = "Shared, \"main\"".into();
        row.auth_type = None;
        row
    }

    #[test]
    fn the_csv_reads_back_with_every_result_and_its_fix() {
        let now = chrono::Utc::now();
        let mut results = vec![
            judge(
                row("1", "ok", ConnectionState::Enabled),
                Some(&Ping::with_status("Enabled")),
                now,
            ),
            judge(
                row("2", "gone, really", ConnectionState::Expired),
                None,
                now,
            ),
        ];
        sort(&mut results);
        let text = csv(&results).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            CSV_COLUMNS
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        // Broken first; commas and quotes survive.
        assert_eq!(&rows[0][1], "gone, really");
        assert_eq!(&rows[0][3], "Shared, \"main\"");
        assert_eq!(&rows[0][8], "expired");
        assert_eq!(&rows[0][11], results[0].explanation.fix);
        assert_eq!(&rows[0][14], "state");
        assert_eq!(&rows[1][8], "healthy");

        let summary = HealthSummary::default();
        let back: serde_json::Value = serde_json::from_str(
            &json(&HealthReport {
                summary: &summary,
                results: &results,
                errors: &[],
            })
            .unwrap(),
        )
        .unwrap();
        assert_eq!(back["results"][0]["status"], "expired");
        assert_eq!(back["results"][0]["connection"]["name"], "gone, really");
    }
}
