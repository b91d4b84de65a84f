//! `connassist login` and `logout`: interactive sign-in to a real tenant for
//! scripts on a workstation. The sign-in page opens in the system browser (or,
//! with `--browser none`, its address is printed to open elsewhere) and the
//! answer comes back to a one-shot listener on 127.0.0.1, on the first free
//! port of those the external application is registered with (UiPath
//! Identity matches redirect URIs as registered, ports included; the README
//! lists them). Tokens go to the OS keychain, nowhere else.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Html;
use connassist_core::account::current_user;
use connassist_core::auth::session::READ_SCOPES;
use connassist_core::auth::sign_in::{
    AnswerCheck, PendingSignIn, hold_redirect_port, parse_ports, redirect_uri,
};
use connassist_core::auth::token_session::TokenSession;
use connassist_core::keychain::{OsKeychain, SecretStore};
use connassist_core::tenant_client::TenantClient;
use connassist_core::{ApiError, ErrorCode};
use tokio::sync::oneshot;

use crate::exit;
use crate::tenant::{TenantArgs, fail};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Browser {
    /// Open the default browser.
    System,
    /// Print the address; open it anywhere on this computer.
    None,
}

/// The tenant (`--url`) and the external application (`--client-id`: a
/// non-confidential one registered for Connections Assistant with the
/// redirect URIs the README lists) are the global tenant options.
#[derive(Debug, clap::Args)]
pub struct LoginArgs {
    #[arg(long, value_enum, default_value_t = Browser::System)]
    browser: Browser,
    /// How long to wait for the sign-in, in seconds (1 to 86400: a day).
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout_secs: u64,
    /// The loopback ports the application's redirect URIs are registered
    /// with (http://127.0.0.1:PORT/callback), tried in turn.
    #[arg(long, env = "CONNASSIST_REDIRECT_PORTS", default_value = "47611,47612,47613", value_parser = ports)]
    redirect_ports: Ports,
}

/// Loopback ports, as `47611,47612`.
#[derive(Debug, Clone)]
pub struct Ports(Vec<u16>);

fn ports(text: &str) -> Result<Ports, String> {
    parse_ports(text).map(Ports)
}

/// The tenant is the global `--url`.
#[derive(Debug, clap::Args)]
pub struct LogoutArgs {}

/// Prints a finished command's sentence, or its error; gives the exit code.
fn report(outcome: Result<String, ApiError>) -> ExitCode {
    match outcome {
        Ok(message) => {
            eprintln!("{message}");
            exit::code(exit::OK)
        }
        Err(e) => exit::code(fail(&e)),
    }
}

pub fn login(args: LoginArgs, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async { report(run_login(&args, tenant).await) })
}

pub fn logout(_args: LogoutArgs, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async { report(run_logout(tenant).await) })
}

async fn run_logout(tenant: &TenantArgs) -> Result<String, ApiError> {
    let tenant = tenant.url()?;
    let store: Arc<dyn SecretStore> = Arc::new(OsKeychain::default());
    let session = TokenSession::load(&tenant, store)?;
    session.sign_out().await?;
    Ok(format!(
        "Signed out of {}: the session is revoked and removed from the keychain.",
        tenant.url
    ))
}

/// A listener on the first of `ports` that is free, and its port.
fn listen_on_first_free(ports: &[u16]) -> Result<(tokio::net::TcpListener, u16), ApiError> {
    let (listener, port) = hold_redirect_port(ports, "pass it with --redirect-ports")?;
    let listener = listener
        .set_nonblocking(true)
        .and_then(|()| tokio::net::TcpListener::from_std(listener))
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("port {port}: {e}")))?;
    Ok((listener, port))
}

/// Where the sign-in's answer goes, and how to tell it from other requests.
#[derive(Clone)]
struct Answer {
    tx: Arc<Mutex<Option<oneshot::Sender<String>>>>,
    check: AnswerCheck,
    port: u16,
}

