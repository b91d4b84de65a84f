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

use serde::Serialize;
use ts_rs::TS;

use crate::error::{ApiError, ErrorCode};
use crate::secret::Secret;

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
            SignInError::StateMismatch | SignInError::IssuerMismatch { .. } => {
                ErrorCode::Unauthorized
            }
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
        .timeout(crate::tenant_client::REQUEST_TIMEOUT)
        .build()
        .map_err(|e| SignInError::Unreachable {
            url: String::new(),
            reason: e.to_string(),
        })
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
    secret: &Secret<String>,
) -> Result<Secret<String>, SignInError> {
    match client_credentials(tenant, client_id, secret, READ_SCOPES).await {
        Err(SignInError::Refused { error, .. }) if error == "invalid_scope" => {
            tracing::info!(
                "the application may not have Integration Service's scopes (user scopes on UiPath); signing in with Orchestrator's"
            );
            client_credentials(tenant, client_id, secret, APPLICATION_SCOPES).await
        }
        other => other,
    }
}

/// Signs an external application in with its client id and secret.
pub async fn client_credentials(
    tenant: &TenantUrl,
    client_id: &str,
    secret: &Secret<String>,
    scopes: &[&str],
) -> Result<Secret<String>, SignInError> {
    let url = token_url(tenant);
    let token_url =
        TokenUrl::new(url.clone()).map_err(|e| SignInError::Malformed(e.to_string()))?;
    let client = BasicClient::new(ClientId::new(client_id.to_owned()))
        .set_client_secret(ClientSecret::new(secret.expose().clone()))
        .set_token_uri(token_url);
    let response = client
        .exchange_client_credentials()
        .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
        .request_async(&http()?)
        .await
        .map_err(|e| explain(&url, e))?;
    Ok(Secret::new(response.access_token().secret().clone()))
}

/// Who is signed in where, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub tenant: TenantUrl,
    /// The signed-in account's name and email, e.g. "Alex Attended <alex@contoso.example>".
    pub user: String,
    /// Its email alone, to tell its own connections from others'.
    pub email: Option<String>,
    /// The built-in sandbox tenant rather than a real one.
    pub sandbox: bool,
    /// What the tenant offers (the capability probe at sign-in).
    pub capabilities: crate::capabilities::Capabilities,
}
