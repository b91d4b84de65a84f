//! Core's `TenantClient` signed in to a sandbox started here on loopback: for
//! the tests that list, check, reconnect and choose connections through core
//! against a tenant. The user's tokens come from the sandbox directly
//! (`Sandbox::sign_in_as`): these tests are about what comes after sign-in.

use connassist_core::auth::session::READ_SCOPES;
use connassist_core::retry::RetryPolicy;
use connassist_core::tenant_client::TenantClient;
use connassist_core::{Secret, TenantUrl};
use connassist_sandbox::{Profile, Sandbox};

/// Just what listing folders and connections needs.
pub const LISTING_SCOPES: &str = "OR.Folders.Read OR.Users.Read IS.Connections.Read";

/// A sandbox of the documented profile injecting `faults`, and a client
/// signed in to it as `user` with the retry policy `retry`.
pub async fn signed_in(faults: &str, user: &str, retry: RetryPolicy) -> (Sandbox, TenantClient) {
    signed_in_to(Profile::Documented, faults, user, retry).await
}

/// [`signed_in`] to a sandbox of `profile`.
pub async fn signed_in_to(
    profile: Profile,
    faults: &str,
    user: &str,
    retry: RetryPolicy,
) -> (Sandbox, TenantClient) {
    let sb = crate::sandbox::faulty_sandbox(profile, faults).await;
    let client = client_with_scopes(&sb, user, LISTING_SCOPES).with_retry(retry);
    (sb, client)
}

/// A sandbox of `profile` with no faults, and a client signed in to it as
/// `user` with the default retry policy.
pub async fn signed_in_as(profile: Profile, user: &str) -> (Sandbox, TenantClient) {
    let sb = crate::sandbox::sandbox_of(profile).await;
    let client = client_as(&sb, user);
    (sb, client)
}

/// A client of `sb` signed in as `user` with the scopes the app reads with.
pub fn client_as(sb: &Sandbox, user: &str) -> TenantClient {
    client_with_scopes(sb, user, &READ_SCOPES.join(" "))
}

/// A client of `sb` signed in as `user` with `scopes` (space-separated).
pub fn client_with_scopes(sb: &Sandbox, user: &str, scopes: &str) -> TenantClient {
    let tokens = sb.sign_in_as(user, scopes).unwrap();
    TenantClient::new(
        TenantUrl::parse(&sb.base_url).unwrap(),
        Secret::new(tokens.access_token),
    )
    .unwrap()
}
