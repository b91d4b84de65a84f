//! `connassist audit-package` as a CI pipeline uses it, offline: on a package
//! built by the official UiPath Python CLI (`uipath pack`, the version pinned
//! in scripts/install-deps), on Studio project folders and a Studio-style
//! package, and on input it cannot read. Findings, exit codes, `--fail-on`,
//! and SARIF locations that point at the binding's line.
//!
//! Fixtures, in tests/data/:
//! - `python-project/`: a coded project (`pyproject.toml`, `uipath.json`,
//!   `main.py`, `entry-points.json` as `uipath init` wrote it, and
//!   `bindings.json` with an asset, an Outlook and a Slack connection). It is
//!   packed once per run with `uipath pack --nolock`, offline, telemetry off.
//! - `connections/`: saved `connassist connections --format json` listings:
//!   `finance-expired.json` (the Outlook connection Expired, Slack Enabled),
//!   `finance-healthy.json` (both Enabled), `shared-mailbox-read-only.json`
//!   (an Outlook connection consented with `Mail.Read`, not `Mail.Read.Shared`).
//! - `studio/configurable-by-users/`: a Studio project whose Outlook binding
//!   is configurable by users (`IsConfigurable`), after an Asset.
//! - `studio/shared-mailbox/`: a Studio project reading a shared mailbox with
//!   "For Each Email".
//!
//! The uipath CLI is found at `CONNASSIST_UIPATH_CLI`, else at
//! `$CONNASSIST_TOOLS` (default `~/.cache/connassist/tools`)
//! `/uipath-cli-<version>/bin/uipath`. Without it the Python tests fail (CI
//! installs it); they never skip. Zip entries are read and written with
//! `python3`'s zipfile, which scripts/install-deps also installs.
// Helpers outside #[test] functions unwrap too: a panic is the test failing.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// Where `uipath pack` writes, relative to the directory it runs in, and the
/// name it gives the package (`<name>.<version>` from pyproject.toml).
const PACKED_NAME: &str = "invoice-mail-agent.1.2.0.nupkg";
/// The bindings file inside a package built by `uipath pack`.
const PACKED_BINDINGS: &str = "content/bindings_v2.json";
/// The Outlook connection the Python project binds, and its binding key.
const OUTLOOK_ID: &str = "1c6d1f3e-8a57-4b8e-9f0a-3e2d4c5b6a79";
const OUTLOOK_KEY: &str = "finance-outlook";

fn connassist() -> Command {
    Command::cargo_bin("connassist").expect("the connassist binary is built by cargo test")
}

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Runs `connassist audit-package ARGS…`: (stdout as JSON, exit code, stderr).
fn audit(args: &[&str]) -> (Value, i32, String) {
    let out = connassist()
        .arg("audit-package")
        .args(args)
        .output()
        .expect("connassist runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (value, out.status.code().unwrap_or(-1), stderr)
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

fn rules_of(report: &Value) -> Vec<&str> {
    findings(report)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect()
}

/// The 1-based line and column of the `{` that opens the resource whose
/// `"key"` is `key`, found by reading the text the way a person would (the
/// nearest line above the key that is only `{`), independently of connassist.
fn opening_brace_of(text: &str, key: &str) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let needle = format!("\"key\": \"{key}\"");
    let at = lines
        .iter()
        .position(|l| l.contains(&needle))
        .unwrap_or_else(|| panic!("no {needle} in:\n{text}"));
    let open = (0..at)
        .rev()
        .find(|&i| lines[i].trim() == "{")
        .unwrap_or_else(|| panic!("no `{{` line above {needle}"));
    let column = lines[open].chars().position(|c| c == '{').unwrap() + 1;
    (open + 1, column)
}

// ---- the official uipath CLI -------------------------------------------------

/// The uipath CLI version scripts/install-deps installs (`UIPATH_CLI=…`), so
/// that the pin lives in one place.
fn pinned_uipath_cli() -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/install-deps");
    let text = fs::read_to_string(&script).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("UIPATH_CLI="))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("{} has no UIPATH_CLI= line", script.display()))
}

