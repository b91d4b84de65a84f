//! `connassist reconnect` end to end: the command starts a consent session on
//! an in-process sandbox and prints the consent address (`--browser none`);
//! this test plays the browser through the sandbox's own sign-in and consent
//! pages (cookies kept, every redirect followed by hand), and the command
//! reports the outcome with its exit code. On the documented profile the
//! command learns it from the connection alone (a declined consent leaves it
//! waiting until its time runs out; another account is reported after the
//! fact); on the extended profile from the session the tenant reports.
// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use connassist_sandbox::scenario::key;
use connassist_testkit::consent::answer_consent;
use connassist_testkit::process::{Signal, connassist, send_signal};

/// Runs `connassist reconnect` for `connection` as `user` on a sandbox of
/// `profile`, answering its consent.
async fn reconnect(
    profile: &str,
    user: &str,
    connection: &str,
    extra: &[&str],
    accept: bool,
) -> (i32, String, String) {
    let id = key(&format!("connection/{connection}")).to_string();
    let mut args = vec![
        "--sandbox",
        "--sandbox-profile",
        profile,
        "--sandbox-user",
        user,
        "reconnect",
        &id,
        "--browser",
        "none",
        "--format",
        "json",
    ];
    if !extra.contains(&"--timeout-secs") {
        args.extend_from_slice(&["--timeout-secs", "60"]);
    }
    args.extend_from_slice(extra);
    let mut child = connassist(&args);
    let (done, code, rest, stderr) = answer_consent(&mut child, user, accept).await;
    assert!(
        ["/provisioning_/done", "/provisioning_/callback"]
            .iter()
            .any(|p| done.path().ends_with(p)),
        "{done}"
    );
    (code, rest, stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_connection_is_reconnected_and_reported() {
    let (code, json, stderr) =
        reconnect("documented", "hana", "Finance SharePoint", &[], true).await;
    assert_eq!(code, 0, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["status"], "completed");
    assert_eq!(p["identity"], "hana@contoso.example");
    assert_eq!(p["otherAccount"], false);

    // A tenant that reports its sessions also says what was granted.
    let (code, json, stderr) = reconnect("extended", "hana", "Finance SharePoint", &[], true).await;
    assert_eq!(code, 0, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        p["scopes"]["granted"]
            .as_array()
            .is_some_and(|g| !g.is_empty()),
        "{p}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declined_consent_exits_3_with_what_is_known() {
    // dana has not yet consented to Outlook's mail permissions: she is asked.
    // The extended profile's session says why it failed.
    let (code, json, stderr) = reconnect(
        "extended",
        "dana",
        "robot-prod-02@contoso.example",
        &[],
        false,
    )
    .await;
    assert_eq!(code, 3, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["status"], "failed");
    assert_eq!(p["failure"]["code"], "AADSTS65004");
    assert!(stderr.contains("declined"), "{stderr}");

    // A documented tenant tells a terminal nothing about a declined consent:
    // the connection stays as it was, and the wait ends with that said.
    let (code, _, stderr) = reconnect(
        "documented",
        "dana",
        "robot-prod-02@contoso.example",
        &["--timeout-secs", "5"],
        false,
    )
    .await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("not finished within 5 seconds"), "{stderr}");
    assert!(stderr.contains("unchanged"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_account_is_said_or_asked_for() {
    // Documented: the platform takes it; the command says so plainly.
    let (code, json, stderr) = reconnect(
        "documented",
        "hana",
        "robot-prod-02@contoso.example",
        &[],
        true,
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["otherAccount"], true);
    assert!(
        stderr
            .contains("now acts as hana@contoso.example instead of robot-prod-02@contoso.example"),
        "{stderr}"
    );

    // Extended: the tenant waits for an answer; not a terminal, so rejected
    // unless accepted explicitly.
    let (code, json, stderr) = reconnect(
        "extended",
        "hana",
        "robot-prod-02@contoso.example",
        &[],
        true,
    )
    .await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("--accept-other-account"), "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["failure"]["code"], "identity_rejected");

    let (code, json, stderr) = reconnect(
        "extended",
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

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_while_waiting_cancels_the_consent_as_a_closed_window_does() {
    use std::io::{BufRead, BufReader, Read};
    let id = key("connection/Finance SharePoint").to_string();
    let mut child = connassist(&[
        "--sandbox",
        "--sandbox-profile",
        "extended",
        "--sandbox-user",
        "hana",
        "reconnect",
        &id,
        "--browser",
        "none",
        "--timeout-secs",
        "60",
    ]);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut address = String::new();
    stdout.read_line(&mut address).unwrap();
    assert!(address.starts_with("http://127.0.0.1"), "{address}");
    // The command is waiting for the consent; a person presses Ctrl-C.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    send_signal(&child, Signal::SIGINT);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(3),
        "a consent nobody finished: {stderr}"
    );
    assert!(
        stderr.contains("closed before the provider answered"),
        "{stderr}"
    );
    assert!(
        stderr.contains("nothing was stored"),
        "cancelled at the tenant that offers it: {stderr}"
    );
}
