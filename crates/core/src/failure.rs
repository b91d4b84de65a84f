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
use serde_json::{Map, Value};
use ts_rs::TS;
use url::Url;

use crate::error::{ApiError, ErrorCode};

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

/// Who can fix a row: keeps the two flags readable in the table.
#[derive(Clone, Copy)]
enum Remedy {
    /// Reconnecting (possibly as another account) fixes it.
    Reconnect,
    /// Only an administrator can fix it.
    Admin,
    /// Neither: wait, rebind, reconfigure, or ask support.
    Other,
}

const fn row(
    key: MatchKey,
    status: FailureStatus,
    remedy: Remedy,
    cause: &'static str,
    fix: &'static str,
) -> CatalogueRow {
    CatalogueRow {
        key,
        status,
        cause,
        fix,
        needs_admin: matches!(remedy, Remedy::Admin),
        reconnect_helps: matches!(remedy, Remedy::Reconnect),
    }
}

use FailureStatus::{
    ConsentRequired, Disabled, Expired, Healthy, Revoked, SecretExpired, Unknown, Unreachable,
};
use MatchKey::{Aadsts, Cns, Http, HttpServerError, OAuth, Provider, State, Transport};
use Remedy::{Admin, Other, Reconnect};

const RECONNECT: &str = "Reconnect it in Connections Assistant (Reconnect), signing in with the same account as before.";
const ACCEPT_OR_ADMIN: &str = "Reconnect it in Connections Assistant (Reconnect) and accept the permissions; if your organisation blocks that, ask an Entra administrator for admin consent.";
const ADMIN_CONSENT: &str = "Ask an Entra administrator to grant admin consent for the app; copy the admin-consent link from the details pane.";
const PASSWORD_RECONNECT: &str = "Reconnect it in Connections Assistant (Reconnect), signing in with the same account and its current password.";
const REDIRECT_URI_FIX: &str = "Ask an Entra administrator to add the connector's redirect URI (shown on Microsoft's error page) to the app registration's Authentication settings.";
const SCOPE_FIX: &str = "Check the scopes set on the connection in Integration Service, or contact UiPath support with this code if nobody changed them.";
const NEW_SECRET: &str = "Ask the administrator of the connection's app registration for a current client secret, then enter it in the connection's settings in Integration Service.";
const GONE_CAUSE: &str = "The connection no longer exists in Integration Service (it was deleted or is in another folder).";
const GONE_FIX: &str = "Create or choose another connection in Integration Service, then bind it to the processes that used this one.";
const NO_PERMISSION_CAUSE: &str =
    "Your UiPath account is not allowed to use or change this connection in its folder.";
const NO_PERMISSION_FIX: &str = "Ask an Orchestrator administrator to give your account the Connections permissions in the connection's folder.";
const ENABLE_FIX: &str =
    "Ask the connection's owner or a folder administrator to enable it in Integration Service.";
const TRY_LATER: &str = "Try again in a few minutes; if it keeps failing, check the service's status page or contact its support.";
const CHECK_NETWORK: &str = "Check this computer's network connection and try again; ask your network team if it keeps failing.";

