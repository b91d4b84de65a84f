//! The catalogue's rows: data, one row per code, each with its status, cause,
//! fix and who can act. Wording rules (tested): one sentence each, saying who
//! must do what and where.

use super::{CatalogueRow, FailureStatus, MatchKey, TransportFailure};

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

const RECONNECT: &str = "Reconnect it, signing in with the same account as before.";
const ACCEPT_OR_ADMIN: &str = "Reconnect it and accept the permissions; if your organisation blocks that, ask an Entra administrator for admin consent.";
const ADMIN_CONSENT: &str = "Ask an Entra administrator to grant admin consent for the app; send them the admin-consent link shown with this message.";
const PASSWORD_RECONNECT: &str =
    "Reconnect it, signing in with the same account and its current password.";
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
pub(super) static CATALOGUE: &[CatalogueRow] = &[
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
        "Reconnect it, signing in with the same account as before; a connection unused for 90 days expires again.",
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
        "Reconnect it and complete the multi-factor prompt when asked.",
    ),
    row(
        Aadsts(50079),
        Expired,
        Reconnect,
        "The account must register for multi-factor authentication before it can sign in again.",
        "Have the account's user set up multi-factor authentication at https://aka.ms/mfasetup, then reconnect it.",
    ),
    row(
        Aadsts(50055),
        Expired,
        Reconnect,
        "The account's password has expired, so its saved sign-in no longer works.",
        "Have the account's user change their password, then reconnect it with the new password.",
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
        "Ask an Entra administrator to enable the account again, or reconnect it with an active account.",
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
        "Reconnect it and choose the system browser for this connector's sign-in.",
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
        "Ask a Salesforce administrator to reactivate the user, or reconnect it as an active Salesforce user.",
    ),
    row(
        Provider {
            provider: "salesforce",
            error: "invalid_grant",
        },
        Expired,
        Reconnect,
        "Salesforce no longer accepts the connection's saved sign-in (the access or refresh token expired or was revoked).",
        "Reconnect it; if it keeps expiring, ask a Salesforce administrator to check the connected app's refresh token policy.",
    ),
    row(
        Provider {
            provider: "slack",
            error: "token_revoked",
        },
        Revoked,
        Reconnect,
        "The connection's Slack token was revoked, for example because the app was removed from the workspace.",
        "Reconnect it; if the app was removed, ask a Slack workspace admin to allow it again.",
    ),
    row(
        Provider {
            provider: "slack",
            error: "invalid_auth",
        },
        Revoked,
        Reconnect,
        "Slack does not accept the connection's token (it is no longer valid, or the request came from a blocked IP address).",
        "Reconnect it; if it fails again, ask a Slack workspace admin whether IP restrictions block UiPath.",
    ),
    row(
        Provider {
            provider: "slack",
            error: "account_inactive",
        },
        Revoked,
        Reconnect,
        "The Slack user or workspace the connection belongs to was deactivated or deleted.",
        "Reconnect it as an active Slack user, or ask a Slack workspace admin to reactivate the account.",
    ),
    // ---- OAuth 2.0 / OpenID Connect.
    row(
        OAuth("access_denied"),
        ConsentRequired,
        Reconnect,
        "The sign-in was cancelled or the permissions were declined before the provider authorised the connection, or the organisation does not allow them.",
        "Reconnect it, finish the sign-in and accept the permissions; if your organisation blocks that, ask its administrator to approve the app.",
    ),
    row(
        OAuth("consent_required"),
        ConsentRequired,
        Reconnect,
        "The account has not agreed to the permissions the connector needs.",
        "Reconnect it and accept the permissions; if your organisation blocks user consent, ask an administrator to approve the app.",
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
        "Open the connection in Integration Service to check its state, and reconnect it if it shows a problem.",
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
        "Reconnect it; if it fails again, open it in Integration Service and contact support with the error shown.",
    ),
];

/// The whole catalogue, for documentation and tests.
pub fn catalogue() -> &'static [CatalogueRow] {
    CATALOGUE
}
