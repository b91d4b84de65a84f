//! `connassist health` end to end on the sandbox's forum scenario: the table
//! names what is broken with its fix, JSON follows the documented schema,
//! CSV reads back with the documented columns, and `--fail-on` sets the exit
//! code.
// A panic in a test is its failure.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::time::Duration;

use assert_cmd::Command;
use connassist_sandbox::scenario::key;
use connassist_sandbox::{CI_CLIENT_ID, Config, Sandbox};
use connassist_testkit::process::{Signal, send_signal};
use connassist_testkit::sandbox::extended_sandbox;
use serde_json::Value;

fn health(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("connassist"))
        .args(["--sandbox", "--sandbox-user", "hana", "health"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_table_names_the_broken_connections_and_exits_1() {
    let (code, out, err) = health(&[]);
    assert_eq!(code, 1, "broken connections fail by default: {err}");
    assert!(
        out.contains("Finance SharePoint") && out.contains("Revoked"),
        "{out}"
    );
    assert!(out.contains("robot-prod-02@contoso.example"), "{out}");
    // The documented platform does not report app secrets' expiry: the idle
    // mailbox is the one early warning.
    assert!(
        out.contains("7 checked: 4 healthy, 1 expiring soon, 2 broken"),
        "{out}"
    );
    assert!(out.contains("owner not reported by the tenant"), "{out}");
    // Piped: no progress bar on stderr.
    assert!(!err.contains("checking"), "{err}");
    let (code, _, _) = health(&["--fail-on", "never"]);
    assert_eq!(code, 0);
}

#[test]
fn json_follows_the_documented_schema() {
    let (_, out, err) = health(&["--format", "json"]);
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let mut top: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    top.sort_unstable();
    assert_eq!(top, ["errors", "results", "summary"]);
    assert_eq!(
        json["summary"],
        serde_json::json!({"checked": 7, "healthy": 4, "expiringSoon": 1, "broken": 2, "unpinged": 0})
    );
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    for r in results {
        let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "checkedAt",
                "connection",
                "evidence",
                "explanation",
                "failingSince",
                "lapsesOn",
                "previousCheckedAt",
                "previousStatus",
                "status"
            ]
        );
    }
    // Broken first.
    assert_eq!(results[0]["status"], "revoked");
    assert_eq!(results[0]["explanation"]["code"], "AADSTS50173");
    let expiring = results
        .iter()
        .find(|r| r["status"] == "expiring_soon")
        .unwrap();
    assert_eq!(expiring["connection"]["name"], "Accounts payable mailbox");
    assert!(expiring["lapsesOn"].as_str().is_some(), "{expiring}");
}

#[test]
fn csv_reads_back_with_the_documented_columns() {
    let (_, out, _) = health(&["--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers, connassist_core::health::export::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7);
    let status = headers.iter().position(|h| h == "status").unwrap();
    let name = headers.iter().position(|h| h == "name").unwrap();
    assert_eq!(&rows[0][name], "Finance SharePoint");
    assert_eq!(&rows[0][status], "revoked");
}

/// `--every`: after the first report, only changes, as JSON lines. The test
/// watches the tenant as a CI application while hana reconnects her revoked
/// Finance SharePoint connection (the sandbox's consent pages, played over
/// HTTP); the next round reports it recovered, and nothing else.
#[tokio::test(flavor = "multi_thread")]
async fn every_reports_a_recovery_once_and_steady_states_never() {
    // Watching as an application needs Integration Service's scopes granted
    // to applications: the extended profile.
    let sb = extended_sandbox().await;
    let base = sb.base_url.clone();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("connassist"))
        .args(["health", "--url", &base, "--client-id", CI_CLIENT_ID])
        .args(["--format", "json", "--every", "1s"])
        .env(
            "CONNASSIST_CLIENT_SECRET",
            sb.ci_client_secret.clone().unwrap(),
        )
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Lines as they come, on a thread (reading blocks).
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let next = async |lines: &mut tokio::sync::mpsc::UnboundedReceiver<String>| {
        tokio::time::timeout(Duration::from_secs(30), lines.recv())
            .await
            .expect("a line within 30 s")
            .expect("connassist still running")
    };
    // The first report, as without --every: a whole JSON document.
    let mut first = String::new();
    while serde_json::from_str::<Value>(&first).is_err() {
        first.push_str(&next(&mut lines).await);
    }
    let report: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(report["summary"]["broken"], 2, "{report}");

    // Hana reconnects it.
    let tokens = sb.sign_in_as("hana", "IS.Connections.Read").unwrap();
    let id = key("connection/Finance SharePoint").to_string();
    let started: Value = reqwest::Client::new()
        .post(format!("{base}/connections_/api/v1/Connections/{id}/auth"))
        .bearer_auth(&tokens.access_token)
        .header("X-UIPATH-FolderKey", key("folder/Finance").to_string())
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    connassist_testkit::consent::consent(started["authUrl"].as_str().unwrap(), "hana", true).await;

    let change: Value = serde_json::from_str(&next(&mut lines).await).unwrap();
    assert_eq!(change["change"], "recovered", "{change}");
    assert_eq!(change["result"]["connection"]["name"], "Finance SharePoint");
    assert_eq!(change["result"]["previousStatus"], "revoked");
    assert_eq!(change["result"]["status"], "healthy");
    // Two more rounds: nothing else changed, so nothing is printed.
    let quiet = tokio::time::timeout(Duration::from_millis(2500), lines.recv()).await;
    assert!(quiet.is_err(), "a steady state was reported: {quiet:?}");

    send_signal(&child, Signal::SIGINT);
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "the last round still has a broken connection"
    );
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("Checking again every 1s"), "{err}");
}

/// Runs `health --every 1s` with `args` for `secs` seconds, then Ctrl-C;
/// returns stderr.
pub fn watch_for(cmd: &mut std::process::Command, secs: u64) -> String {
    let child = cmd
        .args(["health", "--every", "1s", "--format", "json"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(secs));
    send_signal(&child, Signal::SIGINT);
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_signs_the_app_in_again_when_its_token_runs_out() {
    // Issue 14, row 4: with tokens living 2 s, every round after the first
    // failed ("this check failed"): the CLI never asked for a new token.
    let sb = Sandbox::start(Config {
        access_token_lifetime: Duration::from_secs(2),
        // An application pings connections where the tenant lets it.
        profile: connassist_sandbox::Profile::Extended,
        ..Config::default()
    })
    .await
    .unwrap();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("connassist"));
    cmd.args(["--url", &sb.base_url, "--client-id", CI_CLIENT_ID])
        .env(
            "CONNASSIST_CLIENT_SECRET",
            sb.ci_client_secret.clone().unwrap(),
        );
    let err = tokio::task::spawn_blocking(move || watch_for(&mut cmd, 7))
        .await
        .unwrap();
    assert!(err.contains("Checking again every 1s"), "{err}");
    assert!(!err.contains("error"), "every round must succeed: {err}");
    assert!(
        sb.token_requests("client_credentials") >= 2,
        "signed in again as the token ran out"
    );
}
