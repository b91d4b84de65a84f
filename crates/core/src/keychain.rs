//! The only place secrets are kept: the OS keychain (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows) through the `keyring`
//! crate, behind a small trait so unit tests use memory instead.
//!
//! Without a D-Bus session both Linux backends answer a misleading "no
//! entry"; we check first and say that no keychain is available, so a missing
//! keychain is never mistaken for "not signed in".

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::error::{ApiError, ErrorCode};
use crate::secret::Secret;

/// The keychain service name our entries are filed under.
pub const SERVICE: &str = "io.connassist.desktop";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    #[error(
        "No keychain is available ({0}). Signing in needs one: run in a desktop session with a Secret Service (GNOME Keyring, KWallet), or use --client-id and --client-secret."
    )]
    Unavailable(String),
    #[error("The keychain refused the operation: {0}")]
    Failed(String),
}

impl From<KeychainError> for ApiError {
    fn from(e: KeychainError) -> Self {
        ApiError::new(ErrorCode::Internal, e.to_string())
    }
}

pub trait SecretStore: Send + Sync + std::fmt::Debug {
    fn get(&self, account: &str) -> Result<Option<Secret<String>>, KeychainError>;
    fn set(&self, account: &str, secret: &Secret<String>) -> Result<(), KeychainError>;
    /// Deleting what is not there is not an error.
    fn delete(&self, account: &str) -> Result<(), KeychainError>;
    /// Where the locks that let one process at a time refresh a kept session
    /// live ([`crate::refresh_lock`]); `None` for a store no other process
    /// can see (memory), which needs none.
    fn refresh_lock_dir(&self) -> Option<PathBuf> {
        None
    }
}

/// The operating system's keychain.
#[derive(Debug, Clone)]
pub struct OsKeychain {
    service: String,
}

impl Default for OsKeychain {
    fn default() -> Self {
        Self {
            service: SERVICE.to_owned(),
        }
    }
}

fn map(e: keyring::Error) -> KeychainError {
    match e {
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
            KeychainError::Unavailable(e.to_string())
        }
        other => KeychainError::Failed(other.to_string()),
    }
}

impl OsKeychain {
    fn entry(&self, account: &str) -> Result<keyring::Entry, KeychainError> {
        if cfg!(target_os = "linux")
            && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty())
        {
            return Err(KeychainError::Unavailable(
                "there is no D-Bus session, so no Secret Service to ask".into(),
            ));
        }
        keyring::Entry::new(&self.service, account).map_err(map)
    }
}

impl SecretStore for OsKeychain {
    fn get(&self, account: &str) -> Result<Option<Secret<String>>, KeychainError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(Some(Secret::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map(e)),
        }
    }

    fn set(&self, account: &str, secret: &Secret<String>) -> Result<(), KeychainError> {
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(map)
    }

    fn delete(&self, account: &str) -> Result<(), KeychainError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map(e)),
        }
    }

    /// Beside the app's data (the folder Tauri names `app_data_dir`), else
    /// in the temporary folder.
    fn refresh_lock_dir(&self) -> Option<PathBuf> {
        Some(
            dirs::data_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join(&self.service)
                .join("session-locks"),
        )
    }
}

/// An in-memory store for tests.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<HashMap<String, String>>);

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<Secret<String>>, KeychainError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(account)
            .cloned()
            .map(Secret::new))
    }

    fn set(&self, account: &str, secret: &Secret<String>) -> Result<(), KeychainError> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(account.to_owned(), secret.expose().clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), KeychainError> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account);
        Ok(())
    }
}
