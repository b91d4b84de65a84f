//! The failure catalogue: one table that turns whatever a broken connection
//! reports into what a helpdesk person needs to act on it, a [`FailureStatus`],
//! a one-sentence cause and a one-sentence fix that says who must do what and
//! where.
//!
//! Connection failures arrive in many dialects: Integration Service codes
//! (`CNS1008`), robot runtime codes (`DAP-GE-3005`), Microsoft Entra codes
//! (`AADSTS700082`), OAuth 2.0 error codes (`invalid_grant`), provider-specific
//! codes (Slack's `token_revoked`), bare HTTP statuses, network failures, or
//! only the connection's state in the listing. The GUI, the CLI's health check,
//! the reconnect results and the binding audit all show the same explanation,
//! so it is decided here, once, from data ([`catalogue`]) rather than by
//! matches scattered through the code.
//!
//! Only codes are ever matched. Prose such as an OAuth `error_description` is
//! read for one thing alone: the `AADSTSnnnn` code it embeds, because Entra
//! puts its most precise code there.

#![warn(missing_docs)]

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a connection is doing, as a helpdesk person would sort it. Exported to
/// TypeScript; renaming a variant is a breaking change for the UI and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum FailureStatus {
    /// Works. Only the connection state `Enabled` maps here in the catalogue;
    /// the health check sets it after a real call succeeds.
    Healthy,
    /// Works today but its sign-in is about to lapse (set by the health check,
    /// never by the catalogue).
    ExpiringSoon,
    /// Someone (the user, or an administrator) must approve the app's
    /// permissions, or allow the app, before the connection can work.
    ConsentRequired,
    /// The saved sign-in lapsed (expiry, inactivity, a policy asking to sign in
    /// again); reconnecting fixes it.
    Expired,
    /// Access was withdrawn (password change, revoked token, deactivated
    /// account, blocking policy).
    Revoked,
    /// The app's client secret is wrong or expired; an administrator must
    /// supply a current one.
    SecretExpired,
    /// The connection is switched off in Integration Service.
    Disabled,
    /// The service could not be reached or is overloaded; retrying later helps.
    Unreachable,
    /// Anything else: configuration errors, missing connections, permissions,
    /// and codes the catalogue does not know.
    Unknown,
}

impl FailureStatus {
    /// The status word a person reads, the same in the app's list and health
    /// view, the tray and the CLI's tables (JSON and CSV keep the
    /// `snake_case` name). `Unknown` is a failure whose cause is not known,
    /// which Integration Service itself calls `Failed`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Healthy => "Healthy",
            Self::ExpiringSoon => "Expiring soon",
            Self::ConsentRequired => "Consent required",
            Self::Expired => "Expired",
            Self::Revoked => "Revoked",
            Self::SecretExpired => "Secret expired",
            Self::Disabled => "Disabled",
            Self::Unreachable => "Unreachable",
            Self::Unknown => "Failed",
        }
    }

    /// Broken: it does not work now (anything but healthy or only expiring
    /// soon). What the history and the tray count as failing.
    pub fn is_broken(self) -> bool {
        !matches!(self, Self::Healthy | Self::ExpiringSoon)
    }
}

/// What went wrong and what to do about it, for a person. Exported to
/// TypeScript and printed by the CLI: add fields, never rename or remove them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The status to show (badge, sort order).
    pub status: FailureStatus,
    /// The most specific code that matched, such as `AADSTS700082`, `CNS1008`,
    /// `invalid_grant`, `slack:token_revoked`, `http_429`, `transport_timeout`
    /// or `state_expired`; for an unknown failure, the code received (or
    /// `unknown` when there was none).
    pub code: String,
    /// One sentence: why it fails, in plain words.
    pub cause: String,
    /// One sentence: who must do what, and where.
    pub fix: String,
    /// Only an administrator can fix it (admin consent, the app's secret, an
    /// assignment or a policy).
    pub needs_admin: bool,
    /// Reconnecting, with a fresh sign-in and consent, fixes it.
    pub reconnect_helps: bool,
}

/// One piece of evidence about a failure. Pass every piece you have to
/// [`explain`]; it picks the most specific one it recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal<'a> {
    /// An Integration Service code (`CNS1008`) or a robot runtime code
    /// (`DAP-GE-3005`), as found in a `{"code": …}` body.
    Cns {
        /// The code, compared without regard to case.
        code: &'a str,
    },
    /// A Microsoft Entra `AADSTSnnnn` code, as its number.
    Aadsts(u32),
    /// An OAuth 2.0 / OpenID Connect `error` (RFC 6749 §5.2, OIDC Core §3.1.2.6).
    OAuth {
        /// The `error` code, such as `invalid_grant`.
        error: &'a str,
        /// The `error_description`; read only for an embedded `AADSTSnnnn` code.
        description: Option<&'a str>,
    },
    /// A provider's own error code, for a provider known from the context.
    Provider {
        /// The provider, such as `google`, `salesforce` or `slack`.
        provider: &'a str,
        /// The provider's code, such as `token_revoked`.
        error: &'a str,
    },
    /// An HTTP status with nothing more precise in the body.
    Http(u16),
    /// No HTTP answer at all.
    Transport(TransportFailure),
    /// Only the connection's state from the listing (`Enabled`, `Disabled`,
    /// `Expired`, `Failed`), when no error detail exists.
    State(&'a str),
}

