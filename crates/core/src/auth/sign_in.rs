//! Interactive sign-in: OAuth 2.0 authorization code with PKCE (S256), a
//! one-time `state`, and RFC 9207's `iss` check, through the `oauth2` crate.
//! [`PendingSignIn::start`] gives the URL to open (in the app's sign-in window
//! or the system browser); whoever sees the redirect hands it to
//! [`PendingSignIn::complete`], which refuses an answer that does not belong to
//! this sign-in (state), comes from another server (iss), lacks `iss` where
//! the server's metadata promises it (RFC 9207), or carries an error, and
//! otherwise exchanges the code. The verifier and state never leave this
//! struct: the sign-in window gets only the authorize URL.

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use url::Url;

use crate::auth::session::{SignInError, explain, token_http, token_url};
use crate::auth::token_http::Repeat;
use crate::secret::Secret;
use crate::tenant_url::TenantUrl;

/// The tokens of a signed-in session.
#[derive(Debug)]
pub struct TokenSet {
    pub access: Secret<String>,
    pub refresh: Option<Secret<String>>,
    pub expires_in: Option<std::time::Duration>,
    pub scope: Option<String>,
}

#[derive(Debug)]
pub struct PendingSignIn {
    tenant: TenantUrl,
    client_id: String,
    redirect: Url,
    state: Secret<String>,
    verifier: Secret<String>,
    authorize_url: Url,
}

/// The loopback ports Connections Assistant's redirect URIs are registered
/// with (the README lists them for administrators), tried in turn. UiPath
/// Identity matches redirect URIs as registered, ports included (its own CLI
/// registers fixed ports: 8104, 8055, 42042), so any-port loopback is not
/// relied on. `CONNASSIST_REDIRECT_PORTS` or the app's settings change them.
pub const DEFAULT_REDIRECT_PORTS: [u16; 3] = [47611, 47612, 47613];

/// `http://127.0.0.1:{port}/callback`, the form registered for each port.
pub fn redirect_uri(port: u16) -> String {
    format!("http://127.0.0.1:{port}/callback")
}

/// Ports from `47611,47612` (spaces allowed); an empty text is the default.
pub fn parse_ports(text: &str) -> Result<Vec<u16>, String> {
    let ports: Vec<u16> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| format!("{p:?} is not a port (1 to 65535)"))
        })
        .collect::<Result<_, _>>()?;
    Ok(if ports.is_empty() {
        DEFAULT_REDIRECT_PORTS.to_vec()
    } else {
        ports
    })
}

/// Holds the first of `ports` free on 127.0.0.1, for a sign-in's answer:
/// held until the sign-in ends, so no other program can take it. When none
/// is free, says which are busy and how to choose another (`change_it`:
/// where this front end takes ports).
pub fn hold_redirect_port(
    ports: &[u16],
    change_it: &str,
) -> Result<(std::net::TcpListener, u16), crate::ApiError> {
    let mut busy = vec![];
    for &port in ports {
        match std::net::TcpListener::bind(("127.0.0.1", port)) {
            Ok(listener) => return Ok((listener, port)),
            Err(e) => busy.push(format!("{port} ({e})")),
        }
    }
    Err(crate::ApiError::new(
        crate::ErrorCode::Internal,
        format!(
            "None of the redirect ports the application is registered with is free on this computer: {}. Close the program that holds them, or register another port and {change_it}.",
            busy.join(", ")
        ),
    ))
}

/// The ports to try: `CONNASSIST_REDIRECT_PORTS` when set, else the default.
pub fn redirect_ports_from_env() -> Result<Vec<u16>, String> {
    parse_ports(&std::env::var("CONNASSIST_REDIRECT_PORTS").unwrap_or_default())
        .map_err(|e| format!("CONNASSIST_REDIRECT_PORTS: {e}"))
}

pub fn authorize_url(tenant: &TenantUrl) -> String {
    format!("{}/identity_/connect/authorize", tenant.origin())
}

/// The issuer the tenant's identity server names itself with (`iss`).
pub fn issuer(tenant: &TenantUrl) -> String {
    format!("{}/identity_", tenant.origin())
}

