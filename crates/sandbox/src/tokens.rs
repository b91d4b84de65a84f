//! Why this exists: once the sandbox holds a connection's tokens (after a
//! reconnect, or a connection created through the app), it must use them the
//! way Integration Service does, so the app's health check and token handling
//! meet the real failure modes: access tokens expire and are refreshed,
//! providers rotate refresh tokens (the old one must never be used again, or
//! the provider revokes the sign-in), a revoked grant makes the connection
//! Expired with the provider's reason, and many callers asking at once must
//! not each refresh.
//!
//! - `GET …/Connections/{id}/token?tokenType=direct|bearer[&forceRefresh=true]`
//!   answers `{accessToken, tokenType, expiresIn, apiBaseUri, elementInstanceId,
//!   scope}` (the real endpoint's shape). An expired access token, or
//!   `forceRefresh`, refreshes at the provider first.
//! - `GET …/Connections/{id}/ping[?forceRefresh=true]` refreshes the same way
//!   before reporting `{connector, status, error?}`.
//!
//! Refresh is single-flight per connection: a [`Flight`] holds an async lock
//! and a count of finished refreshes. A request notes the count, then takes the
//! lock; if the count moved meanwhile, a refresh finished while it waited and
//! its result is this request's too (no second refresh). The rotated refresh
//! token replaces the old one, sealed, before anyone is answered.
//!
//! Connections the sandbox never signed in (seeded ones, certificates: see
//! `provisioning/create.rs`) have no stored tokens and keep the older
//! behaviour: the ping reports the stored state, and `token` answers CNS1008
//! unless the connection is Enabled.
//!
//! Also here, because both sessions and creation write them: the documents
//! that hold a connection's tokens and its app credentials, sealed with the
//! [`Vault`].

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Json;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::{Db, DbResult, Document};
use crate::http::{ApiError, ApiResult, Caller, Shared};
use crate::integration::{SERVER_ERROR, cns, find_visible, state_name};
use crate::model::{AuthType, Connection, ConnectionState, Failure, Folder, UserKind};
use crate::oauth_client::{StepError, client_credentials, refresh};
use crate::profile::Extension;
use crate::providers::{Provider, app_scopes};
pub(crate) use crate::runtime::RefreshError;
use crate::secrets::random_token;
use crate::vault::{Vault, VaultError};

/// A connection's tokens at its provider, sealed; one per connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ConnectionTokens {
    pub connection: Uuid,
    pub provider: String,
    pub identity: String,
    pub scopes: Vec<String>,
    pub stored: DateTime<Utc>,
    /// The token response's fields (`access_token`, `refresh_token`, …), sealed.
    pub sealed: String,
    /// The client the tokens were issued to (the sandbox's, or the
    /// organisation's own app for bring-your-own-app connections).
    #[serde(default)]
    pub client_id: Option<String>,
    /// When the access token expires, from `expires_in`.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Bumped at every store: a refresh whose source was replaced meanwhile
    /// (a reconnect, another refresh) discards its result.
    #[serde(default)]
    pub generation: u64,
}

impl Document for ConnectionTokens {
    const KIND: &'static str = "connection_tokens";
    fn id(&self) -> String {
        self.connection.to_string()
    }
}

pub(crate) fn tokens_record(connection: Uuid) -> String {
    format!("connection_tokens/{connection}")
}

fn expiry_of(tokens: &Value, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let seconds = tokens["expires_in"]
        .as_i64()
        .or_else(|| tokens["expires_in"].as_str().and_then(|s| s.parse().ok()))?;
    Some(now + Duration::seconds(seconds.max(0)))
}

/// What to store for a connection's tokens.
#[derive(Debug)]
pub(crate) struct NewTokens<'a> {
    pub connection: Uuid,
    pub provider: &'a str,
    pub client_id: &'a str,
    pub identity: &'a str,
    pub scopes: &'a [String],
    pub generation: u64,
}

