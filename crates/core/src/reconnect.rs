//! A consent session's shapes, and the routes of a tenant that reports its
//! sessions (the sandbox's extended profile; no public source documents
//! them): its status, a confirmation of another account, a cancel. The flow
//! that drives a consent on any tenant is [`crate::consent`]; this module is
//! what it reads and reports. Every failure is explained by the failure
//! catalogue; the scope difference between the previous grant and what is
//! requested is computed before the user consents where the tenant says.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::error::{ApiError, ErrorCode};
use crate::failure::{Explanation, Signal, explain};
use crate::tenant_client::TenantClient;

fn path(connection: &str) -> String {
    format!("connections_/api/v1/Connections/{connection}/auth")
}

/// A consent session the service started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSession {
    pub connection_id: String,
    pub session_id: String,
    /// Where the user consents. Opened in a browser; never holds a secret.
    pub auth_url: Url,
    pub expires_at_ms: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStart {
    session_id: String,
    auth_url: String,
    #[serde(default)]
    expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ReconnectStatus {
    /// Waiting for the user at the provider.
    Pending,
    /// Another account consented than the connection's previous identity.
    NeedsConfirmation,
    Completed,
    Failed,
    Expired,
}

impl ReconnectStatus {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Expired)
    }
}

/// Scopes before and after, as a person reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ScopeDiff {
    /// Requested now, not in the previous grant.
    pub added: Vec<String>,
    /// In the previous grant, not requested now.
    pub dropped: Vec<String>,
    /// What the provider granted, once known.
    pub granted: Option<Vec<String>>,
}

/// Where a reconnect stands, for the window, the GUI and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ReconnectProgress {
    pub session_id: String,
    pub status: ReconnectStatus,
    /// The account that consented, once known.
    pub identity: Option<String>,
    pub previous_identity: Option<String>,
    pub scopes: ScopeDiff,
    /// Why it failed, from the failure catalogue.
    pub failure: Option<Explanation>,
    /// For a consent only an administrator can give: the link to send them
    /// (https, or the loopback sandbox's), when the tenant names one.
    pub admin_consent_url: Option<String>,
    /// The connection now acts as another account than before: said, never
    /// taken silently.
    #[serde(default)]
    pub other_account: bool,
}

impl ReconnectProgress {
    /// The same progress for a consent that creates a connection: a failure's
    /// fix says to create it again, not to reconnect what does not exist.
    #[must_use]
    pub fn for_new_connection(mut self) -> Self {
        self.failure = self.failure.map(crate::failure::when_creating);
        self
    }
}