/// The table. Order matters only among rows that could match the same input
/// (none do today; a test checks that keys are unique).
static CATALOGUE: &[CatalogueRow] = &[
    // ---- Microsoft Entra (AADSTS). The most precise codes there are.
    row(
        Aadsts(65001),
        ConsentRequired,
        // A user may consent for themselves unless the tenant forbids user
        // consent; only then is an administrator needed, hence not Admin.
        Reconnect,
        "Nobody has yet agreed to the permissions the connector's app asks for in Microsoft Entra (no user or admin consent).",
        ACCEPT_OR_ADMIN,
    ),
    row(
        Aadsts(65004),
        ConsentRequired,
        Reconnect,
        "The user declined the permissions on the Microsoft consent page.",
        ACCEPT_OR_ADMIN,
    ),
    row(
        Aadsts(90094),
        ConsentRequired,
        Admin,
        "The connector's app asks for permissions that only a Microsoft Entra administrator can approve (admin consent required).",
        ADMIN_CONSENT,
    ),
    row(
        Aadsts(700016),
        ConsentRequired,
        // A multi-tenant app appears in a tenant once someone consents to it.
        Admin,
        "The connector's app is not set up in this Microsoft Entra tenant yet (application not found in the directory).",
        ADMIN_CONSENT,
    ),
    row(
        Aadsts(50105),
        ConsentRequired,
        // Assignment is an administrator's approval of the app for a user:
        // closest to consent.
        Admin,
        "The account is not assigned to the connector's app in Microsoft Entra, and the app only lets assigned users sign in.",
        "Ask an Entra administrator to assign the account to the app under Enterprise applications, Users and groups, then reconnect.",
    ),
    row(
        Aadsts(70008),
        Expired,
        Reconnect,
        "The connection's saved Microsoft sign-in has expired or was revoked.",
        RECONNECT,
    ),
    row(
        Aadsts(700082),
        Expired,
        Reconnect,
        "The connection's Microsoft sign-in expired because it was not used for 90 days.",
        "Reconnect it in Connections Assistant (Reconnect), signing in with the same account as before; a connection unused for 90 days expires again.",
    ),
    row(
        Aadsts(70043),
        Expired,
        Reconnect,
        "A Conditional Access policy of the organisation requires signing in again after a set time, and that time has passed.",
        RECONNECT,
    ),
    row(
        Aadsts(50076),
        Expired,
        Reconnect,
        "Microsoft Entra now requires multi-factor authentication for this account, which the saved sign-in cannot provide.",
        "Reconnect it in Connections Assistant (Reconnect) and complete the multi-factor prompt when asked.",
    ),
    row(
        Aadsts(50079),
        Expired,
        Reconnect,
        "The account must register for multi-factor authentication before it can sign in again.",
        "Have the account's user set up multi-factor authentication at https://aka.ms/mfasetup, then reconnect it in Connections Assistant (Reconnect).",
    ),
    row(
        Aadsts(50055),
        Expired,
        Reconnect,
        "The account's password has expired, so its saved sign-in no longer works.",
        "Have the account's user change their password, then reconnect it in Connections Assistant (Reconnect) with the new password.",
    ),
    row(
        Aadsts(50173),
        Revoked,
        Reconnect,
        "The saved Microsoft sign-in was revoked, usually because the account's password was changed or reset.",
        PASSWORD_RECONNECT,
    ),
    row(
        Aadsts(50133),
        Revoked,
        Reconnect,
        "The Microsoft sign-in session is no longer valid because the account's password expired or was changed recently.",
        PASSWORD_RECONNECT,
    ),
    row(
        Aadsts(50057),
        Revoked,
        // Either an administrator re-enables the account or someone
        // reconnects with an active one: not administrator-only.
        Reconnect,
        "The account the connection signs in with is disabled in Microsoft Entra.",
        "Ask an Entra administrator to enable the account again, or reconnect it in Connections Assistant (Reconnect) with an active account.",
    ),
    row(
        Aadsts(53003),
        // Access withdrawn by the organisation's policy: closest to Revoked.
        Revoked,
        Admin,
        "A Conditional Access policy of the organisation blocks this sign-in (for example from this location or device).",
        "Ask an Entra administrator to look up this sign-in in the Entra sign-in logs and allow it in Conditional Access.",
    ),
    row(
        Aadsts(7000215),
        // "Invalid client secret": a wrong value rather than an expired one,
        // but the remedy is the same (put the app's current secret in), so it
        // belongs to the SecretExpired family.
        SecretExpired,
        Admin,
        "The client secret stored with the connection is wrong: it is not a current secret of the connector's app.",
        NEW_SECRET,
    ),
    row(
        Aadsts(7000222),
        SecretExpired,
        Admin,
        "The client secret of the connector's app has expired in Microsoft Entra.",
        "Ask an Entra administrator to create a new client secret for the app registration, then enter it in the connection's settings in Integration Service.",
    ),
    row(
        Aadsts(50011),
        // Reply URL mismatch: the app registration is misconfigured. No status
        // fits better than Unknown (it is neither consent nor an expiry, and
        // reconnecting fails the same way); needs_admin says who acts.
        Unknown,
        Admin,
        "The address Microsoft sends the sign-in back to (redirect URI) is not registered on the connector's app in Microsoft Entra.",
        REDIRECT_URI_FIX,
    ),
    row(
        Aadsts(500113),
        Unknown,
        Admin,
        "The connector's app in Microsoft Entra has no address registered to send the sign-in back to (redirect URI).",
        REDIRECT_URI_FIX,
    ),
    row(
        Aadsts(70011),
        Unknown,
        Other,
        "The connection asks Microsoft Entra for a permission (scope) that is not valid for the app.",
        SCOPE_FIX,
    ),
    // ---- Provider-specific codes.
    row(
        Provider {
            provider: "google",
            error: "disallowed_useragent",
        },
        // The sign-in (and so the consent) could not complete; doing it again
        // in the system browser completes it.
        ConsentRequired,
        Reconnect,
        "Google blocks sign-in inside windows embedded in apps, so the sign-in could not finish.",
        "Reconnect it in Connections Assistant and choose the system browser for this connector's sign-in.",
    ),
    row(
        Provider {
            provider: "google",
            error: "admin_policy_enforced",
        },
        ConsentRequired,
        Admin,
        "A Google Workspace policy of the organisation does not allow the connector's app to access this account.",
        "Ask a Google Workspace administrator to trust the app in the Admin console (Security, API controls), then reconnect.",
    ),
    row(
        Provider {
            provider: "salesforce",
            error: "inactive_user",
        },
        Revoked,
        Reconnect,
        "The Salesforce user the connection signs in as is deactivated.",
        "Ask a Salesforce administrator to reactivate the user, or reconnect it in Connections Assistant (Reconnect) as an active Salesforce user.",
    ),
    row(
        Provider {
            provider: "salesforce",
            error: "invalid_grant",
        },
        Expired,
        Reconnect,
        "Salesforce no longer accepts the connection's saved sign-in (the access or refresh token expired or was revoked).",
        "Reconnect it in Connections Assistant (Reconnect); if it keeps expiring, ask a Salesforce administrator to check the connected app's refresh token policy.",
    ),
    row(
        Provider {
            provider: "slack",
            error: "token_revoked",
        },
        Revoked,
        Reconnect,
        "The connection's Slack token was revoked, for example because the app was removed from the workspace.",
        "Reconnect it in Connections Assistant (Reconnect); if the app was removed, ask a Slack workspace admin to allow it again.",
    ),
    row(
        Provider {
            provider: "slack",
            error: "invalid_auth",
        },
        Revoked,
        Reconnect,
        "Slack does not accept the connection's token (it is no longer valid, or the request came from a blocked IP address).",
        "Reconnect it in Connections Assistant (Reconnect); if it fails again, ask a Slack workspace admin whether IP restrictions block UiPath.",
    ),
    row(
        Provider {
            provider: "slack",
            error: "account_inactive",
        },
        Revoked,
        Reconnect,
        "The Slack user or workspace the connection belongs to was deactivated or deleted.",
        "Reconnect it in Connections Assistant (Reconnect) as an active Slack user, or ask a Slack workspace admin to reactivate the account.",
    ),
    // ---- OAuth 2.0 / OpenID Connect.
    row(
        OAuth("access_denied"),
        ConsentRequired,
        Reconnect,
        "The user declined the permissions on the consent page, or the organisation does not allow them.",
        "Reconnect it in Connections Assistant (Reconnect) and accept the permissions; if your organisation blocks that, ask its administrator to approve the app.",
    ),
    row(
        OAuth("consent_required"),
        ConsentRequired,
        Reconnect,
        "The account has not agreed to the permissions the connector needs.",
        "Reconnect it in Connections Assistant (Reconnect) and accept the permissions; if your organisation blocks user consent, ask an administrator to approve the app.",
    ),
    // interaction_required and login_required are Expired, not
    // ConsentRequired: OIDC reports missing consent as consent_required; these
    // two say the saved sign-in cannot be renewed without the user (a new
    // sign-in, multi-factor, a policy prompt). Reconnecting fixes that without
    // any administrator, exactly like an expiry.
    row(
        OAuth("interaction_required"),
        Expired,
        Reconnect,
        "The saved sign-in cannot be renewed without the user signing in again (for example for multi-factor authentication).",
        RECONNECT,
    ),
    row(
        OAuth("login_required"),
        Expired,
        Reconnect,
        "The saved sign-in is no longer valid and the user must sign in again.",
        RECONNECT,
    ),
    row(
        OAuth("invalid_grant"),
        Expired,
        Reconnect,
        "The connection's saved sign-in has expired or was revoked.",
        RECONNECT,
    ),
    row(
        OAuth("invalid_client"),
        SecretExpired,
        Admin,
        "The service rejected the connection's app credentials (its client secret is wrong or expired).",
        NEW_SECRET,
    ),
    row(
        OAuth("unauthorized_client"),
        Unknown,
        Admin,
        "The connector's app is not allowed to sign in this way, or not allowed in this organisation.",
        "Ask the administrator of the app registration to check which sign-in flows it allows, or contact UiPath support with this code.",
    ),
    row(
        OAuth("invalid_scope"),
        Unknown,
        Other,
        "The connection asks for a permission (scope) that the service does not recognise.",
        SCOPE_FIX,
    ),
    row(
        OAuth("temporarily_unavailable"),
        Unreachable,
        Other,
        "The sign-in service is temporarily unavailable.",
        TRY_LATER,
    ),
    row(
        OAuth("server_error"),
        Unreachable,
        Other,
        "The sign-in service had an internal error.",
        TRY_LATER,
    ),
    // ---- Integration Service (CNS) and robot runtime (DAP) codes.
    row(
        Cns("CNS1008"),
        Expired,
        Reconnect,
        "Integration Service cannot use the connection's sign-in: it expired, was revoked or was never completed.",
        RECONNECT,
    ),
    row(Cns("CNS1000"), Unknown, Other, GONE_CAUSE, GONE_FIX),
    row(Cns("CNS1006"), Unknown, Other, GONE_CAUSE, GONE_FIX),
    row(Cns("CNS1049"), Unknown, Other, GONE_CAUSE, GONE_FIX),
    row(
        Cns("CNS1021"),
        Unknown,
        Other,
        "The connection uses a different authentication type than this operation expects.",
        "Create a connection with the expected authentication type in Integration Service, then bind it to the process.",
    ),
    row(
        Cns("CNS1044"),
        Unknown,
        Admin,
        NO_PERMISSION_CAUSE,
        NO_PERMISSION_FIX,
    ),
    row(
        Cns("CNS1045"),
        Unknown,
        Admin,
        NO_PERMISSION_CAUSE,
        NO_PERMISSION_FIX,
    ),
    row(
        Cns("CNS1047"),
        Unknown,
        Admin,
        NO_PERMISSION_CAUSE,
        NO_PERMISSION_FIX,
    ),
    row(
        Cns("DAP-GE-3000"),
        Unknown,
        Other,
        "The robot could not load the connection from Integration Service.",
        "Open the connection in Integration Service to check its state, and reconnect it in Connections Assistant (Reconnect) if it shows a problem.",
    ),
    row(
        Cns("DAP-GE-3005"),
        Disabled,
        Other,
        "The connection is disabled in Integration Service, so processes cannot use it.",
        ENABLE_FIX,
    ),
    row(
        Cns("DAP-RT-1002"),
        Unknown,
        Other,
        "The process has no connection bound for this activity.",
        "In Orchestrator, edit the process and choose a connection for it in its package requirements.",
    ),
    // ---- HTTP statuses, when the body says nothing more precise.
    row(
        Http(401),
        Expired,
        Reconnect,
        "The service rejected the connection's sign-in (HTTP 401 Unauthorized).",
        RECONNECT,
    ),
    row(
        Http(403),
        Unknown,
        Admin,
        "The service refused access (HTTP 403 Forbidden): the account lacks a permission this operation needs.",
        "Ask an administrator of the service, or of the connection's folder, to give the account the permission it needs.",
    ),
    row(Http(404), Unknown, Other, GONE_CAUSE, GONE_FIX),
    row(
        Http(408),
        Unreachable,
        Other,
        "The service took too long to answer (HTTP 408 Request Timeout).",
        TRY_LATER,
    ),
    row(
        Http(429),
        Unreachable,
        Other,
        "The service or the tenant is limiting how many requests it accepts (HTTP 429 Too Many Requests).",
        "Wait a few minutes and try again; nothing needs to change on the connection.",
    ),
    row(
        HttpServerError,
        Unreachable,
        Other,
        "The service had a server error (HTTP 5xx) and could not answer.",
        TRY_LATER,
    ),
    // ---- No HTTP answer at all.
    row(
        Transport(TransportFailure::Timeout),
        Unreachable,
        Other,
        "The service did not answer in time.",
        CHECK_NETWORK,
    ),
    row(
        Transport(TransportFailure::Refused),
        Unreachable,
        Other,
        "The service refused the network connection.",
        "Check this computer's network, proxy and firewall settings, then try again.",
    ),
    row(
        Transport(TransportFailure::Dns),
        Unreachable,
        Other,
        "The service's address could not be found (the DNS lookup failed).",
        "Check this computer's network connection and the tenant address, then try again; ask your network team if it keeps failing.",
    ),
    row(
        Transport(TransportFailure::Tls),
        Unreachable,
        Other,
        "A secure (TLS) connection to the service could not be set up.",
        "Ask your network team whether a proxy or firewall inspects HTTPS traffic to the service, and have it let the traffic through.",
    ),
    row(
        Transport(TransportFailure::Other),
        Unreachable,
        Other,
        "A network error stopped the request before the service answered.",
        CHECK_NETWORK,
    ),
    // ---- Only the state from the listing.
    row(
        State("Enabled"),
        Healthy,
        Other,
        "Integration Service reports the connection as enabled.",
        "No action is needed.",
    ),
    row(
        State("Disabled"),
        Disabled,
        Other,
        "Integration Service reports the connection as disabled.",
        ENABLE_FIX,
    ),
    row(
        State("Expired"),
        Expired,
        Reconnect,
        "Integration Service reports that the connection's sign-in has expired.",
        RECONNECT,
    ),
    row(
        State("Failed"),
        Unknown,
        Reconnect,
        "Integration Service reports that the connection failed, without saying why.",
        "Reconnect it in Connections Assistant (Reconnect); if it fails again, open it in Integration Service and contact support with the error shown.",
    ),
];

