//! The real app against a bare Tauri window, both release builds, on this machine
//! under the e2e harness (Xvfb, tauri-driver): cold start to the first rows of the
//! large sandbox (5,000 connections in 500 folders), and resident memory of the
//! app with its WebKit processes once the 5,000 rows are listed. Prints a table; a
//! benchmark, not a test. Run by `scripts/bench-ui --app` after
//! `cargo build --release -p connassist-app --example bare-window`.
//!
//! The bare window is `src-tauri/examples/bare-window.rs`: the same Tauri and
//! WebKitGTK, a static page, no plugins. It is copied under the app's file name so
//! the harness finds its process the same way. Both are started the same way
//! (WebDriver session to the page's first element), so the driver's overhead is in
//! both columns. The app's "cold start to first rows" is launch to the first
//! screen, then the tenant's address typed and signed in with the session the
//! keychain kept from a first, unmeasured launch (no sign-in window), then the
//! first row on screen.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use connassist_e2e::{
    Desktop, Result, Signal, app_binary, connect_to_tenant, eventually, sign_in_through_the_window,
};
use connassist_sandbox::{Config, LargeSpec, PUBLIC_CLIENT_ID, Sandbox, Scenario};
use fantoccini::{Client, Locator};

const RUNS: usize = 3;

/// Every process under `pid` (WebKit's web and network processes), and itself.
fn with_descendants(pid: i32) -> Vec<i32> {
    let parents: Vec<(i32, i32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            let (_, tail) = stat.rsplit_once(')')?;
            Some((p, tail.split_whitespace().nth(1)?.parse().ok()?))
        })
        .collect();
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        let parent = all[i];
        all.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    all
}

/// (RSS, PSS) in MiB summed over the processes, from /proc/PID/smaps_rollup.
fn memory(pids: &[i32]) -> (f64, f64) {
    let field = |text: &str, name: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .unwrap_or_default()
    };
    pids.iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).ok())
        .fold((0.0, 0.0), |(rss, pss), t| {
            (
                rss + field(&t, "Rss:") / 1024.0,
                pss + field(&t, "Pss:") / 1024.0,
            )
        })
}

fn app_memory(desktop: &Desktop) -> (f64, f64, usize) {
    let pids: Vec<i32> = desktop
        .app_pids()
        .into_iter()
        .flat_map(with_descendants)
        .collect();
    let (rss, pss) = memory(&pids);
    (rss, pss, pids.len())
}

async fn listed(client: &Client) -> Result<String> {
    eventually(
        Duration::from_secs(300),
        "the listing to finish",
        || async {
            let text = client
                .find(Locator::Id("list-status"))
                .await?
                .text()
                .await?;
            Ok(text.contains("connections in").then_some(text))
        },
    )
    .await
}

struct Run {
    first_paint: Duration,
    first_rows: Duration,
    all_rows: Duration,
    rss: f64,
    pss: f64,
    processes: usize,
}

async fn app_run(desktop: &Desktop, app: &Path, url: &str) -> Result<Run> {
    let start = Instant::now();
    let client = desktop.open_app(app).await?;
    client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Id("tenant-url"))
        .await?;
    let first_paint = start.elapsed();
    connect_to_tenant(&client, url, PUBLIC_CLIENT_ID, Duration::from_secs(60)).await?;
    client
        .wait()
        .at_most(Duration::from_secs(300))
        .for_element(Locator::Css("table.grid tbody tr[data-id]"))
        .await?;
    let first_rows = start.elapsed();
    let status = listed(&client).await?;
    let all_rows = start.elapsed();
    assert!(status.starts_with("5000 connections"), "{status}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rss, pss, processes) = app_memory(desktop);
    desktop.signal_app(Signal::SIGTERM)?;
    let _ = client.close().await;
    Ok(Run {
        first_paint,
        first_rows,
        all_rows,
        rss,
        pss,
        processes,
    })
}

async fn bare_run(desktop: &Desktop, bare: &Path) -> Result<Run> {
    let start = Instant::now();
    let client = desktop.open_app(bare).await?;
    client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("h1"))
        .await?;
    let first_paint = start.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rss, pss, processes) = app_memory(desktop);
    desktop.signal_app(Signal::SIGTERM)?;
    let _ = client.close().await;
    Ok(Run {
        first_paint,
        first_rows: first_paint,
        all_rows: first_paint,
        rss,
        pss,
        processes,
    })
}

fn median<T: Copy + PartialOrd>(mut xs: Vec<T>) -> T {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    xs[xs.len() / 2]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let app = app_binary();
    let examples = app.with_file_name("examples");
    let built = examples.join("bare-window");
    if !built.exists() || !app.exists() {
        return Err(format!(
            "build both first: cargo build --release -p connassist-app --example bare-window ({} / {})",
            app.display(),
            built.display()
        )
        .into());
    }
    // Under the app's file name, so Desktop::app_pids finds it (and only it).
    let copy_dir = tempfile::tempdir()?;
    let bare: PathBuf = copy_dir.path().join("connassist-app");
    std::fs::copy(&built, &bare)?;

    let sandbox = Sandbox::start(Config {
        scenario: Scenario::Large(LargeSpec::default()),
        ..Config::default()
    })
    .await?;
    let desktop = Desktop::start()?;

    // First launch, not measured: sign in through the window; the keychain keeps it.
    let client = desktop.open_app(&app).await?;
    connect_to_tenant(
        &client,
        &sandbox.base_url,
        PUBLIC_CLIENT_ID,
        Duration::from_secs(60),
    )
    .await?;
    sign_in_through_the_window(&client, "hana", "sandbox").await?;
    listed(&client).await?;
    desktop.signal_app(Signal::SIGTERM)?;
    let _ = client.close().await;

    let mut apps = Vec::new();
    let mut bares = Vec::new();
    for _ in 0..RUNS {
        bares.push(bare_run(&desktop, &bare).await?);
        apps.push(app_run(&desktop, &app, &sandbox.base_url).await?);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pick = |runs: &[Run], f: &dyn Fn(&Run) -> f64| median(runs.iter().map(f).collect());
    let bare_paint = pick(&bares, &|r| ms(r.first_paint));
    let rows = [
        (
            "Cold start to first screen",
            pick(&apps, &|r| ms(r.first_paint)),
            bare_paint,
            "ms",
        ),
        (
            "Cold start to first rows (5,000 connections)",
            pick(&apps, &|r| ms(r.first_rows)),
            bare_paint,
            "ms",
        ),
        (
            "Cold start to all 5,000 rows listed",
            pick(&apps, &|r| ms(r.all_rows)),
            bare_paint,
            "ms",
        ),
        (
            "Resident memory, RSS summed",
            pick(&apps, &|r| r.rss),
            pick(&bares, &|r| r.rss),
            "MiB",
        ),
        (
            "Resident memory, PSS summed",
            pick(&apps, &|r| r.pss),
            pick(&bares, &|r| r.pss),
            "MiB",
        ),
    ];
    println!(
        "Real app vs bare Tauri window (release builds, Xvfb, median of {RUNS}; {} and {} processes)",
        apps[0].processes, bares[0].processes
    );
    println!("| What | App | Bare window | Ratio | Target |");
    println!("|---|---|---|---|---|");
    for (what, app, bare, unit) in rows {
        println!(
            "| {what} | {app:.0} {unit} | {bare:.0} {unit} | {:.2}× | ≤ 1.3× |",
            app / bare
        );
    }
    Ok(())
}
