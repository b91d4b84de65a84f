//! Our OAuth client against a real, third-party OpenID provider (npm
//! `oidc-provider`, configured like Entra in tests/oidc/server.mjs and started
//! here): PKCE sign-in through its own login and consent pages, refresh with
//! rotation (a reused refresh token is refused), revocation on sign-out, and a
//! sign-in the user aborts. Its error texts are generic, so only `error` codes
//! and our own outcomes are checked.

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use connassist_core::TenantUrl;
use connassist_core::auth::session::SignInError;
use connassist_core::auth::sign_in::PendingSignIn;
use connassist_core::auth::token_session::{SessionError, TokenSession};
use connassist_core::keychain::{MemoryStore, SecretStore};
use connassist_testkit::oidc::{OidcProvider, abort_at_provider, sign_in_at_provider};

const REDIRECT: &str = "http://127.0.0.1:49152/callback";

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

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_refresh_with_rotation_and_revocation_against_oidc_provider() {
    let provider = OidcProvider::start();
    let (tenant, pending) = start_sign_in(&provider);
    let callback = sign_in_at_provider(pending.authorize_url(), REDIRECT, "alex").await;
    assert_eq!(
        callback
            .query_pairs()
            .find(|(k, _)| k == "iss")
            .map(|(_, v)| v.into_owned()),
        Some(provider.issuer()),
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
    let replay = provider
        .token_request(&[
            ("grant_type", "refresh_token"),
            ("client_id", "connassist"),
            ("refresh_token", &first_refresh),
        ])
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
    let provider = OidcProvider::start();
    let (tenant, pending) = start_sign_in(&provider);
    let callback = sign_in_at_provider(pending.authorize_url(), REDIRECT, "alex").await;
    let tokens = pending.complete(&callback).await.unwrap();
    let refresh = tokens.refresh.as_ref().unwrap().expose().clone();
    let store = Arc::new(MemoryStore::default());
    let session = TokenSession::save(&tenant, "connassist", tokens, store.clone()).unwrap();
    session.sign_out().await.unwrap();
    assert!(store.get(&tenant.url).unwrap().is_none());
    let after = provider
        .token_request(&[
            ("grant_type", "refresh_token"),
            ("client_id", "connassist"),
            ("refresh_token", &refresh),
        ])
        .await;
    assert_eq!(after["error"], "invalid_grant", "{after}");
}

#[tokio::test(flavor = "multi_thread")]
async fn aborting_at_oidc_provider_is_a_cancel() {
    let provider = OidcProvider::start();
    let (_tenant, pending) = start_sign_in(&provider);
    let callback = abort_at_provider(pending.authorize_url(), REDIRECT).await;
    assert!(matches!(
        pending.complete(&callback).await,
        Err(SignInError::Cancelled)
    ));
}
