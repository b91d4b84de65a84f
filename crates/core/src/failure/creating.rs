//! The same failure, told to someone creating a connection. The catalogue's
//! fixes are written for a connection that exists ("Reconnect it, signing in
//! with the same account as before"); when a consent for a *new* connection
//! fails, nothing exists yet, so those words would send the user looking for
//! a connection to reconnect. This rewrites the fix, keeping the cause and
//! every other part of it (who must act, the provider-specific advice).

use super::Explanation;

/// Phrases of the catalogue's fixes that only make sense for an existing
/// connection, and what a person creating one reads instead. Longest first,
/// so a phrase is replaced before any shorter phrase inside it.
const REWRITES: &[(&str, &str)] = &[
    (
        ", signing in with the same account and its current password",
        ", signing in with the account's current password",
    ),
    (", signing in with the same account as before", ""),
    ("Reconnect it", "Create it again"),
    ("reconnect it", "create it again"),
    ("Reconnect again", "Create it again"),
    ("reconnect again", "create it again"),
    ("then reconnect.", "then create it again."),
];

/// What a failed consent for a new connection says: nothing was created, and
/// the fix names creating again instead of reconnecting.
pub(crate) fn when_creating(mut e: Explanation) -> Explanation {
    let mut fix = e.fix.clone();
    for (from, to) in REWRITES {
        fix = fix.replace(from, to);
    }
    e.fix = format!("Nothing was created. {fix}");
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::{Signal, catalogue, explain};

    #[test]
    fn a_consent_declined_while_creating_does_not_say_reconnect() {
        let declined = when_creating(explain(&[Signal::Aadsts(65004)]));
        assert_eq!(
            declined.fix,
            "Nothing was created. Create it again and accept the permissions; if your organisation blocks that, ask an Entra administrator for admin consent."
        );
        assert_eq!(declined.cause, explain(&[Signal::Aadsts(65004)]).cause);
    }

    #[test]
    fn no_fix_of_the_catalogue_speaks_of_an_existing_connection_when_creating() {
        for row in catalogue() {
            let e = when_creating(Explanation {
                status: row.status,
                code: row.key.code(),
                cause: row.cause.to_owned(),
                fix: row.fix.to_owned(),
                needs_admin: row.needs_admin,
                reconnect_helps: row.reconnect_helps,
            });
            let lower = e.fix.to_lowercase();
            assert!(!lower.contains("reconnect"), "{:?}: {}", row.key, e.fix);
            assert!(!lower.contains("as before"), "{:?}: {}", row.key, e.fix);
            assert!(e.fix.starts_with("Nothing was created. "), "{}", e.fix);
        }
    }
}
