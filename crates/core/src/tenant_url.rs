//! Validating and normalizing the tenant URL a user types or pastes.
//!
//! A tenant is addressed as `https://<host>/<organization>/<tenant>` (Automation
//! Cloud and Automation Suite alike). People paste whatever their browser shows,
//! often a deeper page (`…/DefaultTenant/orchestrator_/folders?fid=1`), so the
//! service path, query and fragment are dropped rather than rejected. Plain
//! `http` is refused except on loopback, where only the sandbox tenant lives:
//! tokens must never travel unencrypted over a network.

use std::net::IpAddr;

use serde::Serialize;
use ts_rs::TS;
use url::{Host, Url};

use crate::error::{ApiError, ErrorCode};

/// A validated tenant base URL, normalized to `scheme://host[:port]/org/tenant`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TenantUrl {
    /// The normalized base URL, without a trailing slash.
    pub url: String,
    pub host: String,
    pub organization: Option<String>,
    pub tenant: Option<String>,
    /// True for 127.0.0.0/8, ::1 and `localhost`: a tenant on this computer.
    pub loopback: bool,
}

/// Why a tenant URL was refused. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantUrlError {
    #[error("Enter your tenant's URL, for example https://cloud.uipath.com/acme/DefaultTenant.")]
    Empty,
    #[error("That is not a URL ({0}). Copy the address of your tenant from the browser.")]
    Unparseable(String),
    #[error(
        "Use https:// for a tenant URL. Plain http:// is only accepted for a tenant on this computer (127.0.0.1 or localhost)."
    )]
    InsecureScheme,
    #[error("A tenant URL starts with https://, not {0}://.")]
    UnsupportedScheme(String),
    #[error("The URL has no host name. Copy the address of your tenant from the browser.")]
    MissingHost,
    #[error(
        "Remove the user name and password from the URL: you sign in on the next step, never in the address."
    )]
    HasCredentials,
    #[error(
        "Add your organization and tenant to the address, for example https://{0}/acme/DefaultTenant."
    )]
    MissingOrganization(String),
    #[error(
        "Add the tenant name after the organization, for example https://{host}/{organization}/DefaultTenant."
    )]
    MissingTenant { host: String, organization: String },
}

impl TenantUrlError {
    /// A stable name for the variant, used by the shared test-case table.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Unparseable(_) => "unparseable",
            Self::InsecureScheme => "insecure_scheme",
            Self::UnsupportedScheme(_) => "unsupported_scheme",
            Self::MissingHost => "missing_host",
            Self::HasCredentials => "has_credentials",
            Self::MissingOrganization(_) => "missing_organization",
            Self::MissingTenant { .. } => "missing_tenant",
        }
    }
}

impl From<TenantUrlError> for ApiError {
    fn from(err: TenantUrlError) -> Self {
        ApiError::new(ErrorCode::InvalidInput, err.to_string())
    }
}

/// Path segments that start a service inside a tenant (`…/orchestrator_/…`):
/// everything from the first of them on is not part of the tenant address.
fn is_service_segment(segment: &str) -> bool {
    segment.ends_with('_')
}

/// UiPath's multi-tenant cloud hosts always need `/org/tenant`; an Automation
/// Suite or sandbox host may serve a tenant at another path.
fn is_automation_cloud(host: &str) -> bool {
    host == "uipath.com" || host.ends_with(".uipath.com")
}

pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

impl TenantUrl {
    /// `scheme://host[:port]`: where the identity server lives (`/identity_`).
    pub fn origin(&self) -> &str {
        let after_scheme = self.url.find("://").map_or(0, |i| i + 3);
        match self.url[after_scheme..].find('/') {
            Some(i) => &self.url[..after_scheme + i],
            None => &self.url,
        }
    }

