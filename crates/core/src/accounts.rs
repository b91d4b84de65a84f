//! Whether two account names denote the same account. Orchestrator names a
//! robot by its user name (`robot-prod-01`, `CONTOSO\svc-rpa`) while
//! Integration Service names a connection's owner and identity by e-mail or
//! UPN (`robot-prod-01@contoso.example`), so an exact comparison would call
//! every robot a stranger. We compare case-insensitively, drop a `DOMAIN\`
//! prefix, and let a bare user name match the local part of an address. Two
//! full addresses must match exactly: `jane@a.com` is not `jane@b.com`.

pub fn same_account(a: &str, b: &str) -> bool {
    let (a, b) = (user_part(a), user_part(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    match (a.split_once('@'), b.split_once('@')) {
        (Some(_), Some(_)) | (None, None) => false,
        (Some((local, _)), None) => local.eq_ignore_ascii_case(b),
        (None, Some((local, _))) => local.eq_ignore_ascii_case(a),
    }
}

/// The name without surrounding space or a `DOMAIN\` prefix. (Compared
/// without allocating: the audit compares every binding with every robot.)
fn user_part(name: &str) -> &str {
    let name = name.trim();
    name.rsplit_once('\\').map_or(name, |(_, user)| user)
}

#[cfg(test)]
mod tests {
    use super::same_account;

    #[test]
    fn names_match_across_the_forms_the_platform_uses() {
        let cases = [
            ("robot-prod-01", "robot-prod-01@contoso.example", true),
            (
                "CONTOSO\\Robot-Prod-01",
                "robot-prod-01@contoso.example",
                true,
            ),
            ("jane@contoso.com", "JANE@contoso.com", true),
            ("jane@contoso.com", "jane@fabrikam.com", false),
            ("robot-prod-01", "robot-prod-02@contoso.example", false),
            ("", "", false),
            ("alex", "alex", true),
            ("alex", "alexander", false),
        ];
        for (a, b, want) in cases {
            assert_eq!(same_account(a, b), want, "{a} vs {b}");
            assert_eq!(same_account(b, a), want, "{b} vs {a}");
        }
    }
}
