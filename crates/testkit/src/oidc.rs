//! The real, third-party OpenID provider the tests sign in at: npm
//! `oidc-provider`, configured like Entra in `tests/oidc/server.mjs`
//! (installed by `scripts/install-deps`), started here on a free port and
//! killed on drop; and a person on its own login and consent pages
//! (`devInteractions`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};
use url::Url;

use crate::browser::{Browser, location_from};
use crate::pages::form_action;

/// The provider's process; killed on drop.
#[derive(Debug)]
pub struct OidcProvider {
    child: Child,
    /// `http://127.0.0.1:PORT`; tenants are served below it.
    pub origin: String,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the provider lives in the workspace.
pub fn provider_dir() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc")
}

impl OidcProvider {
    /// The provider with its own clients (`connassist`, public).
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// The provider with `env` added to its environment: `OIDC_EXTRA_CLIENTS`
    /// (see [`confidential_client`]), `OIDC_ACCESS_TOKEN_TTL` in seconds.
    pub fn start_with(env: &[(&str, &str)]) -> Self {
        let dir = provider_dir();
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "oidc-provider is not installed in {}: run scripts/install-deps",
            dir.display()
        );
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
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
        // Keep reading, so the provider never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self {
            child,
            origin: format!("http://127.0.0.1:{port}"),
        }
    }

    /// The issuer it names itself by (`iss`), below which its endpoints are.
    pub fn issuer(&self) -> String {
        format!("{}/identity_", self.origin)
    }

    /// `POST` to its token endpoint; the JSON answer.
    pub async fn token_request(&self, form: &[(&str, &str)]) -> Value {
        reqwest::Client::new()
            .post(format!("{}/connect/token", self.issuer()))
            .form(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// `OIDC_EXTRA_CLIENTS` registering `client_id` as a confidential native
/// client (its loopback redirect matches any port, RFC 8252: the sandbox's
/// port is only known once it runs) that the sandbox's connectors sign in as.
pub fn confidential_client(client_id: &str, client_secret: &str) -> String {
    json!([{
        "client_id": client_id,
        "client_secret": client_secret,
        "application_type": "native",
        "token_endpoint_auth_method": "client_secret_basic",
        "redirect_uris": ["http://127.0.0.1/provisioning_/callback"],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
    }])
    .to_string()
}

/// Through the provider's login and consent pages as `login` (any password
/// goes), keeping its cookies, until it redirects to an address starting
/// with `callback`; returns that redirect.
pub async fn sign_in_at_provider(authorize: &Url, callback: &str, login: &str) -> Url {
    play(authorize, callback, Some(login)).await
}

/// The person aborts on the provider's first page; returns the redirect to
/// `callback` that follows.
pub async fn abort_at_provider(authorize: &Url, callback: &str) -> Url {
    play(authorize, callback, None).await
}

async fn play(authorize: &Url, callback: &str, login: Option<&str>) -> Url {
    let mut browser = Browser::new();
    let mut here = authorize.clone();
    let mut response = browser.get(&here).await;
    for _ in 0..20 {
        if response.status().is_redirection() {
            let next = location_from(&here, &response);
            if next.as_str().starts_with(callback) {
                return next;
            }
            here = next;
            response = browser.get(&here).await;
            continue;
        }
        assert_eq!(response.status(), 200, "at {here}");
        let html = response.text().await.unwrap();
        let action = here.join(&form_action(&html)).unwrap();
        let Some(login) = login else {
            let abort = here.join(&format!("{}/abort", here.path())).unwrap();
            response = browser.get(&abort).await;
            continue;
        };
        response = if html.contains("name=\"prompt\" value=\"login\"") {
            browser
                .post(
                    &action,
                    &[("prompt", "login"), ("login", login), ("password", "any")],
                )
                .await
        } else {
            browser.post(&action, &[("prompt", "consent")]).await
        };
    }
    panic!("oidc-provider never redirected to {callback}");
}
