//! `connassist create`: creates a connection in a folder. Delegated types
//! (`--auth delegated|own-app`) run the consent like `connassist reconnect`
//! (system browser, or the address printed with `--browser none`); app-only
//! types (`client-credentials`, `certificate`) are checked by the tenant and
//! created at once, which is what a pipeline provisioning a robot's
//! connection needs. `connassist connectors` lists the catalogue. The flow
//! (the folder's permission, the tenant's API or its own page, the consent)
//! is core's `consent::creating`; this module builds the request from the
//! arguments and says what happened.
//!
//! Secrets never come from the command line (other users can read it in the
//! process list): the client secret is read from an environment variable
//! (`--client-secret-env`, default `CONNASSIST_CONNECTION_SECRET`) and the
//! certificate from a file.
//!
//! Exit codes: 0 created; 2 bad input or refused by the tenant (the message
//! says what to change); 3 the consent failed or was declined; 4 tenant or
//! network error.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use connassist_core::consent::Offers;
use connassist_core::consent::creating::{self, CreateStep};
use connassist_core::create::{self, AuthKind, CreateOutcome, NewConnection};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode, Secret};

use crate::exit;
use crate::output::{self, Format};
use crate::reconnect::{TerminalBrowser, report};
use crate::tenant::{TenantArgs, exit_for, fail};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Auth {
    /// Sign in with the platform's app: acts as the account that signs in.
    Delegated,
    /// Sign in through your organisation's own app registration.
    OwnApp,
    /// The app acts as itself with a client secret.
    ClientCredentials,
    /// The app acts as itself with a certificate.
    Certificate,
}

impl From<Auth> for AuthKind {
    fn from(a: Auth) -> Self {
        match a {
            Auth::Delegated => Self::Delegated,
            Auth::OwnApp => Self::BringYourOwnApp,
            Auth::ClientCredentials => Self::ClientCredentials,
            Auth::Certificate => Self::ClientCertificate,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The connector's key (see `connassist connectors`).
    #[arg(long)]
    connector: String,
    /// The folder's path, e.g. `Shared/Finance`; your workspace by its name.
    #[arg(long)]
    folder: String,
    #[arg(long, value_enum, default_value_t = Auth::Delegated)]
    auth: Auth,
    /// Shown in lists; named after the account when left out.
    #[arg(long)]
    name: Option<String>,
    /// Outlook: read this shared mailbox instead of the signer's own.
    #[arg(long)]
    shared_mailbox: Option<String>,
    /// The app registration's client ID (own app, client credentials). Here
    /// it names the connection's app; the application that signs in to the
    /// tenant comes from CONNASSIST_CLIENT_ID (or a kept session, or --sandbox).
    #[arg(long)]
    client_id: Option<String>,
    /// The environment variable holding the client secret.
    #[arg(long, default_value = "CONNASSIST_CONNECTION_SECRET")]
    client_secret_env: String,
    /// The provider's tenant (directory) ID or domain.
    #[arg(long)]
    tenant_id: Option<String>,
    /// When the client secret expires (YYYY-MM-DD), for early warnings.
    #[arg(long)]
    secret_expires: Option<String>,
    /// A PEM file with the certificate and its private key.
    #[arg(long)]
    certificate: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = crate::login::Browser::System)]
    browser: crate::login::Browser,
    /// How long to wait for the consent, in seconds (1 to 86400: a day).
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout_secs: u64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async {
        let tenant = match tenant.for_create().connect().await {
            Ok(t) => t,
            Err(e) => return exit::code(fail(&e)),
        };
        match create_one(&tenant.client, &args).await {
            Ok(code) => code,
            Err(e) => {
                output::error(args.format, &e);
                exit::code(match e.code {
                    ErrorCode::Cancelled => exit::AUTH,
                    _ => exit_for(&e),
                })
            }
        }
    })
}

