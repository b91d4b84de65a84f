//! Signing in and staying signed in, below the tenant client: interactive
//! sign-in with PKCE (`sign_in`), client credentials and the identity
//! server's token endpoint (`session`), sessions kept in the keychain with
//! single-flight refresh (`token_session`), token requests retried
//! (`token_http`).
//!
//! Nothing here knows the tenant client: it asks for a token through
//! [`BearerSource`], which each kind of sign-in implements, so sign-in can
//! be read and tested without the APIs it unlocks, and the client without
//! how its token was got.

mod bearer;
pub mod session;
pub mod sign_in;
pub(crate) mod token_http;
pub mod token_session;

pub use bearer::{BearerSource, FixedToken, TokenFuture};
