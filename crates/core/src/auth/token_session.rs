//! A signed-in session to a real tenant, kept in the OS keychain between runs.
//!
//! - **Single-flight refresh**: callers take one async lock; the first to find
//!   the access token (nearly) expired refreshes, the others then see the new
//!   one. Two refreshes racing with rotation would revoke the sign-in.
//! - **Across processes too**: the refresher also holds an OS file lock for
//!   the session ([`crate::refresh_lock`]) and, once it has it, reads the
//!   keychain again: when another process refreshed meanwhile, its tokens are
//!   taken instead of refreshing with a refresh token that is already used.
//! - **Rotation is written first**: the new refresh token reaches the keychain
//!   before the new access token is handed out, so a crash never leaves us with
//!   only a used refresh token.
//! - **Failures keep what still works**: `invalid_grant` (expired, revoked)
//!   deletes the session and asks to sign in again; a network failure leaves
//!   the stored session alone.
//! - **Sign-out** revokes the refresh token at the tenant, then deletes it.

use std::sync::Arc;

use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{ClientId, RefreshToken, RequestTokenError, TokenResponse, TokenUrl};
use serde::{Deserialize, Serialize};

use crate::auth::session::{SignInError, explain, http, token_http, token_url};
use crate::auth::sign_in::TokenSet;
use crate::auth::token_http::Repeat;
use crate::error::{ApiError, ErrorCode};
use crate::keychain::{KeychainError, SecretStore};
use crate::refresh_lock::{LockError, RefreshLock};
use crate::secret::Secret;
use crate::tenant_url::TenantUrl;

/// Refresh this long before the access token expires, or a quarter of its
/// lifetime when that is shorter (else short-lived tokens refresh every call).
pub(crate) const MARGIN_SECS: i64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("Not signed in to {0}. Sign in with: connassist login --url {0} --client-id <app id>")]
    NotSignedIn(String),
    #[error(
        "The session at {0} expired or was revoked. Sign in again with: connassist login --url {0} --client-id <app id>"
    )]
    Expired(String),
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    SignIn(#[from] SignInError),
    #[error(transparent)]
    Lock(#[from] LockError),
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::NotSignedIn(_) | SessionError::Expired(_) => {
                ApiError::new(ErrorCode::Unauthorized, e.to_string())
            }
            SessionError::Keychain(k) => k.into(),
            SessionError::SignIn(s) => s.into(),
            SessionError::Lock(l) => ApiError::new(ErrorCode::Internal, l.to_string()),
        }
    }
}

/// What the keychain holds for one tenant (serialized only into the keychain).
#[derive(Serialize, Deserialize)]
struct Stored {
    client_id: String,
    access: String,
    refresh: Option<String>,
    expires_at: i64,
    #[serde(default)]
    lifetime: i64,
}

impl Stored {
    fn fresh(&self) -> bool {
        now() + MARGIN_SECS.min(self.lifetime / 4) < self.expires_at
    }
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stored([redacted])")
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[derive(Debug)]
pub struct TokenSession {
    tenant: TenantUrl,
    store: Arc<dyn SecretStore>,
    state: tokio::sync::Mutex<Stored>,
}

impl TokenSession {
    fn account(tenant: &TenantUrl) -> &str {
        &tenant.url
    }

    fn write(
        store: &dyn SecretStore,
        tenant: &TenantUrl,
        stored: &Stored,
    ) -> Result<(), SessionError> {
        let json =
            serde_json::to_string(stored).map_err(|e| KeychainError::Failed(e.to_string()))?;
        store.set(Self::account(tenant), &Secret::new(json))?;
        Ok(())
    }

