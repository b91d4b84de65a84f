//! "Check for updates" and "Install" in Settings, through
//! `tauri-plugin-updater`. Nothing happens unless the user clicks: a check
//! fetches the update manifest, downloads the newer package and verifies its
//! minisign signature (and the version it was signed for) against the public
//! key built into the app; only a package that passes is offered, and it is
//! installed only when the user clicks "Install and restart". A package that
//! fails the check is dropped and the user is told why.
//!
//! The address comes from `tauri.conf.json` (`plugins.updater.endpoints`);
//! `CONNASSIST_UPDATE_URL` replaces it (a local mirror; the tests' server on
//! loopback). Debug builds also take the public key from
//! `CONNASSIST_UPDATE_PUBKEY`, so a test can sign with a key pair it made a
//! moment before; release builds trust only the key they were built with.

use std::sync::Mutex;
use std::time::Duration;

use connassist_core::updates::{self, UpdateCheck};
use connassist_core::{ApiError, ErrorCode};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_updater::{Error, Update, UpdaterExt};

/// Debug builds only: the public key to verify updates with, instead of the
/// one in `tauri.conf.json`.
#[cfg(debug_assertions)]
const PUBKEY_ENV: &str = "CONNASSIST_UPDATE_PUBKEY";

/// A whole package must arrive within this time.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// The verified package the user was offered, until they install it.
#[derive(Default)]
pub struct Pending(Mutex<Option<(Update, Vec<u8>)>>);

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let version = slot.as_ref().map(|(u, _)| u.version.as_str());
        f.debug_struct("Pending")
            .field("version", &version)
            .finish()
    }
}

/// The version the user runs (Settings shows it).
#[tauri::command]
pub fn app_version<R: Runtime>(app: AppHandle<R>) -> String {
    app.package_info().version.to_string()
}

/// Looks for a newer version; downloads and verifies it before offering it.
#[tauri::command]
pub async fn check_for_update<R: Runtime>(
    app: AppHandle<R>,
    pending: State<'_, Pending>,
) -> Result<UpdateCheck, ApiError> {
    let current_version = app.package_info().version.to_string();
    let updater = updater(&app)?;
    let Some(update) = updater.check().await.map_err(|e| check_failed(&e))? else {
        tracing::info!(current_version, "no newer version published");
        return Ok(UpdateCheck::UpToDate { current_version });
    };
    let version = update.version.clone();
    tracing::info!(version, url = %update.download_url, "downloading the update to verify it");
    match update.download(|_, _| {}, || {}).await {
        Ok(bytes) => {
            let offer = UpdateCheck::Available {
                current_version,
                version,
                notes: update.body.clone(),
                // As the manifest wrote it (RFC 3339); the UI formats it.
                published: update
                    .raw_json
                    .get("pub_date")
                    .and_then(|d| d.as_str())
                    .map(str::to_owned),
            };
            *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((update, bytes));
            Ok(offer)
        }
        Err(e) => match refusal(&e) {
            Some(reason) => {
                tracing::warn!(version, error = %e, "update refused");
                *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
                Ok(UpdateCheck::Refused {
                    current_version,
                    version,
                    reason,
                })
            }
            None => Err(check_failed(&e)),
        },
    }
}

/// Installs the update the user was offered, then restarts into it. On
/// Windows the installer closes the app itself.
#[tauri::command]
pub async fn install_update<R: Runtime>(
    app: AppHandle<R>,
    pending: State<'_, Pending>,
) -> Result<(), ApiError> {
    let Some((update, bytes)) = pending.0.lock().unwrap_or_else(|p| p.into_inner()).take() else {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "No update is waiting: check for updates first.",
        ));
    };
    if let Some(why) = not_installable() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "{why} Install version {} from the releases page.",
                update.version
            ),
        ));
    }
    tracing::info!(version = update.version, "installing the update");
    // dpkg/rpm behind a password prompt, or the Windows installer: blocking.
    let version = update.version.clone();
    tauri::async_runtime::spawn_blocking(move || update.install(&bytes))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("The installer stopped: {e}")))?
        .map_err(|e| {
            ApiError::new(
                match e {
                    Error::AuthenticationFailed => ErrorCode::Cancelled,
                    _ => ErrorCode::Internal,
                },
                format!(
                    "Version {version} was not installed: {e}. The current version keeps running."
                ),
            )
        })?;
    app.restart()
}

/// Why this copy cannot replace itself, if it cannot: on Linux only a copy
/// installed from the .deb or .rpm knows its package manager (a copy built
/// from source would be overwritten by a package it did not come from).
fn not_installable() -> Option<&'static str> {
    if cfg!(target_os = "linux") && tauri::utils::platform::bundle_type().is_none() {
        Some("This copy was not installed from a package, so it cannot update itself.")
    } else {
        None
    }
}

/// The updater for this check: the configured (or given) address and key.
fn updater<R: Runtime>(app: &AppHandle<R>) -> Result<tauri_plugin_updater::Updater, ApiError> {
    let mut builder = app.updater_builder().timeout(DOWNLOAD_TIMEOUT);
    if let Some(value) = std::env::var(updates::UPDATE_URL_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        let endpoint = updates::endpoint_from(&value)?;
        builder = builder
            .endpoints(vec![endpoint])
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))?;
    }
    #[cfg(debug_assertions)]
    if let Some(key) = std::env::var(PUBKEY_ENV)
        .ok()
        .filter(|k| !k.trim().is_empty())
    {
        tracing::warn!("verifying updates with the key in {PUBKEY_ENV} (debug build)");
        builder = builder.pubkey(key.trim());
    }
    builder.build().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("Updates cannot be checked in this build: {e}"),
        )
    })
}

/// The sentence for a package that is not what was signed, or `None` when
/// `e` is not about the signature.
fn refusal(e: &Error) -> Option<String> {
    let why = match e {
        Error::Minisign(_) => {
            "its signature does not match the package: it was altered or damaged on the way, or signed by someone else"
        }
        Error::SignedVersionMismatch { .. } => {
            "it was signed as another version than the one announced (an older release passed off as new)"
        }
        Error::MissingSignedVersion => "its signature does not say which version it is",
        Error::Base64(_) | Error::SignatureUtf8(_) => "its signature cannot be read",
        _ => return None,
    };
    Some(format!(
        "The update was not offered because {why}. Nothing was installed."
    ))
}

/// A check that could not be made: no answer, or one we cannot use.
fn check_failed(e: &Error) -> ApiError {
    let (code, message) = match e {
        Error::Reqwest(_) | Error::Network(_) | Error::ReleaseNotFound => (
            ErrorCode::Unreachable,
            format!(
                "The update server could not be reached or gave no release: {e}. Try again later."
            ),
        ),
        Error::TargetNotFound(_) | Error::TargetsNotFound(_) => (
            ErrorCode::NotFound,
            format!("A newer version is published, but not for this platform yet: {e}."),
        ),
        _ => (
            ErrorCode::Internal,
            format!("Checking for updates failed: {e}."),
        ),
    };
    ApiError::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_signature_is_a_refusal_with_the_reason_and_a_network_error_is_not() {
        let altered = Error::SignedVersionMismatch {
            signed: "0.1.0".into(),
            announced: "0.2.0".into(),
        };
        let reason = refusal(&altered).expect("a refusal");
        assert!(reason.contains("another version"), "{reason}");
        assert!(reason.ends_with("Nothing was installed."), "{reason}");
        assert!(refusal(&Error::Network("connection refused".into())).is_none());
        assert_eq!(
            check_failed(&Error::Network("connection refused".into())).code,
            ErrorCode::Unreachable
        );
    }
}
