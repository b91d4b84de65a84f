//! Why this exists: creating a connection, so the app's "new connection" can
//! be built and tested end to end against the sandbox, with the checks a
//! tenant makes and the mistakes people make (a folder they may not create
//! in, a connector that does not offer the type, a wrong or expired secret,
//! a certificate without its key).
//!
//! `POST …/Connections` with `{connectorKey, folderKey, name?,
//! authenticationType, sharedMailbox?, clientId?, clientSecret?, tenantId?,
//! secretExpiresAt?, certificate?}`:
//!
//! - Delegated types (`OAuth2AuthorizationCode`, `OAuth2BringYourOwnApp`)
//!   answer **202** `{connector, connectionId, sessionId, expiresAt, authUrl}`:
//!   a consent session like a reconnect's (`provisioning.rs`) whose completion
//!   creates the connection with that id. Until then `Connections/{id}` is 404.
//! - `OAuth2ClientCredentials` is checked for real by a client-credentials
//!   token request at the provider, then answered **201** with the connection.
//! - `OAuth2ClientCertificate` is checked by reading the PEM (`certificate.rs`),
//!   then answered **201**. The sandbox identity server has no
//!   `private_key_jwt` client authentication, so no token is requested.
//!
//! Invented: the real creation API is not public; the body's fields, the 202
//! answer with a consent session and the 201 answer with the connection are
//! the sandbox's, shaped like the rest of Integration Service.
//!
//! Secrets in the body (client secret, certificate and key) are sealed with
//! the vault before anything is stored, and never logged.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    AuthSession, CreateSpec, NewConnection, Runtime, SessionClient, callback_url,
    client_secret_record, new_connection,
};
use crate::certificate;
use crate::http::{ApiError, ApiResult, Caller, Shared};
use crate::identity::redirect_allowed;
use crate::integration::{READ_CONNECTIONS, SERVER_ERROR, View, cns, connection_json, require};
use crate::model::{AuthType, Client, Connector, Folder};
use crate::oauth_client::{StepError, client_credentials};
use crate::providers::{Provider, app_scopes, create_scopes};
use crate::tokens::{ConnectionSecret, ConnectionTokens, NewTokens, SecretKind};

fn invalid(message: &str) -> ApiError {
    cns(StatusCode::BAD_REQUEST, "CNS1001", message)
}

