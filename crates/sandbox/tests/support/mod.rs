//! Signs in to a running sandbox over real HTTP the way a native app does:
//! authorize page, form POST, redirect with code, token exchange with PKCE.
// Test helpers: a panic here is the calling test failing, with its location.
#![allow(dead_code, clippy::unwrap_used)]

pub mod browser;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use connassist_sandbox::{PUBLIC_CLIENT_ID, SANDBOX_PASSWORD, Sandbox};
use reqwest::redirect::Policy;
use std::collections::BTreeSet;

use connassist_sandbox::Config;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const SCOPES: &str = "openid offline_access OR.Folders.Read OR.Execution.Read OR.Jobs.Read OR.Robots.Read OR.Machines.Read OR.Users.Read IS.Connections.Read IS.Connectors.Read";
pub const REDIRECT: &str = "http://127.0.0.1:45678/callback";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub struct Authorization {
    pub verifier: String,
    pub state: String,
    pub params: Vec<(String, String)>,
}

pub fn authorization(scope: &str) -> Authorization {
    let verifier = format!(
        "verifier-{}-0123456789012345678901234567890123456789",
        uuid::Uuid::new_v4().simple()
    );
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let state = uuid::Uuid::new_v4().to_string();
    let params = [
        ("response_type", "code"),
        ("client_id", PUBLIC_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("scope", scope),
        ("state", &state),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    Authorization {
        verifier,
        state,
        params,
    }
}

/// Submits the sign-in form; returns the redirect's query pairs.
pub async fn submit_form(
    sandbox: &Sandbox,
    auth: &Authorization,
    user: &str,
    password: &str,
) -> reqwest::Response {
    let mut form = auth.params.clone();
    form.push(("username".into(), user.into()));
    form.push(("password".into(), password.into()));
    form.push(("action".into(), "sign-in".into()));
    client()
        .post(format!("{}/identity_/connect/authorize", sandbox.origin))
        .form(&form)
        .send()
        .await
        .unwrap()
}

pub fn redirect_query(response: &reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(
        response.status(),
        303,
        "expected a redirect, got {}",
        response.status()
    );
    let location = response.headers()["location"].to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    assert!(location.starts_with(REDIRECT), "{location}");
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

pub async fn token(sandbox: &Sandbox, form: &[(&str, &str)]) -> (u16, Value) {
    let response = client()
        .post(format!("{}/identity_/connect/token", sandbox.origin))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The whole interactive sign-in; returns the token response.
pub async fn sign_in(sandbox: &Sandbox, user: &str) -> Value {
    let auth = authorization(SCOPES);
    let redirect = redirect_query(&submit_form(sandbox, &auth, user, SANDBOX_PASSWORD).await);
    assert_eq!(get(&redirect, "state"), Some(auth.state.as_str()));
    let code = get(&redirect, "code").unwrap().to_owned();
    let (status, body) = token(
        sandbox,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &auth.verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

pub async fn api(
    sandbox: &Sandbox,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = client()
        .get(format!("{}{path}", sandbox.base_url))
        .bearer_auth(token);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub async fn sandbox() -> Sandbox {
    Sandbox::start(Config::default()).await.unwrap()
}

pub fn access(tokens: &Value) -> String {
    tokens["access_token"].as_str().unwrap().to_owned()
}

pub fn names(list: &Value, field: &str) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[field].as_str().unwrap().to_owned())
        .collect()
}

pub fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

pub async fn sandbox_folder_key(sb: &Sandbox, user: &str, name: &str) -> String {
    let token = access(&sign_in(sb, user).await);
    let (_, folders) = api(sb, &token, "/orchestrator_/odata/Folders", &[]).await;
    folders["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["DisplayName"] == name)
        .unwrap()["Key"]
        .as_str()
        .unwrap()
        .to_owned()
}
