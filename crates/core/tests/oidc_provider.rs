//! Our OAuth client against a real, third-party OpenID provider (npm
//! `oidc-provider`, configured like Entra in tests/oidc/server.mjs and started
//! here): PKCE sign-in through its own login and consent pages, refresh with
//! rotation (a reused refresh token is refused), revocation on sign-out, and a
//! sign-in the user aborts. Its error texts are generic, so only `error` codes
//! and our own outcomes are checked.

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use connassist_core::TenantUrl;
use connassist_core::auth::session::SignInError;
use connassist_core::auth::sign_in::PendingSignIn;
use connassist_core::auth::token_session::{SessionError, TokenSession};
use connassist_core::keychain::{MemoryStore, SecretStore};
use url::Url;

const REDIRECT: &str = "http://127.0.0.1:49152/callback";

/// The provider process; killed on drop.
struct OidcProvider {
    child: Child,
    origin: String,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_provider() -> OidcProvider {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc");
    assert!(
        dir.join("node_modules/oidc-provider").exists(),
        "oidc-provider is not installed in {}: run scripts/install-deps",
        dir.display()
    );
    let mut child = Command::new("node")
        .arg("server.mjs")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let port = loop {
        // Its own warnings come first; wait for our ready line.
        let line = lines
            .next()
            .expect("oidc-provider exited before it was ready")
            .unwrap();
        if let Some(port) = line.strip_prefix("OIDC_READY ") {
            break port.trim().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    OidcProvider {
        child,
        origin: format!("http://127.0.0.1:{port}"),
    }
}

/// A browser of sorts: no automatic redirects, cookies kept by name.
struct Browser {
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl Browser {
    fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: vec![],
        }
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for header in response.headers().get_all("set-cookie") {
            let pair = header
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.retain(|(n, _)| n != name);
                self.cookies
                    .push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, url: &Url) -> reqwest::Response {
        let r = self
            .http
            .get(url.clone())
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep_cookies(&r);
        r
    }

    async fn post(&mut self, url: &Url, form: &[(&str, &str)]) -> reqwest::Response {
        let r = self
            .http
            .post(url.clone())
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.keep_cookies(&r);
        r
    }
}

fn location(base: &Url, response: &reqwest::Response) -> Url {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    base.join(response.headers()["location"].to_str().unwrap())
        .unwrap()
}

fn form_action(html: &str) -> String {
    let start = html.find("action=\"").expect("a form") + "action=\"".len();
    html[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

/// Follows the provider's pages as a person would (log in, consent, or abort)
/// until it redirects to our callback.
async fn sign_in_at_provider(authorize: &Url, abort: bool) -> Url {
    let mut browser = Browser::new();
    let mut response = browser.get(authorize).await;
    let mut here = authorize.clone();
    loop {
        if response.status().is_redirection() {
            let next = location(&here, &response);
            if next.as_str().starts_with(REDIRECT) {
                return next;
            }
            here = next;
            response = browser.get(&here).await;
            continue;
        }
        assert_eq!(response.status(), 200, "at {here}");
        let html = response.text().await.unwrap();
        let action = here.join(&form_action(&html)).unwrap();
        if abort {
            let abort_url = here.join(&format!("{}/abort", here.path())).unwrap();
            response = browser.get(&abort_url).await;
            continue;
        }
        response = if html.contains("name=\"prompt\" value=\"login\"") {
            browser
                .post(
                    &action,
                    &[("prompt", "login"), ("login", "alex"), ("password", "any")],
                )
                .await
        } else {
            browser.post(&action, &[("prompt", "consent")]).await
        };
    }
}

/// A tenant served by `provider`, and a sign-in to it as the app's client.
fn start_sign_in(provider: &OidcProvider) -> (TenantUrl, PendingSignIn) {
    let tenant = TenantUrl::parse(&format!("{}/acme/DefaultTenant", provider.origin)).unwrap();
    let pending = PendingSignIn::start(
        &tenant,
        "connassist",
        REDIRECT,
        &["openid", "offline_access"],
    )
    .unwrap();
    (tenant, pending)
}

async fn token_request(provider: &OidcProvider, form: &[(&str, &str)]) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{}/identity_/connect/token", provider.origin))
        .form(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_refresh_with_rotation_and_revocation_against_oidc_provider() {
    let provider = start_provider();
    let (tenant, pending) = start_sign_in(&provider);
    let callback = sign_in_at_provider(pending.authorize_url(), false).await;
    assert_eq!(
        callback
            .query_pairs()
            .find(|(k, _)| k == "iss")
            .map(|(_, v)| v.into_owned()),
        Some(format!("{}/identity_", provider.origin)),
        "the provider names itself (RFC 9207)"
    );
    let tokens = pending.complete(&callback).await.unwrap();
    assert!(tokens.refresh.is_some());

    let store = Arc::new(MemoryStore::default());
    let session = TokenSession::save(&tenant, "connassist", tokens, store.clone()).unwrap();
    let first_access = session.access_token().await.unwrap();
    let stored = |store: &MemoryStore| -> serde_json::Value {
        serde_json::from_str(store.get(&tenant.url).unwrap().unwrap().expose()).unwrap()
    };
    let first_refresh = stored(&store)["refresh"].as_str().unwrap().to_owned();

    // As after a 401: the provider rotates the refresh token and we keep the new one.
    let second_access = session
        .refresh_after_rejection(&first_access)
        .await
        .unwrap();
    assert_ne!(second_access.expose(), first_access.expose());
    let second_refresh = stored(&store)["refresh"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first_refresh, "rotated and stored");

    // The old refresh token is refused; the provider then revokes the whole grant,
    // as RFC 9700 advises for a replayed rotated token.
    let replay = token_request(
        &provider,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "connassist"),
            ("refresh_token", &first_refresh),
        ],
    )
    .await;
    assert_eq!(replay["error"], "invalid_grant", "{replay}");
    let err = session
        .refresh_after_rejection(&second_access)
        .await
        .unwrap_err();
    assert!(matches!(err, SessionError::Expired(_)), "{err}");
    assert!(
        store.get(&tenant.url).unwrap().is_none(),
        "a dead session leaves the keychain"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_revokes_the_refresh_token_at_oidc_provider() {
    let provider = start_provider();
    let (tenant, pending) = start_sign_in(&provider);
    let callback = sign_in_at_provider(pending.authorize_url(), false).await;
    let tokens = pending.complete(&callback).await.unwrap();
    let refresh = tokens.refresh.as_ref().unwrap().expose().clone();
    let store = Arc::new(MemoryStore::default());
    let session = TokenSession::save(&tenant, "connassist", tokens, store.clone()).unwrap();
    session.sign_out().await.unwrap();
    assert!(store.get(&tenant.url).unwrap().is_none());
    let after = token_request(
        &provider,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "connassist"),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(after["error"], "invalid_grant", "{after}");
}

#[tokio::test(flavor = "multi_thread")]
async fn aborting_at_oidc_provider_is_a_cancel() {
    let provider = start_provider();
    let (_tenant, pending) = start_sign_in(&provider);
    let callback = sign_in_at_provider(pending.authorize_url(), true).await;
    assert!(matches!(
        pending.complete(&callback).await,
        Err(SignInError::Cancelled)
    ));
}