/// Why no HTTP answer came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportFailure {
    /// No answer in time.
    Timeout,
    /// The connection was refused or reset.
    Refused,
    /// The host name could not be resolved.
    Dns,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// Any other network error.
    Other,
}

impl TransportFailure {
    /// A stable lower-case name: `timeout`, `refused`, `dns`, `tls`, `other`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Refused => "refused",
            Self::Dns => "dns",
            Self::Tls => "tls",
            Self::Other => "other",
        }
    }
}

/// What a catalogue row matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKey {
    /// A Microsoft Entra code.
    Aadsts(u32),
    /// A provider's own code.
    Provider {
        /// Lower-case provider name.
        provider: &'static str,
        /// The provider's code.
        error: &'static str,
    },
    /// An OAuth 2.0 / OpenID Connect `error` code.
    #[serde(rename = "oauth")]
    OAuth(&'static str),
    /// An Integration Service (`CNS…`) or runtime (`DAP-…`) code.
    Cns(&'static str),
    /// One HTTP status.
    Http(u16),
    /// Any HTTP status from 500 to 599.
    HttpServerError,
    /// A network failure.
    Transport(TransportFailure),
    /// A connection state, as Integration Service spells it.
    State(&'static str),
}

impl MatchKey {
    /// The code this row reports in [`Explanation::code`] (for 5xx rows the
    /// explanation carries the actual status, such as `http_503`).
    pub fn code(&self) -> String {
        match *self {
            Self::Aadsts(n) => format!("AADSTS{n}"),
            Self::Provider { provider, error } => format!("{provider}:{error}"),
            Self::OAuth(error) => error.to_owned(),
            Self::Cns(code) => code.to_owned(),
            Self::Http(status) => format!("http_{status}"),
            Self::HttpServerError => "http_5xx".to_owned(),
            Self::Transport(t) => format!("transport_{}", t.name()),
            Self::State(state) => format!("state_{}", state.to_ascii_lowercase()),
        }
    }
}

/// One row of the catalogue: a key and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CatalogueRow {
    /// What this row matches.
    pub key: MatchKey,
    /// The status it maps to.
    pub status: FailureStatus,
    /// One sentence: why it fails.
    pub cause: &'static str,
    /// One sentence: who must do what, and where.
    pub fix: &'static str,
    /// Only an administrator can fix it.
    pub needs_admin: bool,
    /// Reconnecting fixes it.
    pub reconnect_helps: bool,
}

mod admin_consent;
mod body;
mod creating;
mod table;
#[cfg(test)]
mod tests;

use MatchKey::{Aadsts, Cns, Http, HttpServerError, OAuth, Provider, State, Transport};
pub use admin_consent::{AdminConsentUrlError, admin_consent_url};
pub(crate) use body::aadsts_codes;
pub use body::explain_error_body;
pub(crate) use creating::when_creating;
use table::CATALOGUE;
pub use table::catalogue;

/// Explains a failure from every signal known about it.
///
/// The most specific recognised signal wins, in this order: AADSTS (including
/// codes embedded in an OAuth `description`), provider, OAuth, CNS/DAP, HTTP,
/// transport, state; among equals, the first given. A signal the catalogue
/// does not know is skipped in favour of a less specific one it knows (an
/// unknown AADSTS code next to `invalid_grant` still explains as
/// `invalid_grant`). When nothing is recognised the status is
/// [`FailureStatus::Unknown`] and the cause and fix quote the most specific
/// code received.
pub fn explain(signals: &[Signal<'_>]) -> Explanation {
    let mut candidates: Vec<(u8, Signal<'_>)> = Vec::with_capacity(signals.len() + 1);
    for &signal in signals {
        if let Signal::OAuth {
            description: Some(text),
            ..
        } = signal
        {
            candidates.extend(
                aadsts_codes(text)
                    .into_iter()
                    .map(|n| (0, Signal::Aadsts(n))),
            );
        }
        candidates.push((rank(&signal), signal));
    }
    // Stable: equal ranks keep the caller's order.
    candidates.sort_by_key(|(rank, _)| *rank);
    if let Some((row, code)) = candidates.iter().find_map(|(_, s)| lookup(s)) {
        return Explanation {
            status: row.status,
            code,
            cause: row.cause.to_owned(),
            fix: row.fix.to_owned(),
            needs_admin: row.needs_admin,
            reconnect_helps: row.reconnect_helps,
        };
    }
    match candidates.first() {
        Some((_, signal)) => unrecognised(&signal_code(signal)),
        None => Explanation {
            status: FailureStatus::Unknown,
            code: "unknown".to_owned(),
            cause: "No details about the failure were received.".to_owned(),
            fix: "Open the connection in Orchestrator or Integration Service to check its state, and contact support if it keeps failing.".to_owned(),
            needs_admin: false,
            reconnect_helps: false,
        },
    }
}

/// Precedence of a signal: lower is more specific.
fn rank(signal: &Signal<'_>) -> u8 {
    match signal {
        Signal::Aadsts(_) => 0,
        Signal::Provider { .. } => 1,
        Signal::OAuth { .. } => 2,
        Signal::Cns { .. } => 3,
        Signal::Http(_) => 4,
        Signal::Transport(_) => 5,
        Signal::State(_) => 6,
    }
}

fn find(matches: impl Fn(&MatchKey) -> bool) -> Option<&'static CatalogueRow> {
    CATALOGUE.iter().find(|row| matches(&row.key))
}

fn find_oauth(error: &str) -> Option<&'static CatalogueRow> {
    find(|key| matches!(key, OAuth(e) if e.eq_ignore_ascii_case(error)))
}

/// The first provider row with this code, whatever the provider.
fn find_provider_error(error: &str) -> Option<&'static CatalogueRow> {
    find(|key| matches!(key, Provider { error: e, .. } if e.eq_ignore_ascii_case(error)))
}