/// What the body asks for. Secrets are kept out of `Debug`.
struct Request {
    connector_key: String,
    folder_key: String,
    name: Option<String>,
    auth: AuthType,
    shared_mailbox: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    tenant_id: Option<String>,
    secret_expires_at: Option<DateTime<Utc>>,
    certificate: Option<String>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("connector_key", &self.connector_key)
            .field("folder_key", &self.folder_key)
            .field("auth", &self.auth)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

const TEMPLATE: &str = "Send {\"connectorKey\": \"…\", \"folderKey\": \"<folder key>\", \"authenticationType\": \"OAuth2AuthorizationCode\"} (name, sharedMailbox, clientId, clientSecret, tenantId, secretExpiresAt and certificate as the type needs).";

/// Reads the body. Values are never echoed back: one of them may be a secret.
fn parse(body: &[u8]) -> ApiResult<Request> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        invalid(&format!(
            "The body is not JSON (line {}, column {}). {TEMPLATE}",
            e.line(),
            e.column()
        ))
    })?;
    if !value.is_object() {
        return Err(invalid(&format!(
            "The body must be a JSON object. {TEMPLATE}"
        )));
    }
    let text = |field: &str| -> ApiResult<Option<String>> {
        match &value[field] {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
            _ => Err(invalid(&format!("{field} must be a string."))),
        }
    };
    let required = |field: &str| -> ApiResult<String> {
        text(field)?.ok_or_else(|| invalid(&format!("{field} is missing. {TEMPLATE}")))
    };
    let connector_key = required("connectorKey")?;
    let folder_key = required("folderKey")?;
    let auth_name = required("authenticationType")?;
    let auth = AuthType::from_wire(&auth_name).ok_or_else(|| {
        invalid(&format!(
            "authenticationType {auth_name:?} is not one of OAuth2AuthorizationCode, OAuth2BringYourOwnApp, OAuth2ClientCredentials or OAuth2ClientCertificate."
        ))
    })?;
    let secret_expires_at = text("secretExpiresAt")?
        .map(|t| {
            DateTime::parse_from_rfc3339(&t)
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| {
                    invalid(&format!(
                        "secretExpiresAt {t:?} is not an RFC 3339 date and time, such as 2027-03-01T00:00:00Z."
                    ))
                })
        })
        .transpose()?;
    Ok(Request {
        connector_key,
        folder_key,
        name: text("name")?,
        auth,
        shared_mailbox: text("sharedMailbox")?,
        client_id: text("clientId")?,
        // Secrets are not trimmed: a space may belong to them.
        client_secret: value["clientSecret"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        tenant_id: text("tenantId")?,
        secret_expires_at,
        certificate: text("certificate")?,
    })
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

/// The checks that need the tenant's data: connector, folder, permission,
/// what the connector offers.
fn check(state: &Shared, caller: &Caller, r: &Request) -> ApiResult<(Connector, Folder)> {
    let db = state.db();
    let connector = db
        .get::<Connector>(&r.connector_key)?
        .or_else(|| {
            db.all::<Connector>()
                .ok()?
                .into_iter()
                .find(|k| k.id.to_string() == r.connector_key)
        })
        .ok_or_else(|| {
            cns(
                StatusCode::NOT_FOUND,
                "CNS1000",
                &format!(
                    "No connector {:?}. Pick one from GET Connectors.",
                    r.connector_key
                ),
            )
        })?;
    let folder = caller
        .visible_folders(&db)?
        .into_iter()
        .find(|f| f.key.to_string().eq_ignore_ascii_case(&r.folder_key))
        .ok_or_else(|| {
            cns(
                StatusCode::NOT_FOUND,
                "CNS1006",
                &format!(
                    "Folder {} was not found, or you cannot see it. Pick one of your folders.",
                    r.folder_key
                ),
            )
        })?;
    if !folder.may_create_connections(caller.user.key) {
        return Err(cns(
            StatusCode::FORBIDDEN,
            "CNS1045",
            &format!(
                "You may not create connections in {}: your role there (Automation User) lacks Connections.Create. Create it in your personal workspace, or ask a folder administrator of {} to create it or to change your role.",
                folder.fully_qualified_name, folder.fully_qualified_name
            ),
        ));
    }
    if !connector.auth_types.contains(&r.auth) {
        let offered: Vec<&str> = connector.auth_types.iter().map(|a| a.wire_name()).collect();
        return Err(cns(
            StatusCode::BAD_REQUEST,
            "CNS1021",
            &format!(
                "{} does not offer {}; it offers {}. Pick one of those.",
                connector.name,
                r.auth.wire_name(),
                offered.join(", ")
            ),
        ));
    }
    if let Some(mailbox) = &r.shared_mailbox {
        if !connector.supports_shared_mailbox {
            return Err(invalid(&format!(
                "{} connections cannot read a shared mailbox; only Outlook connections can. Leave sharedMailbox out.",
                connector.name
            )));
        }
        if !looks_like_address(mailbox) {
            return Err(invalid(&format!(
                "sharedMailbox {mailbox:?} is not a mailbox address; send it like ap@contoso.com."
            )));
        }
    }
    match r.auth {
        AuthType::Delegated => {}
        AuthType::BringYourOwnApp | AuthType::ClientCredentials => {
            if r.client_id.is_none() {
                return Err(invalid(
                    "clientId is missing: send the app registration's client (application) ID.",
                ));
            }
            if r.client_secret.is_none() {
                return Err(invalid(
                    "clientSecret is missing: send the app registration's client secret value (not its ID).",
                ));
            }
        }
        AuthType::ClientCertificate => {
            if r.certificate.is_none() {
                return Err(invalid(
                    "certificate is missing: send the PEM text of the certificate together with its private key.",
                ));
            }
        }
    }
    Ok((connector, folder))
}

/// `POST …/Connections`.
pub async fn create(
    State(state): State<Shared>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    // Invented: the scope that allows creating is not public; the sandbox
    // asks what reconnecting asks (connections may be read).
    require(&caller, READ_CONNECTIONS)?;
    let r = parse(&body)?;
    let (connector, folder) = check(&state, &caller, &r)?;
    match r.auth {
        AuthType::Delegated | AuthType::BringYourOwnApp => {
            let started = start(&state, &caller, &r, &connector, &folder)?;
            Ok((StatusCode::ACCEPTED, Json(started)).into_response())
        }
        AuthType::ClientCredentials => app_only(&state, &caller, &r, &connector, &folder).await,
        AuthType::ClientCertificate => with_certificate(&state, &caller, &r, &connector, &folder),
    }
}

fn refused(status: StatusCode, code: &str, provider_code: Option<&str>, message: &str) -> ApiError {
    let mut e = cns(status, code, message);
    e.body["providerCode"] = json!(provider_code);
    e
}

/// Invented: Integration Service cannot look an app registration up, and
/// learns of a wrong client id only when the provider's sign-in page says so
/// (to the person, not to the tenant). The sandbox's identity server is its
/// own, so a wrong BYO client id is refused here, before a browser opens.
fn check_byo_client(
    db: &crate::db::Db,
    rt: &Runtime,
    origin: &str,
    client_id: &str,
) -> ApiResult<()> {
    if !rt.builtin {
        return Ok(());
    }
    let callback = callback_url(origin);
    match db.get::<Client>(client_id)? {
        None => Err(refused(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            Some("AADSTS700016"),
            &format!(
                "The identity provider has no app registration with client ID {client_id:?} (AADSTS700016). Check the Application (client) ID on the app registration's Overview page; nothing was created."
            ),
        )),
        Some(c) if !redirect_allowed(&c.redirect_uris, &callback) => Err(refused(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Some("AADSTS50011"),
            &format!(
                "The app registration {client_id:?} does not list {callback} as a redirect URI (AADSTS50011). Add it to the app registration, then create the connection again; nothing was created."
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// Delegated and BYO: a consent session for a connection that exists once
/// it completes; answers what starting it answers (`authUrl` included).
fn start(
    state: &Shared,
    caller: &Caller,
    r: &Request,
    connector: &Connector,
    folder: &Folder,
) -> ApiResult<Value> {
    let rt = &state.provisioning;
    let id = Uuid::new_v4();
    let connection = Uuid::new_v4();
    let client = match (r.auth, &r.client_id, &r.client_secret) {
        (AuthType::BringYourOwnApp, Some(client_id), Some(secret)) => {
            check_byo_client(&state.db(), rt, &state.origin, client_id)?;
            let sealed = rt
                .vault
                .seal(&client_secret_record(id), secret.as_bytes())
                .map_err(|e| server_error("The client secret could not be sealed", &e))?;
            Some(SessionClient {
                client_id: client_id.clone(),
                tenant_id: r.tenant_id.clone(),
                sealed_secret: Some(sealed),
            })
        }
        _ => None,
    };
    // A new connection has no account yet: whoever consents completes it.
    let session = AuthSession {
        create: Some(CreateSpec {
            name: r.name.clone(),
            folder: folder.key,
            owner: caller.user.key,
            auth_type: r.auth,
            shared_mailbox: r.shared_mailbox.clone(),
            secret_expires_at: r
                .secret_expires_at
                .filter(|_| r.auth == AuthType::BringYourOwnApp),
        }),
        client,
        ..AuthSession::pending(
            id,
            connection,
            &connector.key,
            caller.user.key,
            rt.session_lifetime,
            create_scopes(&connector.key, r.shared_mailbox.is_some()),
        )
    };
    state.db().put(&session)?;
    tracing::info!(session = %id, %connection, connector = %connector.key, folder = %folder.fully_qualified_name, by = %caller.user.user_name, auth = r.auth.wire_name(), "connection creation started");
    let mut started = session.started(&state.origin);
    started["connectionId"] = json!(connection);
    Ok(started)
}

/// The tenant's own "Add connection" page (`crate::portal`) starts a
/// delegated connection for `user` in `folder_key`: the same checks and
/// consent session as the extended profile's `POST Connections`, answered
/// with the address the browser goes on to.
pub(crate) fn start_from_page(
    state: &Shared,
    user: &crate::model::User,
    connector_key: &str,
    folder_key: &str,
    name: Option<String>,
) -> ApiResult<String> {
    let caller = Caller {
        user: user.clone(),
        scope: String::new(),
        client: crate::model::ClientKind::FirstParty,
    };
    let r = Request {
        connector_key: connector_key.to_owned(),
        folder_key: folder_key.to_owned(),
        name,
        auth: AuthType::Delegated,
        shared_mailbox: None,
        client_id: None,
        client_secret: None,
        tenant_id: None,
        secret_expires_at: None,
        certificate: None,
    };
    let (connector, folder) = check(state, &caller, &r)?;
    let started = start(state, &caller, &r, &connector, &folder)?;
    Ok(started["authUrl"].as_str().unwrap_or_default().to_owned())
}

/// What the provider's refusal of client credentials means for the person.
fn credentials_refused(e: &StepError, client_id: &str) -> ApiError {
    let code = e.provider_code.as_deref();
    match (e.code.as_str(), code) {
        ("provider_unreachable", _) => refused(
            StatusCode::BAD_GATEWAY,
            &e.code,
            code,
            &format!("{} Nothing was created; try again later.", e.message),
        ),
        ("invalid_client", Some("AADSTS700016")) => refused(
            StatusCode::BAD_REQUEST,
            &e.code,
            code,
            &format!(
                "The provider has no app registration with client ID {client_id:?} (AADSTS700016). Check the Application (client) ID on the app registration's Overview page; nothing was created."
            ),
        ),
        ("invalid_client", _) => refused(
            StatusCode::BAD_REQUEST,
            &e.code,
            code,
            &format!(
                "The provider refused the client secret of {client_id:?}{}: it is wrong or expired. Paste the current secret value (not its ID) from the app registration's Certificates & secrets page; nothing was created.",
                code.map(|c| format!(" ({c})")).unwrap_or_default()
            ),
        ),
        ("unauthorized_client", _) => refused(
            StatusCode::BAD_REQUEST,
            &e.code,
            code,
            &format!(
                "The app registration {client_id:?} may not sign in as itself (client credentials): {} Allow it in the app registration, or use another authentication type; nothing was created.",
                e.message
            ),
        ),
        _ => refused(
            StatusCode::BAD_REQUEST,
            &e.code,
            code,
            &format!(
                "The provider refused the app's sign-in: {} Nothing was created.",
                e.message
            ),
        ),
    }
}

fn server_error(what: &str, e: &dyn std::fmt::Display) -> ApiError {
    cns(
        StatusCode::INTERNAL_SERVER_ERROR,
        SERVER_ERROR,
        &format!("{what} ({e}); nothing was created."),
    )
}

/// Client credentials: signs in as the app for real, then creates.
async fn app_only(
    state: &Shared,
    caller: &Caller,
    r: &Request,
    connector: &Connector,
    folder: &Folder,
) -> ApiResult<Response> {
    let rt = &state.provisioning;
    // `check` made sure both are there.
    let (Some(client_id), Some(secret)) = (&r.client_id, &r.client_secret) else {
        return Err(invalid("clientId and clientSecret are required."));
    };
    let provider = Provider {
        template: rt.provider.template.clone(),
        client_id: client_id.clone(),
        client_secret: secret.clone(),
    };
    let scopes = app_scopes(&connector.key);
    let tokens = client_credentials(&rt.http, &provider, &scopes)
        .await
        .map_err(|e| {
            tracing::info!(client = %client_id, code = %e.code, provider_code = ?e.provider_code, "client credentials refused; nothing created");
            credentials_refused(&e, client_id)
        })?;
    let granted: Vec<String> = tokens["scope"]
        .as_str()
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .filter(|g: &Vec<String>| !g.is_empty())
        .unwrap_or(scopes);
    let id = Uuid::new_v4();
    let tokens_doc = ConnectionTokens::seal(
        &rt.vault,
        &NewTokens {
            connection: id,
            provider: &rt.provider.template.name,
            client_id,
            identity: client_id,
            scopes: &granted,
            generation: 0,
        },
        &tokens,
    )
    .map_err(|e| server_error("The tokens could not be sealed", &e))?;
    let secret_doc = ConnectionSecret::seal(
        &rt.vault,
        id,
        SecretKind::ClientSecret,
        Some(client_id),
        r.tenant_id.as_deref(),
        secret,
    )
    .map_err(|e| server_error("The client secret could not be sealed", &e))?;
    let c = state.db().transaction(|db| {
        let c = new_connection(
            db,
            &NewConnection {
                id,
                name: r.name.as_deref().unwrap_or(client_id),
                connector: &connector.key,
                folder: folder.key,
                owner: caller.user.key,
                identity: client_id,
                auth_type: AuthType::ClientCredentials,
                scopes: &granted,
                shared_mailbox: r.shared_mailbox.as_deref(),
                secret_expires_at: r.secret_expires_at,
            },
        )?;
        db.put(&c)?;
        db.put(&tokens_doc)?;
        db.put(&secret_doc)?;
        Ok(c)
    })?;
    tracing::info!(connection = %c.id, connector = %connector.key, folder = %folder.fully_qualified_name, by = %caller.user.user_name, "app-only connection created");
    Ok(created(
        &c,
        connector,
        folder,
        caller,
        View::of(state, caller),
    ))
}

/// `201 Created` with the connection, as `GET Connections/{id}` shows it.
fn created(
    c: &crate::model::Connection,
    connector: &Connector,
    folder: &Folder,
    caller: &Caller,
    view: View,
) -> Response {
    (
        StatusCode::CREATED,
        Json(connection_json(
            c,
            Some(connector),
            folder,
            Some(&caller.user),
            view,
        )),
    )
        .into_response()
}

/// A certificate: read, then created. The sandbox identity server has no
/// `private_key_jwt` client authentication (RFC 7523), so unlike client
/// credentials no token request checks it; the PEM is checked by reading it.
fn with_certificate(
    state: &Shared,
    caller: &Caller,
    r: &Request,
    connector: &Connector,
    folder: &Folder,
) -> ApiResult<Response> {
    let rt = &state.provisioning;
    let pem = r.certificate.as_deref().unwrap_or_default();
    let info = certificate::inspect(pem, Utc::now()).map_err(|e| invalid(&e.to_string()))?;
    let id = Uuid::new_v4();
    let secret_doc = ConnectionSecret::seal(
        &rt.vault,
        id,
        SecretKind::Certificate,
        r.client_id.as_deref(),
        r.tenant_id.as_deref(),
        pem,
    )
    .map_err(|e| server_error("The certificate could not be sealed", &e))?;
    let scopes = app_scopes(&connector.key);
    let c = state.db().transaction(|db| {
        let c = new_connection(
            db,
            &NewConnection {
                id,
                name: r.name.as_deref().unwrap_or(&info.subject),
                connector: &connector.key,
                folder: folder.key,
                owner: caller.user.key,
                identity: &info.subject,
                auth_type: AuthType::ClientCertificate,
                scopes: &scopes,
                shared_mailbox: r.shared_mailbox.as_deref(),
                secret_expires_at: Some(info.not_after),
            },
        )?;
        db.put(&c)?;
        db.put(&secret_doc)?;
        Ok(c)
    })?;
    tracing::info!(connection = %c.id, connector = %connector.key, folder = %folder.fully_qualified_name, by = %caller.user.user_name, "certificate connection created");
    Ok(created(
        &c,
        connector,
        folder,
        caller,
        View::of(state, caller),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_read_without_echoing_values() {
        let e = parse(b"{not json").unwrap_err();
        assert_eq!(e.body["code"], "CNS1001");
        assert!(e.body["message"].as_str().unwrap().contains("not JSON"));
        let e = parse(br#"{"connectorKey": "k", "folderKey": "f"}"#).unwrap_err();
        assert!(
            e.body["message"]
                .as_str()
                .unwrap()
                .contains("authenticationType is missing")
        );
        let e = parse(
            br#"{"connectorKey": "k", "folderKey": "f", "authenticationType": "Basic", "clientSecret": "s3cret"}"#,
        )
        .unwrap_err();
        assert!(!e.body.to_string().contains("s3cret"));
        let e = parse(br#"{"connectorKey": 5, "folderKey": "f"}"#).unwrap_err();
        assert!(
            e.body["message"]
                .as_str()
                .unwrap()
                .contains("connectorKey must be a string")
        );
        let r = parse(
            br#"{"connectorKey": " k ", "folderKey": "f", "authenticationType": "OAuth2ClientCredentials", "clientSecret": " s ", "secretExpiresAt": "2027-03-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(r.connector_key, "k");
        assert_eq!(r.client_secret.as_deref(), Some(" s "));
        assert!(!format!("{r:?}").contains(" s "));
        assert!(r.secret_expires_at.is_some());
        assert!(
            parse(br#"{"connectorKey": "k", "folderKey": "f", "authenticationType": "OAuth2ClientCredentials", "secretExpiresAt": "next year"}"#)
                .is_err()
        );
    }

    #[test]
    fn mailbox_addresses_are_told_from_names() {
        assert!(looks_like_address("ap@contoso.com"));
        assert!(!looks_like_address("Accounts Payable"));
        assert!(!looks_like_address("ap@contoso"));
        assert!(!looks_like_address("a p@contoso.com"));
    }
}
