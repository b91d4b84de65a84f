//! Rule 8. The reassuring half of rule 1: a binding configurable by users on a
//! process only ever run attended is how the feature is meant to be used, and
//! saying so stops people "fixing" it.

use super::{Context, Rule};
use crate::audit::finding::{Finding, Severity};
use crate::audit::model::BindingMode;

#[derive(Debug)]
pub struct BindingAttendedOk;

impl Rule for BindingAttendedOk {
    fn id(&self) -> &'static str {
        "binding-attended-ok"
    }
    fn severity(&self) -> Severity {
        Severity::Info
    }
    fn summary(&self) -> &'static str {
        "A binding configurable by users on a process that only runs attended: fine."
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.runs_unattended() {
            return;
        }
        for b in &cx.process.bindings {
            if b.mode != BindingMode::ByUser {
                continue;
            }
            out.push(cx.finding(
                self,
                self.severity(),
                Some(b),
                [
                    format!(
                        "“{}” lets each user pick the connection for its {}: fine, it runs attended only.",
                        cx.process.name,
                        cx.binding_label(b)
                    ).into(),
                    "Each attended user runs the process with a connection of their own, chosen in the Assistant, so it reads their mailbox or files with their rights. Nothing starts this process unattended (no unattended trigger, robot or job), which is the one case where a binding configurable by users fails.".into(),
                    "Nothing to do. Each user picks their connection once under “Your connection for this process” (the app's Audit) or in the UiPath Assistant. Before adding an unattended trigger, fix the binding to a shared connection.".into(),
                ],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn notes_configurable_bindings_only_on_attended_only_processes() {
        for (runs, want) in [(attended(), 1), (unattended(vec![]), 0)] {
            let input = input(
                process(runs, vec![by_user("b1"), fixed("b2", "c1")]),
                vec![],
            );
            let found = run(&BindingAttendedOk, &input);
            assert_eq!(found.len(), want);
            if let Some(f) = found.first() {
                assert_eq!(f.severity, Severity::Info);
                assert_eq!(f.binding.as_deref(), Some("b1"));
            }
        }
    }
}
