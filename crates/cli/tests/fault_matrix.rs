//! The fault matrix: `connassist connections`, `health` and `audit` (the
//! built binary, signed in as the CI application) against sandboxes that
//! inject each kind of failure a tenant has on a bad day, at 10 % and 30 %
//! of requests. What a user must be able to rely on:
//!
//! - at 10 % nothing is lost: every row a fault-free run reads is read, and
//!   the exit code is 0;
//! - at 30 % whatever could not be read is named with its folder and cause
//!   (a folder error, a ping error on the row, an audit problem), and the
//!   exit code says the run is incomplete (4, as the README documents);
//! - a forbidden folder loses exactly its rows, named, at any rate;
//! - never a panic, never a row that a fault-free run does not have.
//!
//! The matrix is printed as a table and written to
//! `$CARGO_TARGET_DIR/tmp/fault-matrix.md`, which scripts/test prints, so CI
//! shows it. The sandbox's faults are drawn from a seed, but three commands
//! run at once against each sandbox, so which request draws which fault
//! varies from run to run; every assertion holds whatever the draw.
// Test code: a panic is the failing assertion.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output, Stdio};

use connassist_sandbox::{CI_CLIENT_ID, Profile, Sandbox};
use connassist_testkit::sandbox::faulty_sandbox;
use serde_json::Value;

/// The kinds of failure, as `--faults` settings (the rate is added).
const FAULTS: &[(&str, &str)] = &[
    ("429", "kinds=429"),
    ("5xx", "kinds=500+503"),
    ("truncated", "kinds=truncated"),
    ("reset", "kinds=reset"),
    // Held back longer than the first attempt waits (--request-timeout-secs 1).
    ("hang", "kinds=hang,hang-ms=1500"),
    ("malformed", "kinds=malformed"),
    // Folder faults hold at any rate; the rate draws 429 and 503 beside them.
    ("forbidden folder", "forbid=Finance,kinds=429+503"),
    ("slow folder", "slow=Finance,slow-ms=1500,kinds=429+503"),
];
const RATES: &[(&str, f64)] = &[("10%", 0.1), ("30%", 0.3)];
const COMMANDS: &[&str] = &["connections", "health", "audit"];

/// What one run read, keyed by row, with the folder each row is in.
#[derive(Debug, Default)]
struct Read {
    /// Row id → folder path.
    rows: BTreeMap<String, String>,
    /// Row ids that are listed but could not be checked (health: not
    /// pinged), with whether their cause is named.
    unchecked: BTreeMap<String, bool>,
    /// Folders named as not (fully) read, with their cause.
    named: BTreeSet<String>,
    /// Problems named without a folder (the folder list itself failed).
    whole_run_failed: bool,
}

fn folder_path(v: &Value) -> String {
    v.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v["path"].as_str().unwrap_or_default().to_owned())
}

