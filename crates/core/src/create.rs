//! Creating a connection: the connector catalogue, the folders the user may
//! create in, and `POST Connections`. Delegated types (the platform's OAuth
//! app, or the organisation's own "bring your own" app) answer with a consent
//! session that runs exactly like a reconnect ([`crate::reconnect`]): the
//! connection exists only once the provider has answered. Client credentials
//! and certificates are checked by the tenant and answer with the connection.
//!
//! Why it is careful: creating is not idempotent, so the request is sent once
//! ([`TenantClient::post_once`]) and a lost answer is reported as "may have been
//! created" rather than retried into a duplicate; what the user typed is checked
//! here first, so a mistake is named before anything reaches the tenant; the
//! client secret and the certificate's key are [`Secret`]s from IPC to the wire.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ts_rs::TS;

use crate::connections::{
    ConnectionRow, FolderSummary, folders_with_create_permission, row_from_json,
};
use crate::error::{ApiError, ErrorCode};
use crate::failure::{FailureStatus, explain_error_body};
use crate::reconnect::{AuthSession, started};
use crate::secret::Secret;
use crate::tenant_client::{Answer, TenantClient};

const CONNECTIONS: &str = "connections_/api/v1/Connections";

pub use crate::auth_kind::AuthKind;

/// One connector of the catalogue, as the "new connection" picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConnectorInfo {
    pub key: String,
    pub name: String,
    pub description: String,
    /// The ways it can authenticate that this app knows, in the tenant's order.
    pub auth_types: Vec<AuthKind>,
    /// Outlook: may read a shared mailbox instead of the signer's own.
    pub supports_shared_mailbox: bool,
    /// The provider refuses embedded browsers (Google's `disallowed_useragent`).
    pub prefer_system_browser: bool,
    /// Connections of it the user can see, when the tenant says.
    pub connection_count: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireConnector {
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    authentication_types: Option<Vec<String>>,
    #[serde(default)]
    authentication: Option<WireAuthentication>,
    #[serde(default)]
    supports_shared_mailbox: Option<bool>,
    #[serde(default)]
    prefer_system_browser: Option<bool>,
    #[serde(default)]
    connection_count: Option<u32>,
    #[serde(default)]
    enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct WireAuthentication {
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

/// Outlook's key: the connector whose connections may read a shared mailbox.
const OUTLOOK: &str = "uipath-microsoft-outlook365";

fn connector_info(w: WireConnector) -> ConnectorInfo {
    let names = w
        .authentication_types
        .or_else(|| w.authentication.and_then(|a| a.kind).map(|k| vec![k]))
        .unwrap_or_default();
    let mut auth_types: Vec<AuthKind> = names
        .iter()
        .filter_map(|n| AuthKind::from_wire(n))
        .collect();
    auth_types.dedup();
    ConnectorInfo {
        supports_shared_mailbox: w.supports_shared_mailbox.unwrap_or(w.key == OUTLOOK),
        // Google's consent refuses embedded webviews; the tenant may say so for others.
        prefer_system_browser: w
            .prefer_system_browser
            .unwrap_or(w.key.starts_with("uipath-google-")),
        name: if w.name.is_empty() {
            w.key.clone()
        } else {
            w.name
        },
        key: w.key,
        description: w.description.unwrap_or_default(),
        auth_types,
        connection_count: w.connection_count,
    }
}

/// The connector catalogue, by name. Disabled connectors are left out.
pub async fn connectors(client: &TenantClient) -> Result<Vec<ConnectorInfo>, ApiError> {
    let wire: Vec<WireConnector> = client
        .get_json("connections_/api/v1/Connectors", &[], None)
        .await?;
    let mut out: Vec<ConnectorInfo> = wire
        .into_iter()
        .filter(|w| w.enabled != Some(false))
        .map(connector_info)
        .collect();
    out.sort_by_key(|c| c.name.to_lowercase());
    Ok(out)
}

/// A folder to create in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct FolderChoice {
    pub folder: FolderSummary,
    /// `Some(false)`: the tenant says this user may not create here.
    /// `None`: it does not say (a real tenant): creating will tell.
    pub can_create: Option<bool>,
}

/// Every visible folder, the user's personal workspace first, then by path.
pub async fn folders(client: &TenantClient) -> Result<Vec<FolderChoice>, ApiError> {
    let mut out: Vec<FolderChoice> = folders_with_create_permission(client)
        .await?
        .into_iter()
        .map(|(folder, can_create)| FolderChoice { folder, can_create })
        .collect();
    out.sort_by(|a, b| {
        (!a.folder.personal, a.folder.path.to_lowercase())
            .cmp(&(!b.folder.personal, b.folder.path.to_lowercase()))
    });
    Ok(out)
}

/// What the user asked for. Read from IPC or the command line; never written.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct NewConnection {
    pub connector_key: String,
    pub folder_key: String,
    /// Shown in lists; the tenant names it after the account when empty.
    #[serde(default)]
    pub name: Option<String>,
    pub auth: AuthKind,
    /// Outlook only: the shared mailbox to read instead of the signer's own.
    #[serde(default)]
    pub shared_mailbox: Option<String>,
    /// The app registration's client (application) ID: own app, client credentials.
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    #[ts(type = "string | null")]
    pub client_secret: Option<Secret<String>>,
    /// The provider's tenant (directory) ID or domain, when it has one.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// When the client secret expires (`YYYY-MM-DD` or RFC 3339), for early warnings.
    #[serde(default)]
    pub secret_expires_at: Option<String>,
    /// PEM with the certificate and its private key.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub certificate: Option<Secret<String>>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn filled_secret(value: &Option<Secret<String>>) -> Option<&str> {
    value
        .as_ref()
        .map(|s| s.expose().trim())
        .filter(|v| !v.is_empty())
}

