//! Why this exists: (re-)authenticating a connection end to end, the way
//! Integration Service does it, so the app's reconnect and "new connection"
//! can be built and tested without a tenant. A reconnect keeps the
//! connection's id, folder and bindings; a creation makes the connection only
//! once the provider has answered.
//!
//! - `POST …/Connections/{id}/auth` starts a session (`{connector, sessionId,
//!   expiresAt, authUrl}`); a newer one supersedes any session of the same
//!   connection still in progress (the old one reads `expired`).
//!   `POST …/Connections` with a delegated type starts the same kind of
//!   session for a connection that does not exist yet (`provisioning/create.rs`).
//! - `GET /provisioning_/start?session=` (the `authUrl`, opened in a browser)
//!   redirects to the provider with PKCE S256, `state` and `nonce`, as the
//!   sandbox's own client or, for a bring-your-own-app session, as the
//!   organisation's app.
//! - `GET /provisioning_/callback` takes the answer: `state` finds the session,
//!   `iss` is checked (RFC 9207), the code is exchanged, userinfo names the
//!   account, and the tokens are sealed (`vault.rs`) before they are stored.
//!   Another account than the connection's waits for a confirmation (a new
//!   connection has no account yet: any completes it); the browser ends on
//!   `/provisioning_/done?session=&status=`.
//! - `GET …/auth/{session}` reports; `POST …/auth/{session}/confirm` accepts
//!   or rejects another account; `DELETE …/auth/{session}` cancels (invented:
//!   the real API names no cancel), after which the session's callback is
//!   refused and nothing is stored.
//!
//! Sessions are documents (`auth_session`); nothing secret in them is plain:
//! `state` is stored hashed, the PKCE verifier, nonce, waiting tokens and a
//! bring-your-own app's client secret sealed. A connection's tokens and app
//! credentials are documents of their own (`tokens.rs`).
//!
//! This file holds the settings, the session and what finishing one does;
//! `provisioning/api.rs` the tenant API, `provisioning/create.rs` creating
//! connections, `provisioning/browser.rs` the pages.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::{Db, DbResult, Document};
use crate::model::{AuthType, Client, ClientKind, Connection, ConnectionState, User, UserKind};
use crate::oauth_client::{Exchanged, StepError};
use crate::providers::{
    CONNECTORS_CLIENT_ID, CONNECTORS_CLIENT_NAME, Provider, ProviderOverride, fixed_template,
    from_discovery,
};
use crate::runtime::Flights;
pub use crate::runtime::Runtime;
use crate::scenario::{BYO_CLIENT_ID, BYO_CLIENT_SECRET};
use crate::secrets::{hash_secret, random_token};
use crate::tokens::{ConnectionSecret, ConnectionTokens, NewTokens, SecretKind};
use crate::vault::Vault;

mod api;
mod browser;
mod create;

pub use api::{cancel, confirm, session, start_session};
pub use browser::{admin_consented, browser_start, callback, done};
pub use create::create;
pub(crate) use create::start_from_page;

/// How reconnects run; [`crate::Sandbox::start_with`].
#[derive(Debug, Clone)]
pub struct Provisioning {
    /// `None`: every connector signs in at the sandbox's own identity server.
    pub provider: Option<ProviderOverride>,
    /// How long a reconnect session may take: its `expiresAt` (default 10 minutes).
    pub session_lifetime: Duration,
}

impl Default for Provisioning {
    fn default() -> Self {
        Self {
            provider: None,
            session_lifetime: Duration::from_secs(600),
        }
    }
}

