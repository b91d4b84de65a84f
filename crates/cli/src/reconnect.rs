//! `connassist reconnect ID`: re-authenticates a connection in place through
//! `connassist-core`'s consent flow. The consent page opens in the system
//! browser (`--browser system`) or its address is printed on stdout to open
//! anywhere (`--browser none`); the command waits until the connection is
//! Enabled again. A consent by another account than the connection's is
//! never taken silently: where the tenant waits for a confirmation (the
//! sandbox's extended profile) the user is asked on a terminal, otherwise it
//! is rejected unless `--accept-other-account` is given; where it does not
//! (a real tenant), the change is reported as a warning. The flow is core's
//! (`consent::reconnecting`); this module is the terminal's driver and its
//! words. Ctrl-C while waiting cancels the consent as closing the app's
//! window does (at the tenant where it offers that), and exits 3.
//!
//! Exit codes: 0 reconnected; 3 the consent failed, was rejected or expired
//! (the cause and fix are printed); 4 tenant or network error; 2 usage.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use connassist_core::consent::reconnecting;
use connassist_core::consent::{ConnectionRef, ConsentDriver, ConsentView, Observed, Offers};
use connassist_core::reconnect::{ReconnectProgress, ReconnectStatus};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode};
use tokio::sync::mpsc;
use url::Url;

use crate::exit;
use crate::login::Browser;
use crate::output::{self, Format};
use crate::tenant::{TenantArgs, exit_for, fail};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The connection's id (see `connassist connections`).
    id: String,
    /// The folder the connection is in (its path); found by searching when omitted.
    #[arg(long)]
    folder: Option<String>,
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

/// The folder named by path, as its key.
pub async fn folder_key(client: &TenantClient, path: &str) -> Result<String, ApiError> {
    let want = path.trim_matches('/');
    let folders = connassist_core::connections::folders(client).await?;
    folders
        .iter()
        .find(|f| f.path.eq_ignore_ascii_case(want))
        .map(|f| f.key.clone())
        .ok_or_else(|| {
            let known: Vec<&str> = folders.iter().map(|f| f.path.as_str()).collect();
            ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "No folder \"{want}\" among those you can see: {}.",
                    known.join(", ")
                ),
            )
        })
}

async fn reconnect_one(client: &TenantClient, args: &Args) -> Result<ReconnectProgress, ApiError> {
    let folder_key = match &args.folder {
        Some(path) => Some(folder_key(client, path).await?),
        None => None,
    };
    let target = ConnectionRef {
        id: args.id.clone(),
        folder_key,
    };
    let browser = TerminalBrowser {
        browser: args.browser,
        accept_other_account: args.accept_other_account,
    };
    reconnecting::reconnect(
        client,
        &target,
        Offers::ask(client).await,
        &browser,
        Duration::from_secs(args.timeout_secs),
        |_| {},
    )
    .await
}

/// The terminal's browsers: the system browser, or an address printed for
/// the user to open anywhere. Neither reports what happens on the page;
/// Ctrl-C reports the page closed. Shared with `connassist create`.
pub struct TerminalBrowser {
    pub browser: Browser,
    /// Accept a consent by another account without asking (scripts).
    pub accept_other_account: bool,
}

impl ConsentDriver for TerminalBrowser {
    fn open(&self, url: &Url, _title: &str) -> Result<ConsentView, ApiError> {
        match self.browser {
            Browser::None => {
                output::line(url.as_str());
                eprintln!(
                    "Open the address above in a browser and consent; waiting… (Ctrl-C cancels)"
                );
            }
            Browser::System => {
                eprintln!("Consent in the browser that opens; waiting… (Ctrl-C cancels) ({url})");
                if let Err(e) = open::that_detached(url.as_str()) {
                    eprintln!("Could not open a browser ({e}); open the address above yourself.");
                }
            }
        }
        let (tx, events) = mpsc::channel(1);
        let interrupted = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = tx.send(Observed::Closed).await;
            } else {
                // No signal handler here: the view stays quiet, never closed.
                std::future::pending::<()>().await;
            }
        });
        Ok(ConsentView::new(events, move || interrupted.abort()))
    }

    fn confirm_other_account(&self, progress: &ReconnectProgress) -> Option<bool> {
        Some(self.accept_other_account || ask(progress))
    }
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
            if p.other_account {
                let before = p
                    .previous_identity
                    .as_deref()
                    .unwrap_or("its previous account");
                eprintln!(
                    "warning: the connection now acts as {} instead of {before}. If that is not what you meant, reconnect again and sign in as {before}.",
                    p.identity.as_deref().unwrap_or("another account"),
                );
            }
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
