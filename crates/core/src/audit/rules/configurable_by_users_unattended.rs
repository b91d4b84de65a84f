//! Rule 1. A binding "configurable by users" has no connection until an
//! attended user picks one in the Assistant; an unattended job has no user to
//! pick, so Orchestrator rejects the start. This is the forum's most asked
//! question ("why does my unattended job fail with this connection?").

use super::{Context, Rule};
use crate::audit::finding::{Finding, Severity};
use crate::audit::model::BindingMode;

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
                        "A binding configurable by users gets its connection from the attended user who starts the job, in the Assistant. This process runs unattended ({}), where no user picks a connection, so Orchestrator rejects the job before it starts. Connections belong to users, not to machines or robots.",
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
}