/// The row for a signal, and the code to report.
fn lookup(signal: &Signal<'_>) -> Option<(&'static CatalogueRow, String)> {
    let row_code = |row: &'static CatalogueRow| (row, row.key.code());
    match *signal {
        Signal::Aadsts(n) => find(|key| *key == Aadsts(n)).map(row_code),
        Signal::Provider { provider, error } => {
            let (provider, error) = (provider.trim(), error.trim());
            find(|key| {
                matches!(key, Provider { provider: p, error: e }
                    if p.eq_ignore_ascii_case(provider) && e.eq_ignore_ascii_case(error))
            })
            // A provider speaking plain OAuth (Google's invalid_grant).
            .or_else(|| find_oauth(error))
            .map(row_code)
        }
        Signal::OAuth { error, .. } => {
            let error = error.trim();
            find_oauth(error)
                // A provider's own code in an OAuth error field, provider
                // unknown (Google's admin_policy_enforced, Salesforce's
                // inactive_user): those codes are distinctive enough.
                .or_else(|| find_provider_error(error))
                .map(row_code)
        }
        Signal::Cns { code } => {
            let code = code.trim();
            find(|key| matches!(key, Cns(c) if c.eq_ignore_ascii_case(code))).map(row_code)
        }
        Signal::Http(status) => find(|key| *key == Http(status))
            .or_else(|| {
                (500..=599)
                    .contains(&status)
                    .then(|| find(|key| *key == HttpServerError))
                    .flatten()
            })
            .map(|row| (row, format!("http_{status}"))),
        Signal::Transport(t) => find(|key| *key == Transport(t)).map(row_code),
        Signal::State(state) => {
            let state = state.trim();
            find(|key| matches!(key, State(s) if s.eq_ignore_ascii_case(state))).map(row_code)
        }
    }
}

/// The code to quote for a signal the catalogue does not know.
fn signal_code(signal: &Signal<'_>) -> String {
    let raw = match *signal {
        Signal::Aadsts(n) => format!("AADSTS{n}"),
        Signal::Provider { provider, error } => {
            format!("{}:{}", provider.trim().to_ascii_lowercase(), error.trim())
        }
        Signal::OAuth { error, .. } => error.trim().to_owned(),
        Signal::Cns { code } => code.trim().to_owned(),
        Signal::Http(status) => format!("http_{status}"),
        Signal::Transport(t) => format!("transport_{}", t.name()),
        Signal::State(state) => format!("state_{}", state.trim().to_ascii_lowercase()),
    };
    // The code ends up in a sentence: keep it short and printable.
    let clean: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
        .take(64)
        .collect();
    let clean = clean.trim_matches(['.', ':', '-']);
    if clean.is_empty() {
        "unknown".to_owned()
    } else {
        clean.to_owned()
    }
}

fn unrecognised(code: &str) -> Explanation {
    Explanation {
        status: FailureStatus::Unknown,
        code: code.to_owned(),
        cause: format!("Connections Assistant does not recognise the failure code {code}."),
        fix: format!(
            "Open the connection in Orchestrator or Integration Service to check its state, and contact support with the code {code}."
        ),
        needs_admin: false,
        reconnect_helps: false,
    }
}
