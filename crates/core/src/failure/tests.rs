//! The catalogue's tests: every row against an independent expectation.

use super::body::is_service_code;
use super::*;
use crate::error::{ApiError, ErrorCode};
use FailureStatus::{
    ConsentRequired, Disabled, Expired, Healthy, Revoked, SecretExpired, Unknown, Unreachable,
};

/// The expected meaning of every row, written independently of the table:
/// (code, status, needs_admin, reconnect_helps). A row changed by mistake,
/// added or dropped fails `every_row_matches_the_expectation_list`.
const EXPECTED: &[(&str, FailureStatus, bool, bool)] = &[
    ("AADSTS65001", ConsentRequired, false, true),
    ("AADSTS65004", ConsentRequired, false, true),
    ("AADSTS90094", ConsentRequired, true, false),
    ("AADSTS700016", ConsentRequired, true, false),
    ("AADSTS50105", ConsentRequired, true, false),
    ("AADSTS70008", Expired, false, true),
    ("AADSTS700082", Expired, false, true),
    ("AADSTS70043", Expired, false, true),
    ("AADSTS50076", Expired, false, true),
    ("AADSTS50079", Expired, false, true),
    ("AADSTS50055", Expired, false, true),
    ("AADSTS50173", Revoked, false, true),
    ("AADSTS50133", Revoked, false, true),
    ("AADSTS50057", Revoked, false, true),
    ("AADSTS53003", Revoked, true, false),
    ("AADSTS7000215", SecretExpired, true, false),
    ("AADSTS7000222", SecretExpired, true, false),
    ("AADSTS50011", Unknown, true, false),
    ("AADSTS500113", Unknown, true, false),
    ("AADSTS70011", Unknown, false, false),
    ("google:disallowed_useragent", ConsentRequired, false, true),
    ("google:admin_policy_enforced", ConsentRequired, true, false),
    ("salesforce:inactive_user", Revoked, false, true),
    ("salesforce:invalid_grant", Expired, false, true),
    ("slack:token_revoked", Revoked, false, true),
    ("slack:invalid_auth", Revoked, false, true),
    ("slack:account_inactive", Revoked, false, true),
    ("access_denied", ConsentRequired, false, true),
    ("consent_required", ConsentRequired, false, true),
    ("interaction_required", Expired, false, true),
    ("login_required", Expired, false, true),
    ("invalid_grant", Expired, false, true),
    ("invalid_client", SecretExpired, true, false),
    ("unauthorized_client", Unknown, true, false),
    ("invalid_scope", Unknown, false, false),
    ("temporarily_unavailable", Unreachable, false, false),
    ("server_error", Unreachable, false, false),
    ("CNS1008", Expired, false, true),
    ("CNS1000", Unknown, false, false),
    ("CNS1006", Unknown, false, false),
    ("CNS1049", Unknown, false, false),
    ("CNS1021", Unknown, false, false),
    ("CNS1044", Unknown, true, false),
    ("CNS1045", Unknown, true, false),
    ("CNS1047", Unknown, true, false),
    ("DAP-GE-3000", Unknown, false, false),
    ("DAP-GE-3005", Disabled, false, false),
    ("DAP-RT-1002", Unknown, false, false),
    ("http_401", Expired, false, true),
    ("http_403", Unknown, true, false),
    ("http_404", Unknown, false, false),
    ("http_408", Unreachable, false, false),
    ("http_429", Unreachable, false, false),
    ("http_5xx", Unreachable, false, false),
    ("transport_timeout", Unreachable, false, false),
    ("transport_refused", Unreachable, false, false),
    ("transport_dns", Unreachable, false, false),
    ("transport_tls", Unreachable, false, false),
    ("transport_other", Unreachable, false, false),
    ("state_enabled", Healthy, false, false),
    ("state_disabled", Disabled, false, false),
    ("state_expired", Expired, false, true),
    ("state_failed", Unknown, false, true),
];