/// The whole catalogue, for documentation and tests.
pub fn catalogue() -> &'static [CatalogueRow] {
    CATALOGUE
}

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

/// Explains an HTTP error answer: parses a JSON error body of any known shape
/// (`{code, message}` from Integration Service; `{error, error_description,
/// error_codes}` from Entra and OAuth servers; Slack's `{ok: false, error}`;
/// `{error: {code, message}}` as Microsoft Graph sends it), a form-encoded
/// `error=…` redirect query, or plain text, collects every code in it
/// (`AADSTSnnnn`, `CNSnnnn`, `DAP-XX-nnnn` anywhere in the text), adds the
/// HTTP status, and calls [`explain`]. Garbage or an empty body leaves only the
/// status.
pub fn explain_error_body(http_status: Option<u16>, body: &str) -> Explanation {
    let found = BodyCodes::read(body);
    let mut signals: Vec<Signal<'_>> = found.aadsts.iter().map(|&n| Signal::Aadsts(n)).collect();
    if let Some(error) = &found.slack {
        signals.push(Signal::Provider {
            provider: "slack",
            error,
        });
    }
    if let Some(error) = &found.oauth {
        // The description's AADSTS codes are already in `found.aadsts`.
        signals.push(Signal::OAuth {
            error,
            description: None,
        });
    }
    signals.extend(found.codes.iter().map(|code| Signal::Cns { code }));
    if let Some(status) = http_status {
        signals.push(Signal::Http(status));
    }
    explain(&signals)
}

