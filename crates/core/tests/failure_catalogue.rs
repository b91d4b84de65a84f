//! Runs real-shaped error bodies (Entra, OAuth redirects, Integration Service,
//! robot logs, Slack, Google, Salesforce, Microsoft Graph, gateways, garbage)
//! through `explain_error_body`, so a change to the catalogue or to body
//! parsing that alters what a helpdesk person is told fails here. Add a case to
//! `data/failures/error_bodies.json` for each new shape met in the field.

use connassist_core::failure::{FailureStatus, explain_error_body};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Case {
    name: String,
    http_status: Option<u16>,
    body: String,
    status: FailureStatus,
    code: String,
    needs_admin: Option<bool>,
    reconnect_helps: Option<bool>,
}

#[test]
fn failure_bodies_are_explained_as_the_cases_say() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("data/failures/error_bodies.json")).unwrap();
    assert!(cases.len() >= 25);
    for case in cases {
        let got = explain_error_body(case.http_status, &case.body);
        assert_eq!(
            (got.status, got.code.as_str()),
            (case.status, case.code.as_str()),
            "{}",
            case.name
        );
        if let Some(needs_admin) = case.needs_admin {
            assert_eq!(got.needs_admin, needs_admin, "{}", case.name);
        }
        if let Some(reconnect_helps) = case.reconnect_helps {
            assert_eq!(got.reconnect_helps, reconnect_helps, "{}", case.name);
        }
        assert!(
            !got.cause.is_empty() && !got.fix.is_empty(),
            "{}",
            case.name
        );
    }
}
