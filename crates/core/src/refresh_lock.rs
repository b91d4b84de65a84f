//! One refresh of a kept session at a time across processes.
//!
//! A session kept in the keychain is shared by every process on the computer
//! (the app, several `connassist` runs from scripts or cron). Refresh tokens
//! rotate, and a tenant that sees a used one again takes it as theft and ends
//! the whole sign-in. So two processes must never refresh with the same
//! token: the in-process lock of [`crate::auth::token_session`] is not enough. This
//! module takes an OS file lock (`flock` on Unix, `LockFileEx` on Windows, via
//! std's `File::try_lock`) on a file per tenant in the store's lock folder
//! (the OS keychain's is beside the app's data,
//! [`crate::keychain::SecretStore::refresh_lock_dir`]); the process holding
//! it refreshes, the others wait, then read what it stored. The OS
//! releases the lock when its holder exits, crashed or not, so a stale lock
//! cannot block anyone. The files hold nothing (no secret ever goes there).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::Duration;

/// How long to wait for another process's refresh before giving up: longer
/// than one refresh may take with its retries (eight attempts of at most
/// 30 s each, and the waits between them).
const WAIT_AT_MOST: Duration = Duration::from_secs(300);
const POLL: Duration = Duration::from_millis(20);

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "Another Connections Assistant has been refreshing the session for {account} for {} s and has not finished. Try again; if it repeats, end the other connassist or app process.",
        WAIT_AT_MOST.as_secs()
    )]
    TimedOut { account: String },
}

/// Held while this process refreshes the session; dropping it (or exiting)
/// lets the next process in.
#[derive(Debug)]
pub struct RefreshLock {
    // Closing the file releases the lock.
    _file: Option<File>,
}

/// A file name for `account` (a tenant URL): letters and digits kept, the
/// rest replaced, so every build of the app and the CLI picks the same file.
/// Two accounts sharing a name only share a lock, which is harmless.
pub fn lock_file_name(account: &str) -> String {
    let safe: String = account
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(150)
        .collect();
    format!("{safe}.lock")
}

impl RefreshLock {
    /// Waits until no other process refreshes `account`'s session, then holds
    /// the lock, a file in `dir`; no `dir`, no lock (a store only this
    /// process sees). When no lock file can be made (a read-only home) it
    /// says so in the log and goes on without one: refreshing unguarded
    /// across processes is what happened before, and refusing would stop
    /// even a lone process.
    pub async fn acquire(dir: Option<&Path>, account: &str) -> Result<Self, LockError> {
        match dir {
            Some(dir) => Self::acquire_in(dir, account).await,
            None => Ok(Self { _file: None }),
        }
    }

    async fn acquire_in(dir: &Path, account: &str) -> Result<Self, LockError> {
        let path = dir.join(lock_file_name(account));
        let file = std::fs::create_dir_all(dir).and_then(|()| {
            OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
        });
        let file = match file {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "no lock file: refreshing without guarding against other processes");
                return Ok(Self { _file: None });
            }
        };
        let deadline = tokio::time::Instant::now() + WAIT_AT_MOST;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: Some(file) }),
                Err(TryLockError::WouldBlock) => {
                    if tokio::time::Instant::now() >= deadline {
                        return Err(LockError::TimedOut {
                            account: account.to_owned(),
                        });
                    }
                    tokio::time::sleep(POLL).await;
                }
                Err(TryLockError::Error(e)) => {
                    tracing::warn!(path = %path.display(), error = %e, "the lock file cannot be locked: refreshing without guarding against other processes");
                    return Ok(Self { _file: None });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_file_names_are_plain_and_stable() {
        assert_eq!(
            lock_file_name("https://cloud.uipath.com/acme/DefaultTenant"),
            "https___cloud_uipath_com_acme_DefaultTenant.lock"
        );
        assert_eq!(lock_file_name(&"é/".repeat(500)).len(), 150 + ".lock".len());
    }

    #[tokio::test]
    async fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = RefreshLock::acquire_in(dir.path(), "t").await.unwrap();
        let second = tokio::spawn({
            let dir = dir.path().to_owned();
            async move { RefreshLock::acquire_in(&dir, "t").await.map(|_| ()) }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            !second.is_finished(),
            "the second waits while the first holds it"
        );
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), second)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn no_lock_file_is_no_reason_to_stop() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_dir = dir.path().join("file");
        std::fs::write(&not_a_dir, b"").unwrap();
        let lock = RefreshLock::acquire_in(&not_a_dir.join("locks"), "t")
            .await
            .unwrap();
        assert!(lock._file.is_none());
    }
}
