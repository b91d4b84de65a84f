//! Which platform the sandbox plays. The **documented** profile (the default)
//! answers only as public sources show UiPath answers: an external
//! application must name a folder to list connections and never sees their
//! owner, a ping's `error` is a string, filtered `Jobs` requests are rate
//! limited, a confidential app gets no folders from `GetAllForCurrentUser`,
//! redirect URIs and scopes are matched as registered. The **extended**
//! profile adds, on top, what no public source shows; each such thing is an
//! [`Extension`], listed once here and once in `docs/platform-evidence.md`
//! (a test keeps the two lists equal). Code that serves an invented route
//! or field asks [`Profile::has`] first, so the documented profile cannot
//! serve one by accident.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Only what public sources document or show (the default).
    #[default]
    Documented,
    /// The documented profile plus every [`Extension`].
    Extended,
}

/// What the extended profile serves that no public source shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extension {
    /// `GET Connections/{id}/auth/{session}`: a consent session's status.
    ConsentSessionStatus,
    /// `DELETE Connections/{id}/auth/{session}`: cancelling a consent session.
    ConsentSessionCancel,
    /// `POST Connections/{id}/auth/{session}/confirm`: accepting or rejecting
    /// a consent given by another account than the connection's.
    ConsentConfirmation,
    /// `GET /provisioning_/done?session=&status=`: the page a consent ends on.
    ConsentDonePage,
    /// `POST Connections`: creating a connection through the API.
    CreateConnection,
    /// `GET|PUT orchestrator_/api/AttendedSelections`: a user's connection
    /// for a binding configurable by users, kept in the tenant.
    AttendedSelections,
    /// `Configurable: "Fixed" | "ByUser"` on GetResources rows.
    ConfigurableField,
    /// `CanCreateConnections` on folders.
    CanCreateConnectionsField,
    /// `authenticationType`, `scopes`, `sharedMailbox` and `secretExpiresAt`
    /// on connections; `authenticationTypes`, `supportsSharedMailbox` and
    /// `preferSystemBrowser` on connectors.
    ConnectionAuthDetails,
    /// A ping's `error` as an object `{code, providerCode, message}`.
    StructuredPingError,
    /// `IS.Connections.Read` and `IS.Connectors.Read` granted to a
    /// confidential application's client-credentials token (public sources
    /// list them as user scopes only).
    ApplicationIntegrationScopes,
}

impl Extension {
    pub const ALL: &'static [Extension] = &[
        Self::ConsentSessionStatus,
        Self::ConsentSessionCancel,
        Self::ConsentConfirmation,
        Self::ConsentDonePage,
        Self::CreateConnection,
        Self::AttendedSelections,
        Self::ConfigurableField,
        Self::CanCreateConnectionsField,
        Self::ConnectionAuthDetails,
        Self::StructuredPingError,
        Self::ApplicationIntegrationScopes,
    ];

    /// The name `docs/platform-evidence.md` lists it under.
    pub fn name(self) -> &'static str {
        match self {
            Self::ConsentSessionStatus => "consent-session-status",
            Self::ConsentSessionCancel => "consent-session-cancel",
            Self::ConsentConfirmation => "consent-confirmation",
            Self::ConsentDonePage => "consent-done-page",
            Self::CreateConnection => "create-connection",
            Self::AttendedSelections => "attended-selections",
            Self::ConfigurableField => "configurable-field",
            Self::CanCreateConnectionsField => "can-create-connections-field",
            Self::ConnectionAuthDetails => "connection-auth-details",
            Self::StructuredPingError => "structured-ping-error",
            Self::ApplicationIntegrationScopes => "application-integration-scopes",
        }
    }
}

impl Profile {
    pub fn has(self, extension: Extension) -> bool {
        let _ = extension;
        self == Self::Extended
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Documented => "documented",
            Self::Extended => "extended",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "documented" => Ok(Self::Documented),
            "extended" => Ok(Self::Extended),
            other => Err(format!(
                "no sandbox profile {other:?}; use documented (what public sources show) or extended (documented plus the sandbox's inventions)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_extended_profile_has_extensions() {
        for e in Extension::ALL {
            assert!(!Profile::Documented.has(*e), "{e:?}");
            assert!(Profile::Extended.has(*e), "{e:?}");
        }
    }

    #[test]
    fn every_extension_is_listed_in_the_evidence_document() {
        let doc = include_str!("../../../docs/platform-evidence.md");
        for e in Extension::ALL {
            assert!(
                doc.contains(&format!("`{}`", e.name())),
                "docs/platform-evidence.md does not list the extension `{}`",
                e.name()
            );
        }
        let names: std::collections::HashSet<_> = Extension::ALL.iter().map(|e| e.name()).collect();
        assert_eq!(names.len(), Extension::ALL.len(), "names are unique");
    }

    #[test]
    fn profiles_parse_by_name() {
        assert_eq!("Extended".parse(), Ok(Profile::Extended));
        assert_eq!("documented".parse(), Ok(Profile::Documented));
        assert!(
            "kind"
                .parse::<Profile>()
                .unwrap_err()
                .contains("documented")
        );
    }
}
