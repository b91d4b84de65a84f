//! The sign-in window: the identity server's page in a webview window of its
//! own, whose redirect back to us is caught in `on_navigation` and never
//! loaded. Why each choice:
//!
//! - a label (`signin-N`) that no capability grants: the page can call no
//!   command (see `capabilities/main.json`);
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

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

static NEXT: AtomicU64 = AtomicU64::new(1);

enum Outcome {
    Redirect(Url),
    Closed,
}

fn internal(message: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("The sign-in window could not be opened: {message}"),
    )
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

    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let label = format!("signin-{n}");
    let automated = std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true");
    let data_dir = if automated {
        None
    } else {
        Some(tempfile_dir(app, n)?)
    };
    let (tx, mut rx) = mpsc::channel::<Outcome>(4);
    let nav_tx = tx.clone();
    let mut builder = WebviewWindowBuilder::new(
        app,
        &label,
        WebviewUrl::External(pending.authorize_url().clone()),
    )
    .title("Sign in · Connections Assistant")
    .inner_size(520.0, 680.0)
    .center();
    if let Some(dir) = &data_dir {
        builder = builder.data_directory(dir.clone());
    }
    let window = builder
        .on_navigation(move |url| {
            if is_redirect_to(&redirect, url) {
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
    tracing::info!(%label, tenant = %tenant.url, "sign-in window opened");

    let outcome = tokio::time::timeout(timeout, rx.recv()).await;
    if data_dir.is_none() {
        // Shared context (automation): forget the identity server's cookies now.
        if let Err(e) = window.clear_all_browsing_data() {
            tracing::warn!(error = %e, "could not clear the sign-in window's browsing data");
        }
    }
    // Close before exchanging the code: the window has done its part.
    let _ = window.destroy();
    let result = match outcome {
        Ok(Some(Outcome::Redirect(url))) => pending.complete(&url).await.map_err(ApiError::from),
        Ok(Some(Outcome::Closed) | None) => Err(ApiError::new(
            ErrorCode::Cancelled,
            "The sign-in window was closed before signing in.",
        )),
        Err(_) => Err(ApiError::new(
            ErrorCode::Cancelled,
            format!(
                "The sign-in was not finished within {} minutes; start it again.",
                timeout.as_secs() / 60
            ),
        )),
    };
    drop(port_guard);
    if let Some(dir) = &data_dir
        && let Err(e) = std::fs::remove_dir_all(dir)
    {
        tracing::warn!(error = %e, dir = %dir.display(), "could not delete the sign-in window's data");
    }
    match &result {
        Ok(_) => tracing::info!(%label, "signed in"),
        Err(e) => tracing::info!(%label, code = ?e.code, "sign-in ended without a session"),
    }
    result
}

/// A fresh folder for one sign-in window's cookies and storage.
fn tempfile_dir<R: Runtime>(app: &AppHandle<R>, n: u64) -> Result<std::path::PathBuf, ApiError> {
    let base = app
        .path()
        .app_cache_dir()
        .map_err(internal)?
        .join("sign-in");
    let dir = base.join(format!("{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(internal)?;
    Ok(dir)
}