    /// Keeps a fresh sign-in's tokens in the keychain.
    pub fn save(
        tenant: &TenantUrl,
        client_id: &str,
        tokens: TokenSet,
        store: Arc<dyn SecretStore>,
    ) -> Result<Self, SessionError> {
        let expires_in = tokens
            .expires_in
            .map_or(3600, |d| i64::try_from(d.as_secs()).unwrap_or(3600));
        let stored = Stored {
            client_id: client_id.to_owned(),
            access: tokens.access.expose().clone(),
            refresh: tokens.refresh.map(|r| r.expose().clone()),
            expires_at: now() + expires_in,
            lifetime: expires_in,
        };
        Self::write(store.as_ref(), tenant, &stored)?;
        Ok(Self {
            tenant: tenant.clone(),
            store,
            state: tokio::sync::Mutex::new(stored),
        })
    }

    pub fn tenant(&self) -> &TenantUrl {
        &self.tenant
    }

    /// The external application this session was signed in with.
    pub async fn client_id(&self) -> String {
        self.state.lock().await.client_id.clone()
    }

    /// What the keychain holds for `tenant` now; an unreadable entry is as
    /// good as none (sign in again).
    fn read(store: &dyn SecretStore, tenant: &TenantUrl) -> Result<Option<Stored>, SessionError> {
        Ok(store
            .get(Self::account(tenant))?
            .and_then(|secret| serde_json::from_str(secret.expose()).ok()))
    }

    /// The session kept for `tenant`, if any.
    pub fn load(tenant: &TenantUrl, store: Arc<dyn SecretStore>) -> Result<Self, SessionError> {
        let stored = Self::read(store.as_ref(), tenant)?
            .ok_or_else(|| SessionError::NotSignedIn(tenant.url.clone()))?;
        Ok(Self {
            tenant: tenant.clone(),
            store,
            state: tokio::sync::Mutex::new(stored),
        })
    }

    /// A valid access token, refreshing it first when it is about to expire.
    pub async fn access_token(&self) -> Result<Secret<String>, SessionError> {
        let mut stored = self.state.lock().await;
        if stored.fresh() {
            return Ok(Secret::new(stored.access.clone()));
        }
        self.refresh(&mut stored).await
    }

    /// After the tenant refused `rejected` (HTTP 401): refreshes, unless another
    /// caller already replaced that token, in which case its successor is returned.
    pub async fn refresh_after_rejection(
        &self,
        rejected: &Secret<String>,
    ) -> Result<Secret<String>, SessionError> {
        let mut stored = self.state.lock().await;
        if stored.access != *rejected.expose() {
            return Ok(Secret::new(stored.access.clone()));
        }
        self.refresh(&mut stored).await
    }

    /// Replaces `stored`'s access token: with the one another process stored
    /// while this one waited for the lock, else by refreshing.
    async fn refresh(&self, stored: &mut Stored) -> Result<Secret<String>, SessionError> {
        let replaced = stored.access.clone();
        let dir = self.store.refresh_lock_dir();
        let _lock = RefreshLock::acquire(dir.as_deref(), Self::account(&self.tenant)).await?;
        // Another process may have refreshed (rotating the refresh token we
        // hold), signed out, or found the session revoked.
        let Some(current) = Self::read(self.store.as_ref(), &self.tenant)? else {
            return Err(SessionError::Expired(self.tenant.url.clone()));
        };
        let newer = current.access != replaced;
        *stored = current;
        if newer && stored.fresh() {
            tracing::debug!(tenant = %self.tenant.url, "another process refreshed the session; its tokens are used");
            return Ok(Secret::new(stored.access.clone()));
        }
        let Some(refresh) = stored.refresh.clone() else {
            return Err(SessionError::Expired(self.tenant.url.clone()));
        };
        let url = token_url(&self.tenant);
        let client = BasicClient::new(ClientId::new(stored.client_id.clone())).set_token_uri(
            TokenUrl::new(url.clone()).map_err(|e| SignInError::Malformed(e.to_string()))?,
        );
        let response = client
            .exchange_refresh_token(&RefreshToken::new(refresh))
            .request_async(&token_http(Repeat::Safe)?)
            .await;
        let response = match response {
            Ok(r) => r,
            Err(RequestTokenError::ServerResponse(r))
                if matches!(r.error(), BasicErrorResponseType::InvalidGrant) =>
            {
                self.store.delete(Self::account(&self.tenant))?;
                return Err(SessionError::Expired(self.tenant.url.clone()));
            }
            Err(e) => return Err(explain(&url, e).into()),
        };
        let lifetime = response
            .expires_in()
            .map_or(3600, |d| i64::try_from(d.as_secs()).unwrap_or(3600));
        let next = Stored {
            client_id: stored.client_id.clone(),
            access: response.access_token().secret().clone(),
            // A server that does not rotate keeps the old refresh token valid.
            refresh: response
                .refresh_token()
                .map(|t| t.secret().clone())
                .or_else(|| stored.refresh.clone()),
            expires_at: now() + lifetime,
            lifetime,
        };
        // Rotation reaches the keychain before the new access token is used.
        Self::write(self.store.as_ref(), &self.tenant, &next)?;
        *stored = next;
        tracing::debug!(tenant = %self.tenant.url, "access token refreshed");
        Ok(Secret::new(stored.access.clone()))
    }

