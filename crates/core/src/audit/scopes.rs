//! Which Microsoft Graph permissions an activity needs, and whether a granted
//! set covers them. A connection consented with too few scopes works for some
//! activities and fails for others with an opaque 403 at run time; shared
//! mailboxes are the classic case (`Mail.Read` reads only the owner's own
//! mailbox, `Mail.Read.Shared` is needed for a shared one).
//!
//! The table lists the Outlook 365, OneDrive/SharePoint, Teams and calendar
//! activities the platform's connectors offer; activities not in it are not
//! judged (an unknown activity is never reported as missing a scope).

/// Scopes needed by `activity` (matched case-insensitively), made `.Shared`
/// where it reads or writes a mailbox that is not the signed-in user's own.
pub fn required_scopes(activity: &str, shared_mailbox: bool) -> Vec<String> {
    let a = activity.trim().to_lowercase();
    let base: &[&str] = match a.as_str() {
        "for each email"
        | "get email list"
        | "get newest email"
        | "get email by id"
        | "email received"
        | "download email"
        | "download email attachment" => &["Mail.Read"],
        "move email"
        | "mark email as read"
        | "mark email as unread"
        | "delete email"
        | "archive email"
        | "set email categories" => &["Mail.ReadWrite"],
        "send email" | "reply to email" | "forward email" | "send reply" => &["Mail.Send"],
        "get calendar events" | "for each event" | "calendar event created" => &["Calendars.Read"],
        "create calendar event" | "update calendar event" | "delete calendar event" => {
            &["Calendars.ReadWrite"]
        }
        "upload file" | "create folder" | "delete file" | "move file" | "copy file" => {
            &["Files.ReadWrite"]
        }
        "get file list" | "download file" | "for each file" | "get file or folder" => {
            &["Files.Read"]
        }
        "get list items" | "for each list item" => &["Sites.Read.All"],
        "add list item" | "update list item" => &["Sites.ReadWrite.All"],
        "send channel message" | "send chat message" => &["ChannelMessage.Send"],
        _ => &[],
    };
    base.iter()
        .map(|s| {
            let shareable = s.starts_with("Mail.") || s.starts_with("Calendars.");
            if shared_mailbox && shareable {
                format!("{s}.Shared")
            } else {
                (*s).to_owned()
            }
        })
        .collect()
}

/// A Graph permission split into what it grants.
#[derive(Debug, PartialEq, Eq)]
struct Permission {
    resource: String,
    access: Access,
    all: bool,
    shared: bool,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Access {
    Read,
    ReadWrite,
    Other(String),
}

fn parse(scope: &str) -> Option<Permission> {
    let mut parts = scope.trim().split('.');
    let resource = parts.next()?.to_lowercase();
    let access = match parts.next()?.to_lowercase().as_str() {
        "read" => Access::Read,
        "readwrite" => Access::ReadWrite,
        other => Access::Other(other.to_owned()),
    };
    let (mut all, mut shared) = (false, false);
    for extra in parts {
        match extra.to_lowercase().as_str() {
            "all" => all = true,
            "shared" => shared = true,
            _ => return None,
        }
    }
    Some(Permission {
        resource,
        access,
        all,
        shared,
    })
}

/// Whether `granted` includes `needed`: the same permission, or a wider one
/// (`ReadWrite` covers `Read`, `.All` covers the user's own, `.Shared` covers
/// the user's own mailbox too).
fn covers(granted: &Permission, needed: &Permission) -> bool {
    let access = match (&granted.access, &needed.access) {
        (Access::Other(g), Access::Other(n)) => g == n,
        (Access::Other(_), _) | (_, Access::Other(_)) => false,
        (g, n) => g >= n,
    };
    granted.resource == needed.resource
        && access
        && (granted.all || !needed.all)
        && (granted.shared || !needed.shared)
}

/// `needed` scopes that `granted` does not cover. `None` when the grant cannot
/// be judged: application permissions (`.default`) or no scopes reported.
pub fn missing(granted: &[String], needed: &[String]) -> Option<Vec<String>> {
    if granted.is_empty() || granted.iter().any(|g| g.ends_with(".default")) {
        return None;
    }
    let granted: Vec<Permission> = granted.iter().filter_map(|g| parse(g)).collect();
    Some(
        needed
            .iter()
            .filter(|n| match parse(n) {
                Some(n) => !granted.iter().any(|g| covers(g, &n)),
                None => false,
            })
            .cloned()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(list: &[&str]) -> Vec<String> {
        list.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn wider_grants_cover_narrower_needs() {
        let cases: &[(&[&str], &[&str], &[&str])] = &[
            (&["Mail.ReadWrite"], &["Mail.Read"], &[]),
            (&["Mail.Read"], &["Mail.ReadWrite"], &["Mail.ReadWrite"]),
            (
                &["Mail.ReadWrite"],
                &["Mail.Read.Shared"],
                &["Mail.Read.Shared"],
            ),
            (&["Mail.ReadWrite.Shared"], &["Mail.Read.Shared"], &[]),
            (&["Mail.Read.Shared"], &["Mail.Read"], &[]),
            (&["Files.ReadWrite.All"], &["Files.Read"], &[]),
            (&["Files.Read"], &["Files.Read.All"], &["Files.Read.All"]),
            (&["Mail.Send"], &["Mail.Send.Shared"], &["Mail.Send.Shared"]),
            (&["mail.send"], &["Mail.Send"], &[]),
            (&["ChannelMessage.Send"], &["ChannelMessage.Send"], &[]),
            (
                &["Calendars.Read"],
                &["Calendars.ReadWrite"],
                &["Calendars.ReadWrite"],
            ),
            (
                &["openid", "offline_access"],
                &["Calendars.Read"],
                &["Calendars.Read"],
            ),
        ];
        for (granted, needed, want) in cases {
            assert_eq!(
                missing(&s(granted), &s(needed)),
                Some(s(want)),
                "{granted:?} for {needed:?}"
            );
        }
    }

    #[test]
    fn application_permissions_and_empty_grants_are_not_judged() {
        assert_eq!(
            missing(
                &s(&["https://graph.microsoft.com/.default"]),
                &s(&["Mail.Read"])
            ),
            None
        );
        assert_eq!(missing(&[], &s(&["Mail.Read"])), None);
    }

    #[test]
    fn shared_mailboxes_need_the_shared_permissions() {
        assert_eq!(
            required_scopes("For Each Email", true),
            s(&["Mail.Read.Shared"])
        );
        assert_eq!(required_scopes("for each email", false), s(&["Mail.Read"]));
        assert_eq!(
            required_scopes("Send Email", true),
            s(&["Mail.Send.Shared"])
        );
        assert_eq!(
            required_scopes("Upload File", true),
            s(&["Files.ReadWrite"])
        );
        assert!(required_scopes("Some Custom Activity", false).is_empty());
    }
}