/// Reads a run's JSON into rows and what it names as unread.
fn read(command: &str, out: &Output) -> Read {
    let mut read = Read::default();
    let Ok(json) = serde_json::from_slice::<Value>(&out.stdout) else {
        // No report at all: the run failed before reading any folder; its
        // cause must be on stderr.
        read.whole_run_failed = String::from_utf8_lossy(&out.stderr).contains("error:");
        return read;
    };
    let empty = vec![];
    let named_with_cause = |e: &Value| {
        !e["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    };
    match command {
        "connections" | "health" => {
            for e in json["errors"].as_array().unwrap_or(&empty) {
                if named_with_cause(e) {
                    read.named.insert(folder_path(&e["folder"]));
                }
            }
            let rows = if command == "connections" {
                &json["connections"]
            } else {
                &json["results"]
            };
            for r in rows.as_array().unwrap_or(&empty) {
                let row = if command == "connections" {
                    r
                } else {
                    &r["connection"]
                };
                let id = row["id"].as_str().unwrap().to_owned();
                read.rows.insert(id.clone(), folder_path(&row["folder"]));
                if r["evidence"] == "state" {
                    let why = r["pingError"]["message"].as_str().unwrap_or_default();
                    read.unchecked.insert(id, !why.is_empty());
                }
            }
        }
        _ => {
            for p in json["problems"].as_array().unwrap_or(&empty) {
                if named_with_cause(p) {
                    read.named.insert(folder_path(&p["folder"]));
                }
            }
            for f in json["findings"].as_array().unwrap_or(&empty) {
                let id = format!(
                    "{} {} {}",
                    f["rule"].as_str().unwrap_or_default(),
                    f["process"]["key"].as_str().unwrap_or_default(),
                    f["binding"].as_str().unwrap_or_default()
                );
                read.rows
                    .insert(id, folder_path(&f["process"]["folderPath"]));
            }
        }
    }
    read
}

/// One cell of the matrix, and whether it keeps the promises above.
struct Cell {
    fault: &'static str,
    rate: &'static str,
    command: &'static str,
    exit: Option<i32>,
    expected: usize,
    read: usize,
    unread_named: usize,
    unread_unnamed: usize,
    extra: usize,
    failures: Vec<String>,
}

fn judge(
    fault: &'static str,
    rate: &'static str,
    command: &'static str,
    out: &Output,
    baseline: &Read,
) -> Cell {
    let got = read(command, out);
    let exit = out.status.code();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut failures = vec![];
    if exit == Some(101) || stderr.contains("panicked") {
        failures.push(format!("panicked: {stderr}"));
    }
    let mut read_rows = 0;
    let (mut named, mut unnamed) = (0, 0);
    for (id, folder) in &baseline.rows {
        let named_here = got.whole_run_failed || got.named.contains(folder);
        match (got.rows.get(id), got.unchecked.get(id)) {
            (Some(_), None) => read_rows += 1,
            (Some(_), Some(true)) => named += 1,
            (None, _) if named_here => named += 1,
            _ => unnamed += 1,
        }
    }
    let extra = got
        .rows
        .keys()
        .filter(|id| !baseline.rows.contains_key(*id))
        .count();
    let incomplete = got.whole_run_failed || !got.named.is_empty();
    let want_exit = if incomplete { 4 } else { 0 };
    if exit != Some(want_exit) {
        failures.push(format!("exit {exit:?}, documented {want_exit}: {stderr}"));
    }
    if unnamed > 0 {
        failures.push(format!("{unnamed} rows lost without a name: {stderr}"));
    }
    if extra > 0 {
        failures.push(format!("{extra} rows that a fault-free run does not have"));
    }
    if fault == "forbidden folder" {
        // Exactly Finance's rows are lost, and named, at any rate; at 10 %
        // nothing else.
        let finance: Vec<&String> = baseline
            .rows
            .iter()
            .filter(|(_, f)| *f == "Finance")
            .map(|(id, _)| id)
            .collect();
        if finance.iter().any(|id| got.rows.contains_key(*id)) {
            failures.push("rows of the forbidden folder were read".into());
        }
        if !finance.is_empty() && !got.named.contains("Finance") && !got.whole_run_failed {
            failures.push("the forbidden folder is not named".into());
        }
        if rate == "10%" && named != finance.len() {
            failures.push(format!(
                "at 10% only Finance's {} rows may be lost; {named} were: {stderr}",
                finance.len()
            ));
        }
    } else if rate == "10%" && (named > 0 || incomplete) {
        failures.push(format!(
            "at 10% nothing may be lost; {named} rows were: {stderr}"
        ));
    }
    Cell {
        fault,
        rate,
        command,
        exit,
        expected: baseline.rows.len(),
        read: read_rows,
        unread_named: named,
        unread_unnamed: unnamed,
        extra,
        failures,
    }
}

async fn sandbox(spec: &str) -> Sandbox {
    // The CI application reads connections and pings them only where
    // the tenant lets an application do so: the extended profile.
    faulty_sandbox(Profile::Extended, spec).await
}

/// The three commands at once against `sb`.
async fn all_commands(sb: &Sandbox) -> Vec<Output> {
    let runs: Vec<_> = COMMANDS
        .iter()
        .map(|c| {
            let (base, secret) = (sb.base_url.clone(), sb.ci_client_secret.clone());
            let command = (*c).to_owned();
            tokio::task::spawn_blocking(move || {
                let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("connassist"));
                cmd.args([
                    command.as_str(),
                    "--url",
                    &base,
                    "--client-id",
                    CI_CLIENT_ID,
                ])
                .args(["--format", "json", "--request-timeout-secs", "1"])
                .env("CONNASSIST_CLIENT_SECRET", secret.unwrap())
                .env_remove("CONNASSIST_LOG")
                .stdin(Stdio::null());
                if command != "connections" {
                    cmd.args(["--fail-on", "never"]);
                }
                cmd.output().unwrap()
            })
        })
        .collect();
    let mut outs = vec![];
    for r in runs {
        outs.push(r.await.unwrap());
    }
    outs
}

fn table(cells: &[Cell]) -> String {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::ASCII_MARKDOWN);
    t.set_header([
        "fault",
        "rate",
        "command",
        "exit",
        "rows read",
        "not read, named (folder and cause)",
        "lost unnamed",
        "verdict",
    ]);
    for c in cells {
        t.add_row([
            c.fault.to_owned(),
            c.rate.to_owned(),
            c.command.to_owned(),
            c.exit.map_or("killed".into(), |e| e.to_string()),
            format!("{}/{}", c.read, c.expected),
            c.unread_named.to_string(),
            (c.unread_unnamed + c.extra).to_string(),
            if c.failures.is_empty() {
                "ok".into()
            } else {
                "FAILED".into()
            },
        ]);
    }
    format!(
        "Fault matrix: connassist connections / health / audit (rows: connections, connections checked, findings) against the sandbox's injected faults.\n\n{t}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_10_percent_nothing_is_lost_and_at_30_every_unread_row_is_named() {
    let clean = sandbox("").await;
    let outs = all_commands(&clean).await;
    let baselines: Vec<Read> = COMMANDS
        .iter()
        .zip(&outs)
        .map(|(c, out)| {
            assert_eq!(out.status.code(), Some(0), "{c} without faults");
            read(c, out)
        })
        .collect();
    for (c, b) in COMMANDS.iter().zip(&baselines) {
        assert!(!b.rows.is_empty(), "{c} reads something without faults");
    }
    drop(clean);

    let mut cells = vec![];
    for (fault, spec) in FAULTS {
        for (rate, r) in RATES {
            let sb = sandbox(&format!("rate={r},seed=7,{spec}")).await;
            let outs = all_commands(&sb).await;
            for ((command, out), baseline) in COMMANDS.iter().zip(&outs).zip(&baselines) {
                cells.push(judge(fault, rate, command, out, baseline));
            }
        }
    }
    let printed = table(&cells);
    println!("{printed}");
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fault-matrix.md");
    std::fs::write(&file, &printed).unwrap();
    let failed: Vec<String> = cells
        .iter()
        .filter(|c| !c.failures.is_empty())
        .map(|c| {
            format!(
                "{} at {} ({}): {}",
                c.fault,
                c.rate,
                c.command,
                c.failures.join("; ")
            )
        })
        .collect();
    assert!(failed.is_empty(), "{printed}\n{}", failed.join("\n"));
}