fn uipath_cli() -> PathBuf {
    if let Some(path) = std::env::var_os("CONNASSIST_UIPATH_CLI") {
        return PathBuf::from(path);
    }
    let tools = std::env::var_os("CONNASSIST_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").expect("HOME is set");
            PathBuf::from(home).join(".cache/connassist/tools")
        });
    tools
        .join(format!("uipath-cli-{}", pinned_uipath_cli()))
        .join("bin/uipath")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `cmd` to completion with its output in `log`, killing it after `limit`.
fn run_logged(mut cmd: Process, log: &Path, limit: Duration) -> (bool, String) {
    let file = fs::File::create(log).unwrap();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = fs::read_to_string(log).unwrap_or_default();
    match status {
        Some(s) => (s.success(), output),
        None => (false, format!("{output}\n(killed after {limit:?})")),
    }
}

/// What one `uipath pack` of the Python project produced, kept in memory so
/// that every test writes its own copy and nothing outlives the run.
struct Packed {
    nupkg: Vec<u8>,
    /// Entry names, in archive order.
    entries: Vec<String>,
    /// The text of `content/bindings_v2.json` inside the package.
    bindings: String,
}

fn pack() -> Packed {
    let uipath = uipath_cli();
    if std::env::var_os("CONNASSIST_UIPATH_CLI").is_some() {
        assert!(
            uipath.is_file(),
            "CONNASSIST_UIPATH_CLI={} is not a file: point it at a `uipath` executable, or \
             unset it to use the one scripts/install-deps installs.",
            uipath.display()
        );
    }
    assert!(
        uipath.is_file(),
        "The official uipath CLI {} is not installed at {}: run scripts/install-deps \
         (it installs it there, once), or set CONNASSIST_UIPATH_CLI to a `uipath` executable.",
        pinned_uipath_cli(),
        uipath.display()
    );
    let dir = TempDir::new().unwrap();
    let project = dir.path().join("invoice-mail-agent");
    copy_dir(&data("python-project"), &project);
    let mut cmd = Process::new(&uipath);
    // --nolock: no `uv lock` (the network). Telemetry off: no DNS lookups.
    cmd.args(["pack", "--nolock"])
        .current_dir(&project)
        .env("UIPATH_TELEMETRY_ENABLED", "false")
        .env("NO_COLOR", "1");
    let (ok, output) = run_logged(cmd, &dir.path().join("pack.log"), Duration::from_secs(180));
    assert!(
        ok,
        "`uipath pack` failed in {}:\n{output}",
        project.display()
    );
    assert!(output.contains("Project successfully packaged"), "{output}");
    // It writes to .uipath/ under the directory it runs in.
    let built: Vec<PathBuf> = fs::read_dir(project.join(".uipath"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "nupkg"))
        .collect();
    assert_eq!(built.len(), 1, "one package in .uipath/: {built:?}");
    assert_eq!(built[0].file_name().unwrap(), PACKED_NAME);

    let script = "import json, sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1])\n\
                  print(json.dumps({'entries': z.namelist(), \
                  'bindings': z.read(sys.argv[2]).decode('utf-8')}))";
    let out = Process::new("python3")
        .args(["-c", script, arg(&built[0]), PACKED_BINDINGS])
        .output()
        .expect("python3 runs (scripts/install-deps installs it)");
    assert!(
        out.status.success(),
        "reading {PACKED_BINDINGS} from {}: {}",
        built[0].display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let listing: Value = serde_json::from_slice(&out.stdout).unwrap();
    Packed {
        nupkg: fs::read(&built[0]).unwrap(),
        entries: listing["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_owned())
            .collect(),
        bindings: listing["bindings"].as_str().unwrap().to_owned(),
    }
}

fn packed() -> &'static Packed {
    static PACKED: OnceLock<Packed> = OnceLock::new();
    PACKED.get_or_init(pack)
}

/// A copy of the packed package in a fresh directory (kept alive by the TempDir).
fn packed_nupkg() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(PACKED_NAME);
    fs::write(&path, &packed().nupkg).unwrap();
    (dir, path)
}

// ---- packages built by `uipath pack` -----------------------------------------