/// `name@domain.tld`, no spaces: enough to catch a pasted display name.
fn looks_like_address(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
}

/// `YYYY-MM-DD` becomes midnight UTC of that day; RFC 3339 passes as given.
fn expiry(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let date = |b: &[u8]| {
        b.len() >= 10
            && b[..10].iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    if b.len() == 10 && date(b) {
        Some(format!("{text}T00:00:00Z"))
    } else if date(b) && b.len() > 10 && (b[10] == b'T' || b[10] == b't') {
        Some(text.to_owned())
    } else {
        None
    }
}

/// Checks what the user typed, naming the first thing to change.
pub fn validate(new: &NewConnection) -> Result<(), ApiError> {
    if new.connector_key.trim().is_empty() {
        return Err(invalid("Pick a connector."));
    }
    if new.folder_key.trim().is_empty() {
        return Err(invalid("Pick a folder to create the connection in."));
    }
    if let Some(mailbox) = filled(&new.shared_mailbox) {
        if new.connector_key != OUTLOOK {
            return Err(invalid(
                "Only Outlook connections can read a shared mailbox; clear the shared mailbox.",
            ));
        }
        if !looks_like_address(mailbox) {
            return Err(invalid(format!(
                "\"{mailbox}\" is not a mailbox address; enter it like ap@contoso.com."
            )));
        }
    }
    match new.auth {
        AuthKind::Delegated => {}
        AuthKind::BringYourOwnApp | AuthKind::ClientCredentials => {
            if filled(&new.client_id).is_none() {
                return Err(invalid(
                    "Enter the app registration's client ID (Application ID on its Overview page).",
                ));
            }
            if filled_secret(&new.client_secret).is_none() {
                return Err(invalid(
                    "Enter the app registration's client secret (its value, not its ID).",
                ));
            }
            if let Some(at) = filled(&new.secret_expires_at)
                && expiry(at).is_none()
            {
                return Err(invalid(format!(
                    "\"{at}\" is not a date; enter when the secret expires as YYYY-MM-DD, or leave it empty."
                )));
            }
        }
        AuthKind::ClientCertificate => {
            let pem = filled_secret(&new.certificate).unwrap_or_default();
            if !pem.contains("-----BEGIN CERTIFICATE-----") {
                return Err(invalid(
                    "Paste the certificate in PEM form (it starts with -----BEGIN CERTIFICATE-----).",
                ));
            }
            if !pem.contains("PRIVATE KEY-----") {
                return Err(invalid(
                    "The PEM holds no private key; paste the certificate together with its key.",
                ));
            }
        }
    }
    Ok(())
}

fn body(new: &NewConnection) -> Value {
    let mut body = json!({
        "connectorKey": new.connector_key.trim(),
        "folderKey": new.folder_key.trim(),
        "authenticationType": new.auth.wire_name(),
    });
    let mut put = |field: &str, value: Option<&str>| {
        if let Some(v) = value {
            body[field] = json!(v);
        }
    };
    put("name", filled(&new.name));
    put("sharedMailbox", filled(&new.shared_mailbox));
    if matches!(
        new.auth,
        AuthKind::BringYourOwnApp | AuthKind::ClientCredentials
    ) {
        put("clientId", filled(&new.client_id));
        put("clientSecret", filled_secret(&new.client_secret));
        put("tenantId", filled(&new.tenant_id));
        put(
            "secretExpiresAt",
            filled(&new.secret_expires_at).and_then(expiry).as_deref(),
        );
    }
    if new.auth == AuthKind::ClientCertificate {
        put("certificate", filled_secret(&new.certificate));
    }
    body
}

/// What creating answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// It exists (client credentials, certificate).
    Connection(Box<ConnectionRow>),
    /// Someone must consent first; run it like a reconnect.
    Consent(AuthSession),
}

