//! Rule 2. A personal workspace is visible to its owner only. A process in a
//! shared folder that binds a connection from someone's workspace validates as
//! "Unknown" in Package Requirements and fails at run time (DAP-GE-3000) for
//! every robot and every other user; the connection cannot be moved either.

use super::{Bound, Context, Rule};
use crate::audit::finding::{Finding, Severity};

#[derive(Debug)]
pub struct PersonalWorkspaceConnectionInSharedFolder;

impl Rule for PersonalWorkspaceConnectionInSharedFolder {
    fn id(&self) -> &'static str {
        "personal-workspace-connection-in-shared-folder"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "A process in a shared folder bound to a connection in someone's personal workspace."
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.process.folder_personal {
            return;
        }
        for b in &cx.process.bindings {
            let (name, workspace) = match cx.bound(b) {
                Some(Bound::Known(c)) if c.folder.personal => {
                    (c.name.clone(), c.folder.path.clone())
                }
                Some(Bound::Unseen {
                    id,
                    name,
                    folder_path,
                    folder_personal: Some(true),
                }) => (
                    name.unwrap_or(id).to_owned(),
                    folder_path.unwrap_or("a personal workspace").to_owned(),
                ),
                _ => continue,
            };
            out.push(cx.finding(
                self,
                self.severity(),
                Some(b),
                [
                    format!(
                        "“{}” in {} binds “{name}” from the personal workspace {workspace}.",
                        cx.process.name,
                        cx.process.folder_path,
                        ).into(),
                    format!(
                        "Connections in a personal workspace can be used only by the workspace's owner. The {} of a process in the shared folder {} points at one, so Package Requirements show it as “Unknown” and every robot and every other user fails to get the connection at run time (DAP-GE-3000). A personal connection cannot be moved to another folder.",
                        cx.binding_label(b),
                        cx.process.folder_path
                    ).into(),
                    format!(
                        "Create the connection again in {} (or another shared folder the robots can see), signed in as the account the process should act as, and bind the requirement to it. Keep personal connections for attended processes whose binding is configurable by users.",
                        cx.process.folder_path
                    ).into(),
                ],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::audit::model::BindingMode;
    use crate::connections::ConnectionState::Enabled;

    #[test]
    fn flags_personal_connections_bound_from_shared_folders() {
        let personal = conn("c1", "Alex's Workspace", "alex@contoso.example", Enabled);
        let shared = conn("c2", "Shared", "alex@contoso.example", Enabled);
        let unseen = |personal| crate::audit::model::Binding {
            mode: BindingMode::Fixed {
                connection_id: Some("c9".into()),
                name: Some("dana@contoso.example".into()),
                folder_path: Some("Dana's Workspace".into()),
                folder_personal: Some(personal),
            },
            ..fixed("b9", "")
        };
        let cases = [
            (fixed("b1", "c1"), false, 1),
            (fixed("b1", "c1"), true, 0),
            (fixed("b2", "c2"), false, 0),
            (unseen(true), false, 1),
            (unseen(false), false, 0),
            (by_user("b3"), false, 0),
        ];
        for (binding, process_personal, want) in cases {
            let mut p = process(unattended(vec![]), vec![binding.clone()]);
            p.folder_personal = process_personal;
            let found = run(
                &PersonalWorkspaceConnectionInSharedFolder,
                &input(p, vec![personal.clone(), shared.clone()]),
            );
            assert_eq!(found.len(), want, "{binding:?} personal={process_personal}");
            if let Some(f) = found.first() {
                assert_eq!(f.severity, Severity::Error);
                assert!(f.title.contains("Workspace"), "{}", f.title);
                assert!(f.explanation.contains("DAP-GE-3000"));
            }
        }
    }
}