impl PendingSignIn {
    /// Prepares a sign-in; `redirect_uri` is where the answer will be caught
    /// (a loopback URL for native apps, RFC 8252).
    pub fn start(
        tenant: &TenantUrl,
        client_id: &str,
        redirect_uri: &str,
        scopes: &[&str],
    ) -> Result<Self, SignInError> {
        let bad = |e: &dyn std::fmt::Display| SignInError::Malformed(e.to_string());
        let redirect = Url::parse(redirect_uri).map_err(|e| bad(&e))?;
        let client = BasicClient::new(ClientId::new(client_id.to_owned()))
            .set_auth_uri(AuthUrl::new(authorize_url(tenant)).map_err(|e| bad(&e))?)
            .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| bad(&e))?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Self {
            tenant: tenant.clone(),
            client_id: client_id.to_owned(),
            redirect,
            state: Secret::new(state.secret().clone()),
            verifier: Secret::new(verifier.secret().clone()),
            authorize_url: url,
        })
    }

    /// The page to show the user. It carries the PKCE challenge, never the verifier.
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    /// Whether a navigation is the redirect this sign-in waits for: same
    /// scheme, host, port and path (the query carries the answer).
    pub fn is_callback(&self, url: &Url) -> bool {
        is_redirect_to(&self.redirect, url)
    }

    /// The redirect URI this sign-in asks the tenant to answer at.
    pub fn redirect_uri(&self) -> &Url {
        &self.redirect
    }

    /// Whether a navigation is UiPath Identity's error page, where it leaves
    /// the browser when it cannot answer the client at all (an unregistered
    /// redirect URI, an unknown client): `{origin}/identity_/web/?errorCode=…`
    /// (UiPathOrch reads the same page to explain failed sign-ins).
    pub fn is_identity_error(&self, url: &Url) -> bool {
        is_identity_error(&self.tenant, url)
    }

    /// What Identity's error page says, as a sign-in error with its fix.
    pub fn identity_error(&self, url: &Url) -> SignInError {
        let param = |name: &str| query_param(url, name);
        let description = param("errorId").and_then(|id| {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(id.trim_end_matches('='))
                .ok()?;
            let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
            json["Data"]["ErrorDescription"].as_str().map(str::to_owned)
        });
        let error = param("errorCode").unwrap_or_default();
        if description
            .as_deref()
            .is_some_and(|d| d.to_ascii_lowercase().contains("redirect_uri"))
        {
            return SignInError::RedirectNotRegistered {
                redirect: self.redirect.to_string(),
                client_id: self.client_id.clone(),
            };
        }
        SignInError::Refused { error, description }
    }

    /// What tells this sign-in's answer from any other request to the
    /// redirect address, for a listener that must keep waiting when a stray
    /// request arrives (anything on this computer can reach a loopback port).
    pub fn answer_check(&self) -> AnswerCheck {
        AnswerCheck {
            redirect: self.redirect.clone(),
            state: self.state.clone(),
        }
    }

    /// Checks the redirect and exchanges its code for tokens.
    pub async fn complete(self, callback: &Url) -> Result<TokenSet, SignInError> {
        if !self.is_callback(callback) {
            return Err(SignInError::Malformed(format!(
                "{} is not this sign-in's redirect address",
                redact(callback)
            )));
        }
        let param = |name: &str| query_param(callback, name);
        // state first: an answer for another sign-in must not even report its error.
        match param("state") {
            Some(s) if crate::secret::constant_time_eq(&s, self.state.expose()) => {}
            _ => return Err(SignInError::StateMismatch),
        }
        let expected = issuer(&self.tenant);
        match param("iss") {
            Some(iss) if iss != expected => {
                return Err(SignInError::IssuerMismatch { expected, got: iss });
            }
            Some(_) => {}
            // RFC 9207 §2.4: a server that says it always sends `iss` did not
            // send this answer.
            None if promises_iss(&expected).await => {
                return Err(SignInError::IssuerMissing { expected });
            }
            None => {}
        }
        if let Some(error) = param("error") {
            return Err(match error.as_str() {
                "access_denied" => SignInError::Cancelled,
                "invalid_scope" => SignInError::ScopesNotRegistered {
                    client_id: self.client_id.clone(),
                    description: param("error_description"),
                },
                _ => SignInError::Refused {
                    error,
                    description: param("error_description"),
                },
            });
        }
        let code = param("code").ok_or_else(|| {
            SignInError::Malformed("the redirect has neither a code nor an error".into())
        })?;
        let url = token_url(&self.tenant);
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_token_uri(
                TokenUrl::new(url.clone()).map_err(|e| SignInError::Malformed(e.to_string()))?,
            )
            .set_redirect_uri(
                RedirectUrl::new(self.redirect.to_string())
                    .map_err(|e| SignInError::Malformed(e.to_string()))?,
            );
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(self.verifier.expose().clone()))
            .request_async(&token_http(Repeat::OnlyIfUnhandled)?)
            .await
            .map_err(|e| explain(&url, e))?;
        Ok(TokenSet {
            access: Secret::new(response.access_token().secret().clone()),
            refresh: response
                .refresh_token()
                .map(|t| Secret::new(t.secret().clone())),
            expires_in: response.expires_in(),
            scope: response
                .scopes()
                .map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" ")),
        })
    }
}

