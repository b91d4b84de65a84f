//! Expiry dates of app secrets and certificates that the user records by hand,
//! for connections whose tenant does not report one (a real tenant does not:
//! the secret lives in the organisation's app registration). Kept in
//! `secret-expiries.json` in the app's config folder, by tenant URL and
//! connection id; dates only, never a secret. The health check then warns 30,
//! 14 and 7 days ahead as it does for dates the tenant reports.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::connections::ConnectionRow;
use crate::error::{ApiError, ErrorCode};
use crate::json_file;

type Stored = BTreeMap<String, BTreeMap<String, String>>;

#[derive(Debug, Clone)]
pub struct RecordedExpiries {
    file: PathBuf,
    tenant: String,
}

impl RecordedExpiries {
    pub fn new(config_dir: &Path, tenant_url: &str) -> Self {
        Self {
            file: config_dir.join("secret-expiries.json"),
            tenant: tenant_url.to_owned(),
        }
    }

    /// This tenant's recorded dates, by connection id (`YYYY-MM-DD`).
    pub fn all(&self) -> Result<BTreeMap<String, String>, ApiError> {
        let mut stored: Stored = json_file::read(&self.file, "only dates you recorded")?;
        Ok(stored.remove(&self.tenant).unwrap_or_default())
    }

    /// Records (or, with `None`, forgets) when connection `id`'s secret expires.
    pub fn record(&self, id: &str, date: Option<&str>) -> Result<(), ApiError> {
        let mut stored: Stored = json_file::read(&self.file, "only dates you recorded")?;
        let mine = stored.entry(self.tenant.clone()).or_default();
        match date.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => {
                let day = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                    ApiError::new(
                        ErrorCode::InvalidInput,
                        format!("\"{d}\" is not a date; enter it as YYYY-MM-DD."),
                    )
                })?;
                mine.insert(id.to_owned(), day.format("%Y-%m-%d").to_string());
            }
            None => {
                mine.remove(id);
            }
        }
        json_file::write(&self.file, &stored, "the expiry date")
    }

    /// Gives rows the tenant reports no expiry for the date recorded here.
    pub fn apply(&self, rows: &mut [ConnectionRow]) -> Result<(), ApiError> {
        let dates = self.all()?;
        for r in rows.iter_mut().filter(|r| r.secret_expires_at.is_none()) {
            if let Some(d) = dates.get(&r.id) {
                r.secret_expires_at = Some(d.clone());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::ConnectionState;

    fn row(id: &str, reported: Option<&str>) -> ConnectionRow {
        ConnectionRow {
            identity: String::new(),
            owner: String::new(),
            auth_type: Some("OAuth2ClientCredentials".into()),
            secret_expires_at: reported.map(Into::into),
            ..crate::connections::sample_row(id, "n", ConnectionState::Enabled)
        }
    }

    #[test]
    fn recorded_dates_fill_in_what_the_tenant_does_not_report_per_tenant() {
        let dir = tempfile::tempdir().unwrap();
        let a = RecordedExpiries::new(dir.path(), "https://cloud.uipath.com/acme/A");
        let b = RecordedExpiries::new(dir.path(), "https://cloud.uipath.com/acme/B");
        a.record("c1", Some("2027-01-31")).unwrap();
        a.record("c2", Some(" 2027-02-01 ")).unwrap();
        assert_eq!(
            a.record("c3", Some("31/01/2027")).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        assert!(b.all().unwrap().is_empty(), "another tenant sees none");
        let mut rows = vec![
            row("c1", None),
            row("c2", Some("2026-12-24")),
            row("c9", None),
        ];
        a.apply(&mut rows).unwrap();
        assert_eq!(rows[0].secret_expires_at.as_deref(), Some("2027-01-31"));
        assert_eq!(
            rows[1].secret_expires_at.as_deref(),
            Some("2026-12-24"),
            "the tenant's date wins"
        );
        assert_eq!(rows[2].secret_expires_at, None);
        a.record("c1", None).unwrap();
        assert_eq!(a.all().unwrap().len(), 1);
    }
}
