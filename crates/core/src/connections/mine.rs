//! Whose connection is this? Decided once, here, for every front end: the
//! list's "mine", the tray's badge, the reconnect queue and "who must act".
//!
//! A tenant does not tell an external application who owns a connection
//! (the Integration Service API guide: answers to external applications
//! omit the owner), so ownership cannot be the only test. A connection is
//! the signed-in user's when it acts as them (`connectionIdentity`), lives in
//! their personal workspace, was chosen by them for a process, or, where
//! the tenant reports it, is owned by them.

use std::collections::HashSet;

use crate::accounts::same_account;
use crate::connections::ConnectionRow;

/// Who the signed-in user is, to tell their connections from others'.
#[derive(Debug, Clone, Default)]
pub struct Mine {
    email: Option<String>,
    personal_workspace: Option<String>,
    chosen: HashSet<String>,
    everyone: bool,
}

impl Mine {
    /// `email`: the signed-in account; `personal_workspace`: their
    /// workspace folder's key; `chosen`: ids of connections they picked for
    /// "configurable by users" bindings.
    pub fn new(
        email: Option<String>,
        personal_workspace: Option<String>,
        chosen: impl IntoIterator<Item = String>,
    ) -> Self {
        Self {
            email: email.filter(|e| !e.is_empty()),
            personal_workspace: personal_workspace.filter(|k| !k.is_empty()),
            chosen: chosen.into_iter().collect(),
            everyone: false,
        }
    }

    /// Every connection counts (a CLI watching a tenant or a folder).
    pub fn everyone() -> Self {
        Self {
            everyone: true,
            ..Self::default()
        }
    }

    /// Nobody's: no user is known (an application signed in as itself).
    pub fn nobody() -> Self {
        Self::default()
    }

    pub fn owns(&self, row: &ConnectionRow) -> bool {
        self.everyone
            || self.chosen.contains(&row.id)
            || self
                .personal_workspace
                .as_deref()
                .is_some_and(|k| row.folder.key.eq_ignore_ascii_case(k))
            || self.email.as_deref().is_some_and(|me| {
                same_account(&row.identity, me)
                    || (row.owner_reported && same_account(&row.owner, me))
            })
    }

    /// Sets `mine` on each row.
    pub fn mark(&self, rows: &mut [ConnectionRow]) {
        for row in rows {
            row.mine = self.owns(row);
            row.decide();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::{ConnectionState, sample_row};

    #[test]
    fn identity_workspace_choice_or_a_reported_owner_make_it_mine() {
        let me = Mine::new(
            Some("a@contoso.example".into()),
            Some("ws".into()),
            ["chosen".to_owned()],
        );
        let mut row = sample_row("1", "n", ConnectionState::Enabled);
        assert!(me.owns(&row), "acts as me");
        row.identity = "robot@contoso.example".into();
        assert!(me.owns(&row), "owned by me, as reported");
        row.owner_reported = false;
        row.owner = String::new();
        assert!(!me.owns(&row), "someone else's, owner unknown");
        row.folder.key = "WS".into();
        assert!(me.owns(&row), "in my personal workspace");
        row.folder.key = "f".into();
        row.id = "chosen".into();
        assert!(me.owns(&row), "chosen by me for a process");
        assert!(!Mine::nobody().owns(&row));
        assert!(Mine::everyone().owns(&row));
    }
}
