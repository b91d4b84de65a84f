//! The sandbox identity's sign-in form, filled in as a person does, and the
//! authorization-code exchange with PKCE: for the tests that sign in as an
//! app would (the sandbox's own), that hand the redirect to core's
//! `PendingSignIn`, or that play the browser for `connassist login`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use connassist_sandbox::{PUBLIC_CLIENT_ID, SANDBOX_PASSWORD, Sandbox};
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

use crate::browser::client;

/// Everything Connections Assistant reads, as it asks at sign-in.
pub const SCOPES: &str = "openid offline_access OR.Folders.Read OR.Execution.Read OR.Jobs.Read OR.Robots.Read OR.Machines.Read OR.Users.Read IS.Connections.Read IS.Connectors.Read";
/// The first of the redirect URIs Connections Assistant is registered with
/// (nothing listens there in these tests: they read the redirect).
pub const REDIRECT: &str = "http://127.0.0.1:47611/callback";
/// The official `uipath` CLI's first redirect URI, as it registers it.
pub const UIPATH_CLI_REDIRECT: &str = "http://localhost:8104/oidc/login";
/// What the official `uipath` CLI asks for at sign-in.
pub const UIPATH_CLI_SCOPES: &str = "offline_access OrchestratorApiUserAccess ConnectionService OR.Folders.Read OR.Execution.Read OR.Jobs.Read OR.Robots.Read OR.Machines.Read OR.Users.Read IS.Connections.Read IS.Connectors.Read";

/// An authorization request made here, with its PKCE verifier and `state`.
#[derive(Debug)]
pub struct Authorization {
    pub verifier: String,
    pub state: String,
    pub params: Vec<(String, String)>,
}

/// An authorization request of Connections Assistant for `scope`.
pub fn authorization(scope: &str) -> Authorization {
    authorization_for(PUBLIC_CLIENT_ID, REDIRECT, scope)
}

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

/// Posts the sign-in form at `origin`'s identity with the authorization
/// request's `params`, as `user` with `password`, pressing `action`
/// (`sign-in` or `cancel`); the answer, unread.
pub async fn post_sign_in_form(
    origin: &str,
    params: &[(String, String)],
    user: &str,
    password: &str,
    action: &str,
) -> reqwest::Response {
    let mut form = params.to_vec();
    form.push(("username".into(), user.into()));
    form.push(("password".into(), password.into()));
    form.push(("action".into(), action.into()));
    client()
        .post(format!("{origin}/identity_/connect/authorize"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// Submits the sign-in form for `auth`; returns the answer, unread.
pub async fn submit_form(
    sandbox: &Sandbox,
    auth: &Authorization,
    user: &str,
    password: &str,
) -> reqwest::Response {
    post_sign_in_form(&sandbox.origin, &auth.params, user, password, "sign-in").await
}

/// What a person does at an authorize address an app opened (`authorize`,
/// on the sandbox's identity): the sign-in page is shown, they sign in as
/// `user` (or press `cancel` when `action` says so); returns where the
/// identity redirects them, unfollowed.
pub async fn fill_sign_in_form(authorize: &Url, user: &str, action: &str) -> Url {
    let page = client().get(authorize.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200, "the sign-in page at {authorize}");
    let html = page.text().await.unwrap();
    assert!(html.contains("Sign in to the sandbox tenant"), "{html}");
    let params: Vec<(String, String)> = authorize
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let origin = authorize.origin().ascii_serialization();
    let answer = post_sign_in_form(&origin, &params, user, SANDBOX_PASSWORD, action).await;
    crate::browser::location(&answer)
}

/// [`fill_sign_in_form`], then the redirect followed to the app's loopback
/// listener (`connassist login`'s), which must say the sign-in is done.
pub async fn sign_in_to_loopback(authorize: &str, user: &str) {
    let callback = fill_sign_in_form(&Url::parse(authorize).unwrap(), user, "sign-in").await;
    assert_eq!(
        callback.host_str(),
        Some("127.0.0.1"),
        "the redirect goes to the loopback listener: {callback}"
    );
    let landed = client().get(callback).send().await.unwrap();
    let text = landed.text().await.unwrap();
    assert!(text.contains("You can close this tab"), "{text}");
}

/// The redirect's query pairs; asserts it is a redirect to one of the
/// registered addresses.
pub fn redirect_query(response: &reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(
        response.status(),
        303,
        "expected a redirect, got {}",
        response.status()
    );
    let location = response.headers()["location"].to_str().unwrap();
    let url = Url::parse(location).unwrap();
    assert!(
        location.starts_with(REDIRECT) || location.starts_with(UIPATH_CLI_REDIRECT),
        "{location}"
    );
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value of `key` among `pairs`.
pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `POST` to the sandbox's token endpoint; the status and the JSON answer.
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
        UIPATH_CLI_SCOPES,
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

/// The access token of a token response.
pub fn access(tokens: &Value) -> String {
    tokens["access_token"].as_str().unwrap().to_owned()
}
