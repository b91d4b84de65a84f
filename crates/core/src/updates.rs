//! What "Check for updates" tells the user, and where the app looks for
//! updates. The desktop shell does the work through `tauri-plugin-updater`
//! (download, minisign signature check against the app's public key,
//! install); this module holds the parts that are neither Tauri nor a window:
//! the outcome the Settings screen shows, and the rule for an update address
//! given in `CONNASSIST_UPDATE_URL` (tests point it at a server on loopback;
//! an organisation may mirror releases).

use serde::Serialize;
use ts_rs::TS;
use url::Url;

use crate::error::{ApiError, ErrorCode};

/// The environment variable that replaces the update address of the build.
pub const UPDATE_URL_ENV: &str = "CONNASSIST_UPDATE_URL";

/// The outcome of a check the user asked for. Nothing is installed until the
/// user accepts an `available` update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum UpdateCheck {
    /// No newer version is published.
    #[serde(rename_all = "camelCase")]
    UpToDate { current_version: String },
    /// A newer version was downloaded and its signature verified: ready to install.
    #[serde(rename_all = "camelCase")]
    Available {
        current_version: String,
        version: String,
        /// Release notes, as published.
        notes: Option<String>,
        /// When it was published (RFC 3339), if the manifest says.
        published: Option<String>,
    },
    /// A newer version was announced, but the download is not what the
    /// publisher signed (or not signed for that version): it was thrown away.
    #[serde(rename_all = "camelCase")]
    Refused {
        current_version: String,
        version: String,
        reason: String,
    },
}

/// Reads an update address given in the environment: `https`, or `http` only
/// on this computer (a test server, a local mirror), never with credentials.
pub fn endpoint_from(value: &str) -> Result<Url, ApiError> {
    let invalid = |why: &str| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("{UPDATE_URL_ENV} is not a usable update address ({why}): {value}"),
        )
    };
    let url = Url::parse(value.trim()).map_err(|e| invalid(&e.to_string()))?;
    let loopback = url
        .host()
        .is_some_and(|host| crate::tenant_url::is_loopback(&host));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(invalid("use https, or http only on 127.0.0.1")),
        other => return Err(invalid(&format!("{other} is not http or https"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("no user name or password in the address"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        for ok in [
            "https://updates.example.com/connassist/latest.json",
            "http://127.0.0.1:41234/latest.json",
            "http://localhost:8080/{{target}}/{{arch}}/{{current_version}}",
            "http://[::1]:9/latest.json",
        ] {
            assert!(endpoint_from(ok).is_ok(), "{ok} refused");
        }
    }

    #[test]
    fn plain_http_elsewhere_other_schemes_and_credentials_are_refused() {
        for (bad, why) in [
            ("http://updates.example.com/latest.json", "use https"),
            ("file:///tmp/latest.json", "file is not http or https"),
            (
                "https://me:pw@updates.example.com/latest.json",
                "no user name",
            ),
            ("latest.json", "relative URL"),
        ] {
            let e = endpoint_from(bad).expect_err(bad);
            assert_eq!(e.code, ErrorCode::InvalidInput);
            assert!(e.message.contains(why), "{bad}: {}", e.message);
            assert!(e.message.contains(UPDATE_URL_ENV), "{}", e.message);
        }
    }

    #[test]
    fn the_outcome_is_tagged_for_the_ui() {
        let json = serde_json::to_value(UpdateCheck::Available {
            current_version: "0.1.0".into(),
            version: "0.2.0".into(),
            notes: None,
            published: None,
        })
        .expect("serializes");
        assert_eq!(json["status"], "available");
        assert_eq!(json["currentVersion"], "0.1.0");
    }
}