impl ConnectionTokens {
    pub(crate) fn seal(
        vault: &Vault,
        new: &NewTokens<'_>,
        tokens: &Value,
    ) -> Result<Self, VaultError> {
        let now = Utc::now();
        Ok(Self {
            connection: new.connection,
            provider: new.provider.to_owned(),
            identity: new.identity.to_owned(),
            scopes: new.scopes.to_vec(),
            stored: now,
            sealed: vault.seal_json(&tokens_record(new.connection), tokens)?,
            client_id: Some(new.client_id.to_owned()),
            expires_at: expiry_of(tokens, now),
            generation: new.generation,
        })
    }

    /// The generation the next store of `connection`'s tokens gets.
    pub(crate) fn next_generation(db: &Db, connection: Uuid) -> DbResult<u64> {
        Ok(db
            .get::<Self>(&connection.to_string())?
            .map_or(0, |t| t.generation + 1))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum SecretKind {
    /// An app registration's client secret (BYO app, client credentials).
    ClientSecret,
    /// A PEM certificate with its private key.
    Certificate,
}

/// A connection's app credentials, sealed; one per connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ConnectionSecret {
    pub connection: Uuid,
    pub kind: SecretKind,
    pub client_id: Option<String>,
    pub tenant_id: Option<String>,
    pub stored: DateTime<Utc>,
    pub sealed: String,
}

impl Document for ConnectionSecret {
    const KIND: &'static str = "connection_secret";
    fn id(&self) -> String {
        self.connection.to_string()
    }
}

fn secret_record(connection: Uuid) -> String {
    format!("connection_secret/{connection}")
}

impl ConnectionSecret {
    pub(crate) fn seal(
        vault: &Vault,
        connection: Uuid,
        kind: SecretKind,
        client_id: Option<&str>,
        tenant_id: Option<&str>,
        secret: &str,
    ) -> Result<Self, VaultError> {
        Ok(Self {
            connection,
            kind,
            client_id: client_id.map(str::to_owned),
            tenant_id: tenant_id.map(str::to_owned),
            stored: Utc::now(),
            sealed: vault.seal(&secret_record(connection), secret.as_bytes())?,
        })
    }