/// Whether `url` is `tenant`'s Identity error page
/// ([`PendingSignIn::is_identity_error`]).
pub fn is_identity_error(tenant: &TenantUrl, url: &Url) -> bool {
    let origin = Url::parse(tenant.origin()).ok().map(|u| u.origin());
    origin.is_some_and(|o| o == url.origin())
        && url.path().starts_with("/identity_/web")
        && url.query_pairs().any(|(k, _)| k == "errorCode")
}

/// See [`PendingSignIn::answer_check`].
#[derive(Debug, Clone)]
pub struct AnswerCheck {
    redirect: Url,
    state: Secret<String>,
}

impl AnswerCheck {
    /// Whether `url` is the redirect address carrying this sign-in's `state`
    /// (compared in constant time). Anything else is not its answer and can
    /// be ignored without ending the sign-in.
    pub fn is_answer(&self, url: &Url) -> bool {
        is_redirect_to(&self.redirect, url)
            && url
                .query_pairs()
                .find(|(k, _)| k == "state")
                .is_some_and(|(_, v)| crate::secret::constant_time_eq(&v, self.state.expose()))
    }
}

/// Whether the identity server at `issuer` advertises
/// `authorization_response_iss_parameter_supported` (RFC 9207) in its
/// metadata. Asked only when an answer lacks `iss`; metadata that cannot be
/// fetched promises nothing, as for servers that predate the RFC.
async fn promises_iss(issuer: &str) -> bool {
    let url = format!("{issuer}/.well-known/openid-configuration");
    let Ok(client) = crate::auth::session::http() else {
        return false;
    };
    let metadata = match client.get(&url).send().await {
        Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.ok(),
        _ => None,
    };
    match metadata {
        Some(m) => metadata_promises_iss(&m),
        None => {
            tracing::debug!(%url, "no identity server metadata: an answer without iss is accepted");
            false
        }
    }
}

fn metadata_promises_iss(metadata: &serde_json::Value) -> bool {
    metadata
        .get("authorization_response_iss_parameter_supported")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

/// The first value of query parameter `name` in `url`, decoded.
pub(crate) fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Whether `url` goes to `redirect`: same scheme, host, port and path.
pub fn is_redirect_to(redirect: &Url, url: &Url) -> bool {
    url.scheme() == redirect.scheme()
        && url.host_str() == redirect.host_str()
        && url.port_or_known_default() == redirect.port_or_known_default()
        && url.path() == redirect.path()
}

/// A URL for messages and logs: the query (code, state) is dropped.
pub fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_metadata_that_says_true_promises_iss() {
        let m = |v: serde_json::Value| metadata_promises_iss(&v);
        assert!(m(
            serde_json::json!({"authorization_response_iss_parameter_supported": true})
        ));
        assert!(!m(
            serde_json::json!({"authorization_response_iss_parameter_supported": false})
        ));
        assert!(!m(
            serde_json::json!({"authorization_response_iss_parameter_supported": "true"})
        ));
        assert!(!m(serde_json::json!({"issuer": "https://x"})));
    }

    #[test]
    fn only_this_sign_ins_redirect_with_its_state_is_its_answer() {
        let tenant = TenantUrl::parse("https://cloud.uipath.com/acme/T").unwrap();
        let pending = PendingSignIn::start(
            &tenant,
            "app",
            "http://127.0.0.1:4711/callback",
            &["openid"],
        )
        .unwrap();
        let state = pending.state.expose().clone();
        let check = pending.answer_check();
        let at = |s: &str| Url::parse(s).unwrap();
        assert!(check.is_answer(&at(&format!(
            "http://127.0.0.1:4711/callback?code=c&state={state}"
        ))));
        assert!(check.is_answer(&at(&format!(
            "http://127.0.0.1:4711/callback?error=access_denied&state={state}"
        ))));
        for stray in [
            "http://127.0.0.1:4711/callback".to_owned(),
            "http://127.0.0.1:4711/callback?code=c&state=other".to_owned(),
            format!("http://127.0.0.1:4712/callback?code=c&state={state}"),
            format!("http://127.0.0.1:4711/elsewhere?code=c&state={state}"),
        ] {
            assert!(!check.is_answer(&at(&stray)), "{stray}");
        }
    }
}
