//! Runs the built `connassist` binary as a user or a script would.

use assert_cmd::Command;
use connassist_testkit::process::{Signal, finish, first_line, send_signal};
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

#[test]
fn sandbox_serves_the_tenant_and_prints_its_url_first() {
    use std::io::{Read, Write};
    let mut child = connassist_testkit::process::connassist(&["sandbox", "--port", "0"]);
    let (base, stdout) = first_line(&mut child);
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with("/sandbox/DefaultTenant"),
        "{base}"
    );

    // An API call without a token is refused the way Orchestrator refuses it.
    let authority = base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut stream = std::net::TcpStream::connect(&authority).unwrap();
    write!(stream, "GET /sandbox/DefaultTenant/orchestrator_/odata/Folders HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(response.contains("no bearer token"), "{response}");

    send_signal(&child, Signal::SIGTERM);
    let (code, _, stderr) = finish(&mut child, stdout);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("Sign in as alex, hana or dana"), "{stderr}");
    assert!(stderr.contains("secret"), "{stderr}");
}

#[test]
fn sandbox_names_the_scenarios_when_one_is_unknown() {
    connassist()
        .args(["sandbox", "--scenario", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown scenario \"nope\"; the scenarios are: forum, large",
        ));
}

#[test]
fn sandbox_says_when_its_data_folder_is_unusable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    connassist()
        .args(["sandbox", "--data"])
        .arg(&file)
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: cannot create the sandbox's data folder",
        ));
}

#[test]
fn log_lines_written_to_a_pipe_carry_no_colour_codes() {
    // Issue 14, row 12: `CONNASSIST_LOG=info connassist --sandbox health 2>file`
    // filled the file with terminal escape sequences.
    let out = connassist()
        .args(["--sandbox", "connections"])
        .env("CONNASSIST_LOG", "info")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sandbox tenant listening"), "{err}");
    assert!(!err.contains('\u{1b}'), "escape codes in a pipe: {err:?}");
}

#[test]
fn a_sigterm_right_after_the_url_still_stops_the_sandbox_cleanly() {
    // The URL is what a process manager or a test waits for before it may
    // stop the sandbox; the handlers must already be in place (8 of 20
    // such stops killed the process outright before they were).
    for round in 0..10 {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("connassist"))
            .arg("sandbox")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        first_line(&mut child);
        send_signal(&child, Signal::SIGTERM);
        let status = child.wait().unwrap();
        assert!(status.success(), "round {round}: {status:?}");
    }
}
