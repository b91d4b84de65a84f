//! Getting an access token for a tenant. This module has the confidential
//! client-credentials sign-in (CI pipelines, scripts: an external application's
//! id and secret) through the `oauth2` crate against the tenant's identity
//! server (`<origin>/identity_/connect/token`, as UiPath Identity and the
//! sandbox serve it). Interactive sign-in (authorization code + PKCE in the
//! embedded window or the system browser) builds on the same pieces.

use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    ClientId, ClientSecret, RequestTokenError, Scope, StandardErrorResponse, TokenResponse,
    TokenUrl,
};

use std::time::Duration;

use crate::error::{ApiError, ErrorCode};
use crate::secret::Secret;

use crate::auth::token_http::{Repeat, TokenHttp};
use crate::tenant_url::TenantUrl;

/// Everything the app reads: folders, processes and triggers, robots,
/// machines, users, connections and connectors.
pub const READ_SCOPES: &[&str] = &[
    "OR.Folders.Read",
    "OR.Execution.Read",
    "OR.Jobs.Read",
    "OR.Robots.Read",
    "OR.Machines.Read",
    "OR.Users.Read",
    "IS.Connections.Read",
    "IS.Connectors.Read",
];

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(
        "The tenant refused the application's credentials ({error}): check the client id and secret, and that the external application is confidential and not expired."
    )]
    BadCredentials { error: String },
    #[error("The tenant refused to sign in ({error}{}).", .description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        error: String,
        description: Option<String>,
    },
    #[error(
        "Cannot reach the identity server at {url}: {reason}. Check the tenant URL and your network."
    )]
    Unreachable { url: String, reason: String },
    #[error("The identity server's answer could not be read ({0}).")]
    Malformed(String),
    #[error("The sign-in was cancelled.")]
    Cancelled,
    #[error(
        "The tenant refused the sign-in: the external application {client_id} is not registered with the redirect URI {redirect}. Add that address to the application's redirect URIs in Admin › External Applications (the README lists every address to add), then sign in again."
    )]
    RedirectNotRegistered { redirect: String, client_id: String },
    #[error(
        "The tenant refused the sign-in: the external application {client_id} is not registered for every scope Connections Assistant asks for{}. Add the scopes the README lists to the application in Admin › External Applications, then sign in again.",
        .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
    )]
    ScopesNotRegistered {
        client_id: String,
        description: Option<String>,
    },
    #[error(
        "The sign-in answer does not belong to this sign-in (its state does not match), so it was ignored. Start the sign-in again."
    )]
    StateMismatch,
    #[error(
        "The sign-in answer came from {got}, not from this tenant's identity server ({expected}), so it was refused. Start the sign-in again; if it repeats, tell your administrator."
    )]
    IssuerMismatch { expected: String, got: String },
    #[error(
        "The sign-in answer did not say which server sent it, although this tenant's identity server ({expected}) always does, so it was refused. Start the sign-in again; if it repeats, tell your administrator."
    )]
    IssuerMissing { expected: String },
}

impl From<SignInError> for ApiError {
    fn from(e: SignInError) -> Self {
        let code = match e {
            SignInError::BadCredentials { .. }
            | SignInError::Refused { .. }
            | SignInError::RedirectNotRegistered { .. }
            | SignInError::ScopesNotRegistered { .. } => ErrorCode::Unauthorized,
            SignInError::Unreachable { .. } => ErrorCode::Unreachable,
            SignInError::Malformed(_) => ErrorCode::TenantError,
            SignInError::Cancelled => ErrorCode::Cancelled,
            SignInError::StateMismatch
            | SignInError::IssuerMismatch { .. }
            | SignInError::IssuerMissing { .. } => ErrorCode::Unauthorized,
        };
        ApiError::new(code, e.to_string())
    }
}

pub fn token_url(tenant: &TenantUrl) -> String {
    format!("{}/identity_/connect/token", tenant.origin())
}

/// An HTTP client for identity calls: no redirects (RFC 9700 §4.11, SSRF).
pub(crate) fn http() -> Result<reqwest::Client, SignInError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(crate::retry::REQUEST_TIMEOUT)
        .build()
        .map_err(|e| SignInError::Unreachable {
            url: String::new(),
            reason: e.to_string(),
        })
}

/// [`http`] with retries, for the `oauth2` crate's token requests.
pub(crate) fn token_http(repeat: Repeat) -> Result<TokenHttp, SignInError> {
    Ok(TokenHttp::new(http()?, repeat))
}

type OAuthError<RE> = RequestTokenError<RE, StandardErrorResponse<BasicErrorResponseType>>;

pub(crate) fn explain<RE: std::error::Error + 'static>(
    url: &str,
    e: OAuthError<RE>,
) -> SignInError {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let error = r.error().as_ref().to_owned();
            if matches!(
                r.error(),
                BasicErrorResponseType::InvalidClient | BasicErrorResponseType::UnauthorizedClient
            ) {
                SignInError::BadCredentials { error }
            } else {
                SignInError::Refused {
                    error,
                    description: r.error_description().cloned(),
                }
            }
        }
        RequestTokenError::Request(e) => {
            let mut cause: &dyn std::error::Error = &e;
            while let Some(next) = cause.source() {
                cause = next;
            }
            SignInError::Unreachable {
                url: url.to_owned(),
                reason: cause.to_string(),
            }
        }
        RequestTokenError::Parse(e, _) => SignInError::Malformed(e.to_string()),
        RequestTokenError::Other(e) => SignInError::Malformed(e),
    }
}

