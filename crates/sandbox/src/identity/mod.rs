//! The sandbox's identity server, shaped like UiPath Identity
//! (`/identity_/connect/{authorize,token,revocation}`): authorization code with
//! PKCE S256 (required: every client of ours is public or native), refresh
//! tokens with rotation (reusing a rotated one revokes the whole sign-in, as
//! RFC 9700 §4.14.2 advises), client credentials for confidential apps, and
//! revocation. The sign-in page is a real HTML form.
//!
//! Redirect URIs match exactly, except that a registered loopback URI matches
//! any port (RFC 8252 §7.3). A bad client or redirect URI is shown on the page,
//! never redirected to (RFC 6749 §4.1.2.1). Successful redirects carry `iss`
//! (RFC 9207) so clients can defend against mix-up.
//!
//! It is also the organisation's identity provider for the sandbox's
//! connectors: `/.well-known/openid-configuration`, `/connect/userinfo`, a
//! consent step for the connectors' clients (see `consent.rs`) and a page
//! where an administrator consents for everyone (`admin_consent.rs`). Its
//! OAuth errors carry Entra's `AADSTSnnnn` codes where Entra has one, so the
//! app's failure catalogue can be tried against them.
//!
//! In three parts: the grant store (`grants`, which the APIs' bearer check
//! reads), the browser pages (`pages`) and the token endpoints (`token`).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use rusqlite::{OptionalExtension, params};
use serde_json::json;
use url::Url;
use uuid::Uuid;

use crate::consent::{self, Decision};
use crate::db::{Db, DbResult};
use crate::error::{ApiError, ApiResult};
use crate::html::{PAGE_STYLE, error_page, error_paragraph, hidden_fields};
use crate::model::{Client, ClientKind, User, UserKind};
use crate::runtime::Shared;
use crate::secrets::{pkce_s256, random_token, sha256_hex, verify_secret};

mod grants;
mod pages;
mod token;

pub use grants::*;
pub use pages::*;
pub use token::*;

/// Whether `requested` is one of `registered`, compared as registered: ports
/// included, loopback or not. UiPath's own CLIs register fixed loopback ports
/// (uipathcli `http://localhost:12700`; the Python CLI 8104, 8055 and 42042)
/// rather than relying on RFC 8252's any-port loopback rule, which the
/// platform is not documented to follow.
pub fn redirect_allowed(registered: &[String], requested: &str) -> bool {
    let Ok(req) = Url::parse(requested) else {
        return false;
    };
    req.fragment().is_none() && registered.iter().any(|r| r == requested)
}

/// The registered client `client_id` with `redirect_uri` among its
/// redirects; otherwise the message to show (never redirected to):
/// `unknown` for a client that does not exist, `stops` after "The address …
/// is not registered for …;" for a redirect it does not own.
pub(crate) fn registered_client(
    db: &Db,
    client_id: &str,
    redirect_uri: &str,
    unknown: &str,
    stops: &str,
) -> Result<Client, String> {
    let client = db
        .get::<Client>(client_id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| unknown.to_owned())?;
    if !redirect_allowed(&client.redirect_uris, redirect_uri) {
        return Err(format!(
            "The address {redirect_uri:?} is not registered for {}; {stops}",
            client.name
        ));
    }
    Ok(client)
}

/// The scopes `client` may be given, when restricted: an external
/// application gets what it was registered with ("if the developer requests
/// access beyond these defined scopes, the request fails": Orchestrator API
/// guide, "Accessing UiPath resources using external applications"). Through
/// client credentials only application scopes count, and Integration
/// Service's are user scopes; `offline_access` is refused there (a forum
/// report of `invalid_scope`). OpenID's own scopes go with a user sign-in.
fn allowed_scopes(
    client: &Client,
    client_credentials: bool,
    profile: crate::profile::Profile,
) -> Option<Vec<String>> {
    let registered = client.scopes.as_ref()?;
    let mut allowed: Vec<String> = registered.clone();
    if client_credentials {
        allowed.retain(|s| {
            !matches!(
                s.as_str(),
                "offline_access" | "openid" | "profile" | "email"
            ) && (!crate::apps::INTEGRATION_SCOPES.contains(&s.as_str())
                || profile.has(crate::profile::Extension::ApplicationIntegrationScopes))
        });
    } else {
        for s in ["openid", "profile", "email", "offline_access"] {
            if !allowed.iter().any(|a| a == s) {
                allowed.push(s.to_owned());
            }
        }
    }
    Some(allowed)
}

