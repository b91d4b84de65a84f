//! How a connection authenticates, typed once: the list, the details, the
//! health queue and the CLI read the kind and its display name from here
//! instead of each matching Integration Service's `authenticationType`
//! strings (`OAuth2AuthorizationCode`, …) on its own. Creating names the kind
//! it asks for ([`crate::create`]); listing reads it back ([`crate::connections`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a connection authenticates. Fixed at creation (the platform cannot
/// change it afterwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub enum AuthKind {
    /// OAuth authorization code with the platform's app: acts as the person who signs in.
    Delegated,
    /// Authorization code with the organisation's own app registration.
    BringYourOwnApp,
    /// The app acts as itself with a client secret: no person signs in.
    ClientCredentials,
    /// The app acts as itself with a certificate.
    ClientCertificate,
}

impl AuthKind {
    const ALL: [Self; 4] = [
        Self::Delegated,
        Self::BringYourOwnApp,
        Self::ClientCredentials,
        Self::ClientCertificate,
    ];

    /// Integration Service's name for it.
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::Delegated => "OAuth2AuthorizationCode",
            Self::BringYourOwnApp => "OAuth2BringYourOwnApp",
            Self::ClientCredentials => "OAuth2ClientCredentials",
            Self::ClientCertificate => "OAuth2ClientCertificate",
        }
    }

    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.wire_name().eq_ignore_ascii_case(name))
    }

    /// A person consents at the provider (in a browser window).
    pub fn signs_in(self) -> bool {
        matches!(self, Self::Delegated | Self::BringYourOwnApp)
    }

    /// The display name, the same in the app's list and details and in the
    /// CLI: what it acts as, in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Delegated => "Delegated (OAuth, acts as the user)",
            Self::BringYourOwnApp => "Delegated through your organisation's app",
            Self::ClientCredentials => "App-only (client secret)",
            Self::ClientCertificate => "App-only (certificate)",
        }
    }

    /// The short word for a table cell (the list, the CLI's table).
    pub fn short_label(self) -> &'static str {
        match self {
            Self::Delegated => "delegated",
            Self::BringYourOwnApp => "own app",
            Self::ClientCredentials => "app-only",
            Self::ClientCertificate => "certificate",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_name_reads_back_as_its_kind_with_a_display_name() {
        for kind in AuthKind::ALL {
            assert_eq!(AuthKind::from_wire(kind.wire_name()), Some(kind));
            assert!(!kind.label().contains("OAuth2"), "{}", kind.label());
        }
        assert_eq!(
            AuthKind::from_wire("oauth2authorizationcode").map(AuthKind::label),
            Some("Delegated (OAuth, acts as the user)")
        );
        assert_eq!(AuthKind::from_wire("Basic"), None);
    }
}
