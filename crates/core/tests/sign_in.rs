//! Interactive sign-in against the sandbox's real identity server. The test
//! plays the browser: it opens the authorize URL, submits the sign-in form and
//! hands the redirect to the pending sign-in, as the sign-in window does.

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use connassist_core::auth::session::{READ_SCOPES, SignInError};
use connassist_core::auth::sign_in::{DEFAULT_REDIRECT_PORTS, PendingSignIn, redirect_uri};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{TenantUrl, connections};
use connassist_sandbox::{PUBLIC_CLIENT_ID, Sandbox};
use connassist_testkit::browser::client;
use connassist_testkit::sandbox::sandbox;
use connassist_testkit::sign_in::{REDIRECT, fill_sign_in_form};
use url::Url;

fn scopes() -> Vec<&'static str> {
    let mut s = vec!["openid", "offline_access"];
    s.extend_from_slice(READ_SCOPES);
    s
}

async fn setup() -> (Sandbox, TenantUrl, PendingSignIn) {
    let sb = sandbox().await;
    let tenant = TenantUrl::parse(&sb.base_url).unwrap();
    let pending = PendingSignIn::start(&tenant, PUBLIC_CLIENT_ID, REDIRECT, &scopes()).unwrap();
    (sb, tenant, pending)
}

#[tokio::test]
async fn signing_in_yields_tokens_that_list_connections() {
    let (_sb, tenant, pending) = setup().await;
    let url = pending.authorize_url().clone();
    let query: String = url.query().unwrap().to_owned();
    assert!(
        query.contains("code_challenge_method=S256") && query.contains("state="),
        "{query}"
    );
    assert!(
        !query.contains("code_verifier"),
        "the verifier never leaves the app"
    );

    let redirect = fill_sign_in_form(&url, "alex", "sign-in").await;
    assert!(pending.is_callback(&redirect));
    let tokens = pending.complete(&redirect).await.unwrap();
    assert!(
        tokens.refresh.is_some(),
        "offline_access gives a refresh token"
    );
    assert!(
        !format!("{tokens:?}").contains(tokens.access.expose().as_str()),
        "Debug is redacted"
    );

    let client = TenantClient::new(tenant, tokens.access).unwrap();
    let listing = connections::list(&client, &Default::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(listing.connections.len(), 4, "alex's connections");
}

/// `url` with parameter `key` set to `value`, or removed when `None`.
fn with_param(url: &Url, key: &str, value: Option<&str>) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter_map(|(k, v)| match (k == key, value) {
            (true, Some(new)) => Some((k.into_owned(), new.to_owned())),
            (true, None) => None,
            (false, _) => Some((k.into_owned(), v.into_owned())),
        })
        .collect();
    let mut out = url.clone();
    out.query_pairs_mut().clear().extend_pairs(pairs);
    out
}

#[tokio::test]
async fn a_redirect_for_another_sign_in_is_refused() {
    let (_sb, _tenant, pending) = setup().await;
    let redirect = fill_sign_in_form(pending.authorize_url(), "alex", "sign-in").await;
    let forged = with_param(&redirect, "state", Some("forged"));
    assert!(matches!(
        pending.complete(&forged).await,
        Err(SignInError::StateMismatch)
    ));

    let (_sb, _tenant, pending) = setup().await;
    let redirect = fill_sign_in_form(pending.authorize_url(), "alex", "sign-in").await;
    let err = pending
        .complete(&with_param(&redirect, "state", None))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("does not belong to this sign-in"),
        "{err}"
    );
}

#[tokio::test]
async fn an_answer_from_another_issuer_is_refused() {
    let (_sb, _tenant, pending) = setup().await;
    let redirect = fill_sign_in_form(pending.authorize_url(), "alex", "sign-in").await;
    let mixed = with_param(
        &redirect,
        "iss",
        Some("https://login.evil.example/identity_"),
    );
    let err = pending.complete(&mixed).await.unwrap_err();
    assert!(matches!(err, SignInError::IssuerMismatch { .. }), "{err}");
    assert!(err.to_string().contains("login.evil.example"), "{err}");
}

