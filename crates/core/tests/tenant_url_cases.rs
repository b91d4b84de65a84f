//! Runs the tenant-URL case table shared with the UI's fake backend
//! (`ui/src/backend/fake.test.ts` reads the same file), so the web build used
//! by the Playwright specs cannot drift from the real rules.

use connassist_core::TenantUrl;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    input: String,
    url: Option<String>,
    error: Option<String>,
}

#[test]
fn every_case_in_the_shared_table_holds() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("data/tenant_url_cases.json")).unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let got = TenantUrl::parse(&case.input);
        match (&case.url, &case.error, got) {
            (Some(want), None, Ok(t)) => assert_eq!(&t.url, want, "input {:?}", case.input),
            (None, Some(kind), Err(e)) => assert_eq!(e.kind(), kind, "input {:?}: {e}", case.input),
            (_, _, got) => panic!("input {:?}: unexpected {got:?}", case.input),
        }
    }
}
