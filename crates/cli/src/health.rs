//! `connassist health`: pings every visible connection (or one folder's) and
//! says which are broken or about to break, why, and what to do. Progress is a
//! bar on stderr when it is a terminal (indicatif), nothing when piped.
//!
//! JSON schema (stable; fields are only ever added):
//! `{"summary": {checked, healthy, expiringSoon, broken, unpinged},
//!   "results": [{connection: ConnectionRow, status, explanation: {status, code,
//!   cause, fix, needsAdmin, reconnectHelps}, lapsesOn, evidence: "ping"|"state",
//!   checkedAt, pingError?: {code, message}}], "errors": [{"folder", "error"}]}`
//!   (`pingError` only when the ping could not be made) with `status` one of
//! healthy, expiring_soon, consent_required, expired, revoked, secret_expired,
//! disabled, unreachable, unknown. CSV has one row per connection with the
//! columns of `connassist_core::health::export::CSV_COLUMNS`. Results are sorted: broken first, then
//! expiring, then healthy; by folder and name within each.
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 something is; 4 part of
//! the tenant could not be listed (the rest is still checked and printed).
//!
//! `--every 15m` keeps checking (off by default: a script wants one answer):
//! after the first report, each round prints only what changed since the
//! previous one (core's `health::round`, which keeps the previous round
//! in memory, and `health::watch`): a line of text each, or with
//! `--format json` a JSON line `{"change": "failed"|"recovered"|"expiring",
//! "result": …}`. Ctrl-C ends it with the last round's exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use comfy_table::{ContentArrangement, Table, presets::UTF8_BORDERS_ONLY};
use connassist_core::ApiError;
use connassist_core::failure::FailureStatus;
use connassist_core::health::export::{self, HealthReport};
use connassist_core::health::round::{HealthRounds, Round, Scope, Whose};
use connassist_core::health::watch;
use connassist_core::health::{Evidence, HealthEvent, HealthResult, HealthSummary};
use connassist_core::tenant_client::TenantClient;

use crate::exit;
use crate::output::{self, ListFormat};
use crate::tenant::{TenantArgs, fail};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 when a connection is broken.
    Broken,
    /// Exit 1 when one is broken or about to break.
    Expiring,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this folder (full path) and its subfolders.
    #[arg(long)]
    folder: Option<String>,
    /// Pings in flight at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=128))]
    concurrency: u16,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
    #[arg(long, value_enum, default_value_t = FailOn::Broken)]
    fail_on: FailOn,
    /// Check again every DURATION (30s, 15m, 1h…) until interrupted, printing
    /// only what changed: new failures, recoveries, expiry warnings. Off by default.
    #[arg(long, value_name = "DURATION", value_parser = every)]
    every: Option<std::time::Duration>,
}

/// A duration from a second to a week: `--every` checks at most once a
/// second, and a longer wait is better left to a scheduler.
fn every(text: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(text).map_err(|e| format!("{e} (say 30s, 15m or 1h)"))?;
    if d < std::time::Duration::from_secs(1) {
        return Err("check at most once a second".into());
    }
    if d > std::time::Duration::from_secs(7 * 86_400) {
        return Err(
            "check at least once a week (1s to 7d); for longer, schedule single runs".into(),
        );
    }
    Ok(d)
}

/// One round of core's health service (which compares it with the previous
/// round of this run); only the bar and the folder errors are the CLI's.
async fn check_once(
    rounds: &HealthRounds,
    client: &TenantClient,
    args: &Args,
) -> Result<Round, ApiError> {
    let scope = Scope {
        folder: args.folder.clone(),
        only_mine: false,
        concurrency: usize::from(args.concurrency),
    };
    let mut bar = None;
    let round = rounds
        .run(client, Whose::Everyone, &scope, |event| match event {
            HealthEvent::Started { total } => bar = progress(total as u64),
            HealthEvent::Results(batch) => {
                if let Some(bar) = &bar {
                    bar.inc(batch.len() as u64);
                }
            }
            HealthEvent::FolderFailed(_) => {}
        })
        .await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut round = round;
    export::sort(&mut round.results);
    for e in &round.errors {
        eprintln!("error: folder {}: {}", e.folder.path, e.error.message);
    }
    Ok(round)
}

