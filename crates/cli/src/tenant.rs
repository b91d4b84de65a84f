//! The options every tenant command shares, and turning them into a signed-in
//! client: `--sandbox` starts the sandbox tenant in this process and signs in
//! as one of its people; `--url` with `--client-id`/`--client-secret` signs an
//! external application in with client credentials; `--url` alone uses the
//! session `connassist login` kept in the keychain. Either way the client
//! renews its token as it runs out (before, and once more on a 401), so a
//! long run such as `health --every` outlives any one access token.

use std::sync::Arc;
use std::time::Duration;

use connassist_core::account::current_user;
use connassist_core::auth::session::{READ_SCOPES, application_sign_in};
use connassist_core::auth::token_session::TokenSession;
use connassist_core::keychain::{OsKeychain, SecretStore};
use connassist_core::mine::Mine;
use connassist_core::retry::RetryPolicy;
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode, Secret, TenantUrl};
use connassist_sandbox::{Config, Profile, Sandbox};

use crate::exit;

/// Global, so that both `connassist --sandbox audit` and
/// `connassist audit --sandbox` work; commands that need no tenant ignore them.
/// Which of them go together is checked in [`TenantArgs::connect`], not by
/// clap: `create` has a `--client-id` of its own (the connection's app), which
/// clap would take for this one in its conflict checks.
#[derive(Debug, Clone, clap::Args)]
pub struct TenantArgs {
    /// Use the built-in sandbox tenant (started in this process).
    #[arg(long, global = true)]
    sandbox: bool,
    /// Who to be in the sandbox: alex (attended user), hana (helpdesk) or dana (developer).
    #[arg(long, global = true, default_value = "hana")]
    sandbox_user: String,
    /// The sandbox's profile: documented (what public sources show the
    /// platform does) or extended (that plus the sandbox's inventions).
    #[arg(long, global = true, default_value_t = Profile::Documented)]
    sandbox_profile: Profile,
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
    /// How long the first attempt at each request waits for the tenant, in
    /// seconds (1 to 600); each attempt that runs out of time gives the next
    /// twice as long, up to 120 s or this, whichever is longer.
    #[arg(long, global = true, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    request_timeout_secs: u64,
    /// Set by [`TenantArgs::for_create`]: `--client-id` named the connection's app.
    #[arg(skip)]
    for_create: bool,
}

/// A signed-in client; keeps an in-process sandbox alive as long as needed.
#[derive(Debug)]
pub struct Tenant {
    pub client: TenantClient,
    _sandbox: Option<Sandbox>,
}

impl Tenant {
    /// Whose connections are the signed-in account's (none for an
    /// application signed in as itself, or when the tenant will not say).
    pub async fn mine(&self) -> Mine {
        match current_user(&self.client).await {
            Ok(me) => me.mine([]),
            Err(e) => {
                tracing::debug!(error = %e, "who is signed in is unknown; no connection is marked yours");
                Mine::nobody()
            }
        }
    }
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

    /// The tenant options for `create`, whose `--client-id` names the
    /// connection's app registration: the application that signs in to the
    /// tenant then comes only from `CONNASSIST_CLIENT_ID`.
    pub fn for_create(&self) -> Self {
        Self {
            client_id: std::env::var("CONNASSIST_CLIENT_ID")
                .ok()
                .filter(|id| !id.trim().is_empty()),
            for_create: true,
            ..self.clone()
        }
    }

    /// Options that name two tenants, or an application for the sandbox.
    fn check(&self) -> Result<(), ApiError> {
        let usage = |m: &str| Err(ApiError::new(ErrorCode::InvalidInput, m));
        if !self.sandbox {
            return Ok(());
        }
        if self.url.is_some() {
            return usage(
                "--sandbox and --url name two tenants: give one (the sandbox, or your tenant's address).",
            );
        }
        // An application named in the environment is for --url runs; one
        // named on the command line with --sandbox is a mistake.
        let from_env = |value: &Option<String>, var: &str| {
            value.is_none() || value.as_deref() == std::env::var(var).ok().as_deref()
        };
        if !from_env(&self.client_id, "CONNASSIST_CLIENT_ID")
            || !from_env(&self.client_secret, "CONNASSIST_CLIENT_SECRET")
        {
            return usage(
                "--sandbox signs in as one of its people (--sandbox-user alex|hana|dana); --client-id and --client-secret are for a tenant given with --url.",
            );
        }
        Ok(())
    }

    /// The retry policy with this run's `--request-timeout-secs`.
    fn retry(&self) -> RetryPolicy {
        RetryPolicy {
            timeout: Duration::from_secs(self.request_timeout_secs),
            ..RetryPolicy::default()
        }
    }

    pub async fn connect(&self) -> Result<Tenant, ApiError> {
        let mut tenant = self.connect_with_defaults().await?;
        tenant.client = tenant.client.with_retry(self.retry());
        Ok(tenant)
    }

    async fn connect_with_defaults(&self) -> Result<Tenant, ApiError> {
        self.check()?;
        if self.sandbox {
            let config = Config {
                profile: self.sandbox_profile,
                ..Config::default()
            };
            let sandbox = Sandbox::start(config).await.map_err(|e| {
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
                if self.for_create {
                    "A tenant client secret was given (CONNASSIST_CLIENT_SECRET or --client-secret) but no application: with create, --client-id names the connection's app registration, so name the application that signs in to the tenant with CONNASSIST_CLIENT_ID."
                } else {
                    "--client-secret needs --client-id: the secret belongs to an external application."
                },
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
        let app = application_sign_in(&url, id, Secret::new(secret.clone())).await?;
        Ok(Tenant {
            client: TenantClient::with_app(url, Arc::new(app))?,
            _sandbox: None,
        })
    }
}