    /// Validates what a user typed. A missing scheme means `https://`.
    pub fn parse(input: &str) -> Result<Self, TenantUrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(TenantUrlError::Empty);
        }
        let with_scheme = if input.contains("://") {
            input.to_owned()
        } else {
            format!("https://{input}")
        };
        let parsed =
            Url::parse(&with_scheme).map_err(|e| TenantUrlError::Unparseable(e.to_string()))?;

        let host = parsed.host().ok_or(TenantUrlError::MissingHost)?;
        let loopback = is_loopback(&host);
        match parsed.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(TenantUrlError::InsecureScheme),
            other => return Err(TenantUrlError::UnsupportedScheme(other.to_owned())),
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(TenantUrlError::HasCredentials);
        }
        let host_str = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
        if host_str.is_empty() {
            return Err(TenantUrlError::MissingHost);
        }

        let segments: Vec<&str> = parsed
            .path_segments()
            .map(|s| s.filter(|seg| !seg.is_empty()).collect())
            .unwrap_or_default();
        let mut segments: Vec<&str> = segments
            .into_iter()
            .take_while(|seg| !is_service_segment(seg))
            .collect();

        if is_automation_cloud(&host_str) {
            match segments.len() {
                0 => return Err(TenantUrlError::MissingOrganization(host_str)),
                1 => {
                    return Err(TenantUrlError::MissingTenant {
                        host: host_str,
                        organization: segments[0].to_owned(),
                    });
                }
                _ => segments.truncate(2),
            }
        }

        let authority = match parsed.port() {
            Some(port) => format!("{}:{port}", parsed.host_str().unwrap_or_default()),
            None => parsed.host_str().unwrap_or_default().to_owned(),
        };
        let mut url = format!("{}://{}", parsed.scheme(), authority.to_ascii_lowercase());
        for seg in &segments {
            url.push('/');
            url.push_str(seg);
        }
        Ok(TenantUrl {
            url,
            host: host_str,
            organization: segments.first().map(|s| (*s).to_owned()),
            tenant: segments.get(1).map(|s| (*s).to_owned()),
            loopback,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_to_a_remote_host_says_to_use_https() {
        let err = TenantUrl::parse("http://example.com").unwrap_err();
        assert_eq!(err, TenantUrlError::InsecureScheme);
        assert!(err.to_string().contains("Use https://"), "{err}");
        let api: ApiError = err.into();
        assert_eq!(api.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn a_pasted_deep_link_is_cut_back_to_the_tenant() {
        let t = TenantUrl::parse(
            " https://Cloud.UiPath.com/acme/DefaultTenant/orchestrator_/folders?fid=1#top ",
        )
        .unwrap();
        assert_eq!(t.url, "https://cloud.uipath.com/acme/DefaultTenant");
        assert_eq!(t.organization.as_deref(), Some("acme"));
        assert_eq!(t.tenant.as_deref(), Some("DefaultTenant"));
        assert!(!t.loopback);
    }

    #[test]
    fn loopback_may_use_http_with_a_port() {
        let t = TenantUrl::parse("http://127.0.0.1:41234/sandbox/DefaultTenant/").unwrap();
        assert_eq!(t.url, "http://127.0.0.1:41234/sandbox/DefaultTenant");
        assert!(t.loopback);
        assert!(TenantUrl::parse("http://[::1]:8080").unwrap().loopback);
        assert!(TenantUrl::parse("http://localhost:8080").unwrap().loopback);
    }

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        assert_eq!(
            TenantUrl::parse("https://cloud.uipath.com/acme/T")
                .unwrap()
                .origin(),
            "https://cloud.uipath.com"
        );
        assert_eq!(
            TenantUrl::parse("http://127.0.0.1:9/sandbox/T")
                .unwrap()
                .origin(),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            TenantUrl::parse("https://rpa.contoso.com:8443")
                .unwrap()
                .origin(),
            "https://rpa.contoso.com:8443"
        );
    }

    #[test]
    fn missing_tenant_message_names_the_organization() {
        let err = TenantUrl::parse("cloud.uipath.com/acme").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Add the tenant name after the organization, for example https://cloud.uipath.com/acme/DefaultTenant."
        );
    }
}
