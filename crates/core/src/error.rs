//! The one error shape that leaves the process: `{code, message}`.
//!
//! Each module keeps its own precise `thiserror` enum; at a boundary (Tauri IPC,
//! CLI `--format json`) it is turned into an [`ApiError`] whose `code` is a stable
//! [`ErrorCode`] shared with TypeScript, so the UI branches on the code and never
//! on message text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable, machine-readable error categories. Exported to TypeScript; renaming
/// a variant is a breaking change for the UI and for CLI JSON consumers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The user gave something we cannot use; the message says what to change.
    InvalidInput,
    /// Signing in is needed (again): no session, or it expired or was revoked.
    Unauthorized,
    /// Signed in, but this account or token may not do that (folder, scope).
    Forbidden,
    /// The thing asked for does not exist, or cannot be seen by this account.
    NotFound,
    /// The tenant could not be reached: DNS, connection, TLS or timeout.
    Unreachable,
    /// The tenant answered with an error or with something we cannot read.
    TenantError,
    /// The user stopped it (closed the sign-in window, pressed Cancel), or it timed out.
    Cancelled,
    /// A bug or an unexpected state on our side; the message says what happened.
    Internal,
}

/// `{code, message}`: the serialized form of every error crossing IPC or printed
/// as JSON by the CLI. `message` is a full sentence meant for a person: what
/// happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[ts(export)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message_only() {
        let err = ApiError::new(ErrorCode::InvalidInput, "Use https://.");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_input", "message": "Use https://."})
        );
    }

    #[test]
    fn round_trips_through_json() {
        let err = ApiError::new(ErrorCode::Cancelled, "The sign-in was cancelled.");
        let back: ApiError = serde_json::from_str(&serde_json::to_string(&err).unwrap()).unwrap();
        assert_eq!(back, err);
        assert_eq!(back.to_string(), "The sign-in was cancelled.");
    }
}
