//! Test support shared by core's, the sandbox's, the CLI's and the e2e tests,
//! so that each way of playing a person or setting up a tenant is written once:
//!
//! - [`browser`] and [`pages`]: a browser played with plain HTTP (no automatic
//!   redirects, so every hop is seen; cookies kept by name) and what it reads
//!   off a page (hidden fields, a form's action, the title).
//! - [`sign_in`]: the sandbox identity's sign-in form, filled in as a person
//!   does, and the authorization-code exchange with PKCE.
//! - [`consent`]: a person at a consent address (the tenant's start page, the
//!   identity's sign-in and consent pages, the callback), step by step or all
//!   at once, and on the tenant's own "Add connection" page.
//! - [`oidc`]: the real OpenID provider (npm `oidc-provider` in `tests/oidc`),
//!   started and stopped, and its login and consent pages played.
//! - [`sandbox`]: sandboxes started for a test, its API called as a user, its
//!   database read; [`tenant`]: core's `TenantClient` signed in to one.
//! - [`keychain`] (Unix): the real OS keychain, isolated (a private D-Bus
//!   session with GNOME Keyring in fresh XDG folders), and [`process`]: the
//!   daemons and CLI runs behind it; [`cli_login`]: `connassist login` driven
//!   through the sandbox's form into that keychain.
//!
//! Only ever a dev-dependency. Its HTTP helpers panic where a test would
//! fail (an unexpected page, a refused request): a panic here is the calling
//! test failing, with the helper's message and location. Starting processes
//! and the keychain returns [`Result`] instead, which the e2e harness passes on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod browser;
#[cfg(unix)]
pub mod cli_login;
pub mod consent;
#[cfg(unix)]
pub mod keychain;
pub mod oidc;
pub mod pages;
#[cfg(unix)]
pub mod process;
pub mod sandbox;
pub mod sign_in;
pub mod tenant;

/// The error of the helpers that return one (the e2e harness's shape).
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// [`Error`]'s result.
pub type Result<T> = std::result::Result<T, Error>;