/// Registers the sandbox's own confidential client at its identity server,
/// with a fresh secret: the database keeps its salted hash, the returned
/// secret lives only in memory. Also registers the organisation's own app
/// (`contoso-byo-app`, secret [`BYO_CLIENT_SECRET`], sample data) for
/// bring-your-own-app and client-credentials connections, with the app
/// account its client-credentials tokens act as. Done at every start, as the
/// port (and so the redirect URIs) and the in-memory secret do not survive a
/// restart; every scenario gets both.
pub fn register_client(db: &Db, origin: &str) -> DbResult<String> {
    let secret = random_token();
    let redirect_uris = vec![callback_url(origin), admin_consented_url(origin)];
    db.put(&Client {
        client_id: CONNECTORS_CLIENT_ID.into(),
        name: CONNECTORS_CLIENT_NAME.into(),
        secret_hash: Some(hash_secret(&secret)),
        redirect_uris: redirect_uris.clone(),
        app_user: None,
        kind: ClientKind::Provider,
        scopes: None,
    })?;
    let byo_app = User {
        key: crate::scenario::key("user/app/contoso-byo-app"),
        id: 32,
        user_name: BYO_CLIENT_ID.to_owned(),
        email: String::new(),
        name: "Contoso automation app".to_owned(),
        surname: String::new(),
        kind: UserKind::App,
        password_hash: None,
        tenant_admin: false,
    };
    db.put(&byo_app)?;
    db.put(&Client {
        client_id: BYO_CLIENT_ID.into(),
        name: "Contoso automation app".into(),
        secret_hash: Some(hash_secret(BYO_CLIENT_SECRET)),
        redirect_uris,
        app_user: Some(byo_app.key),
        kind: ClientKind::Provider,
        scopes: None,
    })?;
    Ok(secret)
}

impl Runtime {
    /// Resolves the provider: the built-in one from its discovery document, a
    /// fixed template, or a generic OpenID provider discovered over HTTP.
    pub async fn prepare(
        config: &Provisioning,
        origin: &str,
        connectors_secret: String,
    ) -> Result<Self, String> {
        let http = crate::oauth_client::http_client()?;
        let provider = match &config.provider {
            None => Provider {
                template: crate::providers::Template {
                    name: "the sandbox identity server".into(),
                    admin_consent_endpoint: Some(format!("{origin}/identity_/adminconsent")),
                    ..from_discovery(
                        &crate::identity::discovery(&format!("{origin}/identity_")),
                        None,
                    )?
                },
                client_id: CONNECTORS_CLIENT_ID.into(),
                client_secret: connectors_secret,
            },
            Some(o) => {
                let template = match (fixed_template(&o.source), &o.source) {
                    (Some(t), _) => t,
                    (None, crate::providers::ProviderSource::Oidc { issuer }) => {
                        discover(&http, issuer).await?
                    }
                    (None, other) => return Err(format!("no template for {other:?}")),
                };
                Provider {
                    template,
                    client_id: o.client_id.clone(),
                    client_secret: o.client_secret.clone(),
                }
            }
        };
        tracing::info!(provider = %provider.template.name, "connectors sign in here when reconnected");
        Ok(Self {
            provider,
            builtin: config.provider.is_none(),
            vault: Vault::new(),
            http,
            session_lifetime: config.session_lifetime,
            flights: Flights::default(),
        })
    }
}

async fn discover(
    http: &reqwest::Client,
    issuer: &str,
) -> Result<crate::providers::Template, String> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let doc: Value = http
        .get(&url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| format!("cannot read {url}: {e}"))?
        .json()
        .await
        .map_err(|e| format!("{url} is not JSON: {e}"))?;
    from_discovery(&doc, Some(issuer))
}

pub fn callback_url(origin: &str) -> String {
    format!("{origin}/provisioning_/callback")
}

/// Where the admin-consent page sends the administrator back (Entra's shape).
pub fn admin_consented_url(origin: &str) -> String {
    format!("{origin}/provisioning_/admin-consented")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Stage {
    /// Waiting for the person at the provider.
    Pending,
    /// The callback came; the code is being exchanged.
    Exchanging,
    NeedsConfirmation,
    Completed,
    Failed,
    /// A newer session for the same connection replaced this one.
    Superseded,
}

/// What a session that creates a connection will create.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CreateSpec {
    /// `None`: named after the account that consents.
    name: Option<String>,
    folder: Uuid,
    /// Who asked: the new connection's owner.
    owner: Uuid,
    auth_type: AuthType,
    shared_mailbox: Option<String>,
    secret_expires_at: Option<DateTime<Utc>>,
}

