//! A core client signed in to a sandbox started here on loopback, with
//! `faults` injected and the test's own retry policy: for the tests that
//! list and check connections against a tenant.
// A panic here is the calling test failing.
#![allow(clippy::unwrap_used)]

use connassist_core::retry::RetryPolicy;
use connassist_core::tenant_client::TenantClient;
use connassist_core::{Secret, TenantUrl};
use connassist_sandbox::{Config, FaultSpec, Profile, Sandbox};

const SCOPES: &str = "OR.Folders.Read OR.Users.Read IS.Connections.Read";

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
    let sb = Sandbox::start(Config {
        faults: FaultSpec::parse(faults).unwrap(),
        profile,
        ..Config::default()
    })
    .await
    .unwrap();
    let tokens = sb.sign_in_as(user, SCOPES).unwrap();
    let client = TenantClient::new(
        TenantUrl::parse(&sb.base_url).unwrap(),
        Secret::new(tokens.access_token),
    )
    .unwrap()
    .with_retry(retry);
    (sb, client)
}