fn request(args: &Args, folder_key: String) -> Result<NewConnection, ApiError> {
    let auth = AuthKind::from(args.auth);
    let client_secret = match auth {
        AuthKind::BringYourOwnApp | AuthKind::ClientCredentials => {
            match std::env::var(&args.client_secret_env) {
                Ok(s) if !s.trim().is_empty() => Some(Secret::new(s)),
                _ => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidInput,
                        format!(
                            "Put the client secret in the environment variable {} (never on the command line).",
                            args.client_secret_env
                        ),
                    ));
                }
            }
        }
        _ => None,
    };
    let certificate = match (&args.certificate, auth) {
        (Some(path), AuthKind::ClientCertificate) => Some(Secret::new(read_pem(path)?)),
        (None, AuthKind::ClientCertificate) => {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "Name the PEM file with the certificate and its key: --certificate FILE.",
            ));
        }
        _ => None,
    };
    Ok(NewConnection {
        connector_key: args.connector.clone(),
        folder_key,
        name: args.name.clone(),
        auth,
        shared_mailbox: args.shared_mailbox.clone(),
        client_id: args.client_id.clone(),
        client_secret,
        tenant_id: args.tenant_id.clone(),
        secret_expires_at: args.secret_expires.clone(),
        certificate,
    })
}

/// A PEM file holds a certificate and its key: a few KiB. Only a regular
/// file is opened (a FIFO would block, `/dev/zero` never ends), and at most
/// 1 MiB of it is read.
fn read_pem(path: &std::path::Path) -> Result<String, ApiError> {
    use std::io::Read;
    const MAX: u64 = 1024 * 1024;
    let bad = |what: String| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("Cannot read the certificate {}: {what}.", path.display()),
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| bad(e.to_string()))?;
    if !meta.is_file() {
        return Err(bad(
            "it is not a regular file (a pipe, a device or a socket); give the PEM file itself"
                .into(),
        ));
    }
    let mut pem = String::new();
    std::fs::File::open(path)
        .map_err(|e| bad(e.to_string()))?
        .take(MAX + 1)
        .read_to_string(&mut pem)
        .map_err(|e| bad(e.to_string()))?;
    if pem.len() as u64 > MAX {
        return Err(bad(
            "it is larger than 1 MiB, far more than a certificate and its key".into(),
        ));
    }
    Ok(pem)
}

async fn create_one(client: &TenantClient, args: &Args) -> Result<ExitCode, ApiError> {
    let want = args.folder.trim_matches('/');
    let folders = create::folders(client).await?;
    let Some(choice) = folders
        .iter()
        .find(|f| f.folder.path.eq_ignore_ascii_case(want))
    else {
        let known: Vec<&str> = folders.iter().map(|f| f.folder.path.as_str()).collect();
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "No folder \"{want}\" among those you can see: {}.",
                known.join(", ")
            ),
        ));
    };
    let new = request(args, choice.folder.key.clone())?;
    let browser = TerminalBrowser {
        browser: args.browser,
        accept_other_account: false,
    };
    let outcome = creating::create_connection(
        client,
        &new,
        Offers::ask(client).await,
        &browser,
        Duration::from_secs(args.timeout_secs),
        |step| match step {
            CreateStep::Handoff(handoff) => eprintln!(
                "This tenant offers no API to create connections: create it on the tenant's own page. {}",
                handoff.steps
            ),
            CreateStep::Consenting { connection_id } if args.format != Format::Json => {
                output::line(&format!("New connection id: {connection_id}"));
            }
            CreateStep::Consenting { .. } | CreateStep::Progress(_) => {}
        },
    )
    .await?;
    match outcome {
        CreateOutcome::Created { connection: row } => {
            match args.format {
                Format::Json => output::json(&row),
                _ => output::line(&format!(
                    "Created {} ({}) in {}, acting as {}.",
                    row.name, row.id, choice.folder.path, row.identity
                )),
            }
            Ok(exit::code(exit::OK))
        }
        CreateOutcome::Consent { progress, .. } => Ok(report(&progress, args.format, "Created")),
    }
}

#[derive(Debug, clap::Args)]
pub struct ConnectorsArgs {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// `connassist connectors`: the catalogue, with the auth types each offers.
pub fn connectors(args: ConnectorsArgs, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async {
        let tenant = match tenant.connect().await {
            Ok(t) => t,
            Err(e) => return exit::code(fail(&e)),
        };
        match create::connectors(&tenant.client).await {
            Ok(list) => {
                match args.format {
                    Format::Json => output::json(&list),
                    _ => {
                        for c in &list {
                            let auth: Vec<String> =
                                c.auth_types.iter().map(|a| format!("{a:?}")).collect();
                            output::line(&format!("{}\t{}\t{}", c.key, c.name, auth.join(",")));
                        }
                    }
                }
                exit::code(exit::OK)
            }
            Err(e) => {
                output::error(args.format, &e);
                exit::code(exit_for(&e))
            }
        }
    })
}
