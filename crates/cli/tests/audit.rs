//! `connassist audit` against the sandbox's forum scenario, as a CI pipeline
//! or a helpdesk script uses it: findings, fixes, JSON schema, SARIF, exit
//! codes and `--fail-on`.
// Helpers outside #[test] functions unwrap too: a panic is the test failing.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn connassist() -> Command {
    Command::cargo_bin("connassist").expect("the connassist binary is built by cargo test")
}

fn json(args: &[&str]) -> (Value, i32) {
    let out = connassist().args(args).output().expect("connassist runs");
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (value, out.status.code().unwrap_or(-1))
}

fn of_rule<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn the_forum_scenario_reports_both_classic_mistakes_with_their_fixes() {
    connassist()
        .args(["--sandbox", "audit"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✖ error  configurable-by-users-unattended\n  Shared › Invoice Dispatcher+Performer",
        ))
        .stdout(predicate::str::contains(
            "✖ error  personal-workspace-connection-in-shared-folder\n  Shared › Month-End Report",
        ))
        .stdout(predicate::str::contains(
            "Fix: In Package Requirements, fix the binding to one connection in a shared folder",
        ))
        .stdout(predicate::str::contains(
            "Fix: Create the connection again in Shared",
        ))
        .stdout(predicate::str::contains("5 processes audited: 4 errors"));
}

#[test]
fn json_follows_the_documented_schema() {
    let (report, code) = json(&["audit", "--sandbox", "--format", "json"]);
    assert_eq!(code, 1, "errors reach the default --fail-on error");
    let summary = &report["summary"];
    assert_eq!(summary["processes"], 5);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(
        summary["errors"].as_u64().unwrap()
            + summary["warnings"].as_u64().unwrap()
            + summary["infos"].as_u64().unwrap(),
        findings.len() as u64
    );
    for f in findings {
        let mut keys: Vec<_> = f.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "binding",
                "connection",
                "connector",
                "explanation",
                "fix",
                "location",
                "process",
                "rule",
                "severity",
                "title"
            ]
        );
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
    }
    let severities: Vec<_> = findings
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    let mut sorted = severities.clone();
    sorted.sort_by_key(|s| ["error", "warning", "info"].iter().position(|x| x == s));
    assert_eq!(
        severities, sorted,
        "errors first, then warnings, then notes"
    );

    let rule1 = of_rule(&report, "configurable-by-users-unattended");
    assert_eq!(rule1.len(), 1);
    assert_eq!(rule1[0]["process"]["name"], "Invoice Dispatcher+Performer");
    let why = rule1[0]["explanation"].as_str().unwrap();
    assert!(why.contains("Invoices every 15 minutes"), "{why}");
    assert!(why.contains("2 recent unattended jobs"), "{why}");
    let rule2 = of_rule(&report, "personal-workspace-connection-in-shared-folder");
    assert_eq!(
        rule2[0]["connection"]["folderPath"],
        "Alex Attended's workspace"
    );
    // The attended-only process is fine, and says so.
    let ok = of_rule(&report, "binding-attended-ok");
    assert_eq!(ok[0]["process"]["name"], "Email Triage (Attended)");
    // The documented platform does not say what was consented to: nothing
    // is judged on it. The extended profile reports scopes, and the shared
    // mailbox read with own-mailbox permissions is found.
    assert!(of_rule(&report, "missing-scopes").is_empty());
    assert_eq!(report["problems"], serde_json::json!([]));
    let (extended, _) = json(&[
        "audit",
        "--sandbox",
        "--sandbox-profile",
        "extended",
        "--format",
        "json",
    ]);
    let scopes = of_rule(&extended, "missing-scopes");
    assert!(
        scopes[0]["title"]
            .as_str()
            .unwrap()
            .contains("Mail.Read.Shared")
    );
}

#[test]
fn without_the_configurable_field_the_forum_case_is_found_from_job_history() {
    let (report, _) = json(&["audit", "--sandbox", "--format", "json"]);
    // Attended runs chose their own connection for the Outlook binding, and
    // the unattended runs faulted with no connection bound.
    let rule1 = of_rule(&report, "configurable-by-users-unattended");
    let why = rule1[0]["explanation"].as_str().unwrap();
    assert!(
        why.contains("1 attended run picked their own connection"),
        "{why}"
    );
    assert!(why.contains("already failed 2 times"), "{why}");
    assert!(why.contains("DAP-RT-1002"), "{why}");
    // Where nothing tells, it says it cannot tell; never "fine".
    let unknown = of_rule(&report, "configurability-not-reported");
    let names: Vec<_> = unknown
        .iter()
        .map(|f| f["process"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Month-End Report"), "{names:?}");
    assert!(
        unknown[0]["fix"]
            .as_str()
            .unwrap()
            .contains("Package Requirements")
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    connassist()
        .args(["--sandbox", "audit", "--fail-on", "never"])
        .assert()
        .code(0);
    // Finance has an unhealthy binding (an error) and warnings.
    connassist()
        .args([
            "--sandbox",
            "audit",
            "--folder",
            "Finance",
            "--fail-on",
            "warning",
        ])
        .assert()
        .code(1);
    // Alex sees Shared and his workspace; Shared's errors fail the run.
    let (report, code) = json(&[
        "--sandbox",
        "--sandbox-user",
        "alex",
        "audit",
        "--folder",
        "Shared",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{report}");
    let folders: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["process"]["folderPath"].as_str().unwrap())
        .collect();
    assert!(folders.iter().all(|f| *f == "Shared"), "{folders:?}");
}

#[test]
fn an_unknown_folder_is_a_tenant_error_with_the_folders_named() {
    connassist()
        .args(["--sandbox", "audit", "--folder", "Nope"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no folder \"Nope\""));
}

#[test]
fn sarif_is_2_1_0_with_every_rule_described() {
    let (sarif, code) = json(&["--sandbox", "audit", "--format", "sarif"]);
    assert_eq!(code, 1);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules: Vec<_> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), 9, "{rules:?}");
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], r["ruleId"].as_str().unwrap());
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let logical = &r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"];
        assert!(logical.as_str().unwrap().contains('/'), "{logical}");
    }
}
