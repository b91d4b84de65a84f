//! The tenant client takes its token from any `auth::BearerSource`: a token
//! the tenant refuses is renewed once through the source and the request goes
//! through, a source that cannot renew ends in "sign in again", and a failed
//! renewal says why. Against a sandbox over real HTTP.

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use connassist_core::account::current_user;
use connassist_core::auth::{BearerSource, TokenFuture};
use connassist_core::tenant_client::{TenantClient, TenantError};
use connassist_core::{Secret, TenantUrl};
use connassist_sandbox::{Config, Sandbox};

const SCOPES: &str = "OR.Folders.Read OR.Users.Read IS.Connections.Read";

/// Hands out `stale` until the tenant refuses it, then `fresh` (or an error
/// when there is none); counts the renewals.
#[derive(Debug)]
struct Renewing {
    stale: Secret<String>,
    fresh: Option<Secret<String>>,
    can_renew: bool,
    renewals: AtomicU32,
}

impl BearerSource for Renewing {
    fn access_token(&self) -> TokenFuture<'_> {
        let token = match (&self.fresh, self.renewals.load(Ordering::SeqCst)) {
            (Some(fresh), n) if n > 0 => fresh.clone(),
            _ => self.stale.clone(),
        };
        Box::pin(async move { Ok(token) })
    }

    fn refresh_after_rejection<'a>(
        &'a self,
        rejected: &'a Secret<String>,
    ) -> Option<TokenFuture<'a>> {
        if !self.can_renew {
            return None;
        }
        assert_eq!(rejected.expose(), self.stale.expose(), "the refused token");
        self.renewals.fetch_add(1, Ordering::SeqCst);
        let fresh = self.fresh.clone();
        Some(Box::pin(async move {
            fresh.ok_or_else(|| "the identity server is down".to_owned())
        }))
    }
}

async fn sandbox() -> (Sandbox, TenantUrl, Secret<String>) {
    let sb = Sandbox::start(Config::default()).await.unwrap();
    let tenant = TenantUrl::parse(&sb.base_url).unwrap();
    let tokens = sb.sign_in_as("alex", SCOPES).unwrap();
    (sb, tenant, Secret::new(tokens.access_token))
}

fn client(tenant: TenantUrl, source: &Arc<Renewing>) -> TenantClient {
    TenantClient::with_bearer(tenant, source.clone()).unwrap()
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_through_the_source() {
    let (_sb, tenant, valid) = sandbox().await;
    let source = Arc::new(Renewing {
        stale: Secret::new("expired-long-ago".to_owned()),
        fresh: Some(valid),
        can_renew: true,
        renewals: AtomicU32::new(0),
    });
    let me = current_user(&client(tenant, &source)).await.unwrap();
    assert!(
        me.email.as_deref().unwrap_or_default().starts_with("alex"),
        "{me:?}"
    );
    assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_source_that_cannot_renew_asks_to_sign_in_again() {
    let (_sb, tenant, _) = sandbox().await;
    let source = Arc::new(Renewing {
        stale: Secret::new("expired-long-ago".to_owned()),
        fresh: None,
        can_renew: false,
        renewals: AtomicU32::new(0),
    });
    let err = current_user(&client(tenant, &source)).await.unwrap_err();
    assert!(matches!(err, TenantError::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("Sign in again"), "{err}");
}

#[tokio::test]
async fn a_failed_renewal_says_why() {
    let (_sb, tenant, _) = sandbox().await;
    let source = Arc::new(Renewing {
        stale: Secret::new("expired-long-ago".to_owned()),
        fresh: None,
        can_renew: true,
        renewals: AtomicU32::new(0),
    });
    let err = current_user(&client(tenant, &source)).await.unwrap_err();
    assert!(
        err.to_string().contains("the identity server is down"),
        "{err}"
    );
    assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
}
