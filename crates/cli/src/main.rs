//! `connassist`: the desktop app's jobs for terminals, scripts and CI pipelines.
//!
//! Parsing and output live here; the work is done by `connassist-core`, so the
//! CLI and the app cannot disagree. Exit codes are part of the interface (see
//! [`exit`]) and so is `--format json`, which prints results as JSON on stdout
//! and errors as the shared `{code, message}` shape.

mod audit;
mod bench;
mod connections;
mod create;
mod docs;
mod doctor;
mod exit;
mod health;
mod login;
mod output;
mod reconnect;
mod runtime;
mod sandbox;
mod tenant;

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use connassist_core::{ApiError, TenantUrl};
use output::Format;

/// Keep automations' connections alive: list, check, reconnect and audit them.
#[derive(Debug, Parser)]
#[command(name = "connassist", version = env!("CONNASSIST_VERSION"), about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or invalid input, 3 sign-in failed, 4 tenant or network error.\nLogging: set CONNASSIST_LOG=debug for more detail on stderr."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    tenant: tenant::TenantArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a tenant URL the way the app does, and print its normalized form.
    #[command(after_help = docs::CHECK_URL)]
    CheckUrl {
        /// The tenant's address, e.g. https://cloud.uipath.com/acme/DefaultTenant.
        url: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// What this tenant offers: each feature on or off, why, and what to do instead.
    #[command(after_help = docs::DOCTOR)]
    Doctor(doctor::Args),
    /// Sign in to a tenant in the browser; the session is kept in the OS keychain.
    #[command(after_help = docs::LOGIN)]
    Login(login::LoginArgs),
    /// Revoke the kept session and remove it from the keychain.
    #[command(after_help = docs::LOGOUT)]
    Logout(login::LogoutArgs),
    /// List every connection you can see, across folders.
    #[command(after_help = docs::CONNECTIONS)]
    Connections(connections::Args),
    /// Flag what an unattended run would reject, before it runs: every process's connection bindings.
    #[command(after_help = docs::AUDIT)]
    Audit(audit::Args),
    /// Audit a .nupkg or a Studio project folder offline, e.g. in a CI pipeline.
    #[command(after_help = docs::AUDIT_PACKAGE)]
    AuditPackage(audit::PackageArgs),
    /// Re-authenticate a connection in place: consent in a browser, same id, folder and bindings.
    #[command(after_help = docs::RECONNECT)]
    Reconnect(reconnect::Args),
    /// Ping every connection you can see: which are broken or about to break, why, and what to do.
    #[command(after_help = docs::HEALTH)]
    Health(health::Args),
    /// Create a connection in a folder: consent in a browser, or app-only credentials.
    #[command(after_help = docs::CREATE)]
    Create(create::Args),
    /// List the connector catalogue and the authentication types each offers.
    #[command(after_help = docs::CONNECTORS)]
    Connectors(create::ConnectorsArgs),
    /// Time the connections list against a large sandbox tenant with latency.
    #[command(after_help = docs::BENCH)]
    Bench(bench::Args),
    /// Serve the sandbox tenant: an emulated UiPath tenant on 127.0.0.1 with seeded data.
    #[command(after_help = docs::SANDBOX)]
    Sandbox(sandbox::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    #[command(after_help = docs::COMPLETIONS)]
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (connassist.1 and one per command) into DIR; packages install them.
    #[command(hide = true)]
    Man {
        /// The folder to write them to (created if missing).
        dir: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Documentation needs no logging and no tenant.
    match &cli.command {
        Command::Completions { shell } => return docs::completions::<Cli>(*shell),
        Command::Man { dir } => return docs::man_pages::<Cli>(dir),
        _ => {}
    }
    // The CLI writes no log file: its stderr is the log.
    let default_level = if matches!(cli.command, Command::Sandbox(_)) {
        "info"
    } else {
        "warn"
    };
    let _guard = match connassist_core::logging::init(default_level, None, "connassist") {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("connassist: logging is off: {e}");
            None
        }
    };
    match cli.command {
        Command::CheckUrl { url, format } => check_url(&url, format),
        Command::Sandbox(args) => sandbox::run(args),
        Command::Connections(args) => connections::run(args, &cli.tenant),
        Command::Audit(args) => audit::run(args, &cli.tenant),
        Command::Reconnect(args) => reconnect::run(args, &cli.tenant),
        Command::Health(args) => health::run(args, &cli.tenant),
        Command::Create(args) => create::run(args, &cli.tenant),
        Command::Connectors(args) => create::connectors(args, &cli.tenant),
        Command::AuditPackage(args) => audit::run_package(args),
        Command::Bench(args) => bench::run(args),
        Command::Doctor(args) => doctor::run(args, &cli.tenant),
        Command::Login(args) => login::login(args, &cli.tenant),
        Command::Logout(args) => login::logout(args, &cli.tenant),
        Command::Completions { .. } | Command::Man { .. } => exit::code(exit::OK),
    }
}

fn check_url(input: &str, format: Format) -> ExitCode {
    match TenantUrl::parse(input) {
        Ok(tenant) => {
            tracing::debug!(url = %tenant.url, "tenant URL accepted");
            match format {
                Format::Text => output::line(&tenant.url),
                Format::Json => output::json(&tenant),
            }
            exit::code(exit::OK)
        }
        Err(e) => {
            output::error(format, &ApiError::from(e));
            exit::code(exit::USAGE)
        }
    }
}
