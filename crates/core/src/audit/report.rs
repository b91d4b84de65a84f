//! An audit's result as the CLI prints it (`--format json`) and the app shows
//! it: one shape for both, so a script and the Audit view cannot disagree.

use serde::Serialize;
use ts_rs::TS;

use super::fetch::AuditProblem;
use super::finding::{Finding, Severity};
use super::model::AuditInput;
use super::rules::evaluate;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditSummary {
    pub processes: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditReport {
    pub summary: AuditSummary,
    /// Errors first, then warnings, then notes.
    pub findings: Vec<Finding>,
    /// What could not be read: findings may be missing there.
    pub problems: Vec<AuditProblem>,
}

impl AuditReport {
    /// Runs every rule over `input`.
    pub fn new(input: &AuditInput, problems: Vec<AuditProblem>) -> Self {
        let findings = evaluate(input);
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        Self {
            summary: AuditSummary {
                processes: input.processes.len(),
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                infos: count(Severity::Info),
            },
            findings,
            problems,
        }
    }

    /// Whether a finding is at least as severe as `threshold`.
    pub fn reaches(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity.reaches(threshold))
    }
}
