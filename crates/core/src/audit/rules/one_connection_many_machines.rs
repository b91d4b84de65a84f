//! Rule 6. The forum thread's case: one process runs on several unattended
//! machines, and its author expects each machine to use "its own" connection.
//! Connections belong to users, not to machines: a process takes one
//! connection per binding, whichever machine runs it.

use super::{Bound, Context, Rule};
use crate::audit::finding::{Finding, Severity};
use crate::audit::model::{BindingMode, is_delegated};

#[derive(Debug)]
pub struct OneConnectionManyMachines;

impl Rule for OneConnectionManyMachines {
    fn id(&self) -> &'static str {
        "one-connection-many-machines"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "One process runs on several unattended machines with per-user delegated connections."
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let runs = &cx.process.runs;
        let machines = runs.machines();
        if !cx.runs_unattended() || machines.len() < 2 {
            return;
        }
        let machines = machines.join(", ");
        for b in &cx.process.bindings {
            let (severity, what) = match (&b.mode, cx.bound(b)) {
                (BindingMode::ByUser, _) => (
                    Severity::Warning,
                    "is configurable by users, as if each machine could bring its own connection"
                        .to_owned(),
                ),
                (_, Some(Bound::Known(c))) if is_delegated(c.auth_type.as_deref()) => (
                    Severity::Info,
                    format!(
                        "uses “{}”, which acts as {} on every machine",
                        c.name,
                        if c.identity.is_empty() {
                            &c.owner
                        } else {
                            &c.identity
                        }
                    ),
                ),
                _ => continue,
            };
            out.push(cx.finding(
                self,
                severity,
                Some(b),
                [
                    format!(
                        "“{}” runs on {machines}; its {} {what}.",
                        cx.process.name,
                        cx.binding_label(b)
                    ).into(),
                    "Connections belong to users, not to machines or robots: a process gets one connection per binding, whichever machine runs the job, and a delegated connection always acts as the account that signed in. Giving each machine its own connection is not something a binding can express.".into(),
                    "Create one connection in the process's shared folder for the identity all machines should act as (a shared mailbox or service account, or an app-only connection), grant the robots that folder, and fix the binding to it. If each machine really must act as a different account, split the work (a Dispatcher that queues items and Performers that each use their own fixed connection) or, as a last resort, deploy one process per machine.".into(),
                ],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::connections::ConnectionState::Enabled;

    #[test]
    fn flags_per_user_connections_on_several_machines() {
        let two = || {
            vec![
                robot("robot-prod-01", "VM-01", &["Shared"]),
                robot("robot-prod-02", "VM-02", &["Shared"]),
            ]
        };
        let same_machine = || {
            vec![
                robot("robot-prod-01", "VM-01", &["Shared"]),
                robot("robot-prod-03", "VM-01", &["Shared"]),
            ]
        };
        let mut app = conn("app", "Shared", "dana@x", Enabled);
        app.auth_type = Some("OAuth2ClientCertificate".into());
        let connections = vec![conn("delegated", "Shared", "dana@x", Enabled), app];
        let cases = [
            (by_user("b"), unattended(two()), Some(Severity::Warning)),
            (
                fixed("b", "delegated"),
                unattended(two()),
                Some(Severity::Info),
            ),
            (fixed("b", "app"), unattended(two()), None),
            (by_user("b"), unattended(same_machine()), None),
            (by_user("b"), attended(), None),
        ];
        for (binding, runs, want) in cases {
            let input = input(process(runs, vec![binding.clone()]), connections.clone());
            let found = run(&OneConnectionManyMachines, &input);
            assert_eq!(found.first().map(|f| f.severity), want, "{binding:?}");
            if let Some(f) = found.first() {
                assert!(f.title.contains("VM-01, VM-02"), "{}", f.title);
                assert!(f.fix.contains("one process per machine"), "{}", f.fix);
            }
        }
    }
}