#[test]
fn uipath_pack_writes_the_bindings_to_content_bindings_v2_json() {
    let p = packed();
    for entry in [
        PACKED_BINDINGS,
        "content/bindings.json",
        "content/entry-points.json",
        "content/operate.json",
        "invoice-mail-agent.nuspec",
    ] {
        assert!(
            p.entries.iter().any(|e| e == entry),
            "{entry} in {:?}",
            p.entries
        );
    }
    let packed: Value = serde_json::from_str(&p.bindings).unwrap();
    let source: Value =
        serde_json::from_str(&fs::read_to_string(data("python-project/bindings.json")).unwrap())
            .unwrap();
    assert_eq!(packed, source, "the same bindings, re-serialized");
    assert_eq!(packed["resources"][1]["resource"], "connection");
    assert!(
        p.bindings
            .contains("\n        {\n            \"resource\": \"connection\""),
        "pack re-indents with 4 spaces:\n{}",
        p.bindings
    );

    // Without a connections file only the bindings themselves can be judged,
    // and two fixed connections are fine.
    let (_dir, nupkg) = packed_nupkg();
    let (report, code, stderr) = audit(&[arg(&nupkg), "--format", "json"]);
    assert_eq!(code, 0, "{report}\n{stderr}");
    assert_eq!(report["summary"]["processes"], 1);
    assert_eq!(rules_of(&report), Vec::<&str>::new());
    assert_eq!(stderr, "", "no warning about the package's layout");
}

