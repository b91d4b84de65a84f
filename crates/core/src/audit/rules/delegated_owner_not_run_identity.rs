//! Rule 3. A delegated (signed-in) connection acts as the account that
//! consented: its mailbox, its SharePoint rights. When an unattended robot runs
//! the process as another identity, the job still acts as that person, which
//! surprises people twice: it reads the wrong mailbox, and it breaks the day
//! that person leaves or changes their password.

use super::{Bound, Context, Rule};
use crate::accounts::same_account;
use crate::audit::finding::{Finding, Severity};
use crate::audit::model::{is_delegated, plural};

#[derive(Debug)]
pub struct DelegatedOwnerNotRunIdentity;

impl Rule for DelegatedOwnerNotRunIdentity {
    fn id(&self) -> &'static str {
        "delegated-owner-not-run-identity"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "A delegated connection acts as its owner, not as the robot that runs the process."
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let runs = &cx.process.runs;
        if !cx.runs_unattended() || runs.run_identities().is_empty() {
            return;
        }
        for b in &cx.process.bindings {
            let Some(Bound::Known(c)) = cx.bound(b) else {
                continue;
            };
            if !is_delegated(c.auth_type.as_deref()) {
                continue;
            }
            let acts_as = if c.identity.is_empty() {
                &c.owner
            } else {
                &c.identity
            };
            let others: Vec<&str> = runs
                .run_identities()
                .iter()
                .filter(|r| !same_account(&r.user_name, acts_as))
                .map(|r| r.user_name.as_str())
                .collect();
            if others.is_empty() {
                continue;
            }
            let reported = if c.auth_type.is_none() {
                " (the tenant did not say how it was authenticated; connections made by signing in act as that account)"
            } else {
                ""
            };
            out.push(cx.finding(
                self,
                self.severity(),
                Some(b),
                [
                    format!(
                        "“{}” runs as {} but its {} acts as {acts_as}.",
                        cx.process.name,
                        others.join(", "),
                        cx.binding_label(b)
                    ).into(),
                    format!(
                        "“{}” is a delegated connection{reported}: every call it makes uses {acts_as}'s permissions (their mailbox, their SharePoint and OneDrive rights), whichever robot runs the job. Robot{} {} therefore act{} as {acts_as}, and the process stops working when that account loses access, changes its password or leaves.",
                        c.name,
                        plural(others.len()),
                        others.join(", "),
                        if others.len() == 1 { "s" } else { "" }
                    ).into(),
                    "Give the process a connection that belongs to the identity it should act as: one shared folder connection created by (or for) the unattended robot's account, or an app-only connection (client credentials or certificate) scoped by the administrator to the mailbox or site the process needs.".into(),
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
    fn flags_delegated_connections_acting_as_someone_else() {
        let robots = || vec![robot("robot-prod-01", "VM-01", &["Shared"])];
        let mut app = conn("app", "Shared", "dana@contoso.example", Enabled);
        app.auth_type = Some("OAuth2ClientCredentials".into());
        let mut unknown_type = conn("unknown", "Shared", "dana@contoso.example", Enabled);
        unknown_type.auth_type = None;
        let mut consented_as_robot = conn("as-robot", "Shared", "hana@contoso.example", Enabled);
        consented_as_robot.identity = "robot-prod-01@contoso.example".into();
        let connections = vec![
            conn("dana", "Shared", "dana@contoso.example", Enabled),
            conn("robot", "Shared", "robot-prod-01@contoso.example", Enabled),
            app,
            unknown_type,
            consented_as_robot,
        ];
        let cases = [
            ("dana", unattended(robots()), 1),
            ("robot", unattended(robots()), 0),
            ("app", unattended(robots()), 0),
            ("unknown", unattended(robots()), 1),
            ("as-robot", unattended(robots()), 0),
            ("dana", attended(), 0),
        ];
        for (id, runs, want) in cases {
            let input = input(process(runs, vec![fixed("b", id)]), connections.clone());
            let found = run(&DelegatedOwnerNotRunIdentity, &input);
            assert_eq!(found.len(), want, "{id}");
            if let Some(f) = found.first() {
                assert_eq!(f.severity, Severity::Warning);
                assert!(f.title.contains("robot-prod-01"), "{}", f.title);
                assert!(f.title.contains("dana@contoso.example"), "{}", f.title);
            }
        }
    }
}
