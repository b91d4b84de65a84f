//! `connassist sandbox`: serves the sandbox tenant until Ctrl+C. The first line
//! on stdout is the tenant's base URL (for scripts); the rest goes to stderr.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use connassist_sandbox::{
    CI_CLIENT_ID, CONNECTORS_CLIENT_ID, Config, FaultSpec, LargeSpec, Profile, ProviderOverride,
    ProviderSource, Provisioning, SANDBOX_PASSWORD, Sandbox, Scenario,
};

use crate::bench::count;
use crate::exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16))]
    port: u16,
    /// Seeded data: forum (the multi-machine case from the UiPath forum), or
    /// large (generated from --seed with --folders, --connections, --processes).
    #[arg(long, default_value = "forum", value_parser = parse_scenario)]
    scenario: Scenario,
    /// large: the random seed; the same seed gives the same tenant.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64))]
    seed: u64,
    /// large: folders to generate (1 to 5000).
    #[arg(long, default_value_t = 500, value_parser = count!(1..=5_000))]
    folders: usize,
    /// large: connections to generate (0 to 50000).
    #[arg(long, default_value_t = 5000, value_parser = count!(0..=50_000))]
    connections: usize,
    /// large: processes to generate, each with 10 connection bindings (0 to 20000).
    #[arg(long, default_value_t = 2000, value_parser = count!(0..=20_000))]
    processes: usize,
    /// Folder for the SQLite state, kept across restarts. Default: a temporary folder.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Latency added to every response, in milliseconds (0 to 60000).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    latency_ms: u64,
    /// Injected failures, e.g. rate=0.1,kinds=429+503+truncated+timeout,seed=7,forbid=Finance.
    #[arg(long, value_parser = FaultSpec::parse)]
    faults: Option<FaultSpec>,
    /// Lifetime of issued access tokens, in seconds (short values exercise
    /// refresh; 1 to 86400).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    token_ttl_secs: u64,
    /// documented: answer only as public sources show the platform answers
    /// (docs/platform-evidence.md); extended: that plus the sandbox's
    /// inventions (consent-session routes, create, attended selections, …).
    #[arg(long, default_value_t = Profile::Documented)]
    profile: Profile,
    /// Where connectors sign in when connections are created or reconnected:
    /// the sandbox's own identity server (default), a real Microsoft Entra
    /// tenant (--provider-tenant), Google, Salesforce, Slack, or any OpenID
    /// provider (--provider-issuer). Register the app with the redirect URI
    /// printed at start; its secret comes from CONNASSIST_PROVIDER_SECRET.
    #[arg(long, value_enum)]
    provider: Option<ProviderKind>,
    /// The app registration's client ID at that provider.
    #[arg(long, requires = "provider")]
    provider_client_id: Option<String>,
    /// Entra: the directory (tenant) ID or domain.
    #[arg(long)]
    provider_tenant: Option<String>,
    /// oidc: the issuer, discovered from its /.well-known/openid-configuration.
    #[arg(long)]
    provider_issuer: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProviderKind {
    Entra,
    Google,
    Salesforce,
    Slack,
    Oidc,
}

/// The provider override asked for, or why it cannot be built.
fn provider(args: &Args) -> Result<Option<ProviderOverride>, String> {
    let Some(kind) = args.provider else {
        return Ok(None);
    };
    let client_id = args
        .provider_client_id
        .clone()
        .ok_or("--provider needs --provider-client-id (the app registration's client ID)")?;
    let client_secret = std::env::var("CONNASSIST_PROVIDER_SECRET")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .ok_or("put the app registration's client secret in CONNASSIST_PROVIDER_SECRET")?;
    let source = match kind {
        ProviderKind::Entra => ProviderSource::Entra {
            tenant: args
                .provider_tenant
                .clone()
                .ok_or("--provider entra needs --provider-tenant (directory ID or domain)")?,
        },
        ProviderKind::Google => ProviderSource::Google,
        ProviderKind::Salesforce => ProviderSource::Salesforce,
        ProviderKind::Slack => ProviderSource::Slack,
        ProviderKind::Oidc => ProviderSource::Oidc {
            issuer: args
                .provider_issuer
                .clone()
                .ok_or("--provider oidc needs --provider-issuer URL")?,
        },
    };
    Ok(Some(ProviderOverride {
        source,
        client_id,
        client_secret,
    }))
}

fn parse_scenario(name: &str) -> Result<Scenario, String> {
    Scenario::parse(name)
        .ok_or_else(|| format!("unknown scenario {name:?}; the scenarios are: forum, large"))
}

pub fn run(args: Args) -> ExitCode {
    crate::runtime::block_on(async {
        let provider = match provider(&args) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}.");
                return exit::code(exit::USAGE);
            }
        };
        let scenario = match args.scenario {
            Scenario::Large(spec) => Scenario::Large(LargeSpec {
                folders: args.folders,
                connections: args.connections,
                processes: args.processes,
                seed: args.seed,
                ..spec
            }),
            other => other,
        };
        let config = Config {
            port: args.port,
            data_dir: args.data,
            scenario,
            latency: Duration::from_millis(args.latency_ms),
            faults: args.faults.unwrap_or_default(),
            access_token_lifetime: Duration::from_secs(args.token_ttl_secs),
            profile: args.profile,
        };
        let external = provider.is_some();
        let provisioning = Provisioning {
            provider,
            ..Provisioning::default()
        };
        // Listen for Ctrl+C and SIGTERM before the URL is printed: whoever
        // reads it may stop us at once, and an unhandled SIGTERM would end
        // the process without stopping the sandbox.
        let stop = stop_signals();
        let sandbox = match Sandbox::start_with(config, provisioning).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::code(exit::TENANT);
            }
        };
        crate::output::line(&sandbox.base_url);
        eprintln!(
            "Sandbox tenant ({} scenario, {} profile) at {}",
            scenario.name(),
            args.profile,
            sandbox.base_url
        );
        eprintln!("Sign in as alex, hana or dana with the password \"{SANDBOX_PASSWORD}\".");
        match &sandbox.ci_client_secret {
            Some(secret) => eprintln!(
                "Client credentials: client id {CI_CLIENT_ID}, secret {secret} (shown once: only its hash is stored)."
            ),
            None => eprintln!(
                "Client credentials: client id {CI_CLIENT_ID}; its secret was shown when this data folder was created."
            ),
        }
        if external {
            eprintln!(
                "Connectors sign in at the provider you named: register {}/provisioning_/callback as a redirect URI of your app (--port keeps it stable).",
                sandbox.origin
            );
        } else {
            eprintln!(
                "Connectors sign in at the sandbox's own identity server as {CONNECTORS_CLIENT_ID}."
            );
        }
        eprintln!(
            "State: {}. Press Ctrl+C to stop.",
            sandbox.data_dir().display()
        );
        stop.await;
        sandbox.stop().await;
        exit::code(exit::OK)
    })
}

/// Ctrl+C, or SIGTERM from a process manager. On Unix both handlers are
/// installed when this is called, not when the future is first polled.
// Elsewhere there is nothing to install early, so the function is a plain
// async block; it keeps one signature for both.
#[cfg_attr(not(unix), allow(clippy::manual_async_fn))]
fn stop_signals() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let unix = {
        use tokio::signal::unix::{SignalKind, signal};
        signal(SignalKind::terminate()).and_then(|t| Ok((t, signal(SignalKind::interrupt())?)))
    };
    async move {
        #[cfg(unix)]
        if let Ok((mut term, mut int)) = unix {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("error: cannot wait for Ctrl+C: {e}");
        }
    }
}
