//! `connassist audit` (a tenant) and `connassist audit-package` (a `.nupkg` or
//! a Studio project folder, offline, for CI pipelines).
//!
//! Exit codes: 1 when a finding reaches `--fail-on` (default `error`); else 4
//! when part of the tenant could not be read (the audit is incomplete) or a
//! disk error stopped reading a package, 2 for a package or connections file
//! that is missing or malformed; else 0.
//!
//! JSON schema (stable; fields are only ever added):
//! `{"summary": {"processes", "errors", "warnings", "infos"}, "findings": [Finding],
//!   "problems": [{"folder", "process", "error": {"code", "message"}}]}` where
//! Finding is `{rule, severity: error|warning|info, process: {key, name,
//! folderPath}, binding, connector, connection: {id, name, folderPath},
//! title, explanation, fix, location: {file, line, column}}`.
//! SARIF is 2.1.0 with one run; results point at `bindings_v2.json` lines.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use connassist_core::audit::fetch::{AuditOptions, gather};
use connassist_core::audit::offline::{RunMode, input_from_package, read_connections_file};
use connassist_core::audit::sarif::to_sarif;
use connassist_core::audit::{AuditReport, Severity};
use connassist_core::package::read_package;
use connassist_core::{ApiError, ErrorCode};

use crate::exit;
use crate::output;
use crate::tenant::{TenantArgs, fail};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Run {
    Attended,
    Unattended,
}

#[derive(Debug, clap::Args)]
pub struct Output {
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    format: AuditFormat,
    /// Exit with 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only processes in this folder (full path) and its subfolders.
    #[arg(long)]
    folder: Option<String>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=128))]
    concurrency: u16,
    #[command(flatten)]
    output: Output,
}

#[derive(Debug, clap::Args)]
pub struct PackageArgs {
    /// A .nupkg file, or a Studio (or Python) project folder.
    path: PathBuf,
    /// How the process will run once deployed.
    #[arg(long, value_enum, default_value_t = Run::Unattended)]
    run: Run,
    /// The tenant's connections, saved with `connassist connections --format json`,
    /// to check the bound connections' state, owner, folder and scopes.
    #[arg(long)]
    connections: Option<PathBuf>,
    #[command(flatten)]
    output: Output,
}

fn failing(report: &AuditReport, fail_on: FailOn) -> bool {
    match fail_on {
        FailOn::Error => report.reaches(Severity::Error),
        FailOn::Warning => report.reaches(Severity::Warning),
        FailOn::Never => false,
    }
}

fn mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖ error",
        Severity::Warning => "▲ warning",
        Severity::Info => "● info",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn table(report: &AuditReport) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&format!("{}  {}\n", mark(f.severity), f.rule));
        out.push_str(&format!(
            "  {} › {}\n",
            f.process.folder_path, f.process.name
        ));
        if let Some(l) = &f.location {
            out.push_str(&format!("  at {}:{}:{}\n", l.file, l.line, l.column));
        }
        out.push_str(&format!(
            "  {}\n  Why: {}\n  Fix: {}\n\n",
            f.title, f.explanation, f.fix
        ));
    }
    for p in &report.problems {
        let what = p
            .process
            .as_deref()
            .map(|n| format!(" › {n}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "? not read  {}{what}: {}\n",
            p.folder, p.error.message
        ));
    }
    let s = &report.summary;
    let unread = if report.problems.is_empty() {
        String::new()
    } else {
        format!(
            "; {} could not be read",
            plural(report.problems.len(), "part", "parts")
        )
    };
    out.push_str(&format!(
        "{} audited: {}, {}, {}{unread}.\n",
        plural(s.processes, "process", "processes"),
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.infos, "note", "notes"),
    ));
    out
}

fn print(output: &Output, report: &AuditReport) {
    match output.format {
        AuditFormat::Table => output::text(&table(report)),
        AuditFormat::Json => output::json(report),
        AuditFormat::Sarif => output::json(&to_sarif(&report.findings)),
    }
}

fn outcome(output: &Output, report: &AuditReport) -> ExitCode {
    exit::code(if failing(report, output.fail_on) {
        exit::FINDINGS
    } else if !report.problems.is_empty() {
        exit::TENANT
    } else {
        exit::OK
    })
}

pub fn run(args: Args, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async {
        let tenant = match tenant.connect().await {
            Ok(t) => t,
            Err(e) => return exit::code(fail(&e)),
        };
        let options = AuditOptions {
            folder: args.folder,
            concurrency: usize::from(args.concurrency),
            ..AuditOptions::default()
        };
        let gathered = match gather(&tenant.client, &options, |_, _| {}).await {
            Ok(g) => g,
            Err(e) => return exit::code(fail(&e.into())),
        };
        let report = AuditReport::new(&gathered.input, gathered.problems);
        print(&args.output, &report);
        for p in &report.problems {
            eprintln!("error: {}: {}", p.folder, p.error.message);
        }
        outcome(&args.output, &report)
    })
}

pub fn run_package(args: PackageArgs) -> ExitCode {
    let package = match read_package(&args.path) {
        Ok(p) => p,
        Err(e) => {
            // A package that is missing or unreadable is the caller's input: exit 2.
            let e = ApiError::from(e);
            eprintln!("error: {}", e.message);
            return exit::code(if e.code == ErrorCode::Internal {
                exit::TENANT
            } else {
                exit::USAGE
            });
        }
    };
    for w in &package.warnings {
        eprintln!("warning: {w}");
    }
    let connections = match &args.connections {
        None => None,
        Some(file) => match read_connections_file(file) {
            Ok(c) => Some(c),
            Err(e) => return exit::code(fail(&e)),
        },
    };
    // Point at bindings_v2.json on disk for a project folder, or inside the package.
    let bindings_path = if args.path.is_dir() {
        args.path.join(&package.bindings_file).display().to_string()
    } else {
        package.bindings_file.clone()
    };
    let run = match args.run {
        Run::Attended => RunMode::Attended,
        Run::Unattended => RunMode::Unattended,
    };
    let input = input_from_package(&package, &bindings_path, run, connections);
    let report = AuditReport::new(&input, vec![]);
    print(&args.output, &report);
    outcome(&args.output, &report)
}