/// The organisation's own app a bring-your-own-app session signs in with.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SessionClient {
    client_id: String,
    tenant_id: Option<String>,
    /// Its client secret, sealed; dropped when the session no longer needs it.
    sealed_secret: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct AuthSession {
    id: Uuid,
    connection: Uuid,
    connector: String,
    started_by: Uuid,
    stage: Stage,
    created: DateTime<Utc>,
    /// Unix milliseconds.
    expires_at: i64,
    previous_identity: Option<String>,
    previous_scopes: Vec<String>,
    requested: Vec<String>,
    granted: Option<Vec<String>>,
    identity: Option<String>,
    error: Option<StepError>,
    /// SHA-256 of the `state` of the latest authorization request.
    state_hash: Option<String>,
    /// The PKCE verifier and nonce, sealed.
    sealed_request: Option<String>,
    /// Tokens waiting for a confirmation, sealed.
    sealed_tokens: Option<String>,
    /// Set when this session creates the connection `connection` names.
    #[serde(default)]
    create: Option<CreateSpec>,
    /// Set when the sign-in uses the organisation's own app (BYO).
    #[serde(default)]
    client: Option<SessionClient>,
}

impl Document for AuthSession {
    const KIND: &'static str = "auth_session";
    fn id(&self) -> String {
        self.id.to_string()
    }
    fn scope(&self) -> Option<String> {
        Some(self.connection.to_string())
    }
}

fn session_record(id: Uuid) -> String {
    format!("auth_session/{id}")
}

fn client_secret_record(id: Uuid) -> String {
    format!("auth_session/{id}/client_secret")
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

impl AuthSession {
    /// A session just started by `started_by`, open for `lifetime`, with
    /// nothing consented yet; the caller adds what it knows beforehand
    /// (the account and scopes of a reconnect, what a creation will make,
    /// the organisation's app).
    fn pending(
        id: Uuid,
        connection: Uuid,
        connector: &str,
        started_by: Uuid,
        lifetime: std::time::Duration,
        requested: Vec<String>,
    ) -> Self {
        let lifetime = i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX);
        Self {
            id,
            connection,
            connector: connector.to_owned(),
            started_by,
            stage: Stage::Pending,
            created: Utc::now(),
            expires_at: now_ms().saturating_add(lifetime),
            previous_identity: None,
            previous_scopes: vec![],
            requested,
            granted: None,
            identity: None,
            error: None,
            state_hash: None,
            sealed_request: None,
            sealed_tokens: None,
            create: None,
            client: None,
        }
    }

    /// The tenant's answer to starting it: where the person consents.
    fn started(&self, origin: &str) -> serde_json::Value {
        serde_json::json!({
            "connector": self.connector,
            "sessionId": self.id,
            "expiresAt": self.expires_at,
            "authUrl": format!("{origin}/provisioning_/start?session={}", self.id),
        })
    }

    fn status(&self, now: i64) -> &'static str {
        match self.stage {
            Stage::Completed => "completed",
            Stage::Failed => "failed",
            Stage::Superseded => "expired",
            _ if now >= self.expires_at => "expired",
            Stage::Pending | Stage::Exchanging => "pending",
            Stage::NeedsConfirmation => "needs_confirmation",
        }
    }

    fn in_progress(&self) -> bool {
        matches!(
            self.stage,
            Stage::Pending | Stage::Exchanging | Stage::NeedsConfirmation
        )
    }

    /// Drops everything secret: nothing is kept once a session is over.
    fn forget_secrets(&mut self) {
        self.state_hash = None;
        self.sealed_request = None;
        self.sealed_tokens = None;
        if let Some(client) = &mut self.client {
            client.sealed_secret = None;
        }
    }

    fn fail(&mut self, error: StepError) {
        self.stage = Stage::Failed;
        self.error = Some(error);
        self.forget_secrets();
    }

    /// Cancelled in the app (invented: the real API names no cancel, and so
    /// no `cancelled` code). The hash of the latest `state` is kept (it is
    /// no secret) so that a late answer is recognised and refused as
    /// cancelled; everything sealed is dropped.
    fn cancel(&mut self) {
        let state_hash = self.state_hash.take();
        self.fail(StepError::new(
            "cancelled",
            None,
            "The consent was cancelled in the app; nothing was stored.",
        ));
        self.state_hash = state_hash;
    }

    fn was_cancelled(&self) -> bool {
        self.stage == Stage::Failed && self.error.as_ref().is_some_and(|e| e.code == "cancelled")
    }

    /// The client id the sign-in uses.
    fn client_id<'a>(&'a self, rt: &'a Runtime) -> &'a str {
        self.client
            .as_ref()
            .map_or(rt.provider.client_id.as_str(), |c| c.client_id.as_str())
    }

    /// The provider with the credentials this session signs in with: the
    /// sandbox's own client, or the organisation's app for a BYO session.
    fn provider(&self, rt: &Runtime) -> Result<Provider, StepError> {
        let Some(client) = &self.client else {
            return Ok(rt.provider.clone());
        };
        let secret = client
            .sealed_secret
            .as_deref()
            .and_then(|sealed| rt.vault.open(&client_secret_record(self.id), sealed).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| {
                StepError::new(
                    "server_error",
                    None,
                    "The app's client secret for this sign-in could not be read back; start again.",
                )
            })?;
        Ok(Provider {
            template: rt.provider.template.clone(),
            client_id: client.client_id.clone(),
            client_secret: secret,
        })
    }

    /// Invented: where an administrator can grant what the wall refused, in
    /// Entra's shape, when the provider has an admin-consent page.
    fn admin_consent_url(&self, rt: &Runtime, origin: &str) -> Option<String> {
        let endpoint = rt.provider.template.admin_consent_endpoint.as_deref()?;
        let mut url = url::Url::parse(endpoint).ok()?;
        url.query_pairs_mut()
            .append_pair("client_id", self.client_id(rt))
            .append_pair("scope", &self.requested.join(" "))
            .append_pair("redirect_uri", &admin_consented_url(origin))
            .append_pair("state", &self.id.to_string());
        Some(url.into())
    }

    fn json(&self, now: i64) -> Value {
        json!({
            "sessionId": self.id,
            // Invented: which connection the session (re)authenticates; for a
            // creation, the id the connection gets once it completes.
            "connectionId": self.connection,
            "status": self.status(now),
            "identity": self.identity,
            "previousIdentity": self.previous_identity,
            "scopes": {
                "previous": self.previous_scopes,
                "requested": self.requested,
                "granted": self.granted,
            },
            "error": self.error.as_ref().map(|e| {
                let mut error = json!({
                    "code": e.code,
                    "providerCode": e.provider_code,
                    "message": e.message,
                });
                if let Some(url) = &e.admin_consent_url {
                    error["adminConsentUrl"] = json!(url);
                }
                error
            }),
            "expiresAt": self.expires_at,
        })
    }
}