/// The scopes of `requested` that `client` may not have, if any.
pub(crate) fn unregistered_scopes(
    client: &Client,
    requested: &str,
    client_credentials: bool,
    profile: crate::profile::Profile,
) -> Vec<String> {
    let Some(allowed) = allowed_scopes(client, client_credentials, profile) else {
        return vec![];
    };
    requested
        .split(' ')
        .filter(|s| !s.is_empty() && !allowed.iter().any(|a| a == s))
        .map(str::to_owned)
        .collect()
}

fn invalid_scope_description(client: &Client, missing: &[String]) -> String {
    format!(
        "The application {} is not registered for {}: ask an administrator to add {} in Admin > External Applications, or sign in without {}.",
        client.name,
        missing.join(", "),
        if missing.len() == 1 { "it" } else { "them" },
        if missing.len() == 1 { "it" } else { "them" },
    )
}

/// The person a user name (or address) and password sign in as.
pub(crate) fn authenticate(db: &Db, username: &str, password: &str) -> Option<User> {
    let user = db.all::<User>().ok().and_then(|users| {
        users.into_iter().find(|u| {
            u.kind == UserKind::User
                && (u.user_name.eq_ignore_ascii_case(username.trim())
                    || u.email.eq_ignore_ascii_case(username.trim()))
        })
    });
    user.filter(|u| {
        u.password_hash
            .as_deref()
            .is_some_and(|h| verify_secret(password, h))
    })
}

/// OpenID Connect Discovery 1.0 for this issuer, with RFC 9207's
/// `authorization_response_iss_parameter_supported`. No ID tokens are issued
/// (the app's client never needed one), so there is no `jwks_uri`.
pub fn discovery(issuer: &str) -> serde_json::Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/connect/authorize"),
        "token_endpoint": format!("{issuer}/connect/token"),
        "revocation_endpoint": format!("{issuer}/connect/revocation"),
        "userinfo_endpoint": format!("{issuer}/connect/userinfo"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "subject_types_supported": ["public"],
        "claims_supported": ["sub", "email", "name", "preferred_username"],
        "authorization_response_iss_parameter_supported": true,
    })
}

pub async fn openid_configuration(State(state): State<Shared>) -> axum::Json<serde_json::Value> {
    axum::Json(discovery(&state.issuer()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_match_as_registered_ports_included() {
        let reg = vec!["http://127.0.0.1:47611/callback".to_owned()];
        assert!(redirect_allowed(&reg, "http://127.0.0.1:47611/callback"));
        assert!(!redirect_allowed(&reg, "http://127.0.0.1:53123/callback"));
        assert!(!redirect_allowed(&reg, "http://127.0.0.1/callback"));
        assert!(!redirect_allowed(
            &reg,
            "http://127.0.0.1:47611/callback/extra"
        ));
        assert!(!redirect_allowed(
            &reg,
            "http://127.0.0.1:47611/callback?x=1"
        ));
        assert!(!redirect_allowed(&reg, "http://localhost:47611/callback"));
        assert!(!redirect_allowed(&reg, "https://127.0.0.1:47611/callback"));
        assert!(!redirect_allowed(
            &reg,
            "http://127.0.0.1:47611/callback#frag"
        ));
        let reg = vec!["https://app.example/cb".to_owned()];
        assert!(redirect_allowed(&reg, "https://app.example/cb"));
        assert!(!redirect_allowed(&reg, "https://app.example:8443/cb"));
    }
}