/// What an application may read as itself: Orchestrator's application
/// scopes. Integration Service lists its scopes as user scopes only
/// (Integration Service › API access), and Identity refuses a request for a
/// scope an application is not registered with (`invalid_scope`).
pub const APPLICATION_SCOPES: &[&str] = &[
    "OR.Folders.Read",
    "OR.Execution.Read",
    "OR.Jobs.Read",
    "OR.Robots.Read",
    "OR.Machines.Read",
    "OR.Users.Read",
];

/// Signs an external application in as itself: with every read scope when
/// its registration allows them, else (`invalid_scope`) with Orchestrator's
/// application scopes alone, which is all a UiPath tenant grants an
/// application (the capability probe then says what that leaves out).
pub async fn application_sign_in(
    tenant: &TenantUrl,
    client_id: &str,
    secret: Secret<String>,
) -> Result<AppSession, SignInError> {
    match AppSession::sign_in(tenant, client_id, secret.clone(), READ_SCOPES).await {
        Err(SignInError::Refused { error, .. }) if error == "invalid_scope" => {
            tracing::info!(
                "the application may not have Integration Service's scopes (user scopes on UiPath); signing in with Orchestrator's"
            );
            AppSession::sign_in(tenant, client_id, secret, APPLICATION_SCOPES).await
        }
        other => other,
    }
}

/// An access token and when it runs out.
#[derive(Debug)]
struct AppToken {
    access: Secret<String>,
    expires_at: tokio::time::Instant,
    lifetime: Duration,
}

impl AppToken {
    /// Not yet within the kept sessions' margin of running out, or a
    /// quarter of its lifetime when that is shorter.
    fn fresh(&self) -> bool {
        let margin = Duration::from_secs(crate::auth::token_session::MARGIN_SECS.unsigned_abs())
            .min(self.lifetime / 4);
        tokio::time::Instant::now() + margin < self.expires_at
    }
}

async fn app_token(
    tenant: &TenantUrl,
    client_id: &str,
    secret: &Secret<String>,
    scopes: &[&str],
) -> Result<AppToken, SignInError> {
    let url = token_url(tenant);
    let token_url =
        TokenUrl::new(url.clone()).map_err(|e| SignInError::Malformed(e.to_string()))?;
    let client = BasicClient::new(ClientId::new(client_id.to_owned()))
        .set_client_secret(ClientSecret::new(secret.expose().clone()))
        .set_token_uri(token_url);
    let asked = tokio::time::Instant::now();
    let response = client
        .exchange_client_credentials()
        .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
        .request_async(&token_http(Repeat::Safe)?)
        .await
        .map_err(|e| explain(&url, e))?;
    let lifetime = response.expires_in().unwrap_or(Duration::from_secs(3600));
    Ok(AppToken {
        access: Secret::new(response.access_token().secret().clone()),
        expires_at: asked + lifetime,
        lifetime,
    })
}

/// An external application signed in with client credentials, for runs that
/// outlast one token (`health --every`): there is no refresh token for this
/// grant, so it signs in again shortly before the token runs out, and once
/// more when the tenant refuses a token anyway. One caller at a time asks.
#[derive(Debug)]
pub struct AppSession {
    tenant: TenantUrl,
    client_id: String,
    secret: Secret<String>,
    scopes: Vec<String>,
    token: tokio::sync::Mutex<AppToken>,
}

impl AppSession {
    /// Signs the application in; fails at once when its credentials do not work.
    pub async fn sign_in(
        tenant: &TenantUrl,
        client_id: &str,
        secret: Secret<String>,
        scopes: &[&str],
    ) -> Result<Self, SignInError> {
        let token = app_token(tenant, client_id, &secret, scopes).await?;
        Ok(Self {
            tenant: tenant.clone(),
            client_id: client_id.to_owned(),
            secret,
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            token: tokio::sync::Mutex::new(token),
        })
    }

    async fn renew(&self, token: &mut AppToken) -> Result<Secret<String>, SignInError> {
        let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        *token = app_token(&self.tenant, &self.client_id, &self.secret, &scopes).await?;
        tracing::debug!(tenant = %self.tenant.url, "the application signed in again");
        Ok(token.access.clone())
    }

    /// A token that is not about to run out.
    pub async fn access_token(&self) -> Result<Secret<String>, SignInError> {
        let mut token = self.token.lock().await;
        if token.fresh() {
            return Ok(token.access.clone());
        }
        self.renew(&mut token).await
    }

    /// After the tenant refused `rejected`: a new token, unless another
    /// caller already replaced it.
    pub async fn refresh_after_rejection(
        &self,
        rejected: &Secret<String>,
    ) -> Result<Secret<String>, SignInError> {
        let mut token = self.token.lock().await;
        if token.access.expose() != rejected.expose() {
            return Ok(token.access.clone());
        }
        self.renew(&mut token).await
    }
}
