//! `connassist reconnect ID`: re-authenticates a connection in place. The
//! consent page opens in the system browser (`--browser system`) or its
//! address is printed on stdout to open anywhere (`--browser none`); the
//! command waits for the tenant to finish. A consent by another account than
//! the connection's is never accepted silently: on a terminal the user is
//! asked, otherwise it is rejected unless `--accept-other-account` is given.
//!
//! Exit codes: 0 reconnected; 3 the consent failed, was rejected or expired
//! (the cause and fix are printed); 4 tenant or network error; 2 usage.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use connassist_core::reconnect::{self, AuthSession, ReconnectProgress, ReconnectStatus};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode};

use crate::exit;
use crate::login::Browser;
use crate::output::{self, Format};
use crate::tenant::{TenantArgs, exit_for, fail};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The connection's id (see `connassist connections`).
    id: String,
    #[arg(long, value_enum, default_value_t = Browser::System)]
    browser: Browser,
    /// How long to wait for the consent, in seconds (1 to 86400: a day).
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout_secs: u64,
    /// Accept a consent given by another account than the connection's (scripts).
    #[arg(long)]
    accept_other_account: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

const POLL: Duration = Duration::from_millis(500);

pub fn run(args: Args, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async {
        let tenant = match tenant.connect().await {
            Ok(t) => t,
            Err(e) => return exit::code(fail(&e)),
        };
        match reconnect_one(&tenant.client, &args).await {
            Ok(progress) => report(&progress, args.format, "Reconnected"),
            Err(e) => {
                output::error(args.format, &e);
                // Printed above; a consent nobody finished is a failed sign-in (3).
                exit::code(match e.code {
                    ErrorCode::Cancelled => exit::AUTH,
                    _ => exit_for(&e),
                })
            }
        }
    })
}

async fn reconnect_one(client: &TenantClient, args: &Args) -> Result<ReconnectProgress, ApiError> {
    let session = reconnect::start(client, &args.id).await?;
    follow(
        client,
        &session,
        args.browser,
        Duration::from_secs(args.timeout_secs),
        args.accept_other_account,
    )
    .await
}

/// Opens (or prints) the consent page of `session`, waits for the tenant to
/// finish, cancels the session when time runs out, and asks about another
/// account. Shared with `connassist create`.
pub async fn follow(
    client: &TenantClient,
    session: &AuthSession,
    browser: Browser,
    timeout: Duration,
    accept_other_account: bool,
) -> Result<ReconnectProgress, ApiError> {
    match browser {
        Browser::None => {
            output::line(session.auth_url.as_str());
            eprintln!("Open the address above in a browser and consent; waiting…");
        }
        Browser::System => {
            eprintln!(
                "Consent in the browser that opens; waiting… ({})",
                session.auth_url
            );
            if let Err(e) = open::that_detached(session.auth_url.as_str()) {
                eprintln!("Could not open a browser ({e}); open the address above yourself.");
            }
        }
    }
    let mut now = match reconnect::wait(client, session, POLL, timeout).await {
        Ok(now) => now,
        Err(e) => {
            // Time is up: a consent finished later must store nothing.
            if let Err(c) =
                reconnect::cancel(client, &session.connection_id, &session.session_id).await
            {
                tracing::warn!(error = %c.message, "the consent session could not be cancelled");
            }
            return Err(e);
        }
    };
    if now.status == ReconnectStatus::NeedsConfirmation {
        let accept = accept_other_account || ask(&now);
        now =
            reconnect::confirm(client, &session.connection_id, &session.session_id, accept).await?;
    }
    Ok(now)
}

/// Asks on a terminal; anywhere else the answer is no.
fn ask(p: &ReconnectProgress) -> bool {
    let (new, old) = (
        p.identity.as_deref().unwrap_or("another account"),
        p.previous_identity
            .as_deref()
            .unwrap_or("its previous account"),
    );
    eprintln!("The consent was given by {new}, but the connection acted as {old}.");
    if !std::io::stdin().is_terminal() {
        eprintln!("Not a terminal: rejected. Re-run with --accept-other-account to accept it.");
        return false;
    }
    eprint!("Make the connection act as {new} from now on? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}

/// Prints how a consent ended: what changed, or why it failed and what to do.
pub fn report(p: &ReconnectProgress, format: Format, done: &str) -> ExitCode {
    if format == Format::Json {
        output::json(p);
    }
    match p.status {
        ReconnectStatus::Completed => {
            if format == Format::Text {
                let who = p.identity.as_deref().unwrap_or("the same account");
                output::line(&format!("{done}: the connection acts as {who}."));
                if !p.scopes.added.is_empty() {
                    output::line(&format!("Added permissions: {}", p.scopes.added.join(", ")));
                }
                if !p.scopes.dropped.is_empty() {
                    output::line(&format!(
                        "Dropped permissions: {}",
                        p.scopes.dropped.join(", ")
                    ));
                }
            }
            exit::code(exit::OK)
        }
        _ => {
            match &p.failure {
                Some(f) => eprintln!("error: {} {}", f.cause, f.fix),
                None => eprintln!(
                    "error: the consent session {} ended as {:?}; start the reconnect again.",
                    p.session_id, p.status
                ),
            }
            if let Some(url) = &p.admin_consent_url {
                eprintln!("Send this link to an administrator, then try again: {url}");
            }
            exit::code(exit::AUTH)
        }
    }
}
