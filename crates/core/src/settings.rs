//! The user's settings, kept in `settings.json` in the app's config folder
//! (no secrets): how long a consent window may stay open, which connectors
//! always consent in the system browser (organisations whose policy demands
//! it, providers that refuse embedded browsers), and how often the app checks
//! the user's own connections in the background. The CLI takes the same
//! choices as options instead (and checks in the background only when asked).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ApiError, ErrorCode};
use crate::json_file;

/// Ten minutes, as the platform's own consent sessions.
pub const DEFAULT_CONSENT_TIMEOUT_SECS: u64 = 600;
/// Shorter windows cannot be finished by a person; longer ones keep a
/// sign-in page open for nobody.
pub const CONSENT_TIMEOUT_RANGE: std::ops::RangeInclusive<u64> = 5..=3600;
/// Every half hour: a token revoked in the morning is news before lunch,
/// and a user's own connections are few, so it costs the tenant little.
pub const DEFAULT_BACKGROUND_CHECK_MINUTES: u32 = 30;
/// Background checks run at most this often, at least once a day (0: off).
pub const BACKGROUND_CHECK_RANGE: std::ops::RangeInclusive<u32> = 5..=1440;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// How long a consent or sign-in window may stay open, in seconds.
    pub consent_timeout_secs: u64,
    /// Connector keys whose consent always opens in the system browser.
    pub system_browser_connectors: Vec<String>,
    /// How often the app checks the user's own connections while it runs,
    /// in minutes; 0 turns background checks (and their notifications) off.
    pub background_check_minutes: u32,
    /// The loopback ports the external application's redirect URIs are
    /// registered with, tried in turn; empty: `CONNASSIST_REDIRECT_PORTS`,
    /// else the README's (47611, 47612, 47613).
    pub redirect_ports: Vec<u16>,
    /// "Try the sandbox" serves its inventions too (its extended profile:
    /// consent sessions, creating through the API, attended choices in the
    /// tenant…), not only what the platform is documented to do.
    pub extended_sandbox: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            consent_timeout_secs: DEFAULT_CONSENT_TIMEOUT_SECS,
            system_browser_connectors: vec![],
            background_check_minutes: DEFAULT_BACKGROUND_CHECK_MINUTES,
            redirect_ports: vec![],
            extended_sandbox: false,
        }
    }
}

impl Settings {
    pub fn consent_timeout(&self) -> Duration {
        Duration::from_secs(self.consent_timeout_secs)
    }

    /// Whether `connector`'s consent opens in the system browser: the user's
    /// choice, else what the connector prefers.
    pub fn system_browser_for(&self, connector: &str, connector_prefers: bool) -> bool {
        connector_prefers
            || self
                .system_browser_connectors
                .iter()
                .any(|k| k.eq_ignore_ascii_case(connector))
    }

    /// The ports to hold for a sign-in's answer, in the order to try them.
    pub fn redirect_ports(&self) -> Vec<u16> {
        if !self.redirect_ports.is_empty() {
            return self.redirect_ports.clone();
        }
        crate::auth::sign_in::redirect_ports_from_env().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "using the default redirect ports");
            crate::auth::sign_in::DEFAULT_REDIRECT_PORTS.to_vec()
        })
    }

    /// The time between background checks; `None` when they are off.
    pub fn background_interval(&self) -> Option<Duration> {
        (self.background_check_minutes > 0)
            .then(|| Duration::from_secs(u64::from(self.background_check_minutes) * 60))
    }

    pub fn validate(&self) -> Result<(), ApiError> {
        let minutes = self.background_check_minutes;
        if minutes != 0 && !BACKGROUND_CHECK_RANGE.contains(&minutes) {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "Background checks run every {} to {} minutes (0 turns them off); {minutes} minutes is outside that.",
                    BACKGROUND_CHECK_RANGE.start(),
                    BACKGROUND_CHECK_RANGE.end()
                ),
            ));
        }
        if self.redirect_ports.contains(&0) {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "A redirect port is a number from 1 to 65535, as registered with the external application.",
            ));
        }
        if !CONSENT_TIMEOUT_RANGE.contains(&self.consent_timeout_secs) {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "A consent window may stay open between {} seconds and {} minutes; {} seconds is outside that.",
                    CONSENT_TIMEOUT_RANGE.start(),
                    CONSENT_TIMEOUT_RANGE.end() / 60,
                    self.consent_timeout_secs
                ),
            ));
        }
        Ok(())
    }
}

/// "90 seconds", "10 minutes": a time limit as a message says it.
pub fn in_words(d: Duration) -> String {
    match d.as_secs() {
        s if s < 120 => format!("{s} seconds"),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

/// Where the settings live.
#[derive(Debug, Clone)]
pub struct SettingsFile(PathBuf);

impl SettingsFile {
    pub fn in_folder(config_dir: &Path) -> Self {
        Self(config_dir.join("settings.json"))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The saved settings; defaults when none were saved. A damaged file is an
    /// error naming it (it is not overwritten behind the user's back).
    pub fn load(&self) -> Result<Settings, ApiError> {
        let settings: Settings = json_file::read(&self.0, "only the app's settings")?;
        settings.validate()?;
        Ok(settings)
    }

    pub fn save(&self, settings: &Settings) -> Result<(), ApiError> {
        settings.validate()?;
        let mut clean = settings.clone();
        clean.system_browser_connectors.sort();
        clean.system_browser_connectors.dedup();
        json_file::write(&self.0, &clean, "the settings")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_refuse_what_cannot_work() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::in_folder(dir.path());
        assert_eq!(file.load().unwrap(), Settings::default());
        let mine = Settings {
            consent_timeout_secs: 90,
            system_browser_connectors: vec!["b".into(), "a".into(), "b".into()],
            background_check_minutes: 0,
            redirect_ports: vec![50001, 50002],
            extended_sandbox: true,
        };
        file.save(&mine).unwrap();
        let back = file.load().unwrap();
        assert_eq!(back.consent_timeout(), Duration::from_secs(90));
        assert_eq!(back.system_browser_connectors, ["a", "b"]);
        assert!(back.system_browser_for("A", false));
        assert!(!back.system_browser_for("c", false));
        assert!(back.system_browser_for("c", true));
        assert_eq!(back.background_interval(), None, "0 turns them off");
        assert_eq!(back.redirect_ports(), [50001, 50002]);
        assert!(
            file.save(&Settings {
                redirect_ports: vec![0],
                ..mine.clone()
            })
            .is_err()
        );
        assert_eq!(
            Settings::default().background_interval(),
            Some(Duration::from_secs(30 * 60))
        );
        let err = file
            .save(&Settings {
                background_check_minutes: 1,
                ..mine.clone()
            })
            .unwrap_err();
        assert!(
            err.message.contains("every 5 to 1440 minutes"),
            "{}",
            err.message
        );

        let err = file
            .save(&Settings {
                consent_timeout_secs: 1,
                ..mine
            })
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(file.load().unwrap(), back, "a refused save changes nothing");

        std::fs::write(file.path(), "{ not json").unwrap();
        let err = file.load().unwrap_err();
        assert!(
            err.message.contains("settings.json is damaged"),
            "{}",
            err.message
        );
        // Fields added later are filled with defaults, unknown ones ignored.
        std::fs::write(file.path(), r#"{"consentTimeoutSecs": 30, "future": 1}"#).unwrap();
        assert_eq!(file.load().unwrap().consent_timeout_secs, 30);
    }
}