/// A signal that should land on the row.
fn signal_for(key: &MatchKey) -> Signal<'static> {
    match *key {
        Aadsts(n) => Signal::Aadsts(n),
        Provider { provider, error } => Signal::Provider { provider, error },
        OAuth(error) => Signal::OAuth {
            error,
            description: None,
        },
        Cns(code) => Signal::Cns { code },
        Http(status) => Signal::Http(status),
        HttpServerError => Signal::Http(503),
        Transport(t) => Signal::Transport(t),
        State(state) => Signal::State(state),
    }
}

fn status_of(signals: &[Signal<'_>]) -> FailureStatus {
    explain(signals).status
}

#[test]
fn every_row_matches_the_expectation_list() {
    let rows = catalogue();
    assert_eq!(rows.len(), EXPECTED.len(), "rows added or removed");
    for &(code, status, needs_admin, reconnect_helps) in EXPECTED {
        let row = rows
            .iter()
            .find(|r| r.key.code() == code)
            .unwrap_or_else(|| panic!("no row for {code}"));
        assert_eq!(row.status, status, "{code}");
        assert_eq!(row.needs_admin, needs_admin, "{code} needs_admin");
        assert_eq!(
            row.reconnect_helps, reconnect_helps,
            "{code} reconnect_helps"
        );
    }
}

#[test]
fn every_row_is_reached_by_its_own_signal() {
    for row in catalogue() {
        let got = explain(&[signal_for(&row.key)]);
        let want_code = match row.key {
            HttpServerError => "http_503".to_owned(),
            key => key.code(),
        };
        assert_eq!(got.code, want_code);
        assert_eq!(got.status, row.status, "{want_code}");
        assert_eq!(got.cause, row.cause, "{want_code}");
        assert_eq!(got.fix, row.fix, "{want_code}");
        assert_eq!(got.needs_admin, row.needs_admin, "{want_code}");
        assert_eq!(got.reconnect_helps, row.reconnect_helps, "{want_code}");
    }
}

#[test]
fn keys_are_unique() {
    let rows = catalogue();
    for (i, a) in rows.iter().enumerate() {
        for b in &rows[i + 1..] {
            assert_ne!(a.key.code(), b.key.code(), "duplicate key");
        }
    }
}

fn assert_sentence(text: &str, what: &str) {
    let first = text.chars().next().unwrap_or(' ');
    assert!(
        first.is_ascii_uppercase(),
        "{what} must start uppercase: {text}"
    );
    assert!(text.ends_with('.'), "{what} must end with a period: {text}");
    assert!(text.len() < 200, "{what} is {} chars: {text}", text.len());
    // One sentence: no period followed by a space before the end.
    assert!(
        !text.contains(". "),
        "{what} has more than one sentence: {text}"
    );
    assert!(!text.contains('{'), "{what} has a placeholder: {text}");
    assert!(!text.contains("  "), "{what} has a double space: {text}");
}

#[test]
fn every_cause_and_fix_is_one_full_sentence() {
    for row in catalogue() {
        let code = row.key.code();
        assert_sentence(row.cause, &format!("{code} cause"));
        assert_sentence(row.fix, &format!("{code} fix"));
    }
    let long = "x".repeat(500);
    for e in [
        explain(&[]),
        explain(&[Signal::Cns { code: "CNS9999" }]),
        explain(&[Signal::OAuth {
            error: &long,
            description: None,
        }]),
    ] {
        assert_sentence(&e.cause, "unknown cause");
        assert_sentence(&e.fix, "unknown fix");
    }
}

#[test]
fn rows_that_send_people_to_an_admin_say_so_and_reconnect_rows_say_reconnect() {
    for row in catalogue() {
        let code = row.key.code();
        if row.needs_admin {
            assert!(
                row.fix.contains("admin") || row.fix.contains("Admin"),
                "{code}: {}",
                row.fix
            );
        }
        if row.reconnect_helps {
            assert!(row.fix.contains("econnect"), "{code}: {}", row.fix);
        }
    }
}

#[test]
fn aadsts_beats_the_oauth_code_it_came_with() {
    assert_eq!(
        status_of(&[Signal::OAuth {
            error: "invalid_grant",
            description: None
        }]),
        Expired
    );
    assert_eq!(
        status_of(&[
            Signal::OAuth {
                error: "invalid_grant",
                description: None
            },
            Signal::Aadsts(50173)
        ]),
        Revoked
    );
    let e = explain(&[Signal::OAuth {
        error: "invalid_grant",
        description: Some("AADSTS50173: The provided grant has expired due to it being revoked."),
    }]);
    assert_eq!((e.status, e.code.as_str()), (Revoked, "AADSTS50173"));
    let e = explain(&[Signal::OAuth {
        error: "invalid_client",
        description: Some("AADSTS7000222: The provided client secret keys are expired."),
    }]);
    assert_eq!(
        (e.status, e.code.as_str()),
        (SecretExpired, "AADSTS7000222")
    );
}

#[test]
fn precedence_runs_aadsts_provider_oauth_cns_http_transport_state() {
    let order = [
        Signal::State("Disabled"),
        Signal::Transport(TransportFailure::Dns),
        Signal::Http(429),
        Signal::Cns { code: "CNS1008" },
        Signal::OAuth {
            error: "access_denied",
            description: None,
        },
        Signal::Provider {
            provider: "slack",
            error: "token_revoked",
        },
        Signal::Aadsts(7000222),
    ];
    let want = [
        "state_disabled",
        "transport_dns",
        "http_429",
        "CNS1008",
        "access_denied",
        "slack:token_revoked",
        "AADSTS7000222",
    ];
    // With the first n signals (least specific first), the nth wins.
    for n in 1..=order.len() {
        assert_eq!(explain(&order[..n]).code, want[n - 1]);
        let mut reversed = order[..n].to_vec();
        reversed.reverse();
        assert_eq!(explain(&reversed).code, want[n - 1]);
    }
    // Equal rank: the first given wins.
    assert_eq!(
        explain(&[Signal::Aadsts(700082), Signal::Aadsts(50173)]).status,
        Expired
    );
}

#[test]
fn an_unknown_specific_code_falls_back_to_a_known_general_one() {
    let e = explain(&[
        Signal::Aadsts(9_999_999),
        Signal::OAuth {
            error: "invalid_grant",
            description: None,
        },
    ]);
    assert_eq!((e.status, e.code.as_str()), (Expired, "invalid_grant"));
    let e = explain(&[Signal::Cns { code: "CNS4242" }, Signal::Http(502)]);
    assert_eq!((e.status, e.code.as_str()), (Unreachable, "http_502"));
}

#[test]
fn unknown_input_quotes_the_most_specific_code() {
    let e = explain(&[Signal::Http(418), Signal::Aadsts(12345)]);
    assert_eq!(e.status, Unknown);
    assert_eq!(e.code, "AADSTS12345");
    assert!(e.cause.contains("AADSTS12345"), "{}", e.cause);
    assert!(e.fix.contains("AADSTS12345"), "{}", e.fix);
    assert!(e.fix.contains("Integration Service"), "{}", e.fix);
    assert!(e.fix.contains("support"), "{}", e.fix);
    assert!(!e.needs_admin && !e.reconnect_helps);

    let e = explain(&[Signal::State("Pending")]);
    assert_eq!((e.status, e.code.as_str()), (Unknown, "state_pending"));

    let e = explain(&[]);
    assert_eq!((e.status, e.code.as_str()), (Unknown, "unknown"));

    // Hostile text is reduced to a short printable code.
    let e = explain(&[Signal::Cns {
        code: "<script>alert(1)</script>\n",
    }]);
    assert_eq!(e.code, "scriptalert1script");
    let e = explain(&[Signal::Cns { code: "  " }]);
    assert_eq!(e.code, "unknown");
}

#[test]
fn matching_ignores_case_and_spaces() {
    assert_eq!(status_of(&[Signal::Cns { code: " cns1008 " }]), Expired);
    assert_eq!(status_of(&[Signal::State("expired")]), Expired);
    assert_eq!(
        status_of(&[Signal::Provider {
            provider: "Slack",
            error: "TOKEN_REVOKED"
        }]),
        Revoked
    );
    assert_eq!(
        explain(&[Signal::Cns {
            code: "dap-ge-3005"
        }])
        .code,
        "DAP-GE-3005"
    );
}

#[test]
fn provider_and_oauth_codes_reach_each_other() {
    // Google speaking plain OAuth.
    let e = explain(&[Signal::Provider {
        provider: "google",
        error: "invalid_grant",
    }]);
    assert_eq!((e.status, e.code.as_str()), (Expired, "invalid_grant"));
    // Salesforce's own row beats the generic one when the provider is known.
    let e = explain(&[Signal::Provider {
        provider: "salesforce",
        error: "invalid_grant",
    }]);
    assert_eq!(e.code, "salesforce:invalid_grant");
    // A provider's distinctive code in an OAuth error, provider unknown.
    let e = explain(&[Signal::OAuth {
        error: "admin_policy_enforced",
        description: None,
    }]);
    assert_eq!(
        (e.status, e.code.as_str()),
        (ConsentRequired, "google:admin_policy_enforced")
    );
}

#[test]
fn the_brief_statuses_hold() {
    let cases: &[(Signal<'_>, FailureStatus)] = &[
        (Signal::Aadsts(65001), ConsentRequired),
        (Signal::Aadsts(90094), ConsentRequired),
        (Signal::Aadsts(70008), Expired),
        (Signal::Aadsts(700082), Expired),
        (Signal::Aadsts(50173), Revoked),
        (Signal::Aadsts(7000215), SecretExpired),
        (Signal::Aadsts(7000222), SecretExpired),
        (Signal::Aadsts(50011), Unknown),
        (Signal::Cns { code: "CNS1008" }, Expired),
        (
            Signal::Cns {
                code: "DAP-GE-3005",
            },
            Disabled,
        ),
        (Signal::State("Expired"), Expired),
        (Signal::State("Disabled"), Disabled),
        (Signal::Http(429), Unreachable),
        (Signal::Http(500), Unreachable),
        (Signal::Http(599), Unreachable),
        (Signal::Transport(TransportFailure::Timeout), Unreachable),
    ];
    for (signal, status) in cases {
        assert_eq!(status_of(&[*signal]), *status, "{signal:?}");
    }
    assert!(explain(&[Signal::Aadsts(90094)]).needs_admin);
    assert!(!explain(&[Signal::Aadsts(65001)]).needs_admin);
    assert!(explain(&[Signal::Aadsts(50011)]).needs_admin);
    assert_eq!(status_of(&[Signal::Http(600)]), Unknown);
    assert_eq!(status_of(&[Signal::Http(499)]), Unknown);
}

#[test]
fn entra_body_is_explained_by_its_aadsts_code() {
    let body = r#"{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2025-01-01T00:00:00Z and was inactive for 90.00:00:00. Trace ID: 0f1e Correlation ID: 9a8b Timestamp: 2025-04-01 00:00:00Z","error_codes":[700082],"timestamp":"2025-04-01 00:00:00Z","trace_id":"0f1e2d3c-0000-0000-0000-000000000000","correlation_id":"9a8b7c6d-0000-0000-0000-000000000000","error_uri":"https://login.microsoftonline.com/error?code=700082"}"#;
    let e = explain_error_body(Some(400), body);
    assert_eq!((e.status, e.code.as_str()), (Expired, "AADSTS700082"));
    assert!(e.reconnect_helps);
}

#[test]
fn entra_code_only_in_the_text_is_found() {
    let body = r#"{"error":"invalid_grant","error_description":"AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed."}"#;
    let e = explain_error_body(Some(400), body);
    assert_eq!((e.status, e.code.as_str()), (Revoked, "AADSTS50173"));
    // As plain text too (an HTML error page, a log line).
    let e = explain_error_body(
        None,
        "Sorry, but we're having trouble signing you in. AADSTS50011: The redirect URI 'https://x/cb' does not match.",
    );
    assert_eq!((e.status, e.code.as_str()), (Unknown, "AADSTS50011"));
    assert!(e.needs_admin);
    // error_codes as strings.
    let e = explain_error_body(
        None,
        r#"{"error":"invalid_client","error_codes":["7000215"]}"#,
    );
    assert_eq!(e.code, "AADSTS7000215");
}

#[test]
fn cns_body_is_explained_by_its_code() {
    let body = r#"{"code":"CNS1008","message":"Connection is not authorized. Please re-authenticate the connection.","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}"#;
    let e = explain_error_body(Some(400), body);
    assert_eq!((e.status, e.code.as_str()), (Expired, "CNS1008"));
    let e = explain_error_body(
        Some(404),
        r#"{"code":"CNS1006","message":"Connection not found"}"#,
    );
    assert_eq!((e.status, e.code.as_str()), (Unknown, "CNS1006"));
    assert!(e.cause.contains("no longer exists"));
    // A CNS body whose message relays an Entra code: the Entra code is more precise.
    let e = explain_error_body(
        Some(400),
        r#"{"code":"CNS1008","message":"Token refresh failed: AADSTS50173: The provided grant has been revoked."}"#,
    );
    assert_eq!(e.code, "AADSTS50173");
}

#[test]
fn slack_body_is_a_provider_signal() {
    let e = explain_error_body(Some(200), r#"{"ok":false,"error":"token_revoked"}"#);
    assert_eq!(
        (e.status, e.code.as_str()),
        (Revoked, "slack:token_revoked")
    );
    let e = explain_error_body(
        Some(200),
        r#"{"ok":false,"error":"invalid_auth","warning":"missing_charset"}"#,
    );
    assert_eq!(e.code, "slack:invalid_auth");
    let e = explain_error_body(None, r#"{"ok":false,"error":"channel_not_found"}"#);
    assert_eq!(
        (e.status, e.code.as_str()),
        (Unknown, "slack:channel_not_found")
    );
}

#[test]
fn garbage_and_empty_bodies_leave_the_http_status() {
    for body in [
        "",
        "   ",
        "<html><body>Bad Gateway</body></html>",
        "not json {",
        "[1,2,3]",
        "null",
    ] {
        let e = explain_error_body(Some(502), body);
        assert_eq!(
            (e.status, e.code.as_str()),
            (Unreachable, "http_502"),
            "{body:?}"
        );
        let e = explain_error_body(None, body);
        assert_eq!(
            (e.status, e.code.as_str()),
            (Unknown, "unknown"),
            "{body:?}"
        );
    }
    let e = explain_error_body(Some(401), "Unauthorized");
    assert_eq!((e.status, e.code.as_str()), (Expired, "http_401"));
    // Prose in error_description is never matched, only its AADSTS code.
    let e = explain_error_body(
        None,
        r#"{"error":"weird_thing","error_description":"the token expired and was revoked"}"#,
    );
    assert_eq!((e.status, e.code.as_str()), (Unknown, "weird_thing"));
}

#[test]
fn graph_shaped_body_falls_back_to_the_status() {
    let body = r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid.","innerError":{"date":"2025-04-01T00:00:00"}}}"#;
    let e = explain_error_body(Some(401), body);
    assert_eq!((e.status, e.code.as_str()), (Expired, "http_401"));
    let e = explain_error_body(None, body);
    assert_eq!(
        (e.status, e.code.as_str()),
        (Unknown, "InvalidAuthenticationToken")
    );
}

#[test]
fn redirect_query_and_runtime_log_lines_are_read() {
    let e = explain_error_body(
        None,
        "?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent&state=abc",
    );
    assert_eq!(
        (e.status, e.code.as_str()),
        (ConsentRequired, "AADSTS65004")
    );
    let e = explain_error_body(None, "error=access_denied&state=abc");
    assert_eq!(
        (e.status, e.code.as_str()),
        (ConsentRequired, "access_denied")
    );
    let e = explain_error_body(
        None,
        "Get connection failed. DAP-GE-3005: The connection is disabled.",
    );
    assert_eq!((e.status, e.code.as_str()), (Disabled, "DAP-GE-3005"));
}

#[test]
fn code_scanners_respect_token_boundaries() {
    assert_eq!(
        aadsts_codes("AADSTS700082: x AADSTS50173, AADSTS700082"),
        vec![700082, 50173]
    );
    assert_eq!(
        aadsts_codes("XAADSTS1 AADSTS AADSTSabc AADSTS99999999999"),
        Vec::<u32>::new()
    );
    assert!(is_service_code("CNS1008"));
    assert!(is_service_code("DAP-RT-1002"));
    assert!(!is_service_code("CNS"));
    assert!(!is_service_code("XCNS1008"));
    assert!(!is_service_code("DAP-G-1"));
    assert!(!is_service_code("DAP-GE-3005-1"));
}

#[test]
fn admin_consent_url_encodes_every_value() {
    let url = admin_consent_url(
        "contoso.onmicrosoft.com",
        "00000000-1111-2222-3333-444444444444",
        "https://cloud.uipath.com/acme/portal_/callback?x=1&y=a b#frag",
        &[
            "https://graph.microsoft.com/Mail.Read",
            "offline_access",
            "openid",
        ],
        "s t&a=te/+",
    )
    .unwrap();
    assert_eq!(
        url.as_str(),
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent\
             ?client_id=00000000-1111-2222-3333-444444444444\
             &scope=https%3A%2F%2Fgraph.microsoft.com%2FMail.Read%20offline_access%20openid\
             &redirect_uri=https%3A%2F%2Fcloud.uipath.com%2Facme%2Fportal_%2Fcallback%3Fx%3D1%26y%3Da%20b%23frag\
             &state=s%20t%26a%3Dte%2F%2B"
    );
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("client_id", "00000000-1111-2222-3333-444444444444"),
            (
                "scope",
                "https://graph.microsoft.com/Mail.Read offline_access openid"
            ),
            (
                "redirect_uri",
                "https://cloud.uipath.com/acme/portal_/callback?x=1&y=a b#frag"
            ),
            ("state", "s t&a=te/+"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert!(url.fragment().is_none());
}

#[test]
fn admin_consent_url_keeps_the_redirect_uri_as_registered_and_drops_empty_state() {
    let url = admin_consent_url(
        " 72f988bf-86f1-41af-91ab-2d7cd011db47 ",
        "app",
        "https://localhost:8080",
        &["https://graph.microsoft.com/.default", " "],
        "",
    )
    .unwrap();
    // No trailing slash added to the redirect URI, no state parameter.
    assert_eq!(
        url.as_str(),
        "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/adminconsent\
             ?client_id=app&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default\
             &redirect_uri=https%3A%2F%2Flocalhost%3A8080"
    );
}

#[test]
fn admin_consent_url_refuses_what_entra_would() {
    let ok_redirect = "https://localhost/cb";
    let scopes = &["openid"][..];
    let err = |tenant: &str, client: &str, redirect: &str, scopes: &[&str]| {
        admin_consent_url(tenant, client, redirect, scopes, "s").unwrap_err()
    };
    for shared in ["organizations", "common", "Common", "consumers"] {
        assert_eq!(
            err(shared, "app", ok_redirect, scopes),
            AdminConsentUrlError::SharedTenant(shared.to_owned())
        );
    }
    assert_eq!(
        err("  ", "app", ok_redirect, scopes),
        AdminConsentUrlError::EmptyTenant
    );
    for bad in ["contoso.com/evil", "a b", "x?y", "-x", "x.", "ten@nt"] {
        assert_eq!(
            err(bad, "app", ok_redirect, scopes),
            AdminConsentUrlError::InvalidTenant(bad.to_owned())
        );
    }
    assert_eq!(
        err("contoso.com", " ", ok_redirect, scopes),
        AdminConsentUrlError::EmptyClientId
    );
    assert_eq!(
        err("contoso.com", "app", ok_redirect, &[]),
        AdminConsentUrlError::NoScopes
    );
    assert_eq!(
        err("contoso.com", "app", ok_redirect, &["", " "]),
        AdminConsentUrlError::NoScopes
    );
    for bad in ["", "/cb", "localhost/cb", "ftp://x/cb", "not a url"] {
        assert_eq!(
            err("contoso.com", "app", bad, scopes),
            AdminConsentUrlError::InvalidRedirectUri(bad.to_owned())
        );
    }
    let api: ApiError = AdminConsentUrlError::NoScopes.into();
    assert_eq!(api.code, ErrorCode::InvalidInput);
}

#[test]
fn explanation_serializes_for_the_ui() {
    let e = explain(&[Signal::Aadsts(90094)]);
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["status"], "consent_required");
    assert_eq!(json["code"], "AADSTS90094");
    assert_eq!(json["needsAdmin"], true);
    assert_eq!(json["reconnectHelps"], false);
    let back: FailureStatus = serde_json::from_value(json["status"].clone()).unwrap();
    assert_eq!(back, ConsentRequired);
    assert_eq!(
        serde_json::to_value(FailureStatus::SecretExpired).unwrap(),
        "secret_expired"
    );
}

/// The words a user reads where the catalogue is shown inside the app: a
/// cancelled sign-in is not called a declined consent page, no fix sends them
/// to the app they are in, and the admin-consent fix points at the link shown
/// beside it.
#[test]
fn fixes_speak_to_someone_already_in_the_app() {
    let cancelled = explain(&[Signal::OAuth {
        error: "access_denied",
        description: Some("The user cancelled the sign-in."),
    }]);
    assert!(
        !cancelled.cause.contains("consent page"),
        "{}",
        cancelled.cause
    );
    assert!(cancelled.cause.contains("cancelled"), "{}", cancelled.cause);
    let declined = explain(&[Signal::Aadsts(65004)]);
    assert!(
        declined.cause.contains("declined the permissions"),
        "{}",
        declined.cause
    );
    for row in catalogue() {
        assert!(
            !row.fix.contains("in Connections Assistant"),
            "{:?}: {}",
            row.key,
            row.fix
        );
        assert!(
            !row.fix.contains("details pane"),
            "{:?}: {}",
            row.key,
            row.fix
        );
    }
    let admin = explain(&[Signal::Aadsts(90094)]);
    assert!(
        admin
            .fix
            .contains("admin-consent link shown with this message"),
        "{}",
        admin.fix
    );
}

/// One status word per status, shared by the app, the tray and the CLI; a
/// failure of unknown cause reads as Integration Service's own "Failed".
#[test]
fn every_status_has_its_own_word() {
    let all = [
        Healthy,
        FailureStatus::ExpiringSoon,
        ConsentRequired,
        Expired,
        Revoked,
        SecretExpired,
        Disabled,
        Unreachable,
        Unknown,
    ];
    let words: std::collections::HashSet<_> = all.iter().map(|s| s.label()).collect();
    assert_eq!(words.len(), all.len());
    assert_eq!(Unknown.label(), "Failed");
}
