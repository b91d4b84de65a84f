//! The health check against a real sandbox on loopback: every connection
//! pinged through the tenant and judged (the forum scenario's broken ones
//! with their causes), and under injected faults (429 with Retry-After, 5xx,
//! truncated bodies, timeouts) no row is lost: a ping that keeps failing
//! falls back to the connection's recorded state, marked as such.

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use connassist_core::connections::{ListOptions, list};
use connassist_core::failure::FailureStatus;
use connassist_core::health::{self, Evidence, HealthResult};
use connassist_core::retry::RetryPolicy;
use connassist_core::tenant_client::TenantClient;

use connassist_sandbox::Sandbox;

async fn signed_in(faults: &str, user: &str) -> (Sandbox, TenantClient) {
    connassist_testkit::tenant::signed_in(
        faults,
        user,
        RetryPolicy {
            attempts: 4,
            base: Duration::from_millis(2),
            max_retry_after: Duration::from_millis(1500),
            ..RetryPolicy::default()
        },
    )
    .await
}

async fn check(client: &TenantClient) -> Vec<HealthResult> {
    let listing = list(client, &ListOptions::default(), |_| {}).await.unwrap();
    assert!(listing.errors.is_empty(), "{:?}", listing.errors);
    let mut results = vec![];
    let mut batches = 0;
    let summary = health::check(client, listing.connections.clone(), 4, |b| {
        batches += 1;
        results.extend(b);
    })
    .await;
    assert_eq!(summary.checked, listing.connections.len());
    assert_eq!(results.len(), listing.connections.len(), "no row lost");
    assert!(batches >= 1);
    results.sort_by(|a, b| a.connection.name.cmp(&b.connection.name));
    results
}

fn status_of<'a>(results: &'a [HealthResult], name: &str) -> &'a HealthResult {
    results
        .iter()
        .find(|r| r.connection.name == name)
        .unwrap_or_else(|| panic!("{name} checked"))
}

#[tokio::test]
async fn the_forum_scenarios_broken_connections_are_found_and_explained() {
    let (_sb, client) = signed_in("", "hana").await;
    let results = check(&client).await;
    let finance = status_of(&results, "Finance SharePoint");
    assert_eq!(finance.status, FailureStatus::Revoked, "{finance:?}");
    assert_eq!(finance.evidence, Evidence::Ping);
    assert!(finance.explanation.fix.contains("Reconnect"), "{finance:?}");
    let idle = status_of(&results, "robot-prod-02@contoso.example");
    assert_eq!(idle.status, FailureStatus::Expired, "{idle:?}");
    assert_eq!(
        status_of(&results, "robot-prod-01@contoso.example").status,
        FailureStatus::Healthy
    );
}

#[tokio::test]
async fn faults_slow_the_check_down_but_lose_no_row() {
    let (_sb, clean) = signed_in("", "hana").await;
    let expected: Vec<(String, FailureStatus)> = check(&clean)
        .await
        .into_iter()
        .map(|r| (r.connection.name, r.status))
        .collect();

    let (_sb, client) = signed_in("rate=0.3,kinds=429+503+500+truncated,seed=11", "hana").await;
    let results = check(&client).await;
    let pinged = results
        .iter()
        .filter(|r| r.evidence == Evidence::Ping)
        .count();
    assert!(pinged > 0, "retries got most pings through");
    for r in &results {
        let (_, want) = expected
            .iter()
            .find(|(n, _)| *n == r.connection.name)
            .unwrap();
        if r.evidence == Evidence::Ping {
            assert_eq!(r.status, *want, "{}", r.connection.name);
        }
    }
}

#[tokio::test]
async fn a_ping_that_keeps_failing_falls_back_to_the_recorded_state() {
    // Every API answer fails after listing would too, so list on a clean
    // sandbox and ping on one that always fails.
    let (_sb, clean) = signed_in("", "hana").await;
    let rows = list(&clean, &ListOptions::default(), |_| {})
        .await
        .unwrap()
        .connections;
    let (_sb2, failing) = signed_in("rate=1,kinds=503,seed=1", "hana").await;
    let mut results = vec![];
    health::check(&failing, rows.clone(), 8, |b| results.extend(b)).await;
    assert_eq!(results.len(), rows.len());
    assert!(results.iter().all(|r| r.evidence == Evidence::State));
    // Why each ping failed is kept with its row, so it can be named.
    for r in &results {
        let e = r.ping_error.as_ref().expect("the ping's error is kept");
        assert!(e.message.contains("HTTP 503"), "{}", e.message);
    }
    let finance = results
        .iter()
        .find(|r| r.connection.name == "Finance SharePoint")
        .unwrap();
    assert_ne!(finance.status, FailureStatus::Healthy, "{finance:?}");
}
