//! A kept session against a sandbox whose access tokens live one second: the
//! client refreshes once when the tenant answers 401, and a revoked session
//! ends with "sign in again" and leaves the keychain.

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use connassist_core::auth::sign_in::TokenSet;
use connassist_core::auth::token_session::TokenSession;
use connassist_core::connections::list;
use connassist_core::keychain::{MemoryStore, SecretStore};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ErrorCode, Secret, TenantUrl};
use connassist_sandbox::{PUBLIC_CLIENT_ID, Sandbox};
use connassist_testkit::sandbox::short_lived_tokens;

const SCOPES: &str = "offline_access OR.Folders.Read IS.Connections.Read";

async fn session_that_believes_it_is_fresh()
-> (Sandbox, TenantUrl, Arc<MemoryStore>, Arc<TokenSession>) {
    let sb = short_lived_tokens(Duration::from_secs(1)).await;
    let tenant = TenantUrl::parse(&sb.base_url).unwrap();
    let tokens = sb.sign_in_as("alex", SCOPES).unwrap();
    let store = Arc::new(MemoryStore::default());
    // The client is told the token lasts an hour; the tenant expires it in a second.
    let set = TokenSet {
        access: Secret::new(tokens.access_token),
        refresh: tokens.refresh_token.map(Secret::new),
        expires_in: Some(Duration::from_secs(3600)),
        scope: None,
    };
    let session = TokenSession::save(&tenant, PUBLIC_CLIENT_ID, set, store.clone()).unwrap();
    (sb, tenant, store, Arc::new(session))
}

#[tokio::test]
async fn a_401_refreshes_once_and_the_listing_completes() {
    let (_sb, tenant, store, session) = session_that_believes_it_is_fresh().await;
    let before = store.get(&tenant.url).unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let client = TenantClient::with_session(tenant.clone(), session).unwrap();
    let listing = list(&client, &Default::default(), |_| {}).await.unwrap();
    assert_eq!(listing.connections.len(), 4);
    assert!(listing.errors.is_empty());
    let after = store.get(&tenant.url).unwrap().unwrap();
    assert_ne!(
        before.expose(),
        after.expose(),
        "the rotated tokens were stored"
    );
}

#[tokio::test]
async fn a_revoked_session_asks_to_sign_in_again_and_is_forgotten() {
    let (sb, tenant, store, session) = session_that_believes_it_is_fresh().await;
    let stored: serde_json::Value =
        serde_json::from_str(store.get(&tenant.url).unwrap().unwrap().expose()).unwrap();
    let revoked = reqwest::Client::new()
        .post(format!("{}/identity_/connect/revocation", sb.origin))
        .form(&[
            ("token", stored["refresh"].as_str().unwrap()),
            ("client_id", PUBLIC_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success());

    let client = TenantClient::with_session(tenant.clone(), session).unwrap();
    let err = list(&client, &Default::default(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(err.to_string().contains("expired or was revoked"), "{err}");
    assert!(
        store.get(&tenant.url).unwrap().is_none(),
        "the dead session left the keychain"
    );
}

#[tokio::test]
async fn a_refresh_that_fails_on_the_network_keeps_the_session() {
    // A tenant that is not there: nothing listens on this port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tenant =
        TenantUrl::parse(&format!("http://127.0.0.1:{port}/sandbox/DefaultTenant")).unwrap();
    let store = Arc::new(MemoryStore::default());
    let expired = TokenSet {
        access: Secret::new("old-access".into()),
        refresh: Some(Secret::new("still-good-refresh".into())),
        expires_in: Some(Duration::from_secs(0)),
        scope: None,
    };
    let session = TokenSession::save(&tenant, PUBLIC_CLIENT_ID, expired, store.clone()).unwrap();
    let err = session.access_token().await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Cannot reach the identity server"),
        "{err}"
    );
    let kept = store
        .get(&tenant.url)
        .unwrap()
        .expect("the session is still kept");
    assert!(kept.expose().contains("still-good-refresh"));
}

/// A keychain two "processes" share: memory, with the real lock folder an
/// OS keychain has. Each `TokenSession::load` is what a process starts with.
#[derive(Debug)]
struct SharedStore {
    entries: MemoryStore,
    locks: tempfile::TempDir,
}

impl SecretStore for SharedStore {
    fn get(
        &self,
        account: &str,
    ) -> Result<Option<Secret<String>>, connassist_core::keychain::KeychainError> {
        self.entries.get(account)
    }
    fn set(
        &self,
        account: &str,
        secret: &Secret<String>,
    ) -> Result<(), connassist_core::keychain::KeychainError> {
        self.entries.set(account, secret)
    }
    fn delete(&self, account: &str) -> Result<(), connassist_core::keychain::KeychainError> {
        self.entries.delete(account)
    }
    fn refresh_lock_dir(&self) -> Option<std::path::PathBuf> {
        Some(self.locks.path().to_owned())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_loaded_apart_refresh_once_and_the_others_take_the_rotated_tokens() {
    // The kept session says its token lapses after 1 s; the tenant's new
    // tokens live a minute. Were they to live 1 s too, a session that took
    // the lock after a second boundary would find the new token already
    // lapsing (whole seconds) and rightly refresh again: a flaky count.
    let sb = short_lived_tokens(Duration::from_secs(60)).await;
    let tenant = TenantUrl::parse(&sb.base_url).unwrap();
    let tokens = sb.sign_in_as("alex", SCOPES).unwrap();
    let store: Arc<dyn SecretStore> = Arc::new(SharedStore {
        entries: MemoryStore::default(),
        locks: tempfile::tempdir().unwrap(),
    });
    let set = TokenSet {
        access: Secret::new(tokens.access_token),
        refresh: tokens.refresh_token.map(Secret::new),
        expires_in: Some(Duration::from_secs(1)),
        scope: None,
    };
    TokenSession::save(&tenant, PUBLIC_CLIENT_ID, set, store.clone()).unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Each loads the expired session, as separate processes would.
    let sessions: Vec<TokenSession> = (0..8)
        .map(|_| TokenSession::load(&tenant, store.clone()).unwrap())
        .collect();
    let before = sb.token_requests("refresh_token");
    let tokens = futures::future::join_all(sessions.iter().map(TokenSession::access_token)).await;
    let tokens: Vec<String> = tokens
        .into_iter()
        .map(|t| t.unwrap().expose().clone())
        .collect();
    assert_eq!(sb.token_requests("refresh_token") - before, 1);
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "all hold the one new token"
    );
    let client = TenantClient::new(tenant, Secret::new(tokens[0].clone())).unwrap();
    assert_eq!(
        list(&client, &Default::default(), |_| {})
            .await
            .unwrap()
            .connections
            .len(),
        4
    );
}
