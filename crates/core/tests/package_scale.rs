//! A bindings file far larger than any real one, read in seconds: nothing
//! in reading it may compare every binding with every other one.
//!
//! In a test binary of its own: the package reader's zip-bomb test measures
//! its process's peak memory, which this file's large document would raise.

// Test code: a panic is the failing assertion.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use connassist_core::package::parse_bindings;

#[test]
fn thirty_two_thousand_bindings_are_read_in_seconds_not_minutes() {
    // Issue 14, row 6: the duplicate-key check and the property-to-connection
    // lookup compared every binding with every other one: 16,000 took 17 s.
    // Twice that many makes the difference plain on any machine: four times
    // as slow when quadratic, twice when not.
    let n = 32_000;
    let mut resources = Vec::with_capacity(2 * n + 1);
    for i in 0..n {
        resources.push(serde_json::json!({
            "resource": "Connection", "key": format!("conn-{i}"),
            "metadata": {"Connector": "uipath-microsoft-outlook365"},
            "value": {"ConnectionId": {"defaultValue": format!("id-{i}")}}
        }));
        resources.push(serde_json::json!({
            "resource": "Property", "key": format!("conn-{i}.Send Email"),
            "metadata": {"ParentResourceKey": format!("Connection.CONN-{i}")},
            "value": {"folder": {"defaultValue": "Inbox"}}
        }));
    }
    // One duplicate, in another casing: still found and warned about.
    resources.push(serde_json::json!({"resource": "Connection", "key": "Conn-7"}));
    let text = serde_json::json!({"version": "2.0", "resources": resources}).to_string();
    let start = Instant::now();
    let got = parse_bindings("bindings_v2.json", &text).unwrap();
    let took = start.elapsed();
    println!("{n} bindings read in {took:?}");
    assert_eq!(got.connections.len(), n + 1);
    assert_eq!(got.connections[7].activities, ["Send Email"]);
    assert!(
        got.warnings
            .iter()
            .any(|w| w.contains("the same connection key more than once (Conn-7)")),
        "{:?}",
        got.warnings
    );
    // About 1 s in a debug build; 20 s when it was quadratic.
    assert!(
        took < Duration::from_secs(6),
        "{n} bindings ({} KiB) took {took:?}",
        text.len() / 1024
    );
}