/// Why [`admin_consent_url`] refused its input. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminConsentUrlError {
    /// No tenant was given.
    #[error(
        "Enter the organisation's Microsoft Entra tenant ID or domain, for example contoso.onmicrosoft.com."
    )]
    EmptyTenant,
    /// `common`, `organizations` or `consumers`: admin consent is granted in
    /// one tenant, which must be named.
    #[error(
        "Admin consent needs the organisation's own tenant ID or domain, not \"{0}\"; the tenant ID is on the Overview page of the Entra admin center."
    )]
    SharedTenant(String),
    /// Not a tenant ID (GUID) or domain name.
    #[error("\"{0}\" is not a Microsoft Entra tenant ID or domain.")]
    InvalidTenant(String),
    /// No client ID was given.
    #[error("The app's client ID is missing.")]
    EmptyClientId,
    /// No scope was given.
    #[error(
        "Name at least one permission to ask admin consent for, for example https://graph.microsoft.com/.default."
    )]
    NoScopes,
    /// The redirect URI is not an absolute http(s) URL.
    #[error("The redirect URI \"{0}\" is not an absolute http or https address.")]
    InvalidRedirectUri(String),
}

impl From<AdminConsentUrlError> for ApiError {
    fn from(err: AdminConsentUrlError) -> Self {
        ApiError::new(ErrorCode::InvalidInput, err.to_string())
    }
}

/// The Microsoft Entra (v2.0, global cloud) admin-consent link an
/// administrator opens to grant consent for the whole tenant:
/// `https://login.microsoftonline.com/{tenant}/v2.0/adminconsent?client_id=…&scope=…&redirect_uri=…&state=…`.
///
/// Scopes are joined with spaces; every value is percent-encoded (RFC 3986,
/// spaces as `%20`). The redirect URI is passed exactly as given (trimmed), since
/// Entra compares it with the registered one character for character. `state`
/// is left out when empty. `tenant` must be the tenant ID or a verified domain:
/// `common`, `organizations` and `consumers` are refused.
pub fn admin_consent_url(
    tenant: &str,
    client_id: &str,
    redirect_uri: &str,
    scopes: &[&str],
    state: &str,
) -> Result<Url, AdminConsentUrlError> {
    let tenant = tenant.trim();
    if tenant.is_empty() {
        return Err(AdminConsentUrlError::EmptyTenant);
    }
    if ["common", "organizations", "consumers"]
        .iter()
        .any(|shared| tenant.eq_ignore_ascii_case(shared))
    {
        return Err(AdminConsentUrlError::SharedTenant(tenant.to_owned()));
    }
    let tenant_chars_ok = tenant
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !tenant_chars_ok
        || tenant.len() > 253
        || tenant.starts_with(['.', '-'])
        || tenant.ends_with(['.', '-'])
    {
        return Err(AdminConsentUrlError::InvalidTenant(tenant.to_owned()));
    }
    let client_id = client_id.trim();
    if client_id.is_empty() {
        return Err(AdminConsentUrlError::EmptyClientId);
    }
    let scope = scopes
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if scope.is_empty() {
        return Err(AdminConsentUrlError::NoScopes);
    }
    let redirect_uri = redirect_uri.trim();
    match Url::parse(redirect_uri) {
        Ok(u) if matches!(u.scheme(), "https" | "http") && u.has_host() => {}
        _ => {
            return Err(AdminConsentUrlError::InvalidRedirectUri(
                redirect_uri.to_owned(),
            ));
        }
    }
    let mut query = format!(
        "client_id={}&scope={}&redirect_uri={}",
        percent_encode(client_id),
        percent_encode(&scope),
        percent_encode(redirect_uri)
    );
    if !state.is_empty() {
        query.push_str("&state=");
        query.push_str(&percent_encode(state));
    }
    Url::parse(&format!(
        "https://login.microsoftonline.com/{tenant}/v2.0/adminconsent?{query}"
    ))
    .map_err(|_| AdminConsentUrlError::InvalidTenant(tenant.to_owned()))
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

/// Every code found in an error body, most specific kinds apart.
#[derive(Debug, Default)]
struct BodyCodes {
    aadsts: Vec<u32>,
    slack: Option<String>,
    oauth: Option<String>,
    /// `code` fields and `CNS…`/`DAP-…` codes found in the text.
    codes: Vec<String>,
}

impl BodyCodes {
    fn read(body: &str) -> Self {
        let body = body.trim();
        let mut found = Self::default();
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) => found.read_json(&map),
            Ok(_) => {}
            Err(_) => found.read_query(body),
        }
        for n in aadsts_codes(body) {
            if !found.aadsts.contains(&n) {
                found.aadsts.push(n);
            }
        }
        for code in tokens(body).filter(|t| is_service_code(t)) {
            found.push_code(code);
        }
        found
    }

    fn read_json(&mut self, map: &Map<String, Value>) {
        if let Some(Value::Array(codes)) = map.get("error_codes") {
            for value in codes {
                let n = match value {
                    Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                };
                if let Some(n) = n.filter(|n| !self.aadsts.contains(n)) {
                    self.aadsts.push(n);
                }
            }
        }
        match map.get("error") {
            Some(Value::String(error)) if is_code_like(error) => {
                if map.get("ok") == Some(&Value::Bool(false)) {
                    self.slack = Some(error.clone());
                } else {
                    self.oauth = Some(error.clone());
                }
            }
            // Microsoft Graph and other REST APIs: {"error": {"code": …, "message": …}}.
            Some(Value::Object(inner)) => {
                if let Some(Value::String(code)) = inner.get("code") {
                    self.push_code(code);
                }
            }
            _ => {}
        }
        for field in ["code", "errorCode", "error_code"] {
            if let Some(Value::String(code)) = map.get(field) {
                self.push_code(code);
            }
        }
    }

    /// `error=access_denied&error_description=…`, as a sign-in redirect carries it.
    fn read_query(&mut self, body: &str) {
        let query = body.trim_start_matches(['?', '#']);
        if let Some((_, error)) = url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, value)| key == "error" && is_code_like(value))
        {
            self.oauth = Some(error.into_owned());
        }
    }

    fn push_code(&mut self, code: &str) {
        let code = code.trim();
        if is_code_like(code) && !self.codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
            self.codes.push(code.to_owned());
        }
    }
}