    pub(crate) fn open(&self, vault: &Vault) -> Result<String, VaultError> {
        String::from_utf8(vault.open(&secret_record(self.connection), &self.sealed)?)
            .map_err(|_| VaultError::Open)
    }
}

/// An access token to hand out.
#[derive(Clone)]
pub(crate) struct TokenView {
    pub access_token: String,
    pub token_type: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenView")
            .field("access_token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl TokenView {
    fn of(tokens: &Value, expires_at: Option<DateTime<Utc>>) -> Option<Self> {
        Some(Self {
            access_token: tokens["access_token"].as_str()?.to_owned(),
            token_type: tokens["token_type"].as_str().unwrap_or("Bearer").to_owned(),
            expires_at,
            scope: tokens["scope"].as_str().map(str::to_owned),
        })
    }

    /// Still usable for a while: a token about to expire is refreshed first.
    fn valid(&self, now: DateTime<Utc>) -> bool {
        self.expires_at
            .is_none_or(|at| at > now + Duration::seconds(10))
    }
}

enum Current {
    /// The sandbox holds no tokens for it.
    None,
    Held(TokenView),
}

/// What is stored now, without asking the provider.
fn current(state: &Shared, id: Uuid) -> Result<Current, RefreshError> {
    let db = state.db();
    let Some(doc) = db.get::<ConnectionTokens>(&id.to_string())? else {
        return Ok(Current::None);
    };
    let enabled = db
        .get::<Connection>(&id.to_string())?
        .is_some_and(|c| c.state == ConnectionState::Enabled);
    if !enabled {
        return Err(RefreshError::Broken);
    }
    let tokens = state
        .provisioning
        .vault
        .open_json(&tokens_record(id), &doc.sealed)
        .map_err(|_| RefreshError::Unreadable)?;
    TokenView::of(&tokens, doc.expires_at)
        .map(Current::Held)
        .ok_or(RefreshError::Unreadable)
}

/// A usable access token for connection `id`: the stored one, or a fresh
/// one when it expired or `force` is set (single-flight, see the module
/// docs). `Ok(None)`: the sandbox holds no tokens for it.
pub(crate) async fn ensure_fresh(
    state: &Shared,
    id: Uuid,
    force: bool,
) -> Result<Option<TokenView>, RefreshError> {
    let flights = &state.provisioning.flights;
    // Noted before anything is read: a refresh that finishes after this
    // point (one in flight now, or one started later) serves this request.
    let seen = flights.finished(id);
    match current(state, id)? {
        Current::None => return Ok(None),
        Current::Held(view) if !force && view.valid(Utc::now()) => return Ok(Some(view)),
        Current::Held(_) => {}
    }
    let flight = flights.get(id);
    let mut last = flight.last.lock().await;
    if flight.finished.load(Ordering::SeqCst) != seen {
        // A refresh finished while this request waited: its result is ours.
        if let Some(failure) = last.clone() {
            return Err(failure);
        }
        return match current(state, id)? {
            Current::None => Err(RefreshError::Broken),
            Current::Held(view) => Ok(Some(view)),
        };
    }
    let result = refresh_now(state, id).await;
    *last = result.as_ref().err().cloned();
    flight.finished.fetch_add(1, Ordering::SeqCst);
    result.map(Some)
}

/// The client a connection's tokens are renewed with: the organisation's
/// own app when one is stored for it, else the sandbox's.
fn connection_provider(db: &Db, state: &Shared, id: Uuid) -> Result<Provider, RefreshError> {
    let rt = &state.provisioning;
    match db.get::<ConnectionSecret>(&id.to_string())? {
        Some(secret) if secret.kind == SecretKind::ClientSecret => Ok(Provider {
            template: rt.provider.template.clone(),
            client_id: secret.client_id.clone().unwrap_or_default(),
            client_secret: secret
                .open(&rt.vault)
                .map_err(|_| RefreshError::Unreadable)?,
        }),
        _ => Ok(rt.provider.clone()),
    }
}

/// Asks the provider for new tokens and stores them (or the failure).
async fn refresh_now(state: &Shared, id: Uuid) -> Result<TokenView, RefreshError> {
    let rt = &state.provisioning;
    let (doc, connection, tokens, provider) = {
        let db = state.db();
        let doc = db
            .get::<ConnectionTokens>(&id.to_string())?
            .ok_or(RefreshError::Broken)?;
        let connection = db
            .get::<Connection>(&id.to_string())?
            .filter(|c| c.state == ConnectionState::Enabled)
            .ok_or(RefreshError::Broken)?;
        let tokens = rt
            .vault
            .open_json(&tokens_record(id), &doc.sealed)
            .map_err(|_| RefreshError::Unreadable)?;
        let provider = connection_provider(&db, state, id)?;
        (doc, connection, tokens, provider)
    };
    let app_only = connection.auth_type == AuthType::ClientCredentials;
    let answer = if app_only {
        // Client credentials have no refresh token: the app signs in again.
        let mut scopes = app_scopes(&connection.connector);
        if scopes.is_empty() {
            scopes.clone_from(&doc.scopes);
        }
        client_credentials(&rt.http, &provider, &scopes).await
    } else {
        match tokens["refresh_token"].as_str() {
            Some(refresh_token) => refresh(&rt.http, &provider, refresh_token).await,
            None => {
                // Nothing to renew with: the access token serves while it lasts.
                if let Some(view) =
                    TokenView::of(&tokens, doc.expires_at).filter(|v| v.valid(Utc::now()))
                {
                    return Ok(view);
                }
                Err(StepError::new(
                    "invalid_grant",
                    None,
                    "The access token expired and the provider gave no refresh token to renew it.",
                ))
            }
        }
    };
    let mut db = state.db();
    let stored = db.transaction(|db| {
        let now = db.get::<ConnectionTokens>(&id.to_string())?;
        if now.as_ref().map(|t| t.generation) != Some(doc.generation) {
            // Reconnected (or refreshed) meanwhile: what is stored now wins.
            return Ok(None);
        }
        Ok(Some(store_outcome(
            db, rt, &doc, &tokens, answer, app_only,
        )?))
    });
    match stored {
        Ok(Some(outcome)) => outcome,
        Ok(None) => match current(state, id)? {
            Current::None => Err(RefreshError::Broken),
            Current::Held(view) => Ok(view),
        },
        Err(e) => Err(e.into()),
    }
}

/// Stores what the provider answered a refresh: the new tokens (the rotated
/// refresh token replacing the old one), or the connection's failure.
fn store_outcome(
    db: &Db,
    rt: &crate::runtime::Runtime,
    doc: &ConnectionTokens,
    old: &Value,
    answer: Result<Value, StepError>,
    app_only: bool,
) -> DbResult<Result<TokenView, RefreshError>> {
    let id = doc.connection;
    match answer {
        Ok(mut new) => {
            if new.get("refresh_token").is_none()
                && let Some(kept) = old.get("refresh_token")
            {
                // No rotation: the old refresh token stays valid.
                new["refresh_token"] = kept.clone();
            }
            let sealed = ConnectionTokens::seal(
                &rt.vault,
                &NewTokens {
                    connection: id,
                    provider: &doc.provider,
                    client_id: doc.client_id.as_deref().unwrap_or_default(),
                    identity: &doc.identity,
                    scopes: &doc.scopes,
                    generation: doc.generation + 1,
                },
                &new,
            );
            let Ok(sealed) = sealed else {
                return Ok(Err(RefreshError::Provider(StepError::new(
                    "server_error",
                    None,
                    "The new tokens could not be sealed; nothing was changed.",
                ))));
            };
            let view = TokenView::of(&new, sealed.expires_at);
            db.put(&sealed)?;
            tracing::info!(connection = %id, generation = sealed.generation, "connection tokens refreshed");
            Ok(view.ok_or(RefreshError::Unreadable))
        }
        Err(e) if e.code == "invalid_grant" || (app_only && e.code == "invalid_client") => {
            let Some(mut c) = db.get::<Connection>(&id.to_string())? else {
                return Ok(Err(RefreshError::Broken));
            };
            let (state, message) = if app_only {
                (
                    ConnectionState::Failed,
                    format!(
                        "The provider refused the app's client secret ({}). Update the connection with the current secret from the app registration.",
                        e.message.trim_end_matches('.')
                    ),
                )
            } else {
                (
                    ConnectionState::Expired,
                    format!(
                        "The provider refused the connection's refresh token ({}). Reconnect the connection to sign in again.",
                        e.message.trim_end_matches('.')
                    ),
                )
            };
            c.state = state;
            c.failure = Some(Failure {
                code: e.code.clone(),
                provider_code: e.provider_code.clone(),
                message,
            });
            c.updated = Utc::now();
            db.put(&c)?;
            // Useless now, and nothing is kept that need not be.
            db.delete::<ConnectionTokens>(&id.to_string())?;
            tracing::info!(connection = %id, code = %e.code, provider_code = ?e.provider_code, "connection refresh refused; the connection needs a reconnect");
            Ok(Err(RefreshError::Broken))
        }
        Err(e) => Ok(Err(RefreshError::Provider(e))),
    }
}

fn flag(params: &HashMap<String, String>, name: &str) -> bool {
    params
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case(name) && v.eq_ignore_ascii_case("true"))
}

fn not_authorized(c: &Connection) -> ApiError {
    let message = c.failure.as_ref().map_or_else(
        || {
            format!(
                "The connection is {:?}, so it has no token. Reconnect it.",
                c.state
            )
        },
        |f| f.message.clone(),
    );
    let mut e = cns(StatusCode::BAD_REQUEST, "CNS1008", &message);
    if let Some(code) = c.failure.as_ref().and_then(|f| f.provider_code.as_ref()) {
        e.body["providerCode"] = json!(code);
    }
    e
}

fn unreadable() -> ApiError {
    cns(
        StatusCode::BAD_REQUEST,
        "CNS1008",
        "The connection's tokens were stored by an earlier run of the sandbox and cannot be read now. Reconnect the connection.",
    )
}

fn provider_failed(e: &StepError) -> ApiError {
    let mut error = cns(
        StatusCode::BAD_GATEWAY,
        &e.code,
        &format!(
            "{} The connection is unchanged; try again later.",
            e.message
        ),
    );
    error.body["providerCode"] = json!(e.provider_code);
    error
}

/// `GET …/Connections/{id}/token?tokenType=direct|bearer[&forceRefresh=true]`.
pub async fn token(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let (c, folder, connector, _) = find_visible(&state, &caller, &id)?;
    may_take_token(&caller, &c, &folder)?;
    let token_type = params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("tokenType"))
        .map_or("direct", |(_, v)| v.as_str());
    if !token_type.eq_ignore_ascii_case("direct") && !token_type.eq_ignore_ascii_case("bearer") {
        return Err(cns(
            StatusCode::BAD_REQUEST,
            "CNS1001",
            &format!("tokenType must be direct or bearer, not {token_type:?}."),
        ));
    }
    let answer = |view: &TokenView| {
        let expires_in = view
            .expires_at
            .map_or(3600, |at| (at - Utc::now()).num_seconds().max(0));
        json!({
            "accessToken": view.access_token,
            "tokenType": view.token_type,
            "expiresIn": expires_in,
            "scope": view.scope,
            "apiBaseUri": connector.as_ref().map(|k| k.api_base_uri.clone()),
            "elementInstanceId": c.element_instance_id,
        })
    };
    // Invented: the sandbox has no element proxy for `bearer` tokens to
    // call, so both types hand out the provider's access token.
    match ensure_fresh(&state, c.id, flag(&params, "forceRefresh")).await {
        Ok(Some(view)) => Ok(Json(answer(&view))),
        Ok(None) if c.state == ConnectionState::Enabled => {
            // Invented: a connection the sandbox never signed in (seeded, or
            // a certificate, for which it cannot ask for tokens) has no
            // provider token; an opaque random one stands in, valid nowhere.
            Ok(Json(answer(&TokenView {
                access_token: random_token(),
                token_type: "Bearer".into(),
                expires_at: Some(Utc::now() + Duration::seconds(3600)),
                scope: Some(c.scopes.join(" ")),
            })))
        }
        Ok(None) => Err(not_authorized(&c)),
        Err(RefreshError::Broken) => {
            let now = state.db().get::<Connection>(&c.id.to_string())?;
            Err(not_authorized(now.as_ref().unwrap_or(&c)))
        }
        Err(RefreshError::Unreadable) => Err(unreadable()),
        Err(RefreshError::Provider(e)) => Err(provider_failed(&e)),
        Err(RefreshError::Db(message)) => Err(ApiError::connections(
            StatusCode::INTERNAL_SERVER_ERROR,
            SERVER_ERROR,
            &message,
        )),
    }
}

