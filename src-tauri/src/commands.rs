//! IPC commands: each is a thin adapter from a Tauri call to `connassist-core`,
//! returning core types and the shared `{code, message}` error. Every command
//! must also be listed in `build.rs` (its ACL permission) and granted in
//! `capabilities/main.json`, or the main window cannot call it.

use connassist_core::{ApiError, TenantUrl};

/// Validates and normalizes a tenant URL as the user types it.
#[tauri::command]
pub fn check_tenant_url(url: String) -> Result<TenantUrl, ApiError> {
    Ok(TenantUrl::parse(&url)?)
}

/// Signs in to the tenant at `url`.
#[tauri::command]
pub fn connect_tenant(url: String) -> Result<TenantUrl, ApiError> {
    let tenant = TenantUrl::parse(&url)?;
    tracing::info!(url = %tenant.url, "sign-in requested");
    Err(ApiError::not_available(format!(
        "Signing in to {} is not available in this build yet. Meanwhile, the command-line tool can check tenant URLs: connassist --help.",
        tenant.host
    )))
}

/// Starts the built-in sandbox tenant and signs in to it.
#[tauri::command]
pub fn start_sandbox() -> Result<TenantUrl, ApiError> {
    tracing::info!("sandbox requested");
    Err(ApiError::not_available(
        "The sandbox tenant is not available in this build yet. Enter your tenant's URL to continue.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use connassist_core::ErrorCode;

    #[test]
    fn invalid_urls_come_back_as_invalid_input() {
        let err = check_tenant_url("http://example.com".into()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        let err = connect_tenant("http://example.com".into()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn unbuilt_features_say_so_through_the_error_path() {
        let err = start_sandbox().unwrap_err();
        assert_eq!(err.code, ErrorCode::NotAvailable);
        let err = connect_tenant("https://cloud.uipath.com/acme/DefaultTenant".into()).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotAvailable);
        assert!(err.message.contains("cloud.uipath.com"));
    }
}
