//! Web windows for pages that are not ours: the identity server's sign-in
//! page and a provider's consent page, each in a webview window of its own,
//! whose final navigation (our redirect, or the tenant's "done" page) is caught
//! in `on_navigation` and never loaded; a consent window reports every
//! navigation to its opener ([`open`]). Why each choice:
//!
//! - a label (`signin-N`, `consent-N`) that no capability grants: the page can
//!   call no command (see `capabilities/main.json`);
//! - a fresh data directory per sign-in, deleted afterwards: no cookies carry
//!   over between accounts, so "use another account" is just signing in again.
//!   Exception: under WebDriver (`TAURI_WEBVIEW_AUTOMATION=true`, set by
//!   tauri-driver), WebKitGTK can automate only one web context and Tauri gives
//!   it to the first data directory, so the window shares the main window's
//!   context and its browsing data is cleared when the sign-in ends instead;
//! - the redirect URI is one of the loopback ports the external application
//!   is registered with (UiPath Identity matches them exactly), the first one
//!   free, held open for the whole sign-in so no other program can take it
//!   even if a navigation slipped past us; Identity's error page (an
//!   unregistered redirect URI) ends the sign-in with what to register;
//! - the navigation callback only hands things over: it never blocks or
//!   panics, even when the sign-in has already ended;
//! - closing the window cancels; a sign-in left open times out.
//!
//! Only the authorize URL reaches the window; the PKCE verifier and `state`
//! stay in [`PendingSignIn`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use connassist_core::auth::sign_in::{
    PendingSignIn, TokenSet, hold_redirect_port, is_identity_error, is_redirect_to, redirect_uri,
};
use connassist_core::{ApiError, ErrorCode, TenantUrl};
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder, WindowEvent};
use tokio::sync::mpsc;
use url::Url;

static NEXT: AtomicU64 = AtomicU64::new(1);

fn internal(message: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("The window could not be opened: {message}"),
    )
}

/// What a web window shows its opener.
#[derive(Debug, Clone)]
pub enum Seen {
    /// A page loads (the navigation goes ahead).
    Navigated(Url),
    /// The navigation the opener waits for: stopped, never loaded.
    Stopped(Url),
    /// The user closed the window.
    Closed,
}

/// A web window for a page that is not ours; [`WebWindow::close`] closes it
/// and deletes its data.
pub struct WebWindow<R: Runtime> {
    window: tauri::WebviewWindow<R>,
    data_dir: Option<std::path::PathBuf>,
}

impl<R: Runtime> WebWindow<R> {
    pub fn close(self) {
        if self.data_dir.is_none() {
            // Shared context (automation): forget the page's cookies now.
            if let Err(e) = self.window.clear_all_browsing_data() {
                tracing::warn!(error = %e, "could not clear the window's browsing data");
            }
        }
        let _ = self.window.destroy();
        if let Some(dir) = &self.data_dir
            && let Err(e) = std::fs::remove_dir_all(dir)
        {
            tracing::warn!(error = %e, dir = %dir.display(), "could not delete the window's data");
        }
    }
}

/// Opens `url` in a new window labelled `{kind}-N` (no capability: no IPC)
/// with a fresh data directory. Each navigation is reported to `on_seen`; one
/// that satisfies `stop_at` is stopped (never loaded) and reported as such.
/// `on_seen` only hands things over: it runs on the webview's thread.
pub fn open<R: Runtime>(
    app: &AppHandle<R>,
    kind: &str,
    title: &str,
    url: Url,
    stop_at: impl Fn(&Url) -> bool + Send + 'static,
    on_seen: impl Fn(Seen) + Send + Sync + 'static,
) -> Result<WebWindow<R>, ApiError> {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let label = format!("{kind}-{n}");
    let automated = std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true");
    let data_dir = if automated {
        None
    } else {
        Some(tempfile_dir(app, n)?)
    };
    let on_seen = std::sync::Arc::new(on_seen);
    let on_nav = on_seen.clone();
    let mut builder = WebviewWindowBuilder::new(app, &label, WebviewUrl::External(url))
        .title(title)
        .inner_size(520.0, 680.0)
        .center();
    if let Some(dir) = &data_dir {
        builder = builder.data_directory(dir.clone());
    }
    let window = builder
        .on_navigation(move |url| {
            if stop_at(url) {
                on_nav(Seen::Stopped(url.clone()));
                false
            } else {
                on_nav(Seen::Navigated(url.clone()));
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
            on_seen(Seen::Closed);
        }
    });
    tracing::info!(%label, "web window opened");
    Ok(WebWindow { window, data_dir })
}

/// How a sign-in window ended.
enum Ended {
    Reached(Url),
    Closed,
    TimedOut,
}

/// Opens `url` and waits until a navigation satisfies `is_end` (that
/// navigation is stopped), the window is closed, or `timeout` passes; the
/// window is closed and its data deleted before this returns.
async fn run_window<R: Runtime>(
    app: &AppHandle<R>,
    kind: &str,
    title: &str,
    url: Url,
    is_end: impl Fn(&Url) -> bool + Send + 'static,
    timeout: Duration,
) -> Result<Ended, ApiError> {
    let (tx, mut rx) = mpsc::channel::<Seen>(16);
    let window = open(app, kind, title, url, is_end, move |seen| {
        // Never blocks nor panics, even once the sign-in has ended.
        if !matches!(seen, Seen::Navigated(_)) {
            let _ = tx.try_send(seen);
        }
    })?;
    let outcome = tokio::time::timeout(timeout, rx.recv()).await;
    window.close();
    Ok(match outcome {
        Ok(Some(Seen::Stopped(url))) => Ended::Reached(url),
        Ok(Some(Seen::Closed | Seen::Navigated(_)) | None) => Ended::Closed,
        Err(_) => Ended::TimedOut,
    })
}

/// Runs an interactive sign-in to `tenant` as `client_id` in a new window,
/// the redirect caught on the first free of `ports`.
pub async fn sign_in<R: Runtime>(
    app: &AppHandle<R>,
    tenant: &TenantUrl,
    client_id: &str,
    scopes: &[&str],
    ports: &[u16],
    timeout: Duration,
) -> Result<TokenSet, ApiError> {
    // Held until the sign-in ends, so the port stays ours.
    let (port_guard, port) = hold_redirect_port(ports, "set it in Settings")?;
    let redirect_uri = redirect_uri(port);
    let pending = PendingSignIn::start(tenant, client_id, &redirect_uri, scopes)?;
    let redirect = Url::parse(&redirect_uri).map_err(internal)?;
    let identity_tenant = tenant.clone();
    tracing::info!(tenant = %tenant.url, port, "sign-in window opening");
    let ended = run_window(
        app,
        "signin",
        "Sign in · Connections Assistant",
        pending.authorize_url().clone(),
        move |url| is_redirect_to(&redirect, url) || is_identity_error(&identity_tenant, url),
        timeout,
    )
    .await?;
    let result = match ended {
        Ended::Reached(url) if pending.is_identity_error(&url) => {
            Err(ApiError::from(pending.identity_error(&url)))
        }
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
