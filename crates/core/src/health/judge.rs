//! Judging one connection's health from what is known: the tenant's ping (or,
//! when the ping could not be made, the connection's state), its last
//! activity, and the expiry of its app secret or certificate. Pure, so each
//! rule is table-tested; `check` does the fetching.
//!
//! Early warnings are what no tool of the platform gives: a delegated
//! Microsoft connection whose refresh token lapses after 90 idle days, and an
//! app secret or certificate close to its expiry, are flagged before they
//! break anything.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::connections::{ConnectionRow, ConnectionState};
use crate::failure::{Explanation, FailureStatus, Signal, explain, explain_error_body};

/// Microsoft Entra's refresh tokens lapse after this many days unused.
pub const ENTRA_IDLE_DAYS: i64 = 90;
/// How long before an idle lapse the warning starts.
pub const IDLE_WARNING_DAYS: i64 = 14;
/// How long before a secret or certificate expires the warning starts; it
/// says again at 14 and 7 days.
pub const SECRET_WARNING_DAYS: i64 = 30;

/// The tenant's answer to `GET Connections/{id}/ping`: `{connector, status,
/// error?}` (uipath-typescript's `ConnectionPingResponse`, where `error` is a
/// string; the sandbox's extended profile sends an object), or its refusal
/// (`400 CNS1008` for a connection that is not authorized, the provider's
/// answer in the message).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ping {
    /// The connection's state as the ping found it; a ping answer without one
    /// says nothing about it.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub error: Option<PingError>,
    /// Set when the tenant refused the ping with this HTTP status.
    #[serde(skip)]
    pub refused: Option<u16>,
}

/// Why a ping failed, in either shape.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum PingError {
    /// The documented shape: a sentence, codes inside.
    Text(String),
    /// `{code, providerCode, message}`.
    Detail(PingErrorDetail),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PingErrorDetail {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub provider_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl Ping {
    /// An answer with a state and no error.
    pub fn with_status(status: &str) -> Self {
        Self {
            status: Some(status.to_owned()),
            ..Self::default()
        }
    }

    /// A refusal of the ping (a 4xx answer and its body), read as evidence.
    pub fn refusal(status: u16, body: &[u8]) -> Self {
        Self {
            status: None,
            error: Some(PingError::Text(String::from_utf8_lossy(body).into_owned())),
            refused: Some(status),
        }
    }
}

/// Where a verdict came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// The tenant pinged the provider.
    Ping,
    /// The ping could not be made; the connection's recorded state stands.
    State,
}

/// One connection's health. Part of the CLI's JSON schema: add fields, never
/// rename or remove them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct HealthResult {
    pub connection: ConnectionRow,
    pub status: FailureStatus,
    /// Why, and what to do (for a healthy connection: what was checked).
    pub explanation: Explanation,
    /// The day its sign-in or its secret lapses (`YYYY-MM-DD`), when known.
    pub lapses_on: Option<String>,
    pub evidence: Evidence,
    /// When it was checked (RFC 3339).
    pub checked_at: String,
    /// The first check of the current run of failures, from the app's
    /// history (`None` in the CLI, or when it works).
    #[serde(default)]
    pub failing_since: Option<String>,
    /// The status the previous check found, from the app's history: a new
    /// failure or a recovery shows here.
    #[serde(default)]
    pub previous_status: Option<FailureStatus>,
    /// When that previous check was made (RFC 3339), from the app's history.
    #[serde(default)]
    pub previous_checked_at: Option<String>,
    /// Why the ping could not be made (`evidence: state`): the tenant's
    /// last error after the client's retries. Absent when it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ping_error: Option<crate::error::ApiError>,
}

/// An RFC 3339 time, or a `YYYY-MM-DD` day (its midnight, UTC).
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc())
        })
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn delegated(row: &ConnectionRow) -> bool {
    matches!(
        row.auth_type.as_deref(),
        None | Some("OAuth2AuthorizationCode" | "OAuth2BringYourOwnApp")
    )
}

/// Connectors whose provider is Microsoft Entra (idle refresh tokens lapse).
fn on_entra(row: &ConnectionRow) -> bool {
    row.connector_key.starts_with("uipath-microsoft-")
}

