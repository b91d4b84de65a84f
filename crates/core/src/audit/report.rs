//! An audit's result as the CLI prints it (`--format json`) and the app shows
//! it: one shape for both, so a script and the Audit view cannot disagree.

use serde::Serialize;
use ts_rs::TS;

use super::fetch::AuditProblem;
use super::finding::{Finding, Severity};
use super::model::{AuditInput, BindingMode};
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
    /// Which processes bind each connection (fixed bindings), so a broken
    /// connection's impact is visible: "3 unattended processes use it".
    pub usage: Vec<ConnectionUsage>,
}

/// The processes bound to one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionUsage {
    pub connection_id: String,
    pub processes: Vec<UsedBy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct UsedBy {
    pub process: String,
    pub folder_path: String,
    /// Runs unattended (a trigger, unattended robots or jobs): a failure
    /// there breaks a run nobody watches.
    pub unattended: bool,
}

/// Who binds what, by connection id (sorted), processes by name.
fn usage(input: &AuditInput) -> Vec<ConnectionUsage> {
    let mut by: std::collections::BTreeMap<&str, Vec<UsedBy>> = Default::default();
    for p in &input.processes {
        let unattended = !p.runs.unattended_evidence().is_empty();
        for b in &p.bindings {
            if let BindingMode::Fixed {
                connection_id: Some(id),
                ..
            } = &b.mode
            {
                let list = by.entry(id.as_str()).or_default();
                if !list
                    .iter()
                    .any(|u| u.process == p.name && u.folder_path == p.folder_path)
                {
                    list.push(UsedBy {
                        process: p.name.clone(),
                        folder_path: p.folder_path.clone(),
                        unattended,
                    });
                }
            }
        }
    }
    by.into_iter()
        .map(|(id, mut processes)| {
            processes
                .sort_by(|a, b| (&a.process, &a.folder_path).cmp(&(&b.process, &b.folder_path)));
            ConnectionUsage {
                connection_id: id.to_owned(),
                processes,
            }
        })
        .collect()
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
            usage: usage(input),
        }
    }

    /// Whether a finding is at least as severe as `threshold`.
    pub fn reaches(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity.reaches(threshold))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::test_support::{
        attended, by_user, conn, fixed, input, process, robot, unattended,
    };
    use crate::connections::ConnectionState;

    #[test]
    fn usage_lists_the_processes_bound_to_each_connection() {
        let mut i = input(
            process(
                unattended(vec![robot("r", "VM", &["Shared"])]),
                vec![fixed("b1", "c1"), fixed("b2", "c1"), by_user("b3")],
            ),
            vec![conn("c1", "Shared", "a@b.c", ConnectionState::Failed)],
        );
        let mut other = process(attended(), vec![fixed("b1", "c1"), fixed("b2", "c2")]);
        other.name = "Attended one".into();
        i.processes.push(other);
        let report = AuditReport::new(&i, vec![]);
        assert_eq!(report.usage.len(), 2);
        let c1 = &report.usage[0];
        assert_eq!(c1.connection_id, "c1");
        // Two bindings of one process count once.
        assert_eq!(c1.processes.len(), 2);
        assert_eq!(c1.processes[0].process, "Attended one");
        assert!(!c1.processes[0].unattended);
        assert!(c1.processes[1].unattended);
        assert_eq!(report.usage[1].connection_id, "c2");
    }
}
