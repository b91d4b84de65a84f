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
/// The first of the redirect URIs Connections Assistant is registered with.
pub const REDIRECT: &str = "http://127.0.0.1:47611/callback";

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
    authorization_for(PUBLIC_CLIENT_ID, REDIRECT, scope)
}

/// The official `uipath` CLI's first redirect URI, as it registers it.
pub const UIPATH_CLI_REDIRECT: &str = "http://localhost:8104/oidc/login";

/// An authorization request of `client_id` for `scope`, answered at `redirect`.
pub fn authorization_for(client_id: &str, redirect: &str, scope: &str) -> Authorization {
    let verifier = format!(
        "verifier-{}-0123456789012345678901234567890123456789",
        uuid::Uuid::new_v4().simple()
    );
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let state = uuid::Uuid::new_v4().to_string();
    let params = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect),
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
    assert!(
        location.starts_with(REDIRECT) || location.starts_with(UIPATH_CLI_REDIRECT),
        "{location}"
    );
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

/// The whole interactive sign-in through Connections Assistant's external
/// application; returns the token response.
pub async fn sign_in(sandbox: &Sandbox, user: &str) -> Value {
    sign_in_through(sandbox, PUBLIC_CLIENT_ID, REDIRECT, user, SCOPES).await
}

/// The same through the platform's own client (the official `uipath` CLI's),
/// which the Integration Service API guide's external-application rules do
/// not bind.
pub async fn sign_in_first_party(sandbox: &Sandbox, user: &str) -> Value {
    sign_in_through(
        sandbox,
        connassist_sandbox::apps::UIPATH_CLI_CLIENT_ID,
        UIPATH_CLI_REDIRECT,
        user,
        "offline_access OrchestratorApiUserAccess ConnectionService OR.Folders.Read OR.Execution.Read OR.Jobs.Read OR.Robots.Read OR.Machines.Read OR.Users.Read IS.Connections.Read IS.Connectors.Read",
    )
    .await
}

async fn sign_in_through(
    sandbox: &Sandbox,
    client_id: &str,
    redirect: &str,
    user: &str,
    scopes: &str,
) -> Value {
    let auth = authorization_for(client_id, redirect, scopes);
    let redirect_pairs = redirect_query(&submit_form(sandbox, &auth, user, SANDBOX_PASSWORD).await);
    assert_eq!(get(&redirect_pairs, "state"), Some(auth.state.as_str()));
    let code = get(&redirect_pairs, "code").unwrap().to_owned();
    let (status, body) = token(
        sandbox,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &auth.verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// `GET` as `token` in the folder `folder_key` (`X-UIPATH-FolderKey`).
pub async fn api_in(sandbox: &Sandbox, token: &str, path: &str, folder_key: &str) -> (u16, Value) {
    api(sandbox, token, path, &[("X-UIPATH-FolderKey", folder_key)]).await
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

/// A sandbox of the documented profile (the default).
pub async fn sandbox() -> Sandbox {
    Sandbox::start(Config::default()).await.unwrap()
}

/// A sandbox that also serves its inventions (`--profile extended`).
pub async fn extended_sandbox() -> Sandbox {
    Sandbox::start(Config {
        profile: connassist_sandbox::Profile::Extended,
        ..Config::default()
    })
    .await
    .unwrap()
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

/// `GET Connections/{id}` as an external application does it without
/// knowing the folder: in each of the caller's folders in turn. The first
/// answer that finds it, else the last one (404 when it is nowhere).
pub async fn connection_anywhere(sandbox: &Sandbox, token: &str, id: &str) -> (u16, Value) {
    let (_, folders) = api(
        sandbox,
        token,
        "/orchestrator_/api/Folders/GetAllForCurrentUser",
        &[],
    )
    .await;
    let mut last = (404, Value::Null);
    for folder in folders["PageItems"].as_array().into_iter().flatten() {
        let key = folder["Key"].as_str().unwrap();
        last = api_in(
            sandbox,
            token,
            &format!("/connections_/api/v1/Connections/{id}"),
            key,
        )
        .await;
        if last.0 == 200 {
            break;
        }
    }
    last
}

/// Connection `id` as the platform's own client shows it to `user`: with
/// the owner an external application is not told.
pub async fn first_party_connection(sandbox: &Sandbox, user: &str, id: &str) -> Value {
    let token = access(&sign_in_first_party(sandbox, user).await);
    let (status, body) = api(
        sandbox,
        &token,
        &format!("/connections_/api/v1/Connections/{id}"),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}
