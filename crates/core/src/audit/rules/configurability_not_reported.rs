//! Rule 9. No public API says which bindings are "configurable by users" (a
//! Package Requirements setting), and a real tenant does not send it. For a
//! process that runs unattended, that is the one thing that decides whether
//! its bindings work at all, so not knowing is said, never taken as "fixed":
//! one finding per process, naming the bindings, with where to look. When
//! unattended runs of it already faulted for want of a connection
//! (`DAP-RT-1002`), it is a warning.

use super::{Context, Rule};
use crate::audit::finding::{Finding, Severity};
use crate::audit::model::{BindingMode, Configurability, NO_CONNECTION_BOUND};

#[derive(Debug)]
pub struct ConfigurabilityNotReported;

impl Rule for ConfigurabilityNotReported {
    fn id(&self) -> &'static str {
        "configurability-not-reported"
    }
    fn severity(&self) -> Severity {
        Severity::Info
    }
    fn summary(&self) -> &'static str {
        "The tenant does not say whether an unattended process's bindings are fixed or configurable by users."
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !cx.runs_unattended() {
            return;
        }
        let unknown: Vec<String> = cx
            .process
            .bindings
            .iter()
            .filter(|b| {
                b.configurability == Configurability::NotReported
                    && !matches!(b.mode, BindingMode::ByUser | BindingMode::Expression)
            })
            .map(|b| cx.binding_label(b))
            .collect();
        if unknown.is_empty() {
            return;
        }
        let runs = &cx.process.runs;
        let (severity, failed) = match runs.unbound_failures {
            0 => (self.severity(), String::new()),
            n => (
                Severity::Warning,
                format!(
                    " {n} recent unattended run{} faulted with no connection bound ({NO_CONNECTION_BOUND}).",
                    if n == 1 { "" } else { "s" },
                ),
            ),
        };
        out.push(cx.finding(
            self,
            severity,
            None,
            [
                format!(
                    "Cannot tell from this tenant whether “{}”’s bindings are configurable by users.",
                    cx.process.name
                )
                .into(),
                format!(
                    "“{}” runs unattended ({}), where a binding configurable by users has no connection. The tenant does not say whether its {} {} fixed or left to users, and no attended run picked its own connection for {}.{failed}",
                    cx.process.name,
                    cx.evidence.join("; "),
                    unknown.join(", "),
                    if unknown.len() == 1 { "is" } else { "are" },
                    if unknown.len() == 1 { "it" } else { "them" },
                )
                .into(),
                "Check Package Requirements in Orchestrator (the process › Package Requirements): a connection set to \"configurable by users\" must be fixed to one shared-folder connection for unattended runs.".into(),
            ],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::audit::model::RunModes;

    #[test]
    fn only_unattended_processes_with_unreported_bindings_are_named() {
        let mut unknown = fixed("b1", "c1");
        unknown.configurability = Configurability::NotReported;
        let known = fixed("b2", "c1");
        let cases = [
            (unattended(vec![]), vec![unknown.clone(), known.clone()], 1),
            (unattended(vec![]), vec![known.clone()], 0),
            (attended(), vec![unknown.clone()], 0),
        ];
        for (runs, bindings, want) in cases {
            let found = run(
                &ConfigurabilityNotReported,
                &input(process(runs, bindings), vec![]),
            );
            assert_eq!(found.len(), want);
            if let Some(f) = found.first() {
                assert_eq!(f.severity, Severity::Info);
                assert!(f.fix.contains("Package Requirements"), "{}", f.fix);
            }
        }
        let failing_otherwise = RunModes {
            failed_unattended_jobs: 3,
            ..unattended(vec![])
        };
        let found = run(
            &ConfigurabilityNotReported,
            &input(process(failing_otherwise, vec![unknown.clone()]), vec![]),
        );
        assert_eq!(
            found[0].severity,
            Severity::Info,
            "failures of another kind say nothing here"
        );
        let unbound = RunModes {
            failed_unattended_jobs: 3,
            unbound_failures: 2,
            ..unattended(vec![])
        };
        let found = run(
            &ConfigurabilityNotReported,
            &input(process(unbound, vec![unknown]), vec![]),
        );
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(
            found[0]
                .explanation
                .contains("2 recent unattended runs faulted with no connection bound")
        );
    }
}