/// `GET Connections/{id}/ping[?forceRefresh=true]`: `{connector, status, error?}`.
pub async fn ping(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let (c, _, _, _) = find_visible(&state, &caller, &id)?;
    let problem = match ensure_fresh(&state, c.id, flag(&params, "forceRefresh")).await {
        Ok(_) | Err(RefreshError::Broken) => None,
        Err(RefreshError::Unreadable) => Some(StepError::new(
            "CNS1008",
            None,
            "The connection's tokens were stored by an earlier run of the sandbox and cannot be read now. Reconnect the connection.",
        )),
        Err(RefreshError::Provider(e)) => Some(e),
        Err(RefreshError::Db(message)) => {
            return Err(ApiError::connections(
                StatusCode::INTERNAL_SERVER_ERROR,
                SERVER_ERROR,
                &message,
            ));
        }
    };
    // A refresh may have just changed the state.
    let c = state
        .db()
        .get::<Connection>(&c.id.to_string())?
        .unwrap_or(c);
    let failure = if c.state != ConnectionState::Enabled {
        Some(c.failure.clone().unwrap_or(Failure {
            code: "CNS1008".into(),
            provider_code: None,
            message: "The connection is not authorized.".into(),
        }))
    } else {
        problem.map(|e| Failure {
            code: e.code,
            provider_code: e.provider_code,
            message: e.message,
        })
    };
    let mut body = json!({"connector": c.connector, "status": state_name(c.state)});
    let Some(failure) = failure else {
        return Ok(Json(body));
    };
    if state.profile.has(Extension::StructuredPingError) {
        body["error"] = json!({"code": failure.code, "providerCode": failure.provider_code, "message": failure.message});
        return Ok(Json(body));
    }
    // The documented shape: `error` is a string (uipath-typescript's
    // `ConnectionPingResponse`). A connection that is not authorized answers
    // the Connection Service's CNS1008 (HTTP 400), whose message carries the
    // provider's answer ("a failed ping with CNS1008 confirms the auth
    // state": UiPath/skills' CNS reference).
    let text = ping_error_text(&failure);
    if matches!(c.state, ConnectionState::Expired | ConnectionState::Failed) {
        return Err(cns(
            StatusCode::BAD_REQUEST,
            "CNS1008",
            &format!("The connection is not authorized: {text}"),
        ));
    }
    body["error"] = json!(text);
    Ok(Json(body))
}