/// What the app shows once creating has run to its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CreateOutcome {
    /// Created without a sign-in (client credentials, certificate).
    #[serde(rename_all = "camelCase")]
    Created { connection: ConnectionRow },
    /// The consent ran; `progress` says how it ended (completed, failed, or
    /// waiting for the user to confirm another account).
    #[serde(rename_all = "camelCase")]
    Consent {
        connection_id: String,
        progress: crate::reconnect::ReconnectProgress,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCreatedFolder {
    key: String,
    #[serde(default, alias = "path", alias = "fullyQualifiedName")]
    fully_qualified_name: String,
    #[serde(default)]
    personal_workspace: bool,
    #[serde(default)]
    folder_type: Option<String>,
}

/// Creates the connection `new` asks for, sending the request once.
pub async fn create(client: &TenantClient, new: &NewConnection) -> Result<Created, ApiError> {
    validate(new)?;
    let answer = client.post_once(CONNECTIONS, &body(new)).await?;
    if !answer.is_success() {
        return Err(refused(&answer));
    }
    let value: Value = serde_json::from_slice(&answer.body).map_err(|e| unreadable(&e))?;
    if answer.status == 202 || value.get("authUrl").is_some() {
        let id = value["connectionId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if id.is_empty() {
            return Err(unreadable(&"no connectionId"));
        }
        return started(&id, value).map(Created::Consent);
    }
    let folder = value
        .get("folder")
        .cloned()
        .and_then(|f| serde_json::from_value::<WireCreatedFolder>(f).ok())
        .map(|f| FolderSummary {
            key: f.key,
            path: f.fully_qualified_name,
            personal: f.personal_workspace || f.folder_type.as_deref() == Some("Personal"),
            id: None,
        })
        .unwrap_or_else(|| FolderSummary {
            key: new.folder_key.clone(),
            path: String::new(),
            personal: false,
            id: None,
        });
    row_from_json(value, &folder)
        .map(|row| Created::Connection(Box::new(row)))
        .map_err(|e| unreadable(&e))
}

fn unreadable(e: &dyn std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::TenantError,
        format!(
            "The tenant's answer to creating the connection could not be read ({e}). Refresh the list to see whether it was created before trying again."
        ),
    )
}

