//! Logging set-up shared by the desktop app and the CLI: `tracing` to stderr
//! and, for the app, to a daily-rotated file in its log directory so that a user
//! can send us what happened. Nothing secret is logged: secrets are
//! [`crate::Secret`]s, whose `Debug` is redacted, and URLs that carry
//! credentials are refused by [`crate::TenantUrl`].
//!
//! The level comes from `CONNASSIST_LOG` (an `EnvFilter` directive such as
//! `debug` or `connassist_core=trace`), defaulting to `info`. Lines are
//! coloured only on a terminal; a file or a pipe gets plain text.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

/// Environment variable holding the log filter.
pub const LOG_ENV: &str = "CONNASSIST_LOG";
/// How many daily log files are kept in the log directory.
pub const KEPT_LOG_FILES: usize = 7;

/// Keeps the file writer flushing; drop it only when the process ends.
#[derive(Debug)]
pub struct LogGuard {
    _file: Option<WorkerGuard>,
    pub file_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("cannot create the log directory {dir}: {source}")]
    CreateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open a log file in {dir}: {source}")]
    OpenFile {
        dir: PathBuf,
        source: tracing_appender::rolling::InitError,
    },
    #[error("logging was already initialized: {0}")]
    AlreadyInitialized(String),
}

fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default))
}

/// Colour codes only for a person at a terminal: not when stderr is a file
/// or a pipe (they would litter it), nor when `NO_COLOR` is set
/// (<https://no-color.org>).
fn colours_on_stderr() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A daily-rotated file writer in `dir` named `<prefix>.YYYY-MM-DD.log`,
/// keeping [`KEPT_LOG_FILES`] files.
pub fn rolling_file(dir: &Path, prefix: &str) -> Result<RollingFileAppender, LoggingError> {
    std::fs::create_dir_all(dir).map_err(|source| LoggingError::CreateDir {
        dir: dir.to_owned(),
        source,
    })?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(prefix)
        .filename_suffix("log")
        .max_log_files(KEPT_LOG_FILES)
        .build(dir)
        .map_err(|source| LoggingError::OpenFile {
            dir: dir.to_owned(),
            source,
        })
}

/// Installs the global subscriber: stderr always, plus a rotating file in
/// `file_dir` when given. `default_level` applies when `CONNASSIST_LOG` is unset.
pub fn init(
    default_level: &str,
    file_dir: Option<&Path>,
    file_prefix: &str,
) -> Result<LogGuard, LoggingError> {
    let stderr = fmt::layer()
        .with_ansi(colours_on_stderr())
        .with_writer(std::io::stderr)
        .with_filter(filter(default_level));
    let (file_layer, guard) = match file_dir {
        Some(dir) => {
            let (writer, guard) = tracing_appender::non_blocking(rolling_file(dir, file_prefix)?);
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter(default_level));
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init()
        .map_err(|e| LoggingError::AlreadyInitialized(e.to_string()))?;
    Ok(LogGuard {
        _file: guard,
        file_dir: file_dir.map(Path::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn rolling_file_writes_a_dated_log_in_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let log_dir = dir.path().join("nested/logs");
        let mut appender = rolling_file(&log_dir, "connassist").unwrap();
        appender.write_all(b"hello\n").unwrap();
        appender.flush().unwrap();
        let names: Vec<String> = std::fs::read_dir(&log_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(
            names[0].starts_with("connassist.") && names[0].ends_with(".log"),
            "{names:?}"
        );
    }

    #[test]
    fn an_unwritable_log_dir_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let err = rolling_file(&file.join("logs"), "connassist").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot create the log directory"),
            "{err}"
        );
    }
}
