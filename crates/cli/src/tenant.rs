//! The options every tenant command shares, and turning them into a signed-in
//! client: `--sandbox` starts the sandbox tenant in this process and signs in
//! as one of its people; `--url` with `--client-id`/`--client-secret` signs an
//! external application in with client credentials; `--url` alone uses the
//! session `connassist login` kept in the keychain. Either way the client
//! renews its token as it runs out (before, and once more on a 401), so a
//! long run such as `health --every` outlives any one access token.

use std::sync::Arc;

use connassist_core::keychain::{OsKeychain, SecretStore};
use connassist_core::session::{AppSession, READ_SCOPES};
use connassist_core::tenant_client::TenantClient;
use connassist_core::token_session::TokenSession;
use connassist_core::{ApiError, ErrorCode, Secret, TenantUrl};
use connassist_sandbox::{Config, Sandbox};

use crate::exit;

/// Global, so that both `connassist --sandbox audit` and
/// `connassist audit --sandbox` work; commands that need no tenant ignore them.
#[derive(Debug, clap::Args)]
pub struct TenantArgs {
    /// Use the built-in sandbox tenant (started in this process).
    #[arg(long, global = true, conflicts_with_all = ["url", "client_id"])]
    sandbox: bool,
    /// Who to be in the sandbox: alex (attended user), hana (helpdesk) or dana (developer).
    #[arg(long, global = true, default_value = "hana")]
    sandbox_user: String,
    /// The tenant, e.g. https://cloud.uipath.com/acme/DefaultTenant.
    #[arg(long, global = true, env = "CONNASSIST_URL")]
    url: Option<String>,
    /// An external application's id (confidential, with the read scopes); without
    /// a secret, the session kept by `connassist login` is used instead.
    #[arg(long, global = true, env = "CONNASSIST_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Its secret; prefer the environment variable, which stays out of shell history.
    #[arg(
        long,
        global = true,
        env = "CONNASSIST_CLIENT_SECRET",
        hide_env_values = true
    )]
    client_secret: Option<String>,
}

/// A signed-in client; keeps an in-process sandbox alive as long as needed.
#[derive(Debug)]
pub struct Tenant {
    pub client: TenantClient,
    _sandbox: Option<Sandbox>,
}

/// What failed, with the exit code it maps to.
pub fn fail(err: &ApiError) -> u8 {
    eprintln!("error: {}", err.message);
    exit_for(err)
}

/// The exit code an error maps to.
pub fn exit_for(err: &ApiError) -> u8 {
    match err.code {
        ErrorCode::Unauthorized => exit::AUTH,
        ErrorCode::InvalidInput => exit::USAGE,
        _ => exit::TENANT,
    }
}

impl TenantArgs {
    /// The `--url` tenant, required by commands that have no sandbox form.
    pub fn url(&self) -> Result<TenantUrl, ApiError> {
        match self.url.as_deref() {
            Some(url) => Ok(TenantUrl::parse(url)?),
            None => Err(ApiError::new(
                ErrorCode::InvalidInput,
                "Say which tenant: --url https://cloud.uipath.com/<org>/<tenant> (or CONNASSIST_URL).",
            )),
        }
    }

    pub async fn connect(&self) -> Result<Tenant, ApiError> {
        if self.sandbox {
            let sandbox = Sandbox::start(Config::default()).await.map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("The sandbox did not start: {e}"),
                )
            })?;
            let tokens = sandbox
                .sign_in_as(&self.sandbox_user, &READ_SCOPES.join(" "))
                .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))?;
            let url = TenantUrl::parse(&sandbox.base_url)?;
            let client = TenantClient::new(url, Secret::new(tokens.access_token))?;
            return Ok(Tenant {
                client,
                _sandbox: Some(sandbox),
            });
        }
        let Some(url) = self.url.as_deref() else {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "Say which tenant: --sandbox for the built-in sandbox, or --url https://cloud.uipath.com/<org>/<tenant> (or CONNASSIST_URL).",
            ));
        };
        if self.client_secret.is_some() && self.client_id.is_none() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "--client-secret needs --client-id: the secret belongs to an external application.",
            ));
        }
        let url = TenantUrl::parse(url)?;
        let (Some(id), Some(secret)) = (&self.client_id, &self.client_secret) else {
            let store: Arc<dyn SecretStore> = Arc::new(OsKeychain::default());
            let session = Arc::new(TokenSession::load(&url, store)?);
            // Signed in or told why not before any work starts; later
            // requests refresh the session as it runs out (`health --every`).
            session.access_token().await?;
            return Ok(Tenant {
                client: TenantClient::with_session(url, session)?,
                _sandbox: None,
            });
        };
        let app = AppSession::sign_in(&url, id, Secret::new(secret.clone()), READ_SCOPES).await?;
        Ok(Tenant {
            client: TenantClient::with_app(url, Arc::new(app))?,
            _sandbox: None,
        })
    }
}
