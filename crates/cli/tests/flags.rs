//! Every numeric flag of `connassist` fed hostile values: zero, negatives,
//! the edges of every integer type, digits beyond any of them, text that is
//! not a number, and random values (proptest). Whatever the value, the
//! command must answer as a command does: a usage error (exit 2) naming the
//! accepted range, or running with it; never a panic (exit 101).
//!
//! Each flag is tried on a command that really uses it (the in-process
//! sandbox for tenant commands, a tiny generated tenant for the bench), so a
//! value that parses is also carried to where it is used. A run still going
//! after a few seconds (a sandbox serving, a consent being waited for) is
//! ended: it did not panic.
// Test code: a panic is the failing assertion.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use connassist_sandbox::scenario::key;
use proptest::prelude::*;

/// One flag and the command around it; `{}` in `args` is replaced by the value.
struct Flag {
    args: Vec<String>,
}

fn flag(args: &[&str]) -> Flag {
    Flag {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
    }
}

/// The bench on a tiny tenant, with `name` set to `{}`.
fn bench(name: &str) -> Flag {
    let small = [
        ("--folders", "2"),
        ("--connections", "4"),
        ("--processes", "2"),
        ("--bindings", "2"),
        ("--latency-ms", "0"),
        ("--concurrency", "2"),
        ("--audit-concurrency", "2"),
        ("--health-concurrency", "2"),
    ];
    let mut args = vec!["bench".to_owned()];
    for (flag, value) in small {
        args.push(flag.to_owned());
        args.push(if flag == name { "{}" } else { value }.to_owned());
    }
    Flag { args }
}

/// The large sandbox scenario kept small, with `name` set to `{}`.
fn large_sandbox(name: &str) -> Flag {
    let mut args = vec!["sandbox", "--scenario", "large"]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    for (flag, value) in [
        ("--folders", "3"),
        ("--connections", "6"),
        ("--processes", "3"),
    ] {
        args.push(flag.to_owned());
        args.push(if flag == name { "{}" } else { value }.to_owned());
    }
    Flag { args }
}

fn flags() -> Vec<Flag> {
    let sharepoint = key("connection/Finance SharePoint").to_string();
    let mut all = vec![
        flag(&["--sandbox", "connections", "--concurrency", "{}"]),
        flag(&["--sandbox", "connections", "--request-timeout-secs", "{}"]),
        flag(&["--sandbox", "health", "--concurrency", "{}"]),
        flag(&["--sandbox", "health", "--every", "{}"]),
        flag(&["--sandbox", "audit", "--concurrency", "{}"]),
        flag(&[
            "--sandbox",
            "reconnect",
            &sharepoint,
            "--browser",
            "none",
            "--timeout-secs",
            "{}",
        ]),
        flag(&[
            "--sandbox",
            "create",
            "--connector",
            "uipath-microsoft-onedrive",
            "--folder",
            "Shared",
            "--browser",
            "none",
            "--timeout-secs",
            "{}",
        ]),
        flag(&[
            "login",
            "--url",
            "https://cloud.uipath.com/acme/DefaultTenant",
            "--client-id",
            "x",
            "--browser",
            "none",
            "--timeout-secs",
            "{}",
        ]),
        flag(&["sandbox", "--port", "{}"]),
        flag(&["sandbox", "--seed", "{}"]),
        flag(&["sandbox", "--latency-ms", "{}"]),
        flag(&["sandbox", "--token-ttl-secs", "{}"]),
        large_sandbox("--folders"),
        large_sandbox("--connections"),
        large_sandbox("--processes"),
    ];
    for name in [
        "--folders",
        "--connections",
        "--processes",
        "--bindings",
        "--latency-ms",
        "--concurrency",
        "--audit-concurrency",
        "--health-concurrency",
    ] {
        all.push(bench(name));
    }
    all
}

/// Values no flag should take badly.
const HOSTILE: &[&str] = &[
    "0",
    "1",
    "-1",
    "65536",
    "4294967296",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "",
    "abc",
    "1.5",
    "1e3",
    "0x10",
    "١٢",
    "999999999999y",
    "1ns",
];

/// What a run ended with: its exit code (`None`: still running after 4 s,
/// or a sandbox serving, ended here) and its stderr.
fn run(args: &[String]) -> (Option<i32>, String) {
    // A run ended here leaves its sandbox's temporary folder behind: keep
    // them all in one that is removed afterwards.
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("connassist"))
        .args(args)
        .env("TMPDIR", tmp.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("CONNASSIST_URL")
        .env_remove("CONNASSIST_CLIENT_ID")
        .env_remove("CONNASSIST_CLIENT_SECRET")
        .env_remove("CONNASSIST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `connassist sandbox` prints its URL first, then serves until stopped.
    let serving = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut stdout = child.stdout.take().unwrap();
    std::thread::spawn({
        let serving = serving.clone();
        move || {
            let mut first = [0u8; 16];
            if stdout.read_exact(&mut first).is_ok() && first.starts_with(b"http://127.0.0.1") {
                serving.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        }
    });
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + Duration::from_secs(4);
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline || serving.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (code, reader.join().unwrap())
}

fn check(flag: &Flag, value: &str) {
    let args: Vec<String> = flag
        .args
        .iter()
        .map(|a| {
            if a == "{}" {
                value.to_owned()
            } else {
                a.clone()
            }
        })
        .collect();
    let (code, err) = run(&args);
    assert!(
        code != Some(101) && !err.contains("panicked"),
        "connassist {args:?} panicked (exit {code:?}): {err}"
    );
    if code == Some(2) {
        assert!(
            err.contains("error"),
            "a usage error says so: {args:?}: {err}"
        );
    }
}

#[test]
fn every_numeric_flag_refuses_or_takes_hostile_values_without_a_panic() {
    let flags = flags();
    // Two at a time: the runs are processes, and some start a sandbox.
    let work: Vec<(usize, &str)> = (0..flags.len())
        .flat_map(|f| HOSTILE.iter().map(move |v| (f, *v)))
        .collect();
    std::thread::scope(|s| {
        for half in work.chunks(work.len().div_ceil(2)) {
            let flags = &flags;
            s.spawn(move || {
                for (f, value) in half {
                    check(&flags[*f], value);
                }
            });
        }
    });
}

#[test]
fn out_of_range_values_are_usage_errors_that_name_the_range() {
    for args in [
        [
            "--sandbox",
            "reconnect",
            "x",
            "--timeout-secs",
            "9223372036854775807",
        ]
        .as_slice(),
        &["sandbox", "--scenario", "large", "--folders", "0"],
        &["bench", "--audit-concurrency", "18446744073709551615"],
        &["sandbox", "--connections", "18446744073709551615"],
    ] {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let (code, err) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(
            err.contains("is not in"),
            "the range is named: {args:?}: {err}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_values_for_any_numeric_flag_never_panic(
        which in 0usize..23,
        value in prop_oneof![
            any::<u64>().prop_map(|v| v.to_string()),
            any::<i64>().prop_map(|v| v.to_string()),
            (0u64..100_000).prop_map(|v| v.to_string()),
            "[0-9]{15,40}",
            "[-+]?[0-9a-z.]{0,6}",
        ],
    ) {
        let flags = flags();
        check(&flags[which % flags.len()], &value);
    }
}
