//! Web windows for pages that are not ours: the identity server's sign-in
//! page and a provider's consent page, each in a webview window of its own,
//! whose final navigation (our redirect, or the tenant's "done" page) is caught
//! in `on_navigation` and never loaded. Why each choice:
//!
//! - a label (`signin-N`, `consent-N`) that no capability grants: the page can
//!   call no command (see `capabilities/main.json`);
//! - a fresh data directory per sign-in, deleted afterwards: no cookies carry
//!   over between accounts, so "use another account" is just signing in again.
//!   Exception: under WebDriver (`TAURI_WEBVIEW_AUTOMATION=true`, set by
//!   tauri-driver), WebKitGTK can automate only one web context and Tauri gives
//!   it to the first data directory, so the window shares the main window's
//!   context and its browsing data is cleared when the sign-in ends instead;
//! - the redirect URI is a loopback port we hold open for the whole sign-in,
//!   so no other program can take it even if a navigation slipped past us;
//! - the navigation callback only `try_send`s: it never blocks or panics,
//!   even when the sign-in has already ended;
//! - closing the window cancels; a sign-in left open times out.
//!
//! Only the authorize URL reaches the window; the PKCE verifier and `state`
//! stay in [`PendingSignIn`].

use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use connassist_core::sign_in::{PendingSignIn, TokenSet, is_redirect_to};
use connassist_core::{ApiError, ErrorCode, TenantUrl};
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder, WindowEvent};
use tokio::sync::mpsc;
use url::Url;

static NEXT: AtomicU64 = AtomicU64::new(1);

enum Outcome {
    Redirect(Url),
    Closed,
}

fn internal(message: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("The window could not be opened: {message}"),
    )
}

/// How a web window ended.
pub enum Ended {
    /// The navigation the caller waits for (not loaded).
    Reached(Url),
    /// The user closed the window.
    Closed,
    /// Nobody finished within the time allowed.
    TimedOut,
}

/// Opens `url` in a new window labelled `{kind}-N` (no capability: no IPC) with
/// a fresh data directory, and waits until a navigation satisfies `is_end`
/// (that navigation is cancelled), the window is closed, or `timeout` passes.
/// The window is closed and its data deleted before this returns.
pub async fn run_window<R: Runtime>(
    app: &AppHandle<R>,
    kind: &str,
    title: &str,
    url: Url,
    is_end: impl Fn(&Url) -> bool + Send + 'static,
    timeout: Duration,
) -> Result<Ended, ApiError> {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let label = format!("{kind}-{n}");
    let automated = std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true");
    let data_dir = if automated {
        None
    } else {
        Some(tempfile_dir(app, n)?)
    };
    let (tx, mut rx) = mpsc::channel::<Outcome>(4);
    let nav_tx = tx.clone();
    let mut builder = WebviewWindowBuilder::new(app, &label, WebviewUrl::External(url))
        .title(title)
        .inner_size(520.0, 680.0)
        .center();
    if let Some(dir) = &data_dir {
        builder = builder.data_directory(dir.clone());
    }
    let window = builder
        .on_navigation(move |url| {
            if is_end(url) {
                let _ = nav_tx.try_send(Outcome::Redirect(url.clone()));
                false
            } else {
                true
            }
        })
        .build()
        .map_err(internal)?;
    window.on_window_event(move |event| {
        if matches!(
            event,
            WindowEvent::CloseRequested { .. } | WindowEvent::Destroyed
        ) {
            let _ = tx.try_send(Outcome::Closed);
        }
    });
    tracing::info!(%label, "web window opened");

    let outcome = tokio::time::timeout(timeout, rx.recv()).await;
    if data_dir.is_none() {
        // Shared context (automation): forget the page's cookies now.
        if let Err(e) = window.clear_all_browsing_data() {
            tracing::warn!(error = %e, "could not clear the window's browsing data");
        }
    }
    let _ = window.destroy();
    if let Some(dir) = &data_dir
        && let Err(e) = std::fs::remove_dir_all(dir)
    {
        tracing::warn!(error = %e, dir = %dir.display(), "could not delete the window's data");
    }
    Ok(match outcome {
        Ok(Some(Outcome::Redirect(url))) => Ended::Reached(url),
        Ok(Some(Outcome::Closed) | None) => Ended::Closed,
        Err(_) => Ended::TimedOut,
    })
}

/// Runs an interactive sign-in to `tenant` as `client_id` in a new window.
pub async fn sign_in<R: Runtime>(
    app: &AppHandle<R>,
    tenant: &TenantUrl,
    client_id: &str,
    scopes: &[&str],
    timeout: Duration,
) -> Result<TokenSet, ApiError> {
    // Held until the sign-in ends, so the port stays ours.
    let port_guard = TcpListener::bind("127.0.0.1:0").map_err(internal)?;
    let port = port_guard.local_addr().map_err(internal)?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let pending = PendingSignIn::start(tenant, client_id, &redirect_uri, scopes)?;
    let redirect = Url::parse(&redirect_uri).map_err(internal)?;
    tracing::info!(tenant = %tenant.url, "sign-in window opening");
    let ended = run_window(
        app,
        "signin",
        "Sign in · Connections Assistant",
        pending.authorize_url().clone(),
        move |url| is_redirect_to(&redirect, url),
        timeout,
    )
    .await?;
    let result = match ended {
        Ended::Reached(url) => pending.complete(&url).await.map_err(ApiError::from),
        Ended::Closed => Err(ApiError::new(
            ErrorCode::Cancelled,
            "The sign-in window was closed before signing in.",
        )),
        Ended::TimedOut => Err(ApiError::new(
            ErrorCode::Cancelled,
            format!(
                "The sign-in was not finished within {}; start it again.",
                connassist_core::settings::in_words(timeout)
            ),
        )),
    };
    drop(port_guard);
    match &result {
        Ok(_) => tracing::info!("signed in"),
        Err(e) => tracing::info!(code = ?e.code, "sign-in ended without a session"),
    }
    result
}

/// A fresh folder for one window's cookies and storage.
fn tempfile_dir<R: Runtime>(app: &AppHandle<R>, n: u64) -> Result<std::path::PathBuf, ApiError> {
    let base = app
        .path()
        .app_cache_dir()
        .map_err(internal)?
        .join("web-windows");
    let dir = base.join(format!("{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(internal)?;
    Ok(dir)
}
