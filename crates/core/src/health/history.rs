//! What earlier health checks found, kept on this computer (SQLite in the
//! app's data folder; statuses and codes only, never a secret), so a result
//! can say since when a connection has been failing and whether it is a new
//! failure or a recovery. Bounded: the newest [`KEEP_PER_CONNECTION`] checks
//! of each connection are kept; "Clear" empties it.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::HealthResult;
use super::export::status_name;
use crate::error::{ApiError, ErrorCode};
use crate::failure::FailureStatus;

/// Checks kept per connection.
pub const KEEP_PER_CONNECTION: i64 = 30;

pub struct History {
    db: Connection,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("file", &self.db.path())
            .finish()
    }
}

fn failed(e: &rusqlite::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("The health history could not be used ({e}); clear it in Health if this persists."),
    )
}

impl History {
    /// Opens (or creates) the history at `file`.
    pub fn open(file: &Path) -> Result<Self, ApiError> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("Cannot create {}: {e}.", dir.display()),
                )
            })?;
        }
        let db = Connection::open(file).map_err(|e| failed(&e))?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS checks (
                 connection_id TEXT NOT NULL,
                 checked_at    TEXT NOT NULL,  -- RFC 3339, UTC: sorts as text
                 status        TEXT NOT NULL,
                 code          TEXT NOT NULL
             );
             CREATE INDEX IF NOT EXISTS checks_by_connection ON checks(connection_id, checked_at);",
        )
        .map_err(|e| failed(&e))?;
        Ok(Self { db })
    }

    /// Fills in `failing_since` and `previous_status` from earlier checks,
    /// then records these results (one transaction per batch).
    pub fn annotate_and_record(&mut self, results: &mut [HealthResult]) -> Result<(), ApiError> {
        let tx = self.db.transaction().map_err(|e| failed(&e))?;
        for r in results.iter_mut() {
            let id = &r.connection.id;
            let previous: Option<(String, String)> = tx
                .query_row(
                    "SELECT status, checked_at FROM checks WHERE connection_id = ?1 ORDER BY checked_at DESC LIMIT 1",
                    params![id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(|e| failed(&e))?;
            r.previous_status = previous.as_ref().and_then(|(s, _)| {
                serde_json::from_value::<FailureStatus>(serde_json::Value::String(s.clone())).ok()
            });
            r.previous_checked_at = previous.map(|(_, at)| at);
            let now = status_name(r.status);
            r.failing_since = if r.status.is_broken() {
                // The start of the current run of failures: the oldest failing
                // check newer than the last check that was not failing.
                let last_ok: Option<String> = tx
                    .query_row(
                        "SELECT MAX(checked_at) FROM checks WHERE connection_id = ?1 AND status IN ('healthy', 'expiring_soon')",
                        params![id],
                        |row| row.get(0),
                    )
                    .map_err(|e| failed(&e))?;
                let since: Option<String> = tx
                    .query_row(
                        "SELECT MIN(checked_at) FROM checks WHERE connection_id = ?1 AND checked_at > COALESCE(?2, '')",
                        params![id, last_ok],
                        |row| row.get(0),
                    )
                    .map_err(|e| failed(&e))?;
                Some(since.unwrap_or_else(|| r.checked_at.clone()))
            } else {
                None
            };
            tx.execute(
                "INSERT INTO checks (connection_id, checked_at, status, code) VALUES (?1, ?2, ?3, ?4)",
                params![id, r.checked_at, now, r.explanation.code],
            )
            .map_err(|e| failed(&e))?;
            tx.execute(
                "DELETE FROM checks WHERE connection_id = ?1 AND checked_at NOT IN (
                     SELECT checked_at FROM checks WHERE connection_id = ?1 ORDER BY checked_at DESC LIMIT ?2)",
                params![id, KEEP_PER_CONNECTION],
            )
            .map_err(|e| failed(&e))?;
        }
        tx.commit().map_err(|e| failed(&e))
    }

    /// Forgets every earlier check.
    pub fn clear(&self) -> Result<(), ApiError> {
        self.db
            .execute("DELETE FROM checks", [])
            .map(|_| ())
            .map_err(|e| failed(&e))
    }

    /// Forgets the earlier checks of these connections (a sandbox reset:
    /// its connections start again as they were seeded, so what was found
    /// before must not make them "new failures").
    pub fn forget(&mut self, connection_ids: &[String]) -> Result<(), ApiError> {
        let tx = self.db.transaction().map_err(|e| failed(&e))?;
        for id in connection_ids {
            tx.execute("DELETE FROM checks WHERE connection_id = ?1", params![id])
                .map_err(|e| failed(&e))?;
        }
        tx.commit().map_err(|e| failed(&e))
    }

    /// Checks kept, all connections together.
    pub fn len(&self) -> Result<usize, ApiError> {
        self.db
            .query_row("SELECT COUNT(*) FROM checks", [], |r| r.get::<_, i64>(0))
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(|e| failed(&e))
    }

    pub fn is_empty(&self) -> Result<bool, ApiError> {
        self.len().map(|n| n == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::{ConnectionRow, ConnectionState};
    use crate::health::{Ping, judge};
    use chrono::{Duration, TimeZone, Utc};

    fn row() -> ConnectionRow {
        crate::connections::sample_row("c1", "n", ConnectionState::Enabled)
    }

    fn check(h: &mut History, day: i64, ok: bool) -> HealthResult {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap() + Duration::days(day);
        let ping = if ok {
            Ping::with_status("Enabled")
        } else {
            Ping::with_status("Expired")
        };
        let mut results = vec![judge(row(), Some(&ping), at)];
        h.annotate_and_record(&mut results).unwrap();
        results.remove(0)
    }

    #[test]
    fn failing_since_is_the_start_of_the_current_run_and_recoveries_are_seen() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::open(&dir.path().join("health.sqlite3")).unwrap();
        let first = check(&mut h, 0, true);
        assert_eq!(first.previous_status, None);
        assert_eq!(first.failing_since, None);
        let broke = check(&mut h, 1, false);
        assert_eq!(
            broke.previous_status,
            Some(FailureStatus::Healthy),
            "a new failure"
        );
        assert_eq!(broke.failing_since.as_deref(), Some("2026-11-02T09:00:00Z"));
        assert_eq!(
            broke.previous_checked_at.as_deref(),
            Some("2026-11-01T09:00:00Z"),
            "when the previous check was made"
        );
        let still = check(&mut h, 2, false);
        assert_eq!(still.failing_since.as_deref(), Some("2026-11-02T09:00:00Z"));
        let back = check(&mut h, 3, true);
        assert_eq!(
            back.previous_status,
            Some(FailureStatus::Expired),
            "a recovery"
        );
        assert_eq!(back.failing_since, None);
        let again = check(&mut h, 4, false);
        assert_eq!(again.failing_since.as_deref(), Some("2026-11-05T09:00:00Z"));
    }

    #[test]
    fn the_history_is_bounded_kept_across_opens_and_can_be_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("health.sqlite3");
        {
            let mut h = History::open(&file).unwrap();
            for day in 0..40 {
                check(&mut h, day, day % 2 == 0);
            }
            assert_eq!(
                h.len().unwrap(),
                usize::try_from(KEEP_PER_CONNECTION).unwrap()
            );
        }
        let h = History::open(&file).unwrap();
        assert!(!h.is_empty().unwrap(), "kept across opens");
        h.clear().unwrap();
        assert!(h.is_empty().unwrap());
        let text = std::fs::read(&file).unwrap();
        assert!(!String::from_utf8_lossy(&text).contains("token"));
    }

    #[test]
    fn forgetting_connections_leaves_the_others_checks() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::open(&dir.path().join("health.sqlite3")).unwrap();
        check(&mut h, 0, true);
        let mut other = vec![judge(
            crate::connections::sample_row("c2", "n", ConnectionState::Enabled),
            Some(&Ping::with_status("Enabled")),
            Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
        )];
        h.annotate_and_record(&mut other).unwrap();
        h.forget(&["c1".to_owned()]).unwrap();
        assert_eq!(h.len().unwrap(), 1, "c2's check stays");
        // c1 broken now is not a "new failure": nothing is known of it.
        let broke = check(&mut h, 1, false);
        assert_eq!(broke.previous_status, None);
    }
}
