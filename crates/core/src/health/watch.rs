//! What a background check tells the signed-in user, decided here so the
//! desktop shell only draws and sends it: which results are *theirs* (they
//! own the connection, it acts as them, or they chose it for an attended
//! binding), how many of those are broken (the tray badge), and what changed
//! since the previous check (a new failure, a recovery, an expiry warning
//! reaching its 30/14/7-day mark), worded as desktop notifications.
//!
//! "Changed" is measured against the history ([`super::history`]), so
//! restarting the app does not repeat a notification, while a failure this
//! computer has never seen is news. Many changes at once become one summary
//! rather than a wall of notifications.

use serde::Serialize;
use ts_rs::TS;

use super::HealthResult;
use super::judge::parse_time;
use crate::failure::FailureStatus;

/// At most this many notifications per check; more changes are summarised.
pub const MAX_NOTICES: usize = 3;
/// Days before a secret or sign-in lapses when a warning is (re)sent.
pub const WARNING_MARKS: [i64; 3] = [30, 14, 7];

use crate::mine::Mine;

/// The tray badge: the user's connections that are broken now.
pub fn badge<'a>(results: impl IntoIterator<Item = &'a HealthResult>, mine: &Mine) -> usize {
    results
        .into_iter()
        .filter(|r| r.status.is_broken() && mine.owns(&r.connection))
        .count()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Broken now, and was not at the previous check (or was never checked here).
    Failed,
    /// Works now, and was broken at the previous check.
    Recovered,
    /// Will lapse, and has just come within 30, 14 or 7 days of it.
    Expiring,
}

/// One connection whose health changed in a way its user should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<'a> {
    pub kind: ChangeKind,
    pub result: &'a HealthResult,
}

/// Days from the check at `checked_at` until `lapses_on`.
fn days_left(lapses_on: &str, checked_at: &str) -> Option<i64> {
    Some((parse_time(lapses_on)?.date_naive() - parse_time(checked_at)?.date_naive()).num_days())
}

/// The smallest warning mark `days` is within (30, 14, 7), if any.
fn mark(days: i64) -> Option<i64> {
    WARNING_MARKS.iter().rev().copied().find(|m| days <= *m)
}

fn change_of(r: &HealthResult) -> Option<ChangeKind> {
    let was_broken = r.previous_status.is_some_and(FailureStatus::is_broken);
    if r.status.is_broken() {
        return (!was_broken).then_some(ChangeKind::Failed);
    }
    if was_broken {
        return Some(ChangeKind::Recovered);
    }
    if r.status != FailureStatus::ExpiringSoon {
        return None;
    }
    let now = mark(days_left(r.lapses_on.as_deref()?, &r.checked_at)?);
    let before = match (&r.previous_status, &r.previous_checked_at) {
        (Some(FailureStatus::ExpiringSoon), Some(then)) => {
            days_left(r.lapses_on.as_deref()?, then).and_then(mark)
        }
        _ => None,
    };
    match (now, before) {
        (Some(n), Some(b)) if n >= b => None,
        (Some(_), _) => Some(ChangeKind::Expiring),
        (None, _) => None,
    }
}

/// The user's connections whose health changed since the previous check.
pub fn changes<'a>(results: &'a [HealthResult], mine: &Mine) -> Vec<Change<'a>> {
    results
        .iter()
        .filter(|r| mine.owns(&r.connection))
        .filter_map(|r| change_of(r).map(|kind| Change { kind, result: r }))
        .collect()
}

/// A desktop notification: clicking it opens `connection_id` (or, for a
/// summary, the health view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub connection_id: Option<String>,
}

/// What the window is asked to show when a notification or the tray is
/// clicked: a connection's details, or (no id) the health view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct OpenRequest {
    pub connection_id: Option<String>,
}

