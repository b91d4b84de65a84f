//! `connassist health`: pings every visible connection (or one folder's) and
//! says which are broken or about to break, why, and what to do. Progress is a
//! bar on stderr when it is a terminal (indicatif), nothing when piped.
//!
//! JSON schema (stable; fields are only ever added):
//! `{"summary": {checked, healthy, expiringSoon, broken, unpinged},
//!   "results": [{connection: ConnectionRow, status, explanation: {status, code,
//!   cause, fix, needsAdmin, reconnectHelps}, lapsesOn, evidence: "ping"|"state",
//!   checkedAt}], "errors": [{"folder", "error"}]}` with `status` one of
//! healthy, expiring_soon, consent_required, expired, revoked, secret_expired,
//! disabled, unreachable, unknown. CSV has one row per connection with the
//! columns of `connassist_core::health::export::CSV_COLUMNS`. Results are sorted: broken first, then
//! expiring, then healthy; by folder and name within each.
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 something is; 4 part of
//! the tenant could not be listed (the rest is still checked and printed).

use std::io::IsTerminal;
use std::process::ExitCode;

use comfy_table::{ContentArrangement, Table, presets::UTF8_BORDERS_ONLY};
use connassist_core::connections::{ListOptions, list};
use connassist_core::failure::FailureStatus;
use connassist_core::health::export::{self, HealthReport, status_name};
use connassist_core::health::{self, Evidence, HealthResult, HealthSummary};

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
}

pub fn run(args: Args, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async {
        let tenant = match tenant.connect().await {
            Ok(t) => t,
            Err(e) => return exit::code(fail(&e)),
        };
        let options = ListOptions {
            folder: args.folder.clone(),
            ..ListOptions::default()
        };
        let listing = match list(&tenant.client, &options, |_| {}).await {
            Ok(l) => l,
            Err(e) => return exit::code(fail(&e.into())),
        };
        let bar = progress(listing.connections.len() as u64);
        let mut results = Vec::with_capacity(listing.connections.len());
        let summary = health::check(
            &tenant.client,
            listing.connections,
            usize::from(args.concurrency),
            |batch| {
                if let Some(bar) = &bar {
                    bar.inc(batch.len() as u64);
                }
                results.extend(batch);
            },
        )
        .await;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        export::sort(&mut results);
        let written = match args.format {
            ListFormat::Json => export::json(&HealthReport {
                summary: &summary,
                results: &results,
                errors: &listing.errors,
            })
            .map(|j| j + "\n"),
            ListFormat::Csv => export::csv(&results),
            ListFormat::Table => Ok(table(&results, &summary)),
        };
        match written {
            Ok(text) => output::text(&text),
            Err(e) => eprintln!("connassist: cannot write the report: {e}"),
        }
        for e in &listing.errors {
            eprintln!("error: folder {}: {}", e.folder.path, e.error.message);
        }
        let failing = match args.fail_on {
            FailOn::Broken => summary.broken > 0,
            FailOn::Expiring => summary.broken + summary.expiring_soon > 0,
            FailOn::Never => false,
        };
        exit::code(if !listing.errors.is_empty() {
            exit::TENANT
        } else if failing {
            exit::FINDINGS
        } else {
            exit::OK
        })
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
            why.push_str(" (not pinged: from its recorded state)");
        }
        t.add_row([
            status_name(r.status),
            r.connection.name.clone(),
            r.connection.folder.path.clone(),
            r.connection.owner.clone(),
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
