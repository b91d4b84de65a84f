//! Small JSON files the app keeps in its config folder (attended choices,
//! settings): read with a message that says how to recover from damage, and
//! written through a temporary file and a rename, so a crash never leaves half
//! a file. Never for secrets: those live in the keychain.

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};

/// Reads `file`; a missing file is `T::default()`. `holds` says what the file
/// holds, for the message when it is damaged ("only connection choices").
pub fn read<T: DeserializeOwned + Default>(file: &Path, holds: &str) -> Result<T, ApiError> {
    match std::fs::read_to_string(file) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!(
                    "{} is damaged ({e}); delete it to start over (it holds {holds}).",
                    file.display()
                ),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(ApiError::new(
            ErrorCode::Internal,
            format!("Cannot read {}: {e}.", file.display()),
        )),
    }
}

/// Writes `value` to `file` (creating its folder), atomically.
pub fn write<T: Serialize>(file: &Path, value: &T, what: &str) -> Result<(), ApiError> {
    let fail = |e: &dyn std::fmt::Display| {
        ApiError::new(
            ErrorCode::Internal,
            format!("Cannot save {what} in {}: {e}.", file.display()),
        )
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let text = serde_json::to_string_pretty(value).map_err(|e| fail(&e))?;
    let tmp = file.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(|e| fail(&e))?;
    std::fs::rename(&tmp, file).map_err(|e| fail(&e))
}
