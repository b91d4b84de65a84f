//! The Microsoft Entra admin-consent link, for consent walls (AADSTS65001,
//! 90094) that only an administrator can take down.

use url::Url;

use crate::error::{ApiError, ErrorCode};

/// Why [`admin_consent_url`] refused its input. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminConsentUrlError {
    /// No tenant was given.
    #[error(
        "Enter the organisation's Microsoft Entra tenant ID or domain, for example contoso.onmicrosoft.com."
    )]
    EmptyTenant,
    /// `common`, `organizations` or `consumers`: admin consent is granted in
    /// one tenant, which must be named.
    #[error(
        "Admin consent needs the organisation's own tenant ID or domain, not \"{0}\"; the tenant ID is on the Overview page of the Entra admin center."
    )]
    SharedTenant(String),
    /// Not a tenant ID (GUID) or domain name.
    #[error("\"{0}\" is not a Microsoft Entra tenant ID or domain.")]
    InvalidTenant(String),
    /// No client ID was given.
    #[error("The app's client ID is missing.")]
    EmptyClientId,
    /// No scope was given.
    #[error(
        "Name at least one permission to ask admin consent for, for example https://graph.microsoft.com/.default."
    )]
    NoScopes,
    /// The redirect URI is not an absolute http(s) URL.
    #[error("The redirect URI \"{0}\" is not an absolute http or https address.")]
    InvalidRedirectUri(String),
}

impl From<AdminConsentUrlError> for ApiError {
    fn from(err: AdminConsentUrlError) -> Self {
        ApiError::new(ErrorCode::InvalidInput, err.to_string())
    }
}

/// The Microsoft Entra (v2.0, global cloud) admin-consent link an
/// administrator opens to grant consent for the whole tenant:
/// `https://login.microsoftonline.com/{tenant}/v2.0/adminconsent?client_id=…&scope=…&redirect_uri=…&state=…`.
///
/// Scopes are joined with spaces; every value is percent-encoded (RFC 3986,
/// spaces as `%20`). The redirect URI is passed exactly as given (trimmed), since
/// Entra compares it with the registered one character for character. `state`
/// is left out when empty. `tenant` must be the tenant ID or a verified domain:
/// `common`, `organizations` and `consumers` are refused.
pub fn admin_consent_url(
    tenant: &str,
    client_id: &str,
    redirect_uri: &str,
    scopes: &[&str],
    state: &str,
) -> Result<Url, AdminConsentUrlError> {
    let tenant = tenant.trim();
    if tenant.is_empty() {
        return Err(AdminConsentUrlError::EmptyTenant);
    }
    if ["common", "organizations", "consumers"]
        .iter()
        .any(|shared| tenant.eq_ignore_ascii_case(shared))
    {
        return Err(AdminConsentUrlError::SharedTenant(tenant.to_owned()));
    }
    let tenant_chars_ok = tenant
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !tenant_chars_ok
        || tenant.len() > 253
        || tenant.starts_with(['.', '-'])
        || tenant.ends_with(['.', '-'])
    {
        return Err(AdminConsentUrlError::InvalidTenant(tenant.to_owned()));
    }
    let client_id = client_id.trim();
    if client_id.is_empty() {
        return Err(AdminConsentUrlError::EmptyClientId);
    }
    let scope = scopes
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if scope.is_empty() {
        return Err(AdminConsentUrlError::NoScopes);
    }
    let redirect_uri = redirect_uri.trim();
    match Url::parse(redirect_uri) {
        Ok(u) if matches!(u.scheme(), "https" | "http") && u.has_host() => {}
        _ => {
            return Err(AdminConsentUrlError::InvalidRedirectUri(
                redirect_uri.to_owned(),
            ));
        }
    }
    let mut query = format!(
        "client_id={}&scope={}&redirect_uri={}",
        percent_encode(client_id),
        percent_encode(&scope),
        percent_encode(redirect_uri)
    );
    if !state.is_empty() {
        query.push_str("&state=");
        query.push_str(&percent_encode(state));
    }
    Url::parse(&format!(
        "https://login.microsoftonline.com/{tenant}/v2.0/adminconsent?{query}"
    ))
    .map_err(|_| AdminConsentUrlError::InvalidTenant(tenant.to_owned()))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