/// A failure as one line: the provider's code and the OAuth error first,
/// where a reader (and a client's failure catalogue) looks for them.
fn ping_error_text(f: &Failure) -> String {
    let mut text = f.message.clone();
    if let Some(code) = f.provider_code.as_deref().filter(|c| !text.contains(*c)) {
        text = format!("{code}: {text}");
    }
    if !f.code.starts_with("CNS") && !text.contains(&f.code) {
        text = format!("{} ({text})", f.code);
    }
    text
}

/// Whether `caller` may have connection `c`'s provider token: its owner, or
/// a robot account that runs in its folder. A personal workspace's
/// connection is its owner's alone (CNS1049: "…is on a personal folder and
/// can only be used by its owner", UiPath/skills).
fn may_take_token(caller: &Caller, c: &Connection, folder: &Folder) -> ApiResult<()> {
    if caller.user.key == c.owner {
        return Ok(());
    }
    if folder.is_personal() {
        return Err(cns(
            StatusCode::NOT_FOUND,
            "CNS1049",
            &format!(
                "Connection '{}' is on a personal folder and can only be used by its owner.",
                c.id
            ),
        ));
    }
    if caller.user.kind == UserKind::Robot && folder.members.contains(&caller.user.key) {
        return Ok(());
    }
    Err(cns(
        StatusCode::FORBIDDEN,
        "CNS1044",
        "Only the connection's owner, or a robot running a job in its folder, may have its token.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_comes_from_expires_in_and_a_token_about_to_expire_is_not_valid() {
        let now = Utc::now();
        let at = expiry_of(&json!({"expires_in": 60}), now).unwrap();
        assert_eq!((at - now).num_seconds(), 60);
        assert_eq!(
            expiry_of(&json!({"expires_in": "30"}), now).map(|t| (t - now).num_seconds()),
            Some(30)
        );
        assert_eq!(expiry_of(&json!({}), now), None);
        let view = |secs| TokenView {
            access_token: "a".into(),
            token_type: "Bearer".into(),
            expires_at: Some(now + Duration::seconds(secs)),
            scope: None,
        };
        assert!(view(60).valid(now));
        assert!(!view(5).valid(now));
        assert!(!format!("{:?}", view(60)).contains("\"a\""));
    }
}
