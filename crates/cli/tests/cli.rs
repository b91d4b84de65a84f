//! Runs the built `connassist` binary as a user or a script would.

use assert_cmd::Command;
use predicates::prelude::*;

fn connassist() -> Command {
    Command::cargo_bin("connassist").expect("the connassist binary is built by cargo test")
}

#[test]
fn help_lists_the_commands_and_exit_codes() {
    connassist()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage: connassist"))
        .stdout(predicate::str::contains("check-url"))
        .stdout(predicate::str::contains("Exit codes: 0 ok"));
}

#[test]
fn version_prints_the_crate_version() {
    connassist()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("connassist {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_invalid_flag_exits_2_and_names_the_flag() {
    connassist()
        .arg("--frobnicate")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "unexpected argument '--frobnicate'",
        ))
        .stderr(predicate::str::contains("--help"));
}

#[test]
fn check_url_prints_the_normalized_tenant() {
    connassist()
        .args([
            "check-url",
            "https://cloud.uipath.com/acme/DefaultTenant/orchestrator_/",
        ])
        .assert()
        .success()
        .stdout("https://cloud.uipath.com/acme/DefaultTenant\n");
}

#[test]
fn check_url_rejects_plain_http_with_a_reason_and_exit_2() {
    connassist()
        .args(["check-url", "http://example.com"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: Use https:// for a tenant URL",
        ));
}

#[test]
fn check_url_json_errors_use_the_shared_shape() {
    let out = connassist()
        .args(["check-url", "http://example.com", "--format", "json"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value["code"], "invalid_input");
    assert!(
        value["message"]
            .as_str()
            .unwrap()
            .starts_with("Use https://")
    );
    assert_eq!(value.as_object().unwrap().len(), 2);
}
