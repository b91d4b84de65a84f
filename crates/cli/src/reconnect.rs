//! `connassist reconnect ID`: re-authenticates a connection in place through
//! `connassist-core`'s consent flow. The consent page opens in the system
//! browser (`--browser system`) or its address is printed on stdout to open
//! anywhere (`--browser none`); the command waits until the connection is
//! Enabled again. A consent by another account than the connection's is
//! never taken silently: where the tenant waits for a confirmation (the
//! sandbox's extended profile) the user is asked on a terminal, otherwise it
//! is rejected unless `--accept-other-account` is given; where it does not
//! (a real tenant), the change is reported as a warning.
//!
//! Exit codes: 0 reconnected; 3 the consent failed, was rejected or expired
//! (the cause and fix are printed); 4 tenant or network error; 2 usage.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use connassist_core::capabilities;
use connassist_core::consent::flow::Started;
use connassist_core::consent::{
    ConnectionRef, ConsentDriver, ConsentView, FlowOptions, run_consent, start_reconnect,
};
use connassist_core::reconnect::{self, ReconnectProgress, ReconnectStatus};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode};
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
    let started = start_reconnect(client, &target).await?;
    follow(
        client,
        &started,
        args.browser,
        Duration::from_secs(args.timeout_secs),
        args.accept_other_account,
    )
    .await
}

/// The terminal's browsers: the system browser, or an address printed for
/// the user to open anywhere. Neither reports what happens on the page.
pub struct TerminalBrowser(pub Browser);

impl ConsentDriver for TerminalBrowser {
    fn open(&self, url: &Url, _title: &str) -> Result<ConsentView, ApiError> {
        match self.0 {
            Browser::None => {
                output::line(url.as_str());
                eprintln!("Open the address above in a browser and consent; waiting…");
            }
            Browser::System => {
                eprintln!("Consent in the browser that opens; waiting… ({url})");
                if let Err(e) = open::that_detached(url.as_str()) {
                    eprintln!("Could not open a browser ({e}); open the address above yourself.");
                }
            }
        }
        Ok(ConsentView::silent())
    }
}

/// Runs the consent of `started` in the terminal's browser, asks about
/// another account where the tenant waits for an answer, and says plainly
/// when the connection now acts as another account. Shared with
/// `connassist create`.
pub async fn follow(
    client: &TenantClient,
    started: &Started,
    browser: Browser,
    timeout: Duration,
    accept_other_account: bool,
) -> Result<ReconnectProgress, ApiError> {
    let session_status =
        capabilities::tenant_serves(client, capabilities::extension::CONSENT_SESSION_STATUS).await;
    let options = FlowOptions {
        timeout,
        poll_every: POLL,
        session_status,
        title: "Consent".to_owned(),
    };
    let mut now = run_consent(client, started, &TerminalBrowser(browser), &options, |_| {}).await?;
    let session = &started.session;
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
