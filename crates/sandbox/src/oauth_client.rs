//! Why this exists: in a reconnect the sandbox is the OAuth client, as
//! Integration Service is for a real tenant. This is that client, over real
//! HTTP to whichever provider `providers.rs` resolved: the authorization
//! request (PKCE S256, `state`, `nonce`), the code exchange with the client
//! secret, the userinfo call that names the account which consented, and the
//! later token requests a connection needs (refresh with rotation, client
//! credentials). Tokens only pass through here; callers seal them at once.

use std::time::Duration;

use axum::http::header;
use serde_json::{Value, json};
use url::Url;

use crate::providers::{Provider, TokenAuth};

/// Why a provider step failed, in the session's `error` shape.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepError {
    pub code: String,
    pub provider_code: Option<String>,
    pub message: String,
    /// Invented: the real API names no such field. Where an administrator
    /// grants the consent this step needed, when the provider has such a page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_consent_url: Option<String>,
}

impl StepError {
    pub fn new(code: &str, provider_code: Option<String>, message: &str) -> Self {
        Self {
            code: code.to_owned(),
            provider_code,
            message: message.to_owned(),
            admin_consent_url: None,
        }
    }

    /// An OAuth error answer (`error`, `error_description`), keeping any
    /// `AADSTSnnnn` code it carries (in the text, or Entra's `error_codes`).
    pub fn oauth(error: &str, description: Option<&str>) -> Self {
        let message = description
            .filter(|d| !d.is_empty())
            .map_or_else(|| format!("The provider answered {error}."), str::to_owned);
        Self::new(error, description.and_then(aadsts), &message)
    }
}

/// The first `AADSTSnnnn` in `text`.
pub fn aadsts(text: &str) -> Option<String> {
    let at = text.find("AADSTS")?;
    let digits: String = text[at + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
}

/// What a successful exchange learnt.
#[derive(Clone)]
pub struct Exchanged {
    /// Only the token fields, to be sealed.
    pub tokens: Value,
    pub identity: String,
    /// From the token response's `scope`, else what was requested.
    pub granted: Vec<String>,
}

impl std::fmt::Debug for Exchanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchanged")
            .field("tokens", &"[redacted]")
            .field("identity", &self.identity)
            .field("granted", &self.granted)
            .finish()
    }
}

pub fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .user_agent("connassist-sandbox")
        .build()
        .map_err(|e| e.to_string())
}

/// The authorization request URL.
pub fn authorize_url(
    provider: &Provider,
    scopes: &[String],
    redirect_uri: &str,
    state: &str,
    code_challenge: &str,
    nonce: &str,
) -> Result<Url, String> {
    let t = &provider.template;
    let mut url = Url::parse(&t.authorization_endpoint)
        .map_err(|e| format!("the provider's authorization endpoint is not a URL ({e})"))?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code");
        q.append_pair("client_id", &provider.client_id);
        q.append_pair("redirect_uri", redirect_uri);
        q.append_pair(&t.scope_param, &scopes.join(&t.scope_separator));
        q.append_pair("state", state);
        if t.openid {
            q.append_pair("nonce", nonce);
        }
        q.append_pair("code_challenge", code_challenge);
        q.append_pair("code_challenge_method", "S256");
        for (k, v) in &t.extra_params {
            q.append_pair(k, v);
        }
    }
    Ok(url)
}