#[test]
fn an_expired_bound_connection_fails_an_unattended_run() {
    let (_dir, nupkg) = packed_nupkg();
    let connections = data("connections/finance-expired.json");
    let (report, code, stderr) = audit(&[
        arg(&nupkg),
        "--run",
        "unattended",
        "--connections",
        arg(&connections),
        "--format",
        "json",
    ]);
    assert_eq!(
        code, 1,
        "an error reaches the default --fail-on error\n{stderr}"
    );
    assert_eq!(
        rules_of(&report),
        ["bound-connection-unhealthy"],
        "{report}"
    );
    assert_eq!(report["summary"]["errors"], 1);
    let f = &findings(&report)[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["binding"], OUTLOOK_KEY);
    assert_eq!(f["connector"], "uipath-microsoft-outlook365");
    assert_eq!(f["connection"]["id"], OUTLOOK_ID);
    assert_eq!(f["connection"]["name"], "Finance Outlook");
    assert_eq!(f["connection"]["folderPath"], "Shared/Finance");
    assert_eq!(f["process"]["name"], "invoice-mail-agent.1.2.0");
    let title = f["title"].as_str().unwrap();
    assert!(
        title.contains("“Finance Outlook”, which is Expired"),
        "{title}"
    );
    let (line, column) = opening_brace_of(&packed().bindings, OUTLOOK_KEY);
    assert_eq!(f["location"]["file"], PACKED_BINDINGS);
    assert_eq!(f["location"]["line"], line);
    assert_eq!(f["location"]["column"], column);

    // --fail-on never reports the same finding and exits 0.
    let (report, code, _) = audit(&[
        arg(&nupkg),
        "--connections",
        arg(&connections),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, 0);
    assert_eq!(rules_of(&report), ["bound-connection-unhealthy"]);
}

#[test]
fn healthy_connections_pass_an_attended_run() {
    let (_dir, nupkg) = packed_nupkg();
    let connections = data("connections/finance-healthy.json");
    for run in ["attended", "unattended"] {
        let (report, code, stderr) = audit(&[
            arg(&nupkg),
            "--run",
            run,
            "--connections",
            arg(&connections),
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "--run {run}: {report}\n{stderr}");
        assert_eq!(report["summary"]["errors"], 0, "--run {run}");
        assert_eq!(rules_of(&report), Vec::<&str>::new(), "--run {run}");
    }
}

#[test]
fn sarif_points_at_the_binding_in_the_packed_bindings_file() {
    let (_dir, nupkg) = packed_nupkg();
    let connections = data("connections/finance-expired.json");
    let (sarif, code, _) = audit(&[
        arg(&nupkg),
        "--connections",
        arg(&connections),
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 1);
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "bound-connection-unhealthy");
    assert_eq!(r["level"], "error");
    let physical = &r["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], PACKED_BINDINGS);
    let (line, column) = opening_brace_of(&packed().bindings, OUTLOOK_KEY);
    assert_eq!(physical["region"]["startLine"], line);
    assert_eq!(physical["region"]["startColumn"], column);
    // The packed file, not the project's bindings.json: pack re-indents it.
    let source = fs::read_to_string(data("python-project/bindings.json")).unwrap();
    assert_ne!(
        opening_brace_of(&source, OUTLOOK_KEY),
        (line, column),
        "the fixture must tell the two files apart"
    );
    assert!(line > 1);
}

#[test]
fn the_python_project_folder_is_audited_like_its_package() {
    let project = data("python-project");
    let connections = data("connections/finance-expired.json");
    let (report, code, stderr) = audit(&[
        arg(&project),
        "--connections",
        arg(&connections),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(rules_of(&report), ["bound-connection-unhealthy"]);
    let f = &findings(&report)[0];
    assert_eq!(f["binding"], OUTLOOK_KEY);
    let source = fs::read_to_string(project.join("bindings.json")).unwrap();
    let (line, column) = opening_brace_of(&source, OUTLOOK_KEY);
    assert_eq!(f["location"]["file"], arg(&project.join("bindings.json")));
    assert_eq!(f["location"]["line"], line);
    assert_eq!(f["location"]["column"], column);
}

// ---- Studio projects and packages ----------------------------------------------

const CONFIGURABLE_KEY: &str = "4f5e6d7c-8b9a-4a0b-9c1d-2e3f4a5b6c7d";

#[test]
fn a_binding_configurable_by_users_fails_an_unattended_run() {
    let project = data("studio/configurable-by-users");
    let (report, code, stderr) = audit(&[arg(&project), "--run", "unattended", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        rules_of(&report),
        ["configurable-by-users-unattended"],
        "{report}"
    );
    let f = &findings(&report)[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["binding"], CONFIGURABLE_KEY);
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains("fix the binding to one connection in a shared folder"),
        "{}",
        f["fix"]
    );
    let bindings = project.join("bindings_v2.json");
    let (line, column) =
        opening_brace_of(&fs::read_to_string(&bindings).unwrap(), CONFIGURABLE_KEY);
    assert_eq!(f["location"]["file"], arg(&bindings));
    assert_eq!(f["location"]["line"], line);
    assert_eq!(f["location"]["column"], column);

    // The default --run is unattended.
    let (_, code, _) = audit(&[arg(&project), "--format", "json"]);
    assert_eq!(code, 1);
}

#[test]
fn a_binding_configurable_by_users_is_fine_attended() {
    let project = data("studio/configurable-by-users");
    let (report, code, stderr) = audit(&[arg(&project), "--run", "attended", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(rules_of(&report), ["binding-attended-ok"], "{report}");
    assert_eq!(findings(&report)[0]["severity"], "info");
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["infos"], 1);
}

#[test]
fn a_shared_mailbox_without_shared_scopes_is_a_warning() {
    let project = data("studio/shared-mailbox");
    let connections = data("connections/shared-mailbox-read-only.json");
    let base = [
        arg(&project),
        "--connections",
        arg(&connections),
        "--format",
        "json",
    ];
    let (report, code, stderr) = audit(&base);
    assert_eq!(
        code, 0,
        "a warning does not reach --fail-on error\n{stderr}"
    );
    assert_eq!(rules_of(&report), ["missing-scopes"], "{report}");
    let f = &findings(&report)[0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["connection"]["name"], "Invoices Outlook");
    let title = f["title"].as_str().unwrap();
    assert!(title.contains("lacks Mail.Read.Shared"), "{title}");
    let why = f["explanation"].as_str().unwrap();
    assert!(why.contains("invoices@contoso.example"), "{why}");
    assert!(why.contains("For Each Email"), "{why}");

    let (_, code, _) = audit(&[&base[..], &["--fail-on", "warning"]].concat());
    assert_eq!(code, 1, "a warning reaches --fail-on warning");
}

#[test]
fn a_studio_package_points_sarif_at_its_lib_bindings_file() {
    // A Studio-style package: the project's files under lib/<tfm>/ next to a .nuspec.
    let project = data("studio/configurable-by-users");
    let dir = TempDir::new().unwrap();
    let nupkg = dir.path().join("Email.Triage.1.0.0.nupkg");
    let entry = "lib/net6.0-windows7.0/bindings_v2.json";
    let script = "import sys, zipfile\n\
                  with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n\
                  \x20   z.writestr('Email.Triage.nuspec', '<package/>')\n\
                  \x20   z.write(sys.argv[2], 'lib/net6.0-windows7.0/project.json')\n\
                  \x20   z.write(sys.argv[3], sys.argv[4])";
    let status = Process::new("python3")
        .args([
            "-c",
            script,
            arg(&nupkg),
            arg(&project.join("project.json")),
            arg(&project.join("bindings_v2.json")),
            entry,
        ])
        .status()
        .expect("python3 runs (scripts/install-deps installs it)");
    assert!(status.success());

    let (sarif, code, stderr) = audit(&[arg(&nupkg), "--format", "sarif"]);
    assert_eq!(code, 1, "{stderr}");
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "configurable-by-users-unattended");
    let physical = &r["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], entry);
    let text = fs::read_to_string(project.join("bindings_v2.json")).unwrap();
    let (line, _) = opening_brace_of(&text, CONFIGURABLE_KEY);
    assert_eq!(physical["region"]["startLine"], line);
}

// ---- input it cannot read ------------------------------------------------------

fn refused(args: &[&str]) -> (i32, String, String) {
    let out = connassist()
        .arg("audit-package")
        .args(args)
        .output()
        .expect("connassist runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_text_file_named_nupkg_is_not_a_package() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("x.nupkg");
    fs::write(&path, "this is not a zip\n").unwrap();
    let (code, stdout, stderr) = refused(&[arg(&path), "--format", "json"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "", "no report for a package that was not read");
    assert!(
        stderr.contains(&format!("{} is not a NuGet package", path.display())),
        "{stderr}"
    );
}

#[test]
fn a_missing_package_names_its_path() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("gone.nupkg");
    let (code, stdout, stderr) = refused(&[arg(&path)]);
    // A missing package is the caller's input, like a malformed one.
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains(&format!("{} does not exist", path.display())),
        "{stderr}"
    );
}

#[test]
fn a_malformed_connections_file_is_refused_by_name() {
    let project = data("studio/shared-mailbox");
    let dir = TempDir::new().unwrap();
    for (name, text) in [
        ("truncated.json", "{\"connections\": ["),
        ("wrong-shape.json", "{\"connections\": 5, \"errors\": []}"),
    ] {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let (code, stdout, stderr) = refused(&[arg(&project), "--connections", arg(&path)]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert_eq!(stdout, "", "{name}");
        assert!(
            stderr.contains(&format!("{} is not a connections file", path.display())),
            "{name}: {stderr}"
        );
        assert!(
            stderr.contains("connassist connections --format json"),
            "{stderr}"
        );
    }
    let missing = dir.path().join("missing.json");
    let (code, _, stderr) = refused(&[arg(&project), "--connections", arg(&missing)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("Cannot read {}", missing.display())),
        "{stderr}"
    );
}

/// Runs `connassist` with `args`; gives its exit code and stderr, or fails
/// the test if it is still running after 15 s (then it is killed).
fn within_15_s(args: &[&str]) -> (i32, String) {
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("connassist"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("connassist {args:?} was still running after 15 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn mkfifo(path: &Path) {
    let made = Process::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_for_a_bindings_file_is_refused_not_waited_on() {
    // Issue 14, row 7: opening a FIFO blocks until someone writes to it.
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("project.json"), "{}").unwrap();
    mkfifo(&dir.path().join("bindings_v2.json"));
    let (code, err) = within_15_s(&["audit-package", arg(dir.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("bindings_v2.json is not a regular file"),
        "{err}"
    );

    let (code, err) = within_15_s(&[
        "audit-package",
        arg(&data("studio/shared-mailbox")),
        "--connections",
        arg(&dir.path().join("bindings_v2.json")),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a regular file"), "{err}");
}

#[test]
fn an_endless_connections_file_is_refused_at_its_size_limit() {
    // Issue 14, row 7: /dev/zero was read until memory ran out.
    let (code, err) = within_15_s(&[
        "audit-package",
        arg(&data("studio/shared-mailbox")),
        "--connections",
        "/dev/zero",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("/dev/zero is not a regular file"), "{err}");

    let dir = TempDir::new().unwrap();
    let big = dir.path().join("connections.json");
    let file = fs::File::create(&big).unwrap();
    file.set_len(300 * 1024 * 1024).unwrap(); // sparse: no disk used
    let (code, err) = within_15_s(&[
        "audit-package",
        arg(&data("studio/shared-mailbox")),
        "--connections",
        arg(&big),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("larger than"), "{err}");
}