fn plain(status: FailureStatus, code: &str, cause: String, fix: String) -> Explanation {
    Explanation {
        status,
        code: code.to_owned(),
        cause,
        fix,
        needs_admin: matches!(status, FailureStatus::SecretExpired),
        reconnect_helps: matches!(status, FailureStatus::ExpiringSoon | FailureStatus::Expired),
    }
}

/// What the state alone says, when no ping told more.
fn from_state(row: &ConnectionRow) -> Explanation {
    let state = match row.state {
        ConnectionState::Enabled => return healthy("The connection is Enabled."),
        ConnectionState::Disabled => "disabled",
        ConnectionState::Expired => "expired",
        ConnectionState::Failed => "failed",
        ConnectionState::Unknown => "unknown",
    };
    explain(&[Signal::State(state)])
}

fn healthy(cause: &str) -> Explanation {
    plain(
        FailureStatus::Healthy,
        "healthy",
        cause.to_owned(),
        "Nothing to do.".to_owned(),
    )
}

/// What a ping says; `None` when it says nothing (no state, no error), so
/// the recorded state must stand.
fn from_ping(ping: &Ping) -> Option<Explanation> {
    let state = ping.status.as_deref().map(str::to_lowercase);
    let working = state.as_deref() == Some("enabled") && ping.error.is_none();
    if working {
        return Some(healthy("The provider answered the tenant's ping."));
    }
    let Some(error) = &ping.error else {
        return state.map(|s| explain(&[Signal::State(&s)]));
    };
    let explained = match error {
        PingError::Text(text) => explain_error_body(ping.refused, text),
        PingError::Detail(e) => {
            let mut signals = vec![];
            let aadsts = e
                .provider_code
                .as_deref()
                .and_then(|c| c.strip_prefix("AADSTS"))
                .and_then(|n| n.parse().ok());
            if let Some(n) = aadsts {
                signals.push(Signal::Aadsts(n));
            }
            if e.code.starts_with("CNS") || e.code.starts_with("DAP-") {
                signals.push(Signal::Cns { code: &e.code });
            } else if !e.code.is_empty() {
                signals.push(Signal::OAuth {
                    error: &e.code,
                    description: e.message.as_deref(),
                });
            }
            if let Some(s) = &state {
                signals.push(Signal::State(s));
            }
            explain(&signals)
        }
    };
    // An error nobody recognises still has the state to go by.
    match (&state, explained.status) {
        (Some(s), FailureStatus::Unknown) => Some(explain(&[Signal::State(s)])),
        _ => Some(explained),
    }
}