fn unreachable(what: &str, e: reqwest::Error) -> StepError {
    // The error names the URL only: no form, no token.
    StepError::new(
        "provider_unreachable",
        None,
        &format!(
            "The provider's {what} could not be reached: {}",
            e.without_url()
        ),
    )
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The claims of a JWT, unverified: read only to compare the `nonce`.
fn jwt_claims(jwt: &str) -> Option<Value> {
    use base64::Engine;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

const IDENTITY_CLAIMS: &[&str] = &["email", "preferred_username", "upn", "sub"];

fn identity_of(claims: &Value) -> Option<String> {
    IDENTITY_CLAIMS.iter().find_map(|c| {
        claims[*c]
            .as_str()
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    })
}

/// A token request at the provider's token endpoint, authenticated as
/// `provider`'s client; `Ok` is the token response (at the template's path).
async fn token_request(
    http: &reqwest::Client,
    provider: &Provider,
    mut form: Vec<(&str, &str)>,
) -> Result<(Value, Value), StepError> {
    let t = &provider.template;
    let mut request = http
        .post(&t.token_endpoint)
        .header(header::ACCEPT, "application/json");
    match t.token_auth {
        TokenAuth::Basic => {
            // RFC 6749 §2.3.1: both are form-encoded before Basic.
            request = request.basic_auth(
                encode(&provider.client_id),
                Some(encode(&provider.client_secret)),
            );
        }
        TokenAuth::Post => {
            form.push(("client_id", &provider.client_id));
            form.push(("client_secret", &provider.client_secret));
        }
    }
    let response = request
        .form(&form)
        .send()
        .await
        .map_err(|e| unreachable("token endpoint", e))?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|_| {
        StepError::new(
            "invalid_token_response",
            None,
            &format!("The provider's token endpoint answered {status} without JSON."),
        )
    })?;
    // Slack answers 200 with {"ok": false, "error": …}.
    if !status.is_success() || body.get("error").is_some() || body["ok"] == json!(false) {
        let error = body["error"].as_str().unwrap_or("invalid_grant");
        let mut e = StepError::oauth(error, body["error_description"].as_str());
        if e.provider_code.is_none()
            && let Some(n) = body["error_codes"].get(0).and_then(Value::as_i64)
        {
            e.provider_code = Some(format!("AADSTS{n}"));
        }
        return Err(e);
    }
    let tokens = match &t.token_response_path {
        Some(path) => body[path.as_str()].clone(),
        None => body.clone(),
    };
    if tokens["access_token"].as_str().is_none_or(|a| a.is_empty()) {
        return Err(StepError::new(
            "invalid_token_response",
            None,
            "The provider's token response has no access_token.",
        ));
    }
    Ok((tokens, body))
}

/// The token fields worth keeping (sealed by the caller).
fn kept(tokens: &Value) -> Value {
    let mut kept = serde_json::Map::new();
    for field in [
        "access_token",
        "refresh_token",
        "id_token",
        "token_type",
        "expires_in",
        "scope",
    ] {
        if let Some(v) = tokens.get(field).filter(|v| !v.is_null()) {
            kept.insert(field.to_owned(), v.clone());
        }
    }
    Value::Object(kept)
}

/// Refreshes with `refresh_token` (RFC 6749 §6). The answer may hold a
/// rotated refresh token, which replaces the old one.
pub async fn refresh(
    http: &reqwest::Client,
    provider: &Provider,
    refresh_token: &str,
) -> Result<Value, StepError> {
    let form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    let (tokens, _) = token_request(http, provider, form).await?;
    Ok(kept(&tokens))
}

/// Client credentials (RFC 6749 §4.4): the app signs in as itself.
pub async fn client_credentials(
    http: &reqwest::Client,
    provider: &Provider,
    scopes: &[String],
) -> Result<Value, StepError> {
    let scope = scopes.join(&provider.template.scope_separator);
    let mut form = vec![("grant_type", "client_credentials")];
    if !scope.is_empty() {
        form.push(("scope", &scope));
    }
    let (tokens, _) = token_request(http, provider, form).await?;
    Ok(kept(&tokens))
}

/// Exchanges `code`, then asks who consented.
pub async fn exchange(
    http: &reqwest::Client,
    provider: &Provider,
    redirect_uri: &str,
    requested: &[String],
    code: &str,
    verifier: &str,
    nonce: &str,
) -> Result<Exchanged, StepError> {
    let t = &provider.template;
    let form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
    ];
    let (tokens, body) = token_request(http, provider, form).await?;
    let access = tokens["access_token"].as_str().unwrap_or_default();
    let id_claims = tokens["id_token"].as_str().and_then(jwt_claims);
    if let Some(sent) = id_claims.as_ref().and_then(|c| c["nonce"].as_str())
        && sent != nonce
    {
        return Err(StepError::new(
            "nonce_mismatch",
            None,
            "The ID token's nonce is not the one this reconnect sent; nothing was stored.",
        ));
    }
    let identity = match &t.userinfo_endpoint {
        Some(endpoint) => userinfo(http, endpoint, access).await?,
        None => id_claims.as_ref().and_then(identity_of).ok_or_else(|| {
            StepError::new(
                "userinfo_failed",
                None,
                "The provider has no userinfo endpoint and sent no ID token naming the account.",
            )
        })?,
    };
    let granted = tokens["scope"]
        .as_str()
        .or_else(|| body["scope"].as_str())
        .map(|s| {
            s.split(t.scope_separator.as_str())
                .flat_map(str::split_whitespace)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_else(|| requested.to_vec());
    Ok(Exchanged {
        tokens: kept(&tokens),
        identity,
        granted,
    })
}

async fn userinfo(
    http: &reqwest::Client,
    endpoint: &str,
    access: &str,
) -> Result<String, StepError> {
    let response = http
        .get(endpoint)
        .bearer_auth(access)
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| unreachable("userinfo endpoint", e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(StepError::new(
            "userinfo_failed",
            None,
            &format!("The provider's userinfo endpoint answered {status}."),
        ));
    }
    let claims: Value = response.json().await.map_err(|_| {
        StepError::new(
            "userinfo_failed",
            None,
            "The provider's userinfo endpoint did not answer JSON.",
        )
    })?;
    identity_of(&claims).ok_or_else(|| {
        StepError::new(
            "userinfo_failed",
            None,
            "The provider's userinfo names no account (no email, preferred_username, upn or sub).",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{google, slack};

    fn provider(template: crate::providers::Template) -> Provider {
        Provider {
            template,
            client_id: "app".into(),
            client_secret: "secret".into(),
        }
    }

    #[test]
    fn provider_codes_come_out_of_descriptions() {
        assert_eq!(
            aadsts("AADSTS65004: User declined to consent.").as_deref(),
            Some("AADSTS65004")
        );
        assert_eq!(
            aadsts("Trace: x AADSTS700082 y").as_deref(),
            Some("AADSTS700082")
        );
        assert_eq!(aadsts("AADSTS: none"), None);
        let e = StepError::oauth("access_denied", None);
        assert_eq!(e.message, "The provider answered access_denied.");
    }

    #[test]
    fn authorization_requests_follow_the_template() {
        let scopes = ["openid".to_owned(), "email".to_owned()];
        let url = authorize_url(
            &provider(google()),
            &scopes,
            "http://x/cb",
            "st",
            "ch",
            "no",
        )
        .unwrap();
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("scope"), Some("openid email"));
        assert_eq!(get("access_type"), Some("offline"));
        assert_eq!(get("prompt"), Some("consent"));
        assert_eq!(get("nonce"), Some("no"));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        let url =
            authorize_url(&provider(slack()), &scopes, "http://x/cb", "st", "ch", "no").unwrap();
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert!(q.contains(&("user_scope".into(), "openid,email".into())));
        assert!(!q.iter().any(|(k, _)| k == "scope" || k == "nonce"));
    }

    #[test]
    fn the_account_is_the_first_naming_claim() {
        assert_eq!(
            identity_of(&json!({"sub": "1", "preferred_username": "a@x"})).as_deref(),
            Some("a@x")
        );
        assert_eq!(
            identity_of(&json!({"sub": "1", "email": ""})).as_deref(),
            Some("1")
        );
        assert_eq!(identity_of(&json!({})), None);
    }
}
