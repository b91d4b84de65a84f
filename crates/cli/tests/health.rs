//! `connassist health` end to end on the sandbox's forum scenario: the table
//! names what is broken with its fix, JSON follows the documented schema,
//! CSV reads back with the documented columns, and `--fail-on` sets the exit
//! code.
// A panic in a test is its failure.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
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
        out.contains("Finance SharePoint") && out.contains("revoked"),
        "{out}"
    );
    assert!(out.contains("robot-prod-02@contoso.example"), "{out}");
    assert!(
        out.contains("7 checked: 3 healthy, 2 expiring soon, 2 broken"),
        "{out}"
    );
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
        serde_json::json!({"checked": 7, "healthy": 3, "expiringSoon": 2, "broken": 2, "unpinged": 0})
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
