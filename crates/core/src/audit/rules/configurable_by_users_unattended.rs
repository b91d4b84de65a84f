//! Rule 1. A binding "configurable by users" has no connection until an
//! attended user picks one in the Assistant; an unattended job has no user to
//! pick, so it has no connection to run with. This is the forum's most asked
//! question ("why does my unattended job fail with this connection?").
//!
//! Where the tenant does not say which bindings are left to users (no public
//! API does), a binding that attended runs overwrote with their own
//! connection is one (`Configurability::ChosenByUsers`), and the finding says
//! so; unattended runs that already faulted are counted.

use super::{Context, Rule};
use crate::audit::finding::{Finding, Severity};
use crate::audit::model::{BindingMode, Configurability};

#[derive(Debug)]
pub struct ConfigurableByUsersUnattended;

impl Rule for ConfigurableByUsersUnattended {
    fn id(&self) -> &'static str {
        "configurable-by-users-unattended"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "A binding configurable by users on a process that runs unattended."
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let evidence = &cx.evidence;
        if evidence.is_empty() {
            return;
        }
        for b in &cx.process.bindings {
            if b.mode != BindingMode::ByUser {
                continue;
            }
            let label = cx.binding_label(b);
            let seen = match b.configurability {
                Configurability::ChosenByUsers { runs } => format!(
                    " The tenant does not say so directly, but {runs} attended run{} picked their own connection for it.",
                    if runs == 1 { "" } else { "s" }
                ),
                _ => String::new(),
            };
            let runs = &cx.process.runs;
            let failed = match (runs.failed_unattended_jobs, &runs.failure_sample) {
                (0, _) => String::new(),
                (n, Some(said)) => format!(
                    " This already failed {n} time{} recently: “{said}”",
                    if n == 1 { "" } else { "s" }
                ),
                (n, None) => format!(
                    " This already failed {n} time{} recently.",
                    if n == 1 { "" } else { "s" }
                ),
            };
            out.push(cx.finding(
                self,
                self.severity(),
                Some(b),
                [
                    format!(
                        "“{}” runs unattended, but its {label} is configurable by users.",
                        cx.process.name
                    ).into(),
                    format!(
                        "A binding configurable by users gets its connection from the attended user who starts the job, in the Assistant. This process runs unattended ({}), where no user picks a connection, so the job has no connection to run with. Connections belong to users, not to machines or robots.{seen}{failed}",
                        evidence.join("; ")
                    ).into(),
                    "In Package Requirements, fix the binding to one connection in a shared folder (not a personal workspace) created for, or granted to, the identity the unattended robot runs as. If the process must act as each user, split it: a Dispatcher that runs attended with the user's connection, and a Performer that runs unattended without it.".into(),
                ],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::audit::model::RunModes;

    #[test]
    fn flags_configurable_bindings_on_each_kind_of_unattended_run() {
        let by_trigger = unattended(vec![]);
        let by_robot = RunModes {
            unattended_robots: vec![robot("robot-prod-01", "VM-01", &["Shared"])],
            ..RunModes::default()
        };
        let by_jobs = RunModes {
            unattended_jobs: 2,
            ..RunModes::default()
        };
        let attended_only_with_robots = RunModes {
            attended_only: true,
            ..by_robot.clone()
        };
        let cases = [
            (by_trigger, 1, "trigger “Every 15 minutes”"),
            (by_robot, 1, "unattended robot robot-prod-01"),
            (by_jobs, 1, "2 recent unattended jobs"),
            (attended_only_with_robots, 0, ""),
            (attended(), 0, ""),
        ];
        for (runs, want, evidence) in cases {
            let input = input(
                process(runs.clone(), vec![by_user("b1"), fixed("b2", "c1")]),
                vec![],
            );
            let found = run(&ConfigurableByUsersUnattended, &input);
            assert_eq!(found.len(), want, "{runs:?}");
            if let Some(f) = found.first() {
                assert_eq!(f.severity, Severity::Error);
                assert_eq!(f.binding.as_deref(), Some("b1"));
                assert!(f.explanation.contains(evidence), "{}", f.explanation);
                assert!(f.fix.contains("shared folder"), "{}", f.fix);
            }
        }
    }

    #[test]
    fn a_binding_attended_runs_chose_for_is_flagged_with_what_already_failed() {
        let runs = RunModes {
            failed_unattended_jobs: 2,
            failure_sample: Some(
                "No connection is bound to the activity. Error code: DAP-RT-1002.".into(),
            ),
            ..unattended(vec![])
        };
        let mut chosen = by_user("b1");
        chosen.configurability = Configurability::ChosenByUsers { runs: 1 };
        let found = run(
            &ConfigurableByUsersUnattended,
            &input(process(runs, vec![chosen]), vec![]),
        );
        assert_eq!(found.len(), 1);
        let why = &found[0].explanation;
        assert!(
            why.contains("1 attended run picked their own connection"),
            "{why}"
        );
        assert!(
            why.contains("already failed 2 times") && why.contains("DAP-RT-1002"),
            "{why}"
        );
    }
}