/// What a new connection is made of; [`new_connection`].
#[derive(Debug)]
struct NewConnection<'a> {
    id: Uuid,
    name: &'a str,
    connector: &'a str,
    folder: Uuid,
    owner: Uuid,
    identity: &'a str,
    auth_type: AuthType,
    scopes: &'a [String],
    shared_mailbox: Option<&'a str>,
    secret_expires_at: Option<DateTime<Utc>>,
}

/// A new Enabled connection: the owner's default for its connector in that
/// folder when they have none there yet, with a fresh element instance id.
fn new_connection(db: &Db, n: &NewConnection<'_>) -> DbResult<Connection> {
    let in_folder = db.all_in::<Connection>(&n.folder.to_string())?;
    let first_of_owner = !in_folder
        .iter()
        .any(|c| c.owner == n.owner && c.connector == n.connector);
    let element_instance_id = db
        .all::<Connection>()?
        .iter()
        .map(|c| c.element_instance_id)
        .max()
        .unwrap_or(120_000)
        + 1;
    let now = Utc::now();
    Ok(Connection {
        id: n.id,
        name: n.name.to_owned(),
        connector: n.connector.to_owned(),
        folder: n.folder,
        owner: n.owner,
        identity: n.identity.to_owned(),
        auth_type: n.auth_type,
        state: ConnectionState::Enabled,
        failure: None,
        is_default: first_of_owner,
        element_instance_id,
        scopes: n.scopes.to_vec(),
        shared_mailbox: n.shared_mailbox.map(str::to_owned),
        secret_expires_at: n.secret_expires_at,
        created: now,
        updated: now,
        last_used: None,
    })
}