#[tokio::test]
async fn cancelling_on_the_page_is_a_cancel_not_an_error() {
    let (_sb, _tenant, pending) = setup().await;
    let redirect = fill_sign_in_form(pending.authorize_url(), "alex", "cancel").await;
    assert!(matches!(
        pending.complete(&redirect).await,
        Err(SignInError::Cancelled)
    ));
}

#[tokio::test]
async fn a_navigation_elsewhere_is_not_the_callback() {
    let (_sb, _tenant, pending) = setup().await;
    for other in [
        "http://127.0.0.1:47612/callback?code=x",
        "http://127.0.0.1:47611/other?code=x",
        "https://127.0.0.1:47611/callback",
        "http://localhost:47611/callback",
    ] {
        assert!(!pending.is_callback(&Url::parse(other).unwrap()), "{other}");
    }
    assert!(
        pending.is_callback(&Url::parse("http://127.0.0.1:47611/callback?code=x&state=y").unwrap())
    );
}

#[test]
fn the_app_asks_for_the_redirect_uris_the_sandbox_registers_as_the_readme_says() {
    assert_eq!(
        DEFAULT_REDIRECT_PORTS,
        connassist_sandbox::apps::APP_REDIRECT_PORTS
    );
    let readme = include_str!("../../../README.md");
    for port in DEFAULT_REDIRECT_PORTS {
        let uri = redirect_uri(port);
        assert!(readme.contains(&uri), "the README lists {uri}");
        assert!(connassist_sandbox::apps::app_redirect_uris().contains(&uri));
    }
}

#[tokio::test]
async fn an_unregistered_redirect_uri_is_explained_with_the_address_to_add() {
    let sb = sandbox().await;
    let tenant = TenantUrl::parse(&sb.base_url).unwrap();
    let unregistered = "http://127.0.0.1:53123/callback";
    let pending = PendingSignIn::start(&tenant, PUBLIC_CLIENT_ID, unregistered, &scopes()).unwrap();
    let http = client();
    let answer = http
        .get(pending.authorize_url().clone())
        .send()
        .await
        .unwrap();
    let landed = Url::parse(&sb.origin)
        .unwrap()
        .join(answer.headers()["location"].to_str().unwrap())
        .unwrap();
    assert!(pending.is_identity_error(&landed), "{landed}");
    assert!(!pending.is_callback(&landed));
    let err = pending.identity_error(&landed);
    assert!(
        matches!(err, SignInError::RedirectNotRegistered { .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains(unregistered) && text.contains("External Applications"),
        "{text}"
    );
}

#[tokio::test]
async fn scopes_the_application_is_not_registered_for_are_named() {
    let sb = sandbox().await;
    let tenant = TenantUrl::parse(&sb.base_url).unwrap();
    let mut asked = scopes();
    asked.push("OR.Administration");
    let pending = PendingSignIn::start(&tenant, PUBLIC_CLIENT_ID, REDIRECT, &asked).unwrap();
    let http = client();
    let answer = http
        .get(pending.authorize_url().clone())
        .send()
        .await
        .unwrap();
    let redirect = Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
    let err = pending.complete(&redirect).await.unwrap_err();
    assert!(
        matches!(err, SignInError::ScopesNotRegistered { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("OR.Administration"), "{err}");
}

#[tokio::test]
async fn an_answer_without_iss_is_refused_where_the_server_promises_it() {
    // Issue 14, row 10 (RFC 9207 §2.4): the sandbox advertises
    // authorization_response_iss_parameter_supported, so an answer without
    // `iss` may come from another server (a mix-up attack) and is refused.
    let (_sb, _tenant, pending) = setup().await;
    let redirect = fill_sign_in_form(pending.authorize_url(), "alex", "sign-in").await;
    let bare = with_param(&redirect, "iss", None);
    let err = pending.complete(&bare).await.unwrap_err();
    assert!(matches!(err, SignInError::IssuerMissing { .. }), "{err}");
    assert!(
        err.to_string().contains("did not say which server"),
        "{err}"
    );
}