    /// Revokes the sign-in at the tenant, then forgets it. The keychain entry
    /// is deleted even when the tenant cannot be reached (and that is reported).
    pub async fn sign_out(&self) -> Result<(), SessionError> {
        let stored = self.state.lock().await;
        let revoked = match &stored.refresh {
            Some(refresh) => revoke(&self.tenant, &stored.client_id, refresh).await,
            None => Ok(()),
        };
        self.store.delete(Self::account(&self.tenant))?;
        revoked.map_err(SessionError::from)
    }
}

/// RFC 7009 revocation. Sent with reqwest rather than the `oauth2` crate,
/// which refuses any non-https revocation URL, including the loopback sandbox
/// that `TenantUrl` deliberately allows (plain http on loopback only).
async fn revoke(tenant: &TenantUrl, client_id: &str, refresh: &str) -> Result<(), SignInError> {
    let url = format!("{}/identity_/connect/revocation", tenant.origin());
    let response = http()?
        .post(&url)
        .form(&[
            ("token", refresh),
            ("token_type_hint", "refresh_token"),
            ("client_id", client_id),
        ])
        .send()
        .await
        .map_err(|e| SignInError::Unreachable {
            url: url.clone(),
            reason: e.to_string(),
        })?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(SignInError::Refused {
            error: format!("HTTP {}", response.status().as_u16()),
            description: Some("the tenant did not revoke the session".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keychain::MemoryStore;

    #[test]
    fn the_stored_form_never_prints_its_tokens() {
        let s = Stored {
            client_id: "c".into(),
            access: "access-secret".into(),
            refresh: Some("refresh-secret".into()),
            expires_at: 0,
            lifetime: 0,
        };
        assert_eq!(format!("{s:?}"), "Stored([redacted])");
    }

    #[tokio::test]
    async fn a_fresh_token_is_returned_without_asking_the_tenant() {
        let tenant = TenantUrl::parse("https://cloud.uipath.com/acme/T").unwrap();
        let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
        let tokens = TokenSet {
            access: Secret::new("a1".into()),
            refresh: Some(Secret::new("r1".into())),
            expires_in: Some(std::time::Duration::from_secs(3600)),
            scope: None,
        };
        TokenSession::save(&tenant, "app", tokens, store.clone()).unwrap();
        let loaded = TokenSession::load(&tenant, store.clone()).unwrap();
        assert_eq!(loaded.access_token().await.unwrap().expose(), "a1");
        let other = TenantUrl::parse("https://cloud.uipath.com/acme/Other").unwrap();
        assert!(matches!(
            TokenSession::load(&other, store),
            Err(SessionError::NotSignedIn(_))
        ));
    }
}
