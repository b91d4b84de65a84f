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
#[command(name = "connassist", version, about, long_about = None)]
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
    CheckUrl {
        /// The tenant's address, e.g. https://cloud.uipath.com/acme/DefaultTenant.
        url: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// What this tenant offers: each feature on or off, why, and what to do instead.
    Doctor(doctor::Args),
    /// Sign in to a tenant in the browser; the session is kept in the OS keychain.
    Login(login::LoginArgs),
    /// Revoke the kept session and remove it from the keychain.
    Logout(login::LogoutArgs),
    /// List every connection you can see, across folders.
    Connections(connections::Args),
    /// Flag what an unattended run would reject, before it runs: every process's connection bindings.
    Audit(audit::Args),
    /// Audit a .nupkg or a Studio project folder offline, e.g. in a CI pipeline.
    AuditPackage(audit::PackageArgs),
    /// Re-authenticate a connection in place: consent in a browser, same id, folder and bindings.
    Reconnect(reconnect::Args),
    /// Ping every connection you can see: which are broken or about to break, why, and what to do.
    Health(health::Args),
    /// Create a connection in a folder: consent in a browser, or app-only credentials.
    Create(create::Args),
    /// List the connector catalogue and the authentication types each offers.
    Connectors(create::ConnectorsArgs),
    /// Time the connections list against a large sandbox tenant with latency.
    Bench(bench::Args),
    /// Serve the sandbox tenant: an emulated UiPath tenant on 127.0.0.1 with seeded data.
    Sandbox(sandbox::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
