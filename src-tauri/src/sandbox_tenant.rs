//! "Try the sandbox": the sandbox tenant runs in the app's process, started on
//! first use, and keeps its state in the app's data folder (`sandbox/`:
//! SQLite WAL, secrets only as hashes), so reconnects, new connections and
//! attended choices are still there at the next launch, and the health
//! history (which survives launches too) stays true of it. It also tries the
//! port it had before, so its tenant URL (which attended choices kept on this
//! computer and recorded expiry dates are filed under) stays the same.
//! "Reset the sandbox" (`commands::reset_sandbox`, which first ends a session
//! signed in to it) wipes that state and what the app kept about it (the
//! health history of its connections, those choices and dates) together;
//! the next start seeds it anew.

use std::path::{Path, PathBuf};

use connassist_core::health::recorded::RecordedExpiries;
use connassist_core::selections::{LOCAL_FILE, SelectionStore};
use connassist_core::{ApiError, ErrorCode, TenantUrl};
use connassist_sandbox::db::DbError;
use connassist_sandbox::{Config, ORGANIZATION, Profile, Sandbox, SandboxError, TENANT};

use crate::host::Host;

/// Where the sandbox's state is kept, under the app's data folder.
fn data_dir<H: Host>(host: &H) -> Result<PathBuf, ApiError> {
    Ok(host.data_dir()?.join("sandbox"))
}

/// The port the sandbox had last time, if it was kept.
fn kept_port(dir: &Path) -> u16 {
    std::fs::read_to_string(dir.join("port"))
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(0)
}

/// The sandbox's tenant URL on `port`, as sign-in normalizes it.
fn tenant_url(port: u16) -> Result<String, ApiError> {
    Ok(TenantUrl::parse(&format!("http://127.0.0.1:{port}/{ORGANIZATION}/{TENANT}"))?.url)
}

/// Starts the sandbox (once per app run) on its kept state; answers its tenant URL.
pub async fn ensure_started<H: Host>(host: &H) -> Result<TenantUrl, ApiError> {
    let mut sandbox = host.state().sandbox.lock().await;
    if let Some(running) = sandbox.as_ref() {
        return Ok(TenantUrl::parse(&running.base_url)?);
    }
    let dir = data_dir(host)?;
    let profile = if host.settings().extended_sandbox {
        Profile::Extended
    } else {
        Profile::Documented
    };
    let config = Config {
        profile,
        data_dir: Some(dir.clone()),
        port: kept_port(&dir),
        ..Config::default()
    };
    let started = match Sandbox::start(config.clone()).await {
        // The port went to another program meanwhile: any free one will do.
        Err(SandboxError::Bind { .. }) if config.port != 0 => {
            Sandbox::start(Config { port: 0, ..config }).await
        }
        // State from a sandbox too old to read cannot be served: start afresh.
        Err(SandboxError::Db(DbError::OldSchema)) => {
            tracing::info!(dir = %dir.display(), "the sandbox's kept state is from an older version; starting afresh");
            Sandbox::wipe(&dir).map_err(|e| not_started(&e, &dir))?;
            Sandbox::start(config).await
        }
        other => other,
    }
    .map_err(|e| not_started(&e, &dir))?;
    if let Err(e) = std::fs::write(dir.join("port"), started.addr.port().to_string()) {
        // Only the next launch's URL depends on it.
        tracing::warn!(error = %e, "cannot keep the sandbox's port");
    }
    tracing::info!(url = %started.base_url, %profile, data = %dir.display(), "sandbox started");
    let url = TenantUrl::parse(&started.base_url)?;
    *sandbox = Some(started);
    Ok(url)
}

fn not_started(e: &SandboxError, dir: &Path) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!(
            "The sandbox tenant did not start: {e}. Its state is kept in {}; \"Reset the sandbox\" in Settings starts it afresh.",
            dir.display()
        ),
    )
}

/// The running sandbox's tenant URL, if it runs.
pub async fn running_url<H: Host>(host: &H) -> Option<String> {
    let sandbox = host.state().sandbox.lock().await;
    sandbox
        .as_ref()
        .and_then(|s| TenantUrl::parse(&s.base_url).ok())
        .map(|u| u.url)
}

/// Puts the sandbox back to its first state once nobody is signed in to it:
/// it stops, its kept state is wiped, and the health history forgets its
/// connections (or they would come back as "new failures"), as do the
/// attended choices and expiry dates kept on this computer for it.
pub async fn wipe<H: Host>(host: &H) -> Result<(), ApiError> {
    let mut sandbox = host.state().sandbox.lock().await;
    if let Some(running) = sandbox.take() {
        running.stop().await;
    }
    let dir = data_dir(host)?;
    let ids = Sandbox::wipe(&dir).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!(
                "The sandbox could not be reset: {e} (in {}).",
                dir.display()
            ),
        )
    })?;
    host.health_rounds()?.forget(&ids)?;
    let port = kept_port(&dir);
    if port != 0 {
        let tenant = tenant_url(port)?;
        let config = host.config_dir()?;
        SelectionStore::Local {
            file: config.join(LOCAL_FILE),
            tenant: tenant.clone(),
        }
        .forget_local()?;
        let dates = RecordedExpiries::new(&config, &tenant);
        for id in dates.all()?.keys() {
            dates.record(id, None)?;
        }
    }
    tracing::info!(connections = ids.len(), "sandbox reset");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_port_is_reused_and_anything_else_means_any_free_port() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(kept_port(dir.path()), 0, "nothing kept yet");
        std::fs::write(dir.path().join("port"), "45605\n").unwrap();
        assert_eq!(kept_port(dir.path()), 45605);
        std::fs::write(dir.path().join("port"), "not a port").unwrap();
        assert_eq!(kept_port(dir.path()), 0);
        assert_eq!(
            tenant_url(45605).unwrap(),
            "http://127.0.0.1:45605/sandbox/DefaultTenant",
            "the URL the session and the local choices are filed under"
        );
    }
}
