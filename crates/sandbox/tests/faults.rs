//! The fault injector's kinds over real HTTP: what a client sees when the
//! sandbox drops a connection, answers a page that is not JSON, holds one
//! folder back, or aims its faults at the identity server.
// Test code: a panic is the failing assertion.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use connassist_sandbox::{CI_CLIENT_ID, Config, FaultSpec, Sandbox};
use connassist_testkit::browser::client;
use connassist_testkit::sandbox::*;
use connassist_testkit::sign_in::*;

async fn with_faults(spec: &str) -> Sandbox {
    Sandbox::start(Config {
        faults: FaultSpec::parse(spec).unwrap(),
        ..Config::default()
    })
    .await
    .unwrap()
}

const FOLDERS: &str = "/orchestrator_/api/Folders/GetAllForCurrentUser";

#[tokio::test]
async fn a_reset_drops_the_connection_without_an_answer() {
    let sb = with_faults("rate=1,kinds=reset").await;
    // Identity is spared by default: signing in still works.
    let token = access(&sign_in(&sb, "hana").await);
    let sent = client()
        .get(format!("{}{FOLDERS}", sb.base_url))
        .bearer_auth(&token)
        .send()
        .await;
    let err = sent.expect_err("no answer at all");
    assert!(err.is_request() || err.is_connect(), "{err:?}");
}

#[tokio::test]
async fn a_malformed_answer_is_a_200_that_is_not_json() {
    let sb = with_faults("rate=1,kinds=malformed").await;
    let token = access(&sign_in(&sb, "hana").await);
    let answer = client()
        .get(format!("{}{FOLDERS}", sb.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body = answer.text().await.unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&body).is_err(),
        "{body}"
    );
}

#[tokio::test]
async fn a_slow_folder_answers_late_and_the_others_at_once() {
    let sb = with_faults("slow=Finance,slow-ms=1500").await;
    let token = access(&sign_in(&sb, "hana").await);
    let finance = sandbox_folder_key(&sb, "hana", "Finance").await;
    let shared = sandbox_folder_key(&sb, "hana", "Shared").await;
    let timed = |key: String| {
        let (sb, token) = (&sb, &token);
        async move {
            let start = Instant::now();
            let (status, _) = api(
                sb,
                token,
                "/connections_/api/v1/Connections",
                &[("X-UIPATH-FolderKey", &key)],
            )
            .await;
            assert_eq!(status, 200);
            start.elapsed()
        }
    };
    assert!(timed(shared).await < Duration::from_millis(1000));
    assert!(timed(finance).await >= Duration::from_millis(1500));
}

#[tokio::test]
async fn faults_aimed_at_identity_hit_token_requests_and_spare_the_api() {
    let sb = with_faults("rate=1,kinds=503,on=identity").await;
    let secret = sb.ci_client_secret.clone().unwrap();
    let (status, _) = token_form(&sb, &secret).await;
    assert_eq!(status, 503, "the token endpoint is hit");

    let sb = with_faults("rate=0,on=identity").await;
    let (status, body) = token_form(&sb, &sb.ci_client_secret.clone().unwrap()).await;
    assert_eq!(status, 200);
    let (status, _) = api(&sb, &access(&body), FOLDERS, &[]).await;
    assert_eq!(status, 200, "the API is spared");
}

async fn token_form(sb: &Sandbox, secret: &str) -> (u16, serde_json::Value) {
    let response = client()
        .post(format!("{}/identity_/connect/token", sb.origin))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CI_CLIENT_ID),
            ("client_secret", secret),
            ("scope", "OR.Folders.Read"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}