/// Looks like a code, not prose: short, no spaces.
fn is_code_like(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// Words of a text: runs of ASCII letters, digits and dashes.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|t| !t.is_empty())
}

/// Every `AADSTSnnnn` code in a text, in order, without repeats.
fn aadsts_codes(text: &str) -> Vec<u32> {
    let mut codes = Vec::new();
    for token in tokens(text) {
        // `AADSTS700082` alone or glued to what follows (`AADSTS700082-x`).
        let Some(rest) = token.strip_prefix("AADSTS") else {
            continue;
        };
        let digits = rest.split('-').next().unwrap_or_default();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Ok(n) = digits.parse::<u32>()
            && !codes.contains(&n)
        {
            codes.push(n);
        }
    }
    codes
}

/// `CNS1008` or `DAP-GE-3005`.
fn is_service_code(token: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = token.strip_prefix("CNS") {
        return all_digits(rest);
    }
    let mut parts = token.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("DAP"), Some(area), Some(number), None)
            if area.len() == 2 && area.bytes().all(|b| b.is_ascii_uppercase()) && all_digits(number)
    )
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expected meaning of every row, written independently of the table:
    /// (code, status, needs_admin, reconnect_helps). A row changed by mistake,
    /// added or dropped fails `every_row_matches_the_expectation_list`.
    const EXPECTED: &[(&str, FailureStatus, bool, bool)] = &[
        ("AADSTS65001", ConsentRequired, false, true),
        ("AADSTS65004", ConsentRequired, false, true),
        ("AADSTS90094", ConsentRequired, true, false),
        ("AADSTS700016", ConsentRequired, true, false),
        ("AADSTS50105", ConsentRequired, true, false),
        ("AADSTS70008", Expired, false, true),
        ("AADSTS700082", Expired, false, true),
        ("AADSTS70043", Expired, false, true),
        ("AADSTS50076", Expired, false, true),
        ("AADSTS50079", Expired, false, true),
        ("AADSTS50055", Expired, false, true),
        ("AADSTS50173", Revoked, false, true),
        ("AADSTS50133", Revoked, false, true),
        ("AADSTS50057", Revoked, false, true),
        ("AADSTS53003", Revoked, true, false),
        ("AADSTS7000215", SecretExpired, true, false),
        ("AADSTS7000222", SecretExpired, true, false),
        ("AADSTS50011", Unknown, true, false),
        ("AADSTS500113", Unknown, true, false),
        ("AADSTS70011", Unknown, false, false),
        ("google:disallowed_useragent", ConsentRequired, false, true),
        ("google:admin_policy_enforced", ConsentRequired, true, false),
        ("salesforce:inactive_user", Revoked, false, true),
        ("salesforce:invalid_grant", Expired, false, true),
        ("slack:token_revoked", Revoked, false, true),
        ("slack:invalid_auth", Revoked, false, true),
        ("slack:account_inactive", Revoked, false, true),
        ("access_denied", ConsentRequired, false, true),
        ("consent_required", ConsentRequired, false, true),
        ("interaction_required", Expired, false, true),
        ("login_required", Expired, false, true),
        ("invalid_grant", Expired, false, true),
        ("invalid_client", SecretExpired, true, false),
        ("unauthorized_client", Unknown, true, false),
        ("invalid_scope", Unknown, false, false),
        ("temporarily_unavailable", Unreachable, false, false),
        ("server_error", Unreachable, false, false),
        ("CNS1008", Expired, false, true),
        ("CNS1000", Unknown, false, false),
        ("CNS1006", Unknown, false, false),
        ("CNS1049", Unknown, false, false),
        ("CNS1021", Unknown, false, false),
        ("CNS1044", Unknown, true, false),
        ("CNS1045", Unknown, true, false),
        ("CNS1047", Unknown, true, false),
        ("DAP-GE-3000", Unknown, false, false),
        ("DAP-GE-3005", Disabled, false, false),
        ("DAP-RT-1002", Unknown, false, false),
        ("http_401", Expired, false, true),
        ("http_403", Unknown, true, false),
        ("http_404", Unknown, false, false),
        ("http_408", Unreachable, false, false),
        ("http_429", Unreachable, false, false),
        ("http_5xx", Unreachable, false, false),
        ("transport_timeout", Unreachable, false, false),
        ("transport_refused", Unreachable, false, false),
        ("transport_dns", Unreachable, false, false),
        ("transport_tls", Unreachable, false, false),
        ("transport_other", Unreachable, false, false),
        ("state_enabled", Healthy, false, false),
        ("state_disabled", Disabled, false, false),
        ("state_expired", Expired, false, true),
        ("state_failed", Unknown, false, true),
    ];

    /// A signal that should land on the row.
    fn signal_for(key: &MatchKey) -> Signal<'static> {
        match *key {
            Aadsts(n) => Signal::Aadsts(n),
            Provider { provider, error } => Signal::Provider { provider, error },
            OAuth(error) => Signal::OAuth {
                error,
                description: None,
            },
            Cns(code) => Signal::Cns { code },
            Http(status) => Signal::Http(status),
            HttpServerError => Signal::Http(503),
            Transport(t) => Signal::Transport(t),
            State(state) => Signal::State(state),
        }
    }

    fn status_of(signals: &[Signal<'_>]) -> FailureStatus {
        explain(signals).status
    }

    #[test]
    fn every_row_matches_the_expectation_list() {
        let rows = catalogue();
        assert_eq!(rows.len(), EXPECTED.len(), "rows added or removed");
        for &(code, status, needs_admin, reconnect_helps) in EXPECTED {
            let row = rows
                .iter()
                .find(|r| r.key.code() == code)
                .unwrap_or_else(|| panic!("no row for {code}"));
            assert_eq!(row.status, status, "{code}");
            assert_eq!(row.needs_admin, needs_admin, "{code} needs_admin");
            assert_eq!(
                row.reconnect_helps, reconnect_helps,
                "{code} reconnect_helps"
            );
        }
    }

    #[test]
    fn every_row_is_reached_by_its_own_signal() {
        for row in catalogue() {
            let got = explain(&[signal_for(&row.key)]);
            let want_code = match row.key {
                HttpServerError => "http_503".to_owned(),
                key => key.code(),
            };
            assert_eq!(got.code, want_code);
            assert_eq!(got.status, row.status, "{want_code}");
            assert_eq!(got.cause, row.cause, "{want_code}");
            assert_eq!(got.fix, row.fix, "{want_code}");
            assert_eq!(got.needs_admin, row.needs_admin, "{want_code}");
            assert_eq!(got.reconnect_helps, row.reconnect_helps, "{want_code}");
        }
    }

    #[test]
    fn keys_are_unique() {
        let rows = catalogue();
        for (i, a) in rows.iter().enumerate() {
            for b in &rows[i + 1..] {
                assert_ne!(a.key.code(), b.key.code(), "duplicate key");
            }
        }
    }

    fn assert_sentence(text: &str, what: &str) {
        let first = text.chars().next().unwrap_or(' ');
        assert!(
            first.is_ascii_uppercase(),
            "{what} must start uppercase: {text}"
        );
        assert!(text.ends_with('.'), "{what} must end with a period: {text}");
        assert!(text.len() < 200, "{what} is {} chars: {text}", text.len());
        // One sentence: no period followed by a space before the end.
        assert!(
            !text.contains(". "),
            "{what} has more than one sentence: {text}"
        );
        assert!(!text.contains('{'), "{what} has a placeholder: {text}");
        assert!(!text.contains("  "), "{what} has a double space: {text}");
    }

    #[test]
    fn every_cause_and_fix_is_one_full_sentence() {
        for row in catalogue() {
            let code = row.key.code();
            assert_sentence(row.cause, &format!("{code} cause"));
            assert_sentence(row.fix, &format!("{code} fix"));
        }
        let long = "x".repeat(500);
        for e in [
            explain(&[]),
            explain(&[Signal::Cns { code: "CNS9999" }]),
            explain(&[Signal::OAuth {
                error: &long,
                description: None,
            }]),
        ] {
            assert_sentence(&e.cause, "unknown cause");
            assert_sentence(&e.fix, "unknown fix");
        }
    }

    #[test]
    fn rows_that_send_people_to_an_admin_say_so_and_reconnect_rows_say_reconnect() {
        for row in catalogue() {
            let code = row.key.code();
            if row.needs_admin {
                assert!(
                    row.fix.contains("admin") || row.fix.contains("Admin"),
                    "{code}: {}",
                    row.fix
                );
            }
            if row.reconnect_helps {
                assert!(row.fix.contains("econnect"), "{code}: {}", row.fix);
            }
        }
    }

    #[test]
    fn aadsts_beats_the_oauth_code_it_came_with() {
        assert_eq!(
            status_of(&[Signal::OAuth {
                error: "invalid_grant",
                description: None
            }]),
            Expired
        );
        assert_eq!(
            status_of(&[
                Signal::OAuth {
                    error: "invalid_grant",
                    description: None
                },
                Signal::Aadsts(50173)
            ]),
            Revoked
        );
        let e = explain(&[Signal::OAuth {
            error: "invalid_grant",
            description: Some(
                "AADSTS50173: The provided grant has expired due to it being revoked.",
            ),
        }]);
        assert_eq!((e.status, e.code.as_str()), (Revoked, "AADSTS50173"));
        let e = explain(&[Signal::OAuth {
            error: "invalid_client",
            description: Some("AADSTS7000222: The provided client secret keys are expired."),
        }]);
        assert_eq!(
            (e.status, e.code.as_str()),
            (SecretExpired, "AADSTS7000222")
        );
    }

    #[test]
    fn precedence_runs_aadsts_provider_oauth_cns_http_transport_state() {
        let order = [
            Signal::State("Disabled"),
            Signal::Transport(TransportFailure::Dns),
            Signal::Http(429),
            Signal::Cns { code: "CNS1008" },
            Signal::OAuth {
                error: "access_denied",
                description: None,
            },
            Signal::Provider {
                provider: "slack",
                error: "token_revoked",
            },
            Signal::Aadsts(7000222),
        ];
        let want = [
            "state_disabled",
            "transport_dns",
            "http_429",
            "CNS1008",
            "access_denied",
            "slack:token_revoked",
            "AADSTS7000222",
        ];
        // With the first n signals (least specific first), the nth wins.
        for n in 1..=order.len() {
            assert_eq!(explain(&order[..n]).code, want[n - 1]);
            let mut reversed = order[..n].to_vec();
            reversed.reverse();
            assert_eq!(explain(&reversed).code, want[n - 1]);
        }
        // Equal rank: the first given wins.
        assert_eq!(
            explain(&[Signal::Aadsts(700082), Signal::Aadsts(50173)]).status,
            Expired
        );
    }

    #[test]
    fn an_unknown_specific_code_falls_back_to_a_known_general_one() {
        let e = explain(&[
            Signal::Aadsts(9_999_999),
            Signal::OAuth {
                error: "invalid_grant",
                description: None,
            },
        ]);
        assert_eq!((e.status, e.code.as_str()), (Expired, "invalid_grant"));
        let e = explain(&[Signal::Cns { code: "CNS4242" }, Signal::Http(502)]);
        assert_eq!((e.status, e.code.as_str()), (Unreachable, "http_502"));
    }

    #[test]
    fn unknown_input_quotes_the_most_specific_code() {
        let e = explain(&[Signal::Http(418), Signal::Aadsts(12345)]);
        assert_eq!(e.status, Unknown);
        assert_eq!(e.code, "AADSTS12345");
        assert!(e.cause.contains("AADSTS12345"), "{}", e.cause);
        assert!(e.fix.contains("AADSTS12345"), "{}", e.fix);
        assert!(e.fix.contains("Integration Service"), "{}", e.fix);
        assert!(e.fix.contains("support"), "{}", e.fix);
        assert!(!e.needs_admin && !e.reconnect_helps);

        let e = explain(&[Signal::State("Pending")]);
        assert_eq!((e.status, e.code.as_str()), (Unknown, "state_pending"));

        let e = explain(&[]);
        assert_eq!((e.status, e.code.as_str()), (Unknown, "unknown"));

        // Hostile text is reduced to a short printable code.
        let e = explain(&[Signal::Cns {
            code: "<script>alert(1)</script>\n",
        }]);
        assert_eq!(e.code, "scriptalert1script");
        let e = explain(&[Signal::Cns { code: "  " }]);
        assert_eq!(e.code, "unknown");
    }

    #[test]
    fn matching_ignores_case_and_spaces() {
        assert_eq!(status_of(&[Signal::Cns { code: " cns1008 " }]), Expired);
        assert_eq!(status_of(&[Signal::State("expired")]), Expired);
        assert_eq!(
            status_of(&[Signal::Provider {
                provider: "Slack",
                error: "TOKEN_REVOKED"
            }]),
            Revoked
        );
        assert_eq!(
            explain(&[Signal::Cns {
                code: "dap-ge-3005"
            }])
            .code,
            "DAP-GE-3005"
        );
    }

    #[test]
    fn provider_and_oauth_codes_reach_each_other() {
        // Google speaking plain OAuth.
        let e = explain(&[Signal::Provider {
            provider: "google",
            error: "invalid_grant",
        }]);
        assert_eq!((e.status, e.code.as_str()), (Expired, "invalid_grant"));
        // Salesforce's own row beats the generic one when the provider is known.
        let e = explain(&[Signal::Provider {
            provider: "salesforce",
            error: "invalid_grant",
        }]);
        assert_eq!(e.code, "salesforce:invalid_grant");
        // A provider's distinctive code in an OAuth error, provider unknown.
        let e = explain(&[Signal::OAuth {
            error: "admin_policy_enforced",
            description: None,
        }]);
        assert_eq!(
            (e.status, e.code.as_str()),
            (ConsentRequired, "google:admin_policy_enforced")
        );
    }

    #[test]
    fn the_brief_statuses_hold() {
        let cases: &[(Signal<'_>, FailureStatus)] = &[
            (Signal::Aadsts(65001), ConsentRequired),
            (Signal::Aadsts(90094), ConsentRequired),
            (Signal::Aadsts(70008), Expired),
            (Signal::Aadsts(700082), Expired),
            (Signal::Aadsts(50173), Revoked),
            (Signal::Aadsts(7000215), SecretExpired),
            (Signal::Aadsts(7000222), SecretExpired),
            (Signal::Aadsts(50011), Unknown),
            (Signal::Cns { code: "CNS1008" }, Expired),
            (
                Signal::Cns {
                    code: "DAP-GE-3005",
                },
                Disabled,
            ),
            (Signal::State("Expired"), Expired),
            (Signal::State("Disabled"), Disabled),
            (Signal::Http(429), Unreachable),
            (Signal::Http(500), Unreachable),
            (Signal::Http(599), Unreachable),
            (Signal::Transport(TransportFailure::Timeout), Unreachable),
        ];
        for (signal, status) in cases {
            assert_eq!(status_of(&[*signal]), *status, "{signal:?}");
        }
        assert!(explain(&[Signal::Aadsts(90094)]).needs_admin);
        assert!(!explain(&[Signal::Aadsts(65001)]).needs_admin);
        assert!(explain(&[Signal::Aadsts(50011)]).needs_admin);
        assert_eq!(status_of(&[Signal::Http(600)]), Unknown);
        assert_eq!(status_of(&[Signal::Http(499)]), Unknown);
    }

    #[test]
    fn entra_body_is_explained_by_its_aadsts_code() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2025-01-01T00:00:00Z and was inactive for 90.00:00:00. Trace ID: 0f1e Correlation ID: 9a8b Timestamp: 2025-04-01 00:00:00Z","error_codes":[700082],"timestamp":"2025-04-01 00:00:00Z","trace_id":"0f1e2d3c-0000-0000-0000-000000000000","correlation_id":"9a8b7c6d-0000-0000-0000-000000000000","error_uri":"https://login.microsoftonline.com/error?code=700082"}"#;
        let e = explain_error_body(Some(400), body);
        assert_eq!((e.status, e.code.as_str()), (Expired, "AADSTS700082"));
        assert!(e.reconnect_helps);
    }

    #[test]
    fn entra_code_only_in_the_text_is_found() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed."}"#;
        let e = explain_error_body(Some(400), body);
        assert_eq!((e.status, e.code.as_str()), (Revoked, "AADSTS50173"));
        // As plain text too (an HTML error page, a log line).
        let e = explain_error_body(
            None,
            "Sorry, but we're having trouble signing you in. AADSTS50011: The redirect URI 'https://x/cb' does not match.",
        );
        assert_eq!((e.status, e.code.as_str()), (Unknown, "AADSTS50011"));
        assert!(e.needs_admin);
        // error_codes as strings.
        let e = explain_error_body(
            None,
            r#"{"error":"invalid_client","error_codes":["7000215"]}"#,
        );
        assert_eq!(e.code, "AADSTS7000215");
    }

    #[test]
    fn cns_body_is_explained_by_its_code() {
        let body = r#"{"code":"CNS1008","message":"Connection is not authorized. Please re-authenticate the connection.","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}"#;
        let e = explain_error_body(Some(400), body);
        assert_eq!((e.status, e.code.as_str()), (Expired, "CNS1008"));
        let e = explain_error_body(
            Some(404),
            r#"{"code":"CNS1006","message":"Connection not found"}"#,
        );
        assert_eq!((e.status, e.code.as_str()), (Unknown, "CNS1006"));
        assert!(e.cause.contains("no longer exists"));
        // A CNS body whose message relays an Entra code: the Entra code is more precise.
        let e = explain_error_body(
            Some(400),
            r#"{"code":"CNS1008","message":"Token refresh failed: AADSTS50173: The provided grant has been revoked."}"#,
        );
        assert_eq!(e.code, "AADSTS50173");
    }

    #[test]
    fn slack_body_is_a_provider_signal() {
        let e = explain_error_body(Some(200), r#"{"ok":false,"error":"token_revoked"}"#);
        assert_eq!(
            (e.status, e.code.as_str()),
            (Revoked, "slack:token_revoked")
        );
        let e = explain_error_body(
            Some(200),
            r#"{"ok":false,"error":"invalid_auth","warning":"missing_charset"}"#,
        );
        assert_eq!(e.code, "slack:invalid_auth");
        let e = explain_error_body(None, r#"{"ok":false,"error":"channel_not_found"}"#);
        assert_eq!(
            (e.status, e.code.as_str()),
            (Unknown, "slack:channel_not_found")
        );
    }

    #[test]
    fn garbage_and_empty_bodies_leave_the_http_status() {
        for body in [
            "",
            "   ",
            "<html><body>Bad Gateway</body></html>",
            "not json {",
            "[1,2,3]",
            "null",
        ] {
            let e = explain_error_body(Some(502), body);
            assert_eq!(
                (e.status, e.code.as_str()),
                (Unreachable, "http_502"),
                "{body:?}"
            );
            let e = explain_error_body(None, body);
            assert_eq!(
                (e.status, e.code.as_str()),
                (Unknown, "unknown"),
                "{body:?}"
            );
        }
        let e = explain_error_body(Some(401), "Unauthorized");
        assert_eq!((e.status, e.code.as_str()), (Expired, "http_401"));
        // Prose in error_description is never matched, only its AADSTS code.
        let e = explain_error_body(
            None,
            r#"{"error":"weird_thing","error_description":"the token expired and was revoked"}"#,
        );
        assert_eq!((e.status, e.code.as_str()), (Unknown, "weird_thing"));
    }

    #[test]
    fn graph_shaped_body_falls_back_to_the_status() {
        let body = r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid.","innerError":{"date":"2025-04-01T00:00:00"}}}"#;
        let e = explain_error_body(Some(401), body);
        assert_eq!((e.status, e.code.as_str()), (Expired, "http_401"));
        let e = explain_error_body(None, body);
        assert_eq!(
            (e.status, e.code.as_str()),
            (Unknown, "InvalidAuthenticationToken")
        );
    }

    #[test]
    fn redirect_query_and_runtime_log_lines_are_read() {
        let e = explain_error_body(
            None,
            "?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent&state=abc",
        );
        assert_eq!(
            (e.status, e.code.as_str()),
            (ConsentRequired, "AADSTS65004")
        );
        let e = explain_error_body(None, "error=access_denied&state=abc");
        assert_eq!(
            (e.status, e.code.as_str()),
            (ConsentRequired, "access_denied")
        );
        let e = explain_error_body(
            None,
            "Get connection failed. DAP-GE-3005: The connection is disabled.",
        );
        assert_eq!((e.status, e.code.as_str()), (Disabled, "DAP-GE-3005"));
    }

    #[test]
    fn code_scanners_respect_token_boundaries() {
        assert_eq!(
            aadsts_codes("AADSTS700082: x AADSTS50173, AADSTS700082"),
            vec![700082, 50173]
        );
        assert_eq!(
            aadsts_codes("XAADSTS1 AADSTS AADSTSabc AADSTS99999999999"),
            Vec::<u32>::new()
        );
        assert!(is_service_code("CNS1008"));
        assert!(is_service_code("DAP-RT-1002"));
        assert!(!is_service_code("CNS"));
        assert!(!is_service_code("XCNS1008"));
        assert!(!is_service_code("DAP-G-1"));
        assert!(!is_service_code("DAP-GE-3005-1"));
    }

    #[test]
    fn admin_consent_url_encodes_every_value() {
        let url = admin_consent_url(
            "contoso.onmicrosoft.com",
            "00000000-1111-2222-3333-444444444444",
            "https://cloud.uipath.com/acme/portal_/callback?x=1&y=a b#frag",
            &[
                "https://graph.microsoft.com/Mail.Read",
                "offline_access",
                "openid",
            ],
            "s t&a=te/+",
        )
        .unwrap();
        assert_eq!(
            url.as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent\
             ?client_id=00000000-1111-2222-3333-444444444444\
             &scope=https%3A%2F%2Fgraph.microsoft.com%2FMail.Read%20offline_access%20openid\
             &redirect_uri=https%3A%2F%2Fcloud.uipath.com%2Facme%2Fportal_%2Fcallback%3Fx%3D1%26y%3Da%20b%23frag\
             &state=s%20t%26a%3Dte%2F%2B"
        );
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("client_id", "00000000-1111-2222-3333-444444444444"),
                (
                    "scope",
                    "https://graph.microsoft.com/Mail.Read offline_access openid"
                ),
                (
                    "redirect_uri",
                    "https://cloud.uipath.com/acme/portal_/callback?x=1&y=a b#frag"
                ),
                ("state", "s t&a=te/+"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert!(url.fragment().is_none());
    }

    #[test]
    fn admin_consent_url_keeps_the_redirect_uri_as_registered_and_drops_empty_state() {
        let url = admin_consent_url(
            " 72f988bf-86f1-41af-91ab-2d7cd011db47 ",
            "app",
            "https://localhost:8080",
            &["https://graph.microsoft.com/.default", " "],
            "",
        )
        .unwrap();
        // No trailing slash added to the redirect URI, no state parameter.
        assert_eq!(
            url.as_str(),
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/adminconsent\
             ?client_id=app&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default\
             &redirect_uri=https%3A%2F%2Flocalhost%3A8080"
        );
    }

    #[test]
    fn admin_consent_url_refuses_what_entra_would() {
        let ok_redirect = "https://localhost/cb";
        let scopes = &["openid"][..];
        let err = |tenant: &str, client: &str, redirect: &str, scopes: &[&str]| {
            admin_consent_url(tenant, client, redirect, scopes, "s").unwrap_err()
        };
        for shared in ["organizations", "common", "Common", "consumers"] {
            assert_eq!(
                err(shared, "app", ok_redirect, scopes),
                AdminConsentUrlError::SharedTenant(shared.to_owned())
            );
        }
        assert_eq!(
            err("  ", "app", ok_redirect, scopes),
            AdminConsentUrlError::EmptyTenant
        );
        for bad in ["contoso.com/evil", "a b", "x?y", "-x", "x.", "ten@nt"] {
            assert_eq!(
                err(bad, "app", ok_redirect, scopes),
                AdminConsentUrlError::InvalidTenant(bad.to_owned())
            );
        }
        assert_eq!(
            err("contoso.com", " ", ok_redirect, scopes),
            AdminConsentUrlError::EmptyClientId
        );
        assert_eq!(
            err("contoso.com", "app", ok_redirect, &[]),
            AdminConsentUrlError::NoScopes
        );
        assert_eq!(
            err("contoso.com", "app", ok_redirect, &["", " "]),
            AdminConsentUrlError::NoScopes
        );
        for bad in ["", "/cb", "localhost/cb", "ftp://x/cb", "not a url"] {
            assert_eq!(
                err("contoso.com", "app", bad, scopes),
                AdminConsentUrlError::InvalidRedirectUri(bad.to_owned())
            );
        }
        let api: ApiError = AdminConsentUrlError::NoScopes.into();
        assert_eq!(api.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn explanation_serializes_for_the_ui() {
        let e = explain(&[Signal::Aadsts(90094)]);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["status"], "consent_required");
        assert_eq!(json["code"], "AADSTS90094");
        assert_eq!(json["needsAdmin"], true);
        assert_eq!(json["reconnectHelps"], false);
        let back: FailureStatus = serde_json::from_value(json["status"].clone()).unwrap();
        assert_eq!(back, ConsentRequired);
        assert_eq!(
            serde_json::to_value(FailureStatus::SecretExpired).unwrap(),
            "secret_expired"
        );
    }
}
