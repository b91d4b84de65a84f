//! Where a tenant client's bearer token comes from: a fixed token, an
//! application signed in with client credentials, or a kept session. The
//! client asks for a token before each request and for a new one once when
//! the tenant refuses it; what renewing means is the source's business.

use std::future::Future;
use std::pin::Pin;

use crate::auth::session::AppSession;
use crate::auth::token_session::TokenSession;
use crate::secret::Secret;

/// A token, or why there is none (a message for the user).
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Secret<String>, String>> + Send + 'a>>;

pub trait BearerSource: Send + Sync + std::fmt::Debug {
    /// A token that is not about to run out.
    fn access_token(&self) -> TokenFuture<'_>;

    /// After the tenant refused `rejected`: a new token (unless another
    /// caller already replaced it); `None` when this source cannot renew.
    fn refresh_after_rejection<'a>(
        &'a self,
        rejected: &'a Secret<String>,
    ) -> Option<TokenFuture<'a>>;

    /// Whether an application signed in as itself holds the token: what it
    /// cannot do is explained differently from what a person lacks.
    fn is_application(&self) -> bool {
        false
    }
}

/// A token given once (`--token`, tests): never renewed.
#[derive(Debug, Clone)]
pub struct FixedToken(pub Secret<String>);

impl BearerSource for FixedToken {
    fn access_token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn refresh_after_rejection<'a>(&'a self, _: &'a Secret<String>) -> Option<TokenFuture<'a>> {
        None
    }
}

impl BearerSource for TokenSession {
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            TokenSession::access_token(self)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn refresh_after_rejection<'a>(
        &'a self,
        rejected: &'a Secret<String>,
    ) -> Option<TokenFuture<'a>> {
        Some(Box::pin(async move {
            TokenSession::refresh_after_rejection(self, rejected)
                .await
                .map_err(|e| e.to_string())
        }))
    }
}

impl BearerSource for AppSession {
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            AppSession::access_token(self)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn refresh_after_rejection<'a>(
        &'a self,
        rejected: &'a Secret<String>,
    ) -> Option<TokenFuture<'a>> {
        Some(Box::pin(async move {
            AppSession::refresh_after_rejection(self, rejected)
                .await
                .map_err(|e| e.to_string())
        }))
    }

    fn is_application(&self) -> bool {
        true
    }
}
