//! `connassist reconnect` end to end: the command starts a consent session on
//! an in-process sandbox and prints the consent address (`--browser none`);
//! this test plays the browser through the sandbox's own sign-in and consent
//! pages (cookies kept, every redirect followed by hand), and the command
//! reports the tenant's outcome with its exit code.
// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod support;

use connassist_sandbox::scenario::key;
use support::{answer_consent, connassist};

/// Runs `connassist reconnect` for `connection` as `user`, answering its consent.
async fn reconnect(
    user: &str,
    connection: &str,
    extra: &[&str],
    accept: bool,
) -> (i32, String, String) {
    let id = key(&format!("connection/{connection}")).to_string();
    let mut args = vec![
        "--sandbox",
        "--sandbox-user",
        user,
        "reconnect",
        &id,
        "--browser",
        "none",
        "--format",
        "json",
        "--timeout-secs",
        "60",
    ];
    args.extend_from_slice(extra);
    let mut child = connassist(&args);
    let (done, code, rest, stderr) = answer_consent(&mut child, user, accept).await;
    assert!(
        done.query().unwrap_or_default().contains("session="),
        "{done}"
    );
    (code, rest, stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_connection_is_reconnected_and_reported() {
    let (code, json, stderr) = reconnect("hana", "Finance SharePoint", &[], true).await;
    assert_eq!(code, 0, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["status"], "completed");
    assert_eq!(p["identity"], "hana@contoso.example");
    assert!(
        p["scopes"]["granted"]
            .as_array()
            .is_some_and(|g| !g.is_empty()),
        "{p}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declined_consent_exits_3_with_the_cause_and_fix() {
    // dana has not yet consented to Outlook's mail permissions: she is asked.
    let (code, json, stderr) = reconnect("dana", "robot-prod-02@contoso.example", &[], false).await;
    assert_eq!(code, 3, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["status"], "failed");
    assert_eq!(p["failure"]["code"], "AADSTS65004");
    assert!(stderr.contains("declined"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_account_is_rejected_unless_accepted_explicitly() {
    let (code, json, stderr) = reconnect("hana", "robot-prod-02@contoso.example", &[], true).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("--accept-other-account"), "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["failure"]["code"], "identity_rejected");

    let (code, json, stderr) = reconnect(
        "hana",
        "robot-prod-02@contoso.example",
        &["--accept-other-account"],
        true,
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["identity"], "hana@contoso.example");
    assert_eq!(p["previousIdentity"], "robot-prod-02@contoso.example");
}
