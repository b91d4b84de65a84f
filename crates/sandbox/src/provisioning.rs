//! Why this exists: re-authenticating a connection in place, end to end, the
//! way Integration Service does it, so the app's reconnect can be built and
//! tested without a tenant. The connection keeps its id, folder and bindings.
//!
//! - `POST …/Connections/{id}/auth` starts a session (`{connector, sessionId,
//!   expiresAt, authUrl}`); a newer one supersedes any session of the same
//!   connection still in progress (the old one reads `expired`).
//! - `GET /provisioning_/start?session=` (the `authUrl`, opened in a browser)
//!   redirects to the provider with PKCE S256, `state` and `nonce`.
//! - `GET /provisioning_/callback` takes the answer: `state` finds the session,
//!   `iss` is checked (RFC 9207), the code is exchanged, userinfo names the
//!   account, and the tokens are sealed (`vault.rs`) before they are stored.
//!   Another account than the connection's waits for a confirmation; the
//!   browser ends on `/provisioning_/done?session=&status=`.
//! - `GET …/auth/{session}` reports; `POST …/auth/{session}/confirm` accepts
//!   or rejects another account.
//!
//! Sessions are documents (`auth_session`); nothing secret in them is plain:
//! `state` is stored hashed, the PKCE verifier, nonce and waiting tokens
//! sealed. A connection's tokens are one `connection_tokens` document.
//!
//! This file holds the settings, the session and what finishing one does;
//! `provisioning/api.rs` the tenant API, `provisioning/browser.rs` the pages.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::{Db, DbResult, Document};
use crate::model::{Client, Connection, ConnectionState};
use crate::oauth_client::{Exchanged, StepError};
use crate::providers::{
    CONNECTORS_CLIENT_ID, CONNECTORS_CLIENT_NAME, Provider, ProviderOverride, fixed_template,
    from_discovery,
};
use crate::secrets::{hash_secret, random_token};
use crate::vault::Vault;

mod api;
mod browser;

pub use api::{confirm, session, start_session};
pub use browser::{browser_start, callback, done};

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

/// What the running sandbox needs for reconnects.
#[derive(Debug)]
pub struct Runtime {
    pub provider: Provider,
    pub vault: Vault,
    pub http: reqwest::Client,
    pub session_lifetime: Duration,
}

/// Registers the sandbox's own confidential client at its identity server,
/// with a fresh secret: the database keeps its salted hash, the returned
/// secret lives only in memory. Done at every start, as the port (and so
/// the redirect URI) and the in-memory secret do not survive a restart.
pub fn register_client(db: &Db, origin: &str) -> DbResult<String> {
    let secret = random_token();
    db.put(&Client {
        client_id: CONNECTORS_CLIENT_ID.into(),
        name: CONNECTORS_CLIENT_NAME.into(),
        secret_hash: Some(hash_secret(&secret)),
        redirect_uris: vec![callback_url(origin)],
        app_user: None,
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
            vault: Vault::new(),
            http,
            session_lifetime: config.session_lifetime,
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

/// A connection's tokens, sealed; one per connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ConnectionTokens {
    connection: Uuid,
    provider: String,
    identity: String,
    scopes: Vec<String>,
    stored: DateTime<Utc>,
    sealed: String,
}

impl Document for ConnectionTokens {
    const KIND: &'static str = "connection_tokens";
    fn id(&self) -> String {
        self.connection.to_string()
    }
}

fn session_record(id: Uuid) -> String {
    format!("auth_session/{id}")
}

fn tokens_record(connection: Uuid) -> String {
    format!("connection_tokens/{connection}")
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

impl AuthSession {
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
    }

    fn fail(&mut self, error: StepError) {
        self.stage = Stage::Failed;
        self.error = Some(error);
        self.forget_secrets();
    }

    fn json(&self, now: i64) -> Value {
        json!({
            "sessionId": self.id,
            "status": self.status(now),
            "identity": self.identity,
            "previousIdentity": self.previous_identity,
            "scopes": {
                "previous": self.previous_scopes,
                "requested": self.requested,
                "granted": self.granted,
            },
            "error": self.error.as_ref().map(|e| json!({
                "code": e.code,
                "providerCode": e.provider_code,
                "message": e.message,
            })),
            "expiresAt": self.expires_at,
        })
    }
}

/// The connection signs in as `identity` from now on.
fn complete(
    db: &Db,
    vault: &Vault,
    provider: &str,
    s: &mut AuthSession,
    identity: &str,
    granted: &[String],
    tokens: &Value,
) -> DbResult<()> {
    let Some(mut c) = db.get::<Connection>(&s.connection.to_string())? else {
        s.fail(StepError::new(
            "connection_gone",
            None,
            "The connection was deleted meanwhile.",
        ));
        return db.put(s);
    };
    let sealed = match vault.seal_json(&tokens_record(c.id), tokens) {
        Ok(sealed) => sealed,
        Err(e) => {
            s.fail(StepError::new("server_error", None, &e.to_string()));
            return db.put(s);
        }
    };
    c.state = ConnectionState::Enabled;
    c.failure = None;
    c.identity = identity.to_owned();
    c.scopes = granted.to_vec();
    c.updated = Utc::now();
    db.put(&c)?;
    db.put(&ConnectionTokens {
        connection: c.id,
        provider: provider.to_owned(),
        identity: identity.to_owned(),
        scopes: granted.to_vec(),
        stored: Utc::now(),
        sealed,
    })?;
    s.stage = Stage::Completed;
    s.identity = Some(identity.to_owned());
    s.granted = Some(granted.to_vec());
    s.error = None;
    s.forget_secrets();
    db.put(s)
}

/// Completes, or waits for a confirmation when another account consented.
fn settle(db: &mut Db, rt: &Runtime, s: &mut AuthSession, x: &Exchanged) -> DbResult<()> {
    let other_account = s
        .previous_identity
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
    let provider = rt.provider.template.name.clone();
    db.transaction(|db| {
        complete(
            db,
            &rt.vault,
            &provider,
            s,
            &x.identity,
            &x.granted,
            &x.tokens,
        )
    })
}