/// The loopback listener's one page: hands this sign-in's redirect over and
/// says what next. Anything else (another program on this computer, a stale
/// tab, a forged answer) is turned away and the sign-in keeps waiting: any
/// local process can reach the port, so one must not be able to end it.
async fn callback(State(answer): State<Answer>, uri: Uri) -> (StatusCode, Html<&'static str>) {
    let url = url::Url::parse(&format!("http://127.0.0.1:{}{uri}", answer.port));
    if !url.is_ok_and(|u| answer.check.is_answer(&u)) {
        tracing::warn!(
            "a request to the sign-in listener that is not this sign-in's answer was ignored"
        );
        return (
            StatusCode::BAD_REQUEST,
            Html(
                "<!doctype html><meta charset=utf-8><title>Connections Assistant</title><p>This is not the answer of the sign-in Connections Assistant is waiting for, so it was ignored. Finish the sign-in in the page the terminal printed.</p>",
            ),
        );
    }
    if let Some(tx) = answer.tx.lock().unwrap_or_else(|p| p.into_inner()).take() {
        let _ = tx.send(uri.to_string());
    }
    (
        StatusCode::OK,
        Html(
            "<!doctype html><meta charset=utf-8><title>Connections Assistant</title><p>The sign-in answer reached Connections Assistant. You can close this tab and return to the terminal.</p>",
        ),
    )
}

async fn run_login(args: &LoginArgs, tenant_args: &TenantArgs) -> Result<String, ApiError> {
    let tenant = tenant_args.url()?;
    let client_id = tenant_args.client_id.as_deref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            "Say which external application to sign in with: --client-id (or CONNASSIST_CLIENT_ID), a non-confidential app registered with the redirect URIs the README lists (http://127.0.0.1:47611/callback …).",
        )
    })?;
    // Fail before the user signs in if there is nowhere to keep the session.
    let store: Arc<dyn SecretStore> = Arc::new(OsKeychain::default());
    store.get("connassist-probe")?;

    let (listener, port) = listen_on_first_free(&args.redirect_ports.0)?;
    let redirect = redirect_uri(port);
    let mut scopes = vec!["openid", "offline_access"];
    scopes.extend_from_slice(READ_SCOPES);
    let pending = PendingSignIn::start(&tenant, client_id, &redirect, &scopes)?;

    let (tx, rx) = oneshot::channel();
    let answer = Answer {
        tx: Arc::new(Mutex::new(Some(tx))),
        check: pending.answer_check(),
        port,
    };
    let app = Router::new()
        .route("/callback", axum::routing::get(callback))
        .with_state(answer);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await;
    });

    let authorize = pending.authorize_url().to_string();
    eprintln!("Open this address to sign in: {authorize}");
    eprintln!(
        "(The answer comes back to {redirect}. If the page says \"Invalid redirect_uri\", add that address to the external application's redirect URIs in Admin › External Applications.)"
    );
    if args.browser == Browser::System
        && let Err(e) = open::that_detached(&authorize)
    {
        eprintln!("(The browser did not open: {e}. Open the address above yourself.)");
    }
    let received = tokio::time::timeout(Duration::from_secs(args.timeout_secs), rx).await;
    let _ = stop_tx.send(());
    let _ = server.await;
    let uri = match received {
        Ok(Ok(uri)) => uri,
        _ => {
            return Err(ApiError::new(
                ErrorCode::Cancelled,
                format!(
                    "No sign-in answer arrived within {} s; run connassist login again.",
                    args.timeout_secs
                ),
            ));
        }
    };
    let callback = url::Url::parse(&format!("http://127.0.0.1:{port}{uri}"))
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let tokens = pending.complete(&callback).await?;
    let session = TokenSession::save(&tenant, client_id, tokens, store)?;
    let client = TenantClient::new(tenant.clone(), session.access_token().await?)?;
    let user = current_user(&client)
        .await
        .map_or_else(|_| "your account".to_owned(), |me| me.display);
    Ok(format!(
        "Signed in to {} as {user}. The session is kept in the keychain.",
        tenant.url
    ))
}