/// The notification for one change.
pub fn notice(c: &Change<'_>) -> Notice {
    let r = c.result;
    let name = &r.connection.name;
    let folder = &r.connection.folder.path;
    let (title, body) = match c.kind {
        ChangeKind::Failed => (
            format!("{name} stopped working"),
            format!("{} {} ({folder})", r.explanation.cause, r.explanation.fix),
        ),
        ChangeKind::Recovered => (
            format!("{name} works again"),
            format!("The check in {folder} passed."),
        ),
        ChangeKind::Expiring => (
            format!(
                "{name} stops working on {}",
                r.lapses_on.as_deref().unwrap_or("a near day")
            ),
            format!("{} ({folder})", r.explanation.fix),
        ),
    };
    Notice {
        title,
        body,
        connection_id: Some(r.connection.id.clone()),
    }
}

/// "1 works again", "2 work again".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What to show for `changes`: one notification each, or one summary when
/// there are more than [`MAX_NOTICES`].
pub fn notices(changes: &[Change<'_>]) -> Vec<Notice> {
    if changes.len() <= MAX_NOTICES {
        return changes.iter().map(notice).collect();
    }
    let of = |k: ChangeKind| changes.iter().filter(|c| c.kind == k).count();
    let parts: Vec<String> = [
        (of(ChangeKind::Failed), "stopped working", "stopped working"),
        (of(ChangeKind::Recovered), "works again", "work again"),
        (
            of(ChangeKind::Expiring),
            "stops working soon",
            "stop working soon",
        ),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| count(n, one, many))
    .collect();
    vec![Notice {
        title: format!("{} of your connections changed", changes.len()),
        body: format!("{}. Open Health to see them.", parts.join(", ")),
        connection_id: None,
    }]
}

/// The badge's words, for a tooltip or a menu entry.
pub fn badge_text(broken: usize) -> String {
    match broken {
        0 => "None of your connections is broken".to_owned(),
        1 => "1 of your connections is broken".to_owned(),
        n => format!("{n} of your connections are broken"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::ConnectionRow;
    use crate::connections::ConnectionState;
    use crate::failure::Explanation;
    use crate::health::Evidence;

    fn row(id: &str, owner: &str) -> ConnectionRow {
        let mut row = crate::connections::sample_row(
            id,
            &format!("Connection {id}"),
            ConnectionState::Enabled,
        );
        row.folder.path = "Finance".into();
        row.owner = owner.into();
        row.identity = owner.into();
        row
    }

    fn result(
        id: &str,
        owner: &str,
        status: FailureStatus,
        previous: Option<FailureStatus>,
    ) -> HealthResult {
        HealthResult {
            connection: row(id, owner),
            status,
            explanation: Explanation {
                status,
                code: "CNS1008".into(),
                cause: "The owner's password changed.".into(),
                fix: "Reconnect it.".into(),
                needs_admin: false,
                reconnect_helps: true,
            },
            lapses_on: None,
            evidence: Evidence::Ping,
            checked_at: "2026-11-22T09:00:00Z".into(),
            failing_since: None,
            previous_status: previous,
            previous_checked_at: previous.map(|_| "2026-11-21T09:00:00Z".into()),
            ping_error: None,
        }
    }

    fn hana() -> Mine {
        Mine::new(
            Some("hana@contoso.example".into()),
            None,
            ["chosen".to_owned()],
        )
    }

    use FailureStatus::{Expired, ExpiringSoon, Healthy, Revoked};

    #[test]
    fn theirs_means_owned_acting_as_them_or_chosen_by_them() {
        let mine = hana();
        assert!(mine.owns(&row("1", "HANA@contoso.example")));
        assert!(mine.owns(&row("2", "CONTOSO\\hana")));
        let mut acting = row("3", "dana@contoso.example");
        acting.identity = "hana@contoso.example".into();
        assert!(mine.owns(&acting));
        assert!(mine.owns(&row("chosen", "dana@contoso.example")));
        assert!(!mine.owns(&row("4", "dana@contoso.example")));
        assert!(!Mine::default().owns(&row("5", "")), "nobody signed in");
        assert!(Mine::everyone().owns(&row("6", "dana@contoso.example")));
    }

    #[test]
    fn the_badge_counts_only_their_broken_connections() {
        let results = [
            result("1", "hana@contoso.example", Revoked, None),
            result("2", "hana@contoso.example", ExpiringSoon, None),
            result("3", "dana@contoso.example", Expired, None),
            result("chosen", "dana@contoso.example", Expired, None),
            result("5", "hana@contoso.example", Healthy, None),
        ];
        assert_eq!(badge(&results, &hana()), 2);
        assert_eq!(badge_text(2), "2 of your connections are broken");
        assert_eq!(badge_text(0), "None of your connections is broken");
    }

    #[test]
    fn new_failures_and_recoveries_are_news_steady_states_are_not() {
        let results = [
            result("new", "hana", Revoked, Some(Healthy)),
            result("unseen", "hana", Expired, None),
            result("still", "hana", Expired, Some(Revoked)),
            result("back", "hana", Healthy, Some(Expired)),
            result("fine", "hana", Healthy, Some(Healthy)),
            result("first", "hana", Healthy, None),
            result("others", "dana@contoso.example", Revoked, Some(Healthy)),
        ];
        let got: Vec<(&str, ChangeKind)> = changes(&results, &hana())
            .iter()
            .map(|c| (c.result.connection.id.as_str(), c.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("new", ChangeKind::Failed),
                ("unseen", ChangeKind::Failed),
                ("back", ChangeKind::Recovered),
            ]
        );
    }

    fn expiring(lapses_on: &str, previous: Option<(&str, FailureStatus)>) -> HealthResult {
        let mut r = result("x", "hana", ExpiringSoon, None);
        r.lapses_on = Some(lapses_on.into());
        r.previous_status = previous.map(|(_, s)| s);
        r.previous_checked_at = previous.map(|(at, _)| at.into());
        r
    }

    #[test]
    fn expiry_warnings_are_sent_at_30_14_and_7_days_once_each() {
        let warned = |r: HealthResult| change_of(&r) == Some(ChangeKind::Expiring);
        // Checked on 2026-11-22: 28 days left, first warning.
        assert!(warned(expiring("2026-12-20", None)));
        assert!(warned(expiring(
            "2026-12-20",
            Some(("2026-11-01T09:00:00Z", Healthy))
        )));
        // Yesterday it was already within 30 days: not again.
        assert!(!warned(expiring(
            "2026-12-20",
            Some(("2026-11-21T09:00:00Z", ExpiringSoon))
        )));
        // 13 days left now, 15 yesterday: the 14-day mark.
        assert!(warned(expiring(
            "2026-12-05",
            Some(("2026-11-20T09:00:00Z", ExpiringSoon))
        )));
        // 7 days left now, 8 yesterday: the 7-day mark.
        assert!(warned(expiring(
            "2026-11-29",
            Some(("2026-11-21T09:00:00Z", ExpiringSoon))
        )));
        // 6 days left now, 7 yesterday: already warned at 7.
        assert!(!warned(expiring(
            "2026-11-28",
            Some(("2026-11-21T09:00:00Z", ExpiringSoon))
        )));
        // An idle warning 14 days out, no date: nothing to count from.
        let mut no_day = expiring("2026-12-20", None);
        no_day.lapses_on = None;
        assert!(!warned(no_day));
    }

    #[test]
    fn notices_name_the_connection_or_summarise_many() {
        let results = [
            result("1", "hana", Revoked, Some(Healthy)),
            result("2", "hana", Healthy, Some(Expired)),
        ];
        let few = notices(&changes(&results, &hana()));
        assert_eq!(few.len(), 2);
        assert_eq!(few[0].title, "Connection 1 stopped working");
        assert!(few[0].body.contains("password changed"), "{}", few[0].body);
        assert!(few[0].body.contains("Reconnect it."), "{}", few[0].body);
        assert_eq!(few[0].connection_id.as_deref(), Some("1"));
        assert_eq!(few[1].title, "Connection 2 works again");

        let many: Vec<HealthResult> = (0..5)
            .map(|i| {
                let (now, before) = if i < 4 {
                    (Revoked, Healthy)
                } else {
                    (Healthy, Revoked)
                };
                result(&i.to_string(), "hana", now, Some(before))
            })
            .collect();
        let summary = notices(&changes(&many, &hana()));
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].title, "5 of your connections changed");
        assert_eq!(
            summary[0].body,
            "4 stopped working, 1 works again. Open Health to see them."
        );
        assert_eq!(summary[0].connection_id, None, "opens the health view");
    }
}