/// Judges `row` at `now` from its `ping` (`None`: the ping failed, so the
/// recorded state stands).
pub fn judge(row: ConnectionRow, ping: Option<&Ping>, now: DateTime<Utc>) -> HealthResult {
    let from_the_ping = ping.and_then(from_ping);
    let evidence = if from_the_ping.is_some() {
        Evidence::Ping
    } else {
        Evidence::State
    };
    let mut explanation = from_the_ping.unwrap_or_else(|| from_state(&row));
    let mut lapses_on = None;
    if explanation.status == FailureStatus::Healthy {
        // The secret first: when it expires, nothing works, whoever signed in.
        if let Some(expiry) = row.secret_expires_at.as_deref().and_then(parse_time) {
            let days = (expiry - now).num_days();
            if expiry <= now {
                explanation = plain(
                    FailureStatus::SecretExpired,
                    "secret_expired",
                    format!("The app's client secret or certificate expired on {}.", day(expiry)),
                    "An administrator must create a new secret or certificate in the app registration and update the connection.".to_owned(),
                );
                lapses_on = Some(day(expiry));
            } else if days < SECRET_WARNING_DAYS {
                explanation = plain(
                    FailureStatus::ExpiringSoon,
                    "secret_expiring",
                    format!(
                        "The app's client secret or certificate expires on {} (in {} days).",
                        day(expiry),
                        days.max(0)
                    ),
                    "Ask the app registration's owner for a new secret or certificate now, and update the connection before that day.".to_owned(),
                );
                lapses_on = Some(day(expiry));
            }
        }
        if lapses_on.is_none() && delegated(&row) && on_entra(&row) {
            let last = [row.last_used.as_deref(), row.updated.as_deref()]
                .into_iter()
                .flatten()
                .filter_map(parse_time)
                .max();
            if let Some(last) = last {
                let lapse = last + Duration::days(ENTRA_IDLE_DAYS);
                let left = (lapse - now).num_days();
                if left < IDLE_WARNING_DAYS {
                    let when = if lapse <= now {
                        format!("should have lapsed on {}", day(lapse))
                    } else {
                        format!("lapses on {} (in {} days)", day(lapse), left)
                    };
                    explanation = plain(
                        FailureStatus::ExpiringSoon,
                        "idle_refresh_token",
                        format!(
                            "Unused since {}: Microsoft Entra drops a sign-in left idle for {ENTRA_IDLE_DAYS} days, so it {when}.",
                            day(last)
                        ),
                        "Use the connection (run a process with it) or reconnect it before that day.".to_owned(),
                    );
                    lapses_on = Some(day(lapse));
                }
            }
        }
    }
    HealthResult {
        status: explanation.status,
        explanation,
        lapses_on,
        evidence,
        checked_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        connection: row,
        failing_since: None,
        previous_status: None,
        previous_checked_at: None,
        ping_error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: ConnectionState) -> ConnectionRow {
        crate::connections::sample_row("c", "n", state)
    }

    fn now() -> DateTime<Utc> {
        parse_time("2026-11-22T12:00:00Z").unwrap()
    }

    fn ping(status: &str, code: &str, provider: Option<&str>) -> Ping {
        Ping {
            status: Some(status.into()),
            error: (!code.is_empty()).then(|| {
                PingError::Detail(PingErrorDetail {
                    code: code.into(),
                    provider_code: provider.map(Into::into),
                    message: None,
                })
            }),
            refused: None,
        }
    }

    #[test]
    fn the_documented_shapes_are_read_string_errors_and_cns_refusals() {
        let answer: Ping = serde_json::from_str(
            r#"{"connector":"uipath-microsoft-outlook365","status":"Disabled","error":"Disabled by its owner. Error code: DAP-GE-3005."}"#,
        )
        .unwrap();
        let r = judge(row(ConnectionState::Enabled), Some(&answer), now());
        assert_eq!(r.status, FailureStatus::Disabled, "{r:?}");
        assert_eq!(r.evidence, Evidence::Ping);

        let refused = Ping::refusal(
            400,
            br#"{"code":"CNS1008","message":"The connection is not authorized: invalid_grant (AADSTS700082: The refresh token has expired due to inactivity.)","traceId":"t"}"#,
        );
        let r = judge(row(ConnectionState::Enabled), Some(&refused), now());
        assert_eq!(r.status, FailureStatus::Expired, "{r:?}");
        assert_eq!(r.explanation.code, "AADSTS700082");
        assert_eq!(r.evidence, Evidence::Ping);
    }

    #[test]
    fn a_ping_answer_without_a_status_leaves_the_recorded_state() {
        let silent: Ping = serde_json::from_str(r#"{"connector":"x"}"#).unwrap();
        let r = judge(row(ConnectionState::Enabled), Some(&silent), now());
        assert_eq!(
            r.status,
            FailureStatus::Healthy,
            "not counted as broken: {r:?}"
        );
        assert_eq!(r.evidence, Evidence::State);
        let r = judge(row(ConnectionState::Expired), Some(&silent), now());
        assert_eq!(r.status, FailureStatus::Expired);
    }

    #[test]
    fn the_ping_decides_and_its_codes_are_explained() {
        let ok = judge(
            row(ConnectionState::Enabled),
            Some(&ping("Enabled", "", None)),
            now(),
        );
        assert_eq!(ok.status, FailureStatus::Healthy);
        assert_eq!(ok.evidence, Evidence::Ping);
        let revoked = judge(
            row(ConnectionState::Enabled),
            Some(&ping("Failed", "invalid_grant", Some("AADSTS50173"))),
            now(),
        );
        assert_eq!(revoked.status, FailureStatus::Revoked, "{revoked:?}");
        assert_eq!(revoked.explanation.code, "AADSTS50173");
        let idle = judge(
            row(ConnectionState::Expired),
            Some(&ping("Expired", "invalid_grant", Some("AADSTS700082"))),
            now(),
        );
        assert_eq!(idle.status, FailureStatus::Expired);
        // What the sandbox answers once a real OpenID provider (oidc-provider)
        // refused a revoked grant (crates/sandbox/tests/provisioning.rs).
        let refused = judge(
            row(ConnectionState::Enabled),
            Some(&ping("Expired", "invalid_grant", None)),
            now(),
        );
        assert_eq!(refused.status, FailureStatus::Expired, "{refused:?}");
        assert_eq!(refused.explanation.code, "invalid_grant");
        assert!(refused.explanation.reconnect_helps);
        let wall = judge(
            row(ConnectionState::Failed),
            Some(&ping("Failed", "consent_required", Some("AADSTS65001"))),
            now(),
        );
        assert_eq!(wall.status, FailureStatus::ConsentRequired);
    }

    #[test]
    fn without_a_ping_the_state_stands() {
        let r = judge(row(ConnectionState::Disabled), None, now());
        assert_eq!(r.status, FailureStatus::Disabled);
        assert_eq!(r.evidence, Evidence::State);
        let r = judge(row(ConnectionState::Enabled), None, now());
        assert_eq!(r.status, FailureStatus::Healthy);
    }

    #[test]
    fn an_idle_microsoft_sign_in_is_flagged_before_it_lapses() {
        let ok = Some(ping("Enabled", "", None));
        let mut r = row(ConnectionState::Enabled);
        r.last_used = Some("2026-08-31T12:00:00Z".into()); // 83 days ago: lapses in 7
        let warned = judge(r.clone(), ok.as_ref(), now());
        assert_eq!(warned.status, FailureStatus::ExpiringSoon);
        assert_eq!(warned.lapses_on.as_deref(), Some("2026-11-29"));
        assert!(warned.explanation.cause.contains("in 7 days"), "{warned:?}");
        // Used recently: no warning; the newer of last use and update counts.
        r.updated = Some("2026-11-01T00:00:00Z".into());
        assert_eq!(
            judge(r.clone(), ok.as_ref(), now()).status,
            FailureStatus::Healthy
        );
        // 77 days idle: still 13 days left, inside the 14-day window.
        r.updated = None;
        r.last_used = Some("2026-09-06T12:00:00Z".into());
        assert_eq!(
            judge(r.clone(), ok.as_ref(), now()).status,
            FailureStatus::ExpiringSoon
        );
        // 75 days idle: 15 days left, not yet.
        r.last_used = Some("2026-09-08T12:00:00Z".into());
        assert_eq!(
            judge(r.clone(), ok.as_ref(), now()).status,
            FailureStatus::Healthy
        );
        // Not Microsoft, or app-only: no idle lapse.
        r.last_used = Some("2026-01-01T00:00:00Z".into());
        let mut google = r.clone();
        google.connector_key = "uipath-google-gmail".into();
        assert_eq!(
            judge(google, ok.as_ref(), now()).status,
            FailureStatus::Healthy
        );
        let mut app = r;
        app.auth_type = Some("OAuth2ClientCredentials".into());
        assert_eq!(
            judge(app, ok.as_ref(), now()).status,
            FailureStatus::Healthy
        );
    }

    #[test]
    fn secrets_are_warned_about_thirty_days_ahead_and_expired_after() {
        let ok = Some(ping("Enabled", "", None));
        let mut r = row(ConnectionState::Enabled);
        r.auth_type = Some("OAuth2ClientCredentials".into());
        r.secret_expires_at = Some("2026-12-05".into());
        let soon = judge(r.clone(), ok.as_ref(), now());
        assert_eq!(soon.status, FailureStatus::ExpiringSoon);
        assert_eq!(soon.lapses_on.as_deref(), Some("2026-12-05"));
        assert!(soon.explanation.cause.contains("in 12 days"), "{soon:?}");
        r.secret_expires_at = Some("2027-01-10T00:00:00Z".into());
        assert_eq!(
            judge(r.clone(), ok.as_ref(), now()).status,
            FailureStatus::Healthy
        );
        r.secret_expires_at = Some("2026-11-01".into());
        let gone = judge(r, ok.as_ref(), now());
        assert_eq!(gone.status, FailureStatus::SecretExpired);
        assert!(gone.explanation.needs_admin);
    }
}