/// The exit code of a round: `--fail-on`, and folders that could not be listed.
fn exit_code(round: &Round, fail_on: FailOn) -> u8 {
    let failing = match fail_on {
        FailOn::Broken => round.summary.broken > 0,
        FailOn::Expiring => round.summary.broken + round.summary.expiring_soon > 0,
        FailOn::Never => false,
    };
    if !round.errors.is_empty() {
        exit::TENANT
    } else if failing {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn print(round: &Round, format: ListFormat) {
    let written = match format {
        ListFormat::Json => export::json(&HealthReport {
            summary: &round.summary,
            results: &round.results,
            errors: &round.errors,
        })
        .map(|j| j + "\n"),
        ListFormat::Csv => export::csv(&round.results),
        ListFormat::Table => Ok(table(&round.results, &round.summary)),
    };
    match written {
        Ok(text) => output::text(&text),
        Err(e) => eprintln!("connassist: cannot write the report: {e}"),
    }
}

/// What changed since the previous round: a JSON line each (`{"change":
/// "failed"|"recovered"|"expiring", "result": …}`), else a line of text.
fn print_changes(round: &Round, format: ListFormat) {
    for change in round.changes() {
        let line = match format {
            ListFormat::Json => serde_json::to_string(&serde_json::json!({
                "change": change.kind,
                "result": change.result,
            }))
            .unwrap_or_default(),
            ListFormat::Table | ListFormat::Csv => {
                let n = watch::notice(&change);
                format!("{}  {}: {}", change.result.checked_at, n.title, n.body)
            }
        };
        output::line(&line);
    }
}

pub fn run(args: Args, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async {
        let tenant = match tenant.connect().await {
            Ok(t) => t,
            Err(e) => return exit::code(fail(&e)),
        };
        let rounds = HealthRounds::in_memory();
        let mut last = match check_once(&rounds, &tenant.client, &args).await {
            Ok(r) => r,
            Err(e) => return exit::code(fail(&e)),
        };
        print(&last, args.format);
        let Some(every) = args.every else {
            return exit::code(exit_code(&last, args.fail_on));
        };
        eprintln!(
            "Checking again every {}; only changes are printed. Ctrl-C stops.",
            humantime::format_duration(every)
        );
        loop {
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                _ = tokio::signal::ctrl_c() => return exit::code(exit_code(&last, args.fail_on)),
            }
            match check_once(&rounds, &tenant.client, &args).await {
                Ok(round) => {
                    print_changes(&round, args.format);
                    last = round;
                }
                // A bad moment of the tenant's: said, and tried again next time.
                Err(e) => eprintln!("error: this check failed: {}", e.message),
            }
        }
    })
}

/// A bar on a terminal; nothing when stderr is piped or redirected.
fn progress(total: u64) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} checking {pos}/{len} connections {wide_bar} {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

fn table(results: &[HealthResult], summary: &HealthSummary) -> String {
    if results.is_empty() {
        return "No connections.\n".to_owned();
    }
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(["Status", "Name", "Folder", "Owner", "Why", "What to do"]);
    for r in results
        .iter()
        .filter(|r| r.status != FailureStatus::Healthy)
    {
        let mut why = r.explanation.cause.clone();
        if r.evidence == Evidence::State {
            match &r.ping_error {
                Some(e) => why.push_str(&format!(
                    " (not pinged: {}; from its recorded state)",
                    e.message
                )),
                None => why.push_str(" (not pinged: from its recorded state)"),
            }
        }
        t.add_row([
            r.status.label().to_owned(),
            r.connection.name.clone(),
            r.connection.folder.path.clone(),
            r.connection.owner_label().to_owned(),
            why,
            r.explanation.fix.clone(),
        ]);
    }
    format!(
        "{t}\n{} checked: {} healthy, {} expiring soon, {} broken{}\n",
        summary.checked,
        summary.healthy,
        summary.expiring_soon,
        summary.broken,
        if summary.unpinged > 0 {
            format!(" ({} could not be pinged)", summary.unpinged)
        } else {
            String::new()
        }
    )
}