#[derive(Debug, Default, Deserialize)]
struct WireScopes {
    #[serde(default)]
    previous: Vec<String>,
    #[serde(default)]
    requested: Vec<String>,
    #[serde(default)]
    granted: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireError {
    pub code: String,
    #[serde(default)]
    pub provider_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// Invented by the sandbox: where an administrator grants consent for the
    /// whole organisation, when the provider's wall needs one.
    #[serde(default)]
    pub admin_consent_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireProgress {
    session_id: String,
    status: ReconnectStatus,
    #[serde(default)]
    identity: Option<String>,
    #[serde(default)]
    previous_identity: Option<String>,
    #[serde(default)]
    scopes: WireScopes,
    #[serde(default)]
    error: Option<WireError>,
}

fn diff(scopes: WireScopes) -> ScopeDiff {
    let has = |list: &[String], s: &str| list.iter().any(|x| x.eq_ignore_ascii_case(s));
    ScopeDiff {
        added: scopes
            .requested
            .iter()
            .filter(|s| !has(&scopes.previous, s))
            .cloned()
            .collect(),
        dropped: scopes
            .previous
            .iter()
            .filter(|s| !has(&scopes.requested, s))
            .cloned()
            .collect(),
        granted: scopes.granted,
    }
}

/// A failure's explanation: the provider's code (AADSTS…) wins over the OAuth
/// error, which wins over our own codes; ours get a sentence of their own.
pub(crate) fn explain_error(e: &WireError) -> Explanation {
    let ours = |cause: &str, fix: &str| Explanation {
        status: crate::failure::FailureStatus::Unknown,
        code: e.code.clone(),
        cause: cause.to_owned(),
        fix: fix.to_owned(),
        needs_admin: false,
        reconnect_helps: true,
    };
    match e.code.as_str() {
        "identity_rejected" => ours(
            "The consent was given by another account than the connection's, and it was rejected.",
            "Reconnect again and sign in with the connection's own account (use another account on the sign-in page).",
        ),
        "cancelled" => ours(
            "The consent was cancelled in the app before it finished (the window was closed or the time ran out), so nothing was stored.",
            "Start it again when you are ready, and finish the sign-in in the window that opens.",
        ),
        "iss_mismatch" | "state_mismatch" => ours(
            "The sign-in answer did not come from the expected provider, so it was refused and nothing was stored.",
            "Reconnect again; if it happens again, tell your security team: something between you and the provider changed the answer.",
        ),
        _ => {
            let aadsts = e
                .provider_code
                .as_deref()
                .and_then(|c| c.strip_prefix("AADSTS"))
                .and_then(|n| n.parse().ok());
            let mut signals = vec![];
            if let Some(n) = aadsts {
                signals.push(Signal::Aadsts(n));
            }
            signals.push(Signal::OAuth {
                error: &e.code,
                description: e.message.as_deref(),
            });
            explain(&signals)
        }
    }
}

fn progress(w: WireProgress) -> ReconnectProgress {
    let admin_consent_url = w
        .error
        .as_ref()
        .and_then(|e| e.admin_consent_url.as_deref())
        .and_then(|u| Url::parse(u).ok())
        .filter(openable)
        .map(String::from);
    let other_account = other_account(w.previous_identity.as_deref(), w.identity.as_deref());
    ReconnectProgress {
        admin_consent_url,
        failure: w.error.as_ref().map(explain_error),
        session_id: w.session_id,
        status: w.status,
        identity: w.identity,
        previous_identity: w.previous_identity,
        scopes: diff(w.scopes),
        other_account,
    }
}

/// Whether the connection now acts as another account than `before` (both
/// known and not the same account).
pub(crate) fn other_account(before: Option<&str>, now: Option<&str>) -> bool {
    match (before, now) {
        (Some(before), Some(now)) => !crate::accounts::same_account(before, now),
        _ => false,
    }
}

/// The consent page must be the tenant's or a provider's over https (the
/// loopback sandbox excepted): anything else is refused before a browser opens it.
fn openable(url: &Url) -> bool {
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    url.scheme() == "https" || (url.scheme() == "http" && loopback)
}

/// Reads the tenant's answer to a started consent session.
pub(crate) fn started(
    connection_id: &str,
    body: serde_json::Value,
) -> Result<AuthSession, ApiError> {
    let started: WireStart = serde_json::from_value(body).map_err(|e| {
        ApiError::new(
            ErrorCode::TenantError,
            format!("The tenant's answer to starting a consent could not be read ({e})."),
        )
    })?;
    let auth_url = Url::parse(&started.auth_url).map_err(|e| {
        ApiError::new(
            ErrorCode::TenantError,
            format!("The tenant answered with a consent address that is not a URL ({e})."),
        )
    })?;
    if !openable(&auth_url) {
        return Err(ApiError::new(
            ErrorCode::TenantError,
            format!("The tenant's consent address {auth_url} is not https; it was not opened."),
        ));
    }
    Ok(AuthSession {
        connection_id: connection_id.to_owned(),
        session_id: started.session_id,
        auth_url,
        expires_at_ms: started.expires_at,
    })
}

/// Cancels a consent session: the tenant refuses its callback from then on,
/// so a consent finished in a window the user closed, or after the time ran
/// out, stores nothing. Called when the window closes or times out.
pub async fn cancel(
    client: &TenantClient,
    connection_id: &str,
    session_id: &str,
) -> Result<ReconnectProgress, ApiError> {
    let _: serde_json::Value = client
        .delete_json(&format!("{}/{session_id}", path(connection_id)))
        .await?;
    status(client, connection_id, session_id).await
}

/// Where a connection's consent session stands now.
pub async fn status(
    client: &TenantClient,
    connection_id: &str,
    session_id: &str,
) -> Result<ReconnectProgress, ApiError> {
    let w: WireProgress = client
        .get_json(&format!("{}/{session_id}", path(connection_id)), &[], None)
        .await?;
    Ok(progress(w))
}

/// Accepts or rejects a consent given by another account.
pub async fn confirm(
    client: &TenantClient,
    connection_id: &str,
    session_id: &str,
    accept: bool,
) -> Result<ReconnectProgress, ApiError> {
    let _: serde_json::Value = client
        .post_json(
            &format!("{}/{session_id}/confirm", path(connection_id)),
            &serde_json::json!({ "accept": accept }),
        )
        .await?;
    status(client, connection_id, session_id).await
}

/// Whether a browser navigation is the service's "done" page for `session`:
/// the point where an embedded consent window can close.
pub fn is_done_page(auth_url: &Url, navigated: &Url, session_id: &str) -> bool {
    navigated.origin() == auth_url.origin()
        && navigated.path().ends_with("/provisioning_/done")
        && navigated
            .query_pairs()
            .any(|(k, v)| k == "session" && v == session_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_difference_is_case_insensitive() {
        let d = diff(WireScopes {
            previous: vec!["openid".into(), "Mail.Read".into(), "Files.Read".into()],
            requested: vec![
                "openid".into(),
                "mail.read".into(),
                "Mail.Read.Shared".into(),
            ],
            granted: None,
        });
        assert_eq!(d.added, ["Mail.Read.Shared"]);
        assert_eq!(d.dropped, ["Files.Read"]);
    }

    #[test]
    fn failures_are_explained_by_the_provider_code_first() {
        let denied = explain_error(&WireError {
            code: "access_denied".into(),
            provider_code: Some("AADSTS65004".into()),
            message: Some("AADSTS65004: User declined to consent.".into()),
            admin_consent_url: None,
        });
        assert_eq!(denied.code, "AADSTS65004");
        let wall = explain_error(&WireError {
            code: "consent_required".into(),
            provider_code: Some("AADSTS90094".into()),
            message: None,
            admin_consent_url: None,
        });
        assert!(wall.needs_admin, "{wall:?}");
        let rejected = explain_error(&WireError {
            code: "identity_rejected".into(),
            provider_code: None,
            message: None,
            admin_consent_url: None,
        });
        assert!(rejected.cause.contains("another account"), "{rejected:?}");
    }

    #[test]
    fn only_the_tenants_done_page_for_this_session_ends_the_window() {
        let auth = Url::parse("http://127.0.0.1:4000/provisioning_/start?session=s1").unwrap();
        let ok = |u: &str| is_done_page(&auth, &Url::parse(u).unwrap(), "s1");
        assert!(ok(
            "http://127.0.0.1:4000/provisioning_/done?session=s1&status=completed"
        ));
        assert!(!ok(
            "http://127.0.0.1:4000/provisioning_/done?session=s2&status=completed"
        ));
        assert!(!ok("http://evil.example/provisioning_/done?session=s1"));
        assert!(!ok("http://127.0.0.1:4001/provisioning_/done?session=s1"));
        assert!(!ok(
            "http://127.0.0.1:4000/provisioning_/callback?session=s1"
        ));
    }
}
