//! Rule 7. A connection consented with too few permissions works for some
//! activities and fails with a 403 for others, at run time and far from the
//! consent that caused it. Shared mailboxes are the classic case.

use super::{Bound, Context, Rule};
use crate::audit::finding::{Finding, Severity};
use crate::audit::scopes::{missing, required_scopes};

#[derive(Debug)]
pub struct MissingScopes;

impl Rule for MissingScopes {
    fn id(&self) -> &'static str {
        "missing-scopes"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "A bound connection's granted scopes do not cover what the process's activities need."
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for b in &cx.process.bindings {
            let Some(Bound::Known(c)) = cx.bound(b) else {
                continue;
            };
            let Some(granted) = c.scopes.as_deref() else {
                continue;
            };
            let mailbox = b.shared_mailbox.as_deref().or(c.shared_mailbox.as_deref());
            let mut needed: Vec<String> = b
                .activities
                .iter()
                .flat_map(|a| required_scopes(a, mailbox.is_some()))
                .collect();
            needed.sort();
            needed.dedup();
            let Some(lacking) = missing(granted, &needed).filter(|l| !l.is_empty()) else {
                continue;
            };
            let shared = mailbox
                .map(|m| {
                    format!(" Reading the shared mailbox {m} needs the “.Shared” permissions.")
                })
                .unwrap_or_default();
            out.push(cx.finding(
                self,
                self.severity(),
                Some(b),
                [
                    format!(
                        "“{}” lacks {} for “{}”.",
                        c.name,
                        lacking.join(", "),
                        cx.process.name
                    ).into(),
                    format!(
                        "The {} is used by {}, which need{} {}. “{}” was consented with {} only, so those activities fail with “access denied” (403) at run time.{shared}",
                        cx.binding_label(b),
                        b.activities.join(", "),
                        if b.activities.len() == 1 { "s" } else { "" },
                        needed.join(", "),
                        c.name,
                        granted.join(" ")
                    ).into(),
                    format!(
                        "Reconnect “{}” and accept the additional permissions ({}); if the consent page says an administrator must approve, ask your Entra administrator for admin consent.",
                        c.name,
                        lacking.join(", ")
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
    fn flags_scopes_the_activities_need_and_the_grant_lacks() {
        let with = |id: &str, scopes: Option<&[&str]>, shared: Option<&str>| {
            let mut c = conn(id, "Shared", "a@x", Enabled);
            c.scopes = scopes.map(|s| s.iter().map(|x| (*x).to_owned()).collect());
            c.shared_mailbox = shared.map(str::to_owned);
            c
        };
        let mail: &[&str] = &["openid", "offline_access", "Mail.ReadWrite", "Mail.Send"];
        let connections = vec![
            with("own", Some(mail), None),
            with("shared", Some(mail), Some("ap@contoso.example")),
            with(
                "app",
                Some(&["https://graph.microsoft.com/.default"]),
                Some("ap@x"),
            ),
            with("unreported", None, None),
        ];
        let binding = |id: &str, activities: &[&str]| {
            let mut b = fixed("b", id);
            b.activities = activities.iter().map(|a| (*a).to_owned()).collect();
            b
        };
        let cases = [
            (binding("own", &["For Each Email", "Send Email"]), None),
            (
                binding("own", &["Get Calendar Events"]),
                Some("Calendars.Read"),
            ),
            (
                binding("shared", &["For Each Email"]),
                Some("Mail.Read.Shared"),
            ),
            (binding("app", &["For Each Email"]), None),
            (binding("unreported", &["Get Calendar Events"]), None),
            (binding("own", &["A Custom Activity"]), None),
        ];
        for (b, want) in cases {
            let input = input(
                process(unattended(vec![]), vec![b.clone()]),
                connections.clone(),
            );
            let found = run(&MissingScopes, &input);
            assert_eq!(found.len(), usize::from(want.is_some()), "{b:?}");
            if let (Some(f), Some(scope)) = (found.first(), want) {
                assert!(f.title.contains(scope), "{}", f.title);
                assert_eq!(f.severity, Severity::Warning);
            }
        }
    }
}
