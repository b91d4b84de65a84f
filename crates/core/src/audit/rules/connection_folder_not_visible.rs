//! Rule 5. A robot can use a connection only if it may see the connection's
//! folder. Binding a connection from a folder the unattended robot is not
//! assigned to passes validation for the person who set it up (they can see
//! both folders) and fails for the robot at run time.

use super::{Bound, Context, Rule};
use crate::audit::finding::{Finding, Severity};
use crate::audit::model::plural;

#[derive(Debug)]
pub struct ConnectionFolderNotVisible;

impl Rule for ConnectionFolderNotVisible {
    fn id(&self) -> &'static str {
        "connection-folder-not-visible"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "A bound connection's folder is not visible to the robot that runs the process."
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let runs = &cx.process.runs;
        if !cx.runs_unattended() || runs.run_identities().is_empty() {
            return;
        }
        for b in &cx.process.bindings {
            let (name, folder) = match cx.bound(b) {
                Some(Bound::Known(c)) => (c.name.clone(), c.folder.path.clone()),
                Some(Bound::Unseen {
                    id,
                    name,
                    folder_path: Some(path),
                    ..
                }) => (name.unwrap_or(id).to_owned(), path.to_owned()),
                _ => continue,
            };
            let blind: Vec<&str> = runs
                .run_identities()
                .iter()
                .filter(|r| !r.folders.iter().any(|f| f.eq_ignore_ascii_case(&folder)))
                .map(|r| r.user_name.as_str())
                .collect();
            if blind.is_empty() {
                continue;
            }
            out.push(cx.finding(
                self,
                self.severity(),
                Some(b),
                [
                    format!(
                        "Robot{} {} cannot see {folder}, where “{name}” lives.",
                        plural(blind.len()),
                        blind.join(", ")
                    ).into(),
                    format!(
                        "The {} of “{}” uses “{name}” in {folder}, but {} {} not assigned to that folder. A robot gets a connection only from folders it may see, so those runs fail to get the connection.",
                        cx.binding_label(b),
                        cx.process.name,
                        blind.join(", "),
                        if blind.len() == 1 { "is" } else { "are" }
                    ).into(),
                    format!(
                        "Use a connection in {} (the process's own folder), or assign the robot account{} to {folder} in Orchestrator. Personal workspaces cannot be shared with robots.",
                        cx.process.folder_path,
                        plural(blind.len())
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
    use crate::connections::ConnectionState::Enabled;

    #[test]
    fn flags_connections_in_folders_a_robot_cannot_see() {
        let connections = vec![
            conn("in-shared", "Shared", "a@x", Enabled),
            conn("in-finance", "Finance", "a@x", Enabled),
            conn("in-workspace", "Alex's Workspace", "alex@x", Enabled),
        ];
        let both = || {
            vec![
                robot("robot-prod-01", "VM-01", &["Shared", "Finance"]),
                robot("robot-prod-02", "VM-02", &["shared"]),
            ]
        };
        let cases = [
            ("in-shared", unattended(both()), 0, ""),
            (
                "in-finance",
                unattended(both()),
                1,
                "robot-prod-02 cannot see Finance",
            ),
            (
                "in-workspace",
                unattended(both()),
                1,
                "Robots robot-prod-01, robot-prod-02",
            ),
            ("in-finance", attended(), 0, ""),
            ("in-finance", unattended(vec![]), 0, ""),
        ];
        for (id, runs, want, words) in cases {
            let input = input(process(runs, vec![fixed("b", id)]), connections.clone());
            let found = run(&ConnectionFolderNotVisible, &input);
            assert_eq!(found.len(), want, "{id}");
            if let Some(f) = found.first() {
                assert!(f.title.contains(words), "{}", f.title);
            }
        }
    }
}