/// The tenant's refusal, with the failure catalogue's fix when it knows one.
fn refused(answer: &Answer) -> ApiError {
    let status = answer.status;
    let said = answer.message();
    if status >= 500 {
        return ApiError::new(
            ErrorCode::TenantError,
            format!(
                "The tenant failed while creating the connection (HTTP {status}: {said}). It may or may not exist now: refresh the list before trying again."
            ),
        );
    }
    let why = explain_error_body(Some(status), &String::from_utf8_lossy(&answer.body));
    let code = match status {
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        _ => ErrorCode::InvalidInput,
    };
    let mut message = format!("The connection was not created: {said}");
    if !message.ends_with('.') {
        message.push('.');
    }
    // A terse refusal ("Invalid client secret provided.") gets the catalogue's
    // fix; one that already says what to do is left as the tenant wrote it.
    let says_what_to_do = said.trim_end_matches('.').contains(". ");
    if why.status != FailureStatus::Unknown && !says_what_to_do {
        message.push(' ');
        message.push_str(&why.fix);
    }
    ApiError::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(auth: AuthKind) -> NewConnection {
        NewConnection {
            connector_key: OUTLOOK.into(),
            folder_key: "f".into(),
            name: None,
            auth,
            shared_mailbox: None,
            client_id: None,
            client_secret: None,
            tenant_id: None,
            secret_expires_at: None,
            certificate: None,
        }
    }

    #[test]
    fn what_the_user_typed_is_checked_before_anything_is_sent() {
        assert!(validate(&new(AuthKind::Delegated)).is_ok());
        let mut n = new(AuthKind::Delegated);
        n.shared_mailbox = Some("Accounts Payable".into());
        assert!(
            validate(&n)
                .unwrap_err()
                .message
                .contains("not a mailbox address")
        );
        n.shared_mailbox = Some("ap@contoso.com".into());
        assert!(validate(&n).is_ok());
        n.connector_key = "uipath-google-gmail".into();
        assert!(validate(&n).unwrap_err().message.contains("Only Outlook"));

        let mut cc = new(AuthKind::ClientCredentials);
        assert!(validate(&cc).unwrap_err().message.contains("client ID"));
        cc.client_id = Some("app".into());
        cc.client_secret = Some(Secret::new("  ".into()));
        assert!(validate(&cc).unwrap_err().message.contains("client secret"));
        cc.client_secret = Some(Secret::new("s3cret".into()));
        cc.secret_expires_at = Some("next year".into());
        assert!(validate(&cc).unwrap_err().message.contains("YYYY-MM-DD"));
        cc.secret_expires_at = Some("2027-03-01".into());
        assert!(validate(&cc).is_ok());

        let mut cert = new(AuthKind::ClientCertificate);
        cert.certificate = Some(Secret::new("-----BEGIN CERTIFICATE-----\nx\n".into()));
        assert!(validate(&cert).unwrap_err().message.contains("private key"));
    }

    #[test]
    fn the_request_carries_only_what_the_auth_type_uses() {
        let mut n = new(AuthKind::Delegated);
        n.client_secret = Some(Secret::new("leftover".into()));
        n.shared_mailbox = Some(" ap@contoso.com ".into());
        let b = body(&n);
        assert_eq!(b["authenticationType"], "OAuth2AuthorizationCode");
        assert_eq!(b["sharedMailbox"], "ap@contoso.com");
        assert!(b.get("clientSecret").is_none(), "{b}");

        let mut cc = new(AuthKind::ClientCredentials);
        cc.client_id = Some("app".into());
        cc.client_secret = Some(Secret::new("s3cret".into()));
        cc.secret_expires_at = Some("2027-03-01".into());
        let b = body(&cc);
        assert_eq!(b["clientSecret"], "s3cret");
        assert_eq!(b["secretExpiresAt"], "2027-03-01T00:00:00Z");
    }

    #[test]
    fn the_catalogue_reads_what_the_tenant_offers() {
        let w: WireConnector = serde_json::from_value(json!({
            "key": "uipath-google-gmail", "name": "Gmail",
            "authenticationTypes": ["OAuth2AuthorizationCode", "SomethingNew", "OAuth2BringYourOwnApp"]
        }))
        .unwrap();
        let c = connector_info(w);
        assert_eq!(
            c.auth_types,
            [AuthKind::Delegated, AuthKind::BringYourOwnApp]
        );
        assert!(c.prefer_system_browser);
        assert!(!c.supports_shared_mailbox);
        // A real tenant names one type under `authentication`.
        let w: WireConnector = serde_json::from_value(json!({
            "key": OUTLOOK, "authentication": {"type": "OAuth2AuthorizationCode"}
        }))
        .unwrap();
        let c = connector_info(w);
        assert_eq!(c.auth_types, [AuthKind::Delegated]);
        assert!(c.supports_shared_mailbox);
        assert_eq!(c.name, OUTLOOK);
    }

    #[test]
    fn a_refusal_names_the_fix() {
        let terse = Answer {
            status: 400,
            body: br#"{"code":"invalid_client","providerCode":"AADSTS7000215","message":"AADSTS7000215: Invalid client secret provided."}"#.to_vec(),
        };
        let e = refused(&terse);
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert_eq!(
            e.message,
            format!(
                "The connection was not created: AADSTS7000215: Invalid client secret provided. {}",
                explain_error_body(Some(400), std::str::from_utf8(&terse.body).unwrap()).fix
            )
        );
        let advised = Answer {
            status: 403,
            body: br#"{"code":"CNS1045","message":"You may not create connections in Finance. Create it in your personal workspace."}"#.to_vec(),
        };
        let e = refused(&advised);
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!(
            e.message,
            "The connection was not created: You may not create connections in Finance. Create it in your personal workspace."
        );
        let e = refused(&Answer {
            status: 502,
            body: vec![],
        });
        assert!(e.message.contains("refresh the list"), "{}", e.message);
    }
}