/// The connection signs in as `x.identity` from now on: updated in place,
/// or created for a creation session. `client_secret`: the BYO app's secret
/// to keep for the connection (refreshes need it).
fn complete(
    db: &Db,
    rt: &Runtime,
    s: &mut AuthSession,
    x: &Exchanged,
    client_secret: Option<&str>,
) -> DbResult<()> {
    let existing = db.get::<Connection>(&s.connection.to_string())?;
    let mut c = match (existing, &s.create) {
        (Some(c), None) => c,
        (None, Some(spec)) => new_connection(
            db,
            &NewConnection {
                id: s.connection,
                name: spec.name.as_deref().unwrap_or(&x.identity),
                connector: &s.connector,
                folder: spec.folder,
                owner: spec.owner,
                identity: &x.identity,
                auth_type: spec.auth_type,
                scopes: &x.granted,
                shared_mailbox: spec.shared_mailbox.as_deref(),
                secret_expires_at: spec.secret_expires_at,
            },
        )?,
        (Some(_), Some(_)) => {
            s.fail(StepError::new(
                "server_error",
                None,
                "A connection with this id exists already; nothing was changed. Create it again.",
            ));
            return db.put(s);
        }
        (None, None) => {
            s.fail(StepError::new(
                "connection_gone",
                None,
                "The connection was deleted meanwhile.",
            ));
            return db.put(s);
        }
    };
    let client_id = s.client_id(rt).to_owned();
    let generation = ConnectionTokens::next_generation(db, c.id)?;
    let sealed = ConnectionTokens::seal(
        &rt.vault,
        &NewTokens {
            connection: c.id,
            provider: &rt.provider.template.name,
            client_id: &client_id,
            identity: &x.identity,
            scopes: &x.granted,
            generation,
        },
        &x.tokens,
    );
    let secret = match (&s.client, client_secret) {
        (Some(client), Some(secret)) => Some(ConnectionSecret::seal(
            &rt.vault,
            c.id,
            SecretKind::ClientSecret,
            Some(&client.client_id),
            client.tenant_id.as_deref(),
            secret,
        )),
        _ => None,
    }
    .transpose();
    let (sealed, secret) = match (sealed, secret) {
        (Ok(sealed), Ok(secret)) => (sealed, secret),
        (Err(e), _) | (_, Err(e)) => {
            s.fail(StepError::new("server_error", None, &e.to_string()));
            return db.put(s);
        }
    };
    if s.create.is_none() {
        c.state = ConnectionState::Enabled;
        c.failure = None;
        c.identity.clone_from(&x.identity);
        c.scopes.clone_from(&x.granted);
        c.updated = Utc::now();
    }
    db.put(&c)?;
    db.put(&sealed)?;
    if let Some(secret) = secret {
        db.put(&secret)?;
    }
    s.stage = Stage::Completed;
    s.identity = Some(x.identity.clone());
    s.granted = Some(x.granted.clone());
    s.error = None;
    s.forget_secrets();
    db.put(s)
}

/// Completes, or waits for a confirmation when another account consented.
/// `client_secret`: as for [`complete`].
/// Stores what the provider answered. Another account than the connection's
/// waits for a confirmation where the profile has that (invented) step; the
/// documented platform is not known to ask, so there it simply completes and
/// the connection acts as the new account (clients compare
/// `connectionIdentity` afterwards).
fn settle(
    db: &mut Db,
    rt: &Runtime,
    s: &mut AuthSession,
    x: &Exchanged,
    client_secret: Option<&str>,
    profile: crate::profile::Profile,
) -> DbResult<()> {
    let other_account = profile.has(crate::profile::Extension::ConsentConfirmation)
        && s.previous_identity
            .as_deref()
            .is_some_and(|p| !p.eq_ignore_ascii_case(&x.identity));
    if other_account {
        s.identity = Some(x.identity.clone());
        s.granted = Some(x.granted.clone());
        match rt.vault.seal_json(&session_record(s.id), &x.tokens) {
            Ok(sealed) => {
                s.stage = Stage::NeedsConfirmation;
                s.sealed_tokens = Some(sealed);
            }
            Err(e) => s.fail(StepError::new("server_error", None, &e.to_string())),
        }
        return db.put(s);
    }
    db.transaction(|db| complete(db, rt, s, x, client_secret))
}
