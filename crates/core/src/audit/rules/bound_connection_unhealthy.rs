//! Rule 4. A process bound to a connection that is Expired, Failed or Disabled
//! (or deleted, or to nothing at all) fails on its first connector activity.
//! Catching it here turns a 3 a.m. job failure into a morning reconnect.

use super::{Bound, Context, Rule};
use crate::audit::finding::{Finding, Severity};
use crate::audit::model::is_broken;
use crate::failure::{Signal, explain};

#[derive(Debug)]
pub struct BoundConnectionUnhealthy;

impl Rule for BoundConnectionUnhealthy {
    fn id(&self) -> &'static str {
        "bound-connection-unhealthy"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "A bound connection is Expired, Failed, Disabled or missing."
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for b in &cx.process.bindings {
            let label = cx.binding_label(b);
            let text = match cx.bound(b) {
                Some(Bound::Known(c)) if is_broken(c.state) => {
                    let why = explain(&[Signal::State(c.state.name())]);
                    [
                        format!(
                            "“{}” is bound to “{}”, which is {}.",
                            cx.process.name,
                            c.name,
                            c.state.name()
                        ).into(),
                        format!(
                            "The {label} points at “{}” in {} (owner {}). {} Every run fails at the first activity that uses it.",
                            c.name, c.folder.path, c.owner, why.cause
                        ).into(),
                        format!(
                            "{} If it cannot be repaired, bind the requirement to another connection.",
                            why.fix
                        ).into(),
                    ]
                }
                Some(Bound::Missing { id }) => [
                    format!(
                        "“{}” is bound to a connection that no longer exists.",
                        cx.process.name
                    ).into(),
                    format!(
                        "The {label} names connection {id}, which is not in its folder any more: it was deleted, or the process was moved from another tenant. Runs fail with DAP-GE-3000."
                    ).into(),
                    "In Package Requirements, bind the requirement to an existing connection of the same connector.".into(),
                ],
                Some(Bound::Nothing) => [
                    format!(
                        "“{}” has no connection bound to its {label}.",
                        cx.process.name
                    ).into(),
                    format!(
                        "The {label} is fixed but names no connection, so runs fail with DAP-RT-1002 (nothing bound)."
                    ).into(),
                    "In Package Requirements, pick the connection this binding uses (one in a shared folder for unattended runs).".into(),
                ],
                _ => continue,
            };
            out.push(cx.finding(self, self.severity(), Some(b), text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::audit::model::{Binding, BindingMode};
    use crate::connections::ConnectionState::*;

    #[test]
    fn flags_broken_missing_and_empty_bindings() {
        let unseen = Binding {
            mode: BindingMode::Fixed {
                connection_id: Some("c-secret".into()),
                name: None,
                folder_path: Some("HR".into()),
                folder_personal: Some(false),
            },
            ..fixed("b", "")
        };
        let gone_from_visible_folder = Binding {
            mode: BindingMode::Fixed {
                connection_id: Some("c-gone".into()),
                name: None,
                folder_path: Some("Finance".into()),
                folder_personal: Some(false),
            },
            ..fixed("b", "")
        };
        let cases = [
            (fixed("b", "c-expired"), 1, "Expired"),
            (fixed("b", "c-failed"), 1, "Failed"),
            (fixed("b", "c-disabled"), 1, "Disabled"),
            (fixed("b", "c-ok"), 0, ""),
            (fixed("b", "c-unknown-state"), 0, ""),
            (fixed("b", "c-deleted"), 1, "no longer exists"),
            (gone_from_visible_folder, 1, "no longer exists"),
            (unseen, 0, ""),
            (fixed("b", ""), 1, "no connection bound"),
            (by_user("b"), 0, ""),
        ];
        let connections = vec![
            conn("c-expired", "Shared", "a@x", Expired),
            conn("c-failed", "Shared", "a@x", Failed),
            conn("c-disabled", "Shared", "a@x", Disabled),
            conn("c-ok", "Shared", "a@x", Enabled),
            conn("c-unknown-state", "Shared", "a@x", Unknown),
        ];
        for (binding, want, words) in cases {
            let input = input(
                process(unattended(vec![]), vec![binding.clone()]),
                connections.clone(),
            );
            let found = run(&BoundConnectionUnhealthy, &input);
            assert_eq!(found.len(), want, "{binding:?}");
            if let Some(f) = found.first() {
                assert!(f.title.contains(words), "{}", f.title);
                assert_eq!(f.severity, Severity::Error);
            }
        }
    }
}
