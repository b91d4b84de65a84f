//! Conformance: the official UiPath Python clients (PyPI `uipath-platform`
//! and the `uipath` CLI, pinned in scripts/install-deps) talk to the
//! sandbox's documented profile with a token the sandbox issued through its
//! real sign-in to the CLI's own client, and every call (connections,
//! folders, jobs, releases, the current user) returns the seeded data with
//! its fields populated. This is the strongest evidence of wire fidelity
//! available without a real tenant; where the sandbox and the client
//! disagree, the client wins.

use std::path::PathBuf;
use std::process::Command;

use connassist_sandbox::{Config, Sandbox};
use connassist_testkit::sandbox::*;
use connassist_testkit::sign_in::*;
use serde_json::json;

/// The `uipath` CLI's venv, which also holds `uipath-platform` 0.2.41.
const PINNED: &str = "uipath-cli-2.14.44";

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("CONNASSIST_UIPATH_PYTHON") {
        return PathBuf::from(p);
    }
    let tools = std::env::var_os("CONNASSIST_TOOLS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/connassist/tools"))
        })
        .unwrap_or_default();
    tools.join(format!("{PINNED}/bin/python"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_python_client_reads_the_seeded_tenant() {
    let python = python();
    assert!(
        python.exists(),
        "{PINNED} is not installed at {}: run scripts/install-deps",
        python.display()
    );
    let sb = Sandbox::start(Config::default()).await.unwrap();
    let token = sign_in_first_party(&sb, "alex").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let (_, folders) = api(&sb, &token, "/orchestrator_/odata/Folders", &[]).await;
    let shared = folders["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["DisplayName"] == "Shared")
        .unwrap()
        .clone();
    let (_, all) = api(&sb, &token, "/connections_/api/v1/Connections", &[]).await;
    let expired = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["state"] == "Expired")
        .unwrap()["id"]
        .clone();
    let expect = json!({
        "shared_key": shared["Key"],
        "shared_id": shared["Id"],
        "workspace": "Alex Attended's workspace",
        "shared_connections": ["robot-prod-01@contoso.example", "robot-prod-02@contoso.example", "Dana's OneDrive"],
        "robot_connections": ["robot-prod-01@contoso.example", "robot-prod-02@contoso.example"],
        "all_connections": ["robot-prod-01@contoso.example", "robot-prod-02@contoso.example", "Dana's OneDrive", "alex@contoso.example"],
        "expired_id": expired,
        "shared_processes": ["Invoice Dispatcher+Performer", "Email Triage (Attended)", "Month-End Report"],
        "dispatcher_process_key": "Invoice.Dispatcher.Performer",
        "shared_faulted_jobs": 3,
        "attended_overwrites": 2,
        "workspace_id": 101,
    });
    let dir = tempfile::tempdir().unwrap();
    let expect_file = dir.path().join("expect.json");
    std::fs::write(&expect_file, expect.to_string()).unwrap();

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity.py");
    let sandbox_base = sb.base_url.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .env("UIPATH_URL", sandbox_base)
            .env("UIPATH_ACCESS_TOKEN", token)
            .env("FIDELITY_EXPECT", expect_file)
            .env_remove("UIPATH_FOLDER_PATH")
            .env_remove("UIPATH_FOLDER_KEY")
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "uipath-platform failed against the sandbox:\n{stdout}\n{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    assert_eq!(
        report["uipath_platform_checks"].as_array().unwrap().len(),
        18,
        "every check in fidelity.py ran: {report}"
    );
}
