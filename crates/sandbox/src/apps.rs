//! The applications registered at the sandbox tenant's identity server, as a
//! tenant administrator registers them (Admin › External Applications) and as
//! the platform ships its own:
//!
//! - **Connections Assistant** ([`PUBLIC_CLIENT_ID`]): a non-confidential
//!   external application with the redirect URIs the README tells
//!   administrators to register ([`app_redirect_uris`]: fixed loopback ports,
//!   as UiPath's own CLIs register theirs) and the user scopes the app needs.
//! - **Connections Assistant CI** ([`CI_CLIENT_ID`]): a confidential external
//!   application; its client-credentials tokens carry application scopes
//!   only, and Integration Service's scopes are user scopes (the platform's
//!   "API access" page), unless the extended profile grants them.
//! - **The `uipath` CLI** ([`UIPATH_CLI_CLIENT_ID`]): the platform's own
//!   client, as the official Python CLI registers it (`_cli/_auth/
//!   auth_config_cloud.json` in PyPI `uipath` 2.14.44: fixed ports 8104, 8055
//!   and 42042, path `/oidc/login`). The conformance tests sign in with it
//!   to see what a first-party caller sees.
//!
//! Registered at every start, so a kept `--data` folder gets today's
//! registrations; the CI app keeps its secret's hash from seeding.

use crate::db::{Db, DbResult};
use crate::model::{Client, ClientKind};

/// The desktop app's and CLI's public client (PKCE, loopback redirect).
pub const PUBLIC_CLIENT_ID: &str = "connassist";
/// A confidential external application for client-credentials sign-in.
pub const CI_CLIENT_ID: &str = "connassist-ci";
/// The organisation's own app registration at the sandbox identity server,
/// for "bring your own app" and client-credentials connections: a
/// confidential client whose redirect URI is `{origin}/provisioning_/callback`.
pub const BYO_CLIENT_ID: &str = "contoso-byo-app";
/// Its secret: fixed and public, sample data like `scenario::SANDBOX_PASSWORD` (the
/// database keeps only its salted hash, as for every client secret).
pub const BYO_CLIENT_SECRET: &str = "sandbox-byo-secret";
/// The ports Connections Assistant's redirect URIs are registered with, tried
/// in turn by the CLI's loopback listener. Core's
/// `sign_in::DEFAULT_REDIRECT_PORTS` must say the same (the CLI tests check).
pub const APP_REDIRECT_PORTS: [u16; 3] = [47611, 47612, 47613];

/// `http://127.0.0.1:{port}/callback` for each of [`APP_REDIRECT_PORTS`].
pub fn app_redirect_uris() -> Vec<String> {
    APP_REDIRECT_PORTS
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}/callback"))
        .collect()
}

/// The official `uipath` CLI's client id (public in its package).
pub const UIPATH_CLI_CLIENT_ID: &str = "36dea5b8-e8bb-423d-8e7b-c808df8f1c00";

/// The user scopes Connections Assistant is registered with.
pub const APP_SCOPES: &[&str] = &[
    "OR.Folders.Read",
    "OR.Execution.Read",
    "OR.Jobs.Read",
    "OR.Robots.Read",
    "OR.Machines.Read",
    "OR.Users.Read",
    "IS.Connections.Read",
    "IS.Connectors.Read",
    "offline_access",
    "openid",
    "profile",
    "email",
];

/// Integration Service's scopes: user scopes on the platform's "API access"
/// page, so a client-credentials token does not get them in the documented
/// profile.
pub const INTEGRATION_SCOPES: &[&str] = &["IS.Connections.Read", "IS.Connectors.Read"];

/// Registers (again) the applications every scenario has.
pub fn register(db: &Db) -> DbResult<()> {
    let strings = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    db.put(&Client {
        client_id: PUBLIC_CLIENT_ID.into(),
        name: "Connections Assistant".into(),
        secret_hash: None,
        redirect_uris: app_redirect_uris(),
        app_user: None,
        kind: ClientKind::ExternalApp,
        scopes: Some(strings(APP_SCOPES)),
    })?;
    if let Some(mut ci) = db.get::<Client>(CI_CLIENT_ID)? {
        ci.kind = ClientKind::ExternalApp;
        ci.redirect_uris = vec![];
        // Registered with the read scopes; the token endpoint grants those
        // the platform offers to applications.
        ci.scopes = Some(strings(&APP_SCOPES[..8]));
        db.put(&ci)?;
    }
    db.put(&Client {
        client_id: UIPATH_CLI_CLIENT_ID.into(),
        name: "UiPath CLI".into(),
        secret_hash: None,
        redirect_uris: [8104, 8055, 42042]
            .iter()
            .map(|p| format!("http://localhost:{p}/oidc/login"))
            .collect(),
        app_user: None,
        kind: ClientKind::FirstParty,
        scopes: None,
    })?;
    Ok(())
}
