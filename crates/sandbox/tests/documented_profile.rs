//! The documented profile holds clients to what public sources show the
//! platform does (docs/platform-evidence.md): external applications name a
//! folder, listing jobs is rate limited, redirect URIs match as registered,
//! and the sandbox's inventions are not served unless `--profile extended`.

// A panic in these helpers is the calling test failing.
#![allow(clippy::unwrap_used)]

use connassist_sandbox::scenario::key;
use connassist_testkit::browser::client;
use connassist_testkit::sandbox::*;
use connassist_testkit::sign_in::*;
use serde_json::json;

#[tokio::test]
async fn an_external_application_lists_one_folder_at_a_time() {
    let sb = sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let (status, err) = api(&sb, &hana, "/connections_/api/v1/Connections", &[]).await;
    assert_eq!(status, 400, "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("X-UIPATH-FolderKey"),
        "{err}"
    );
    let shared = key("folder/Shared").to_string();
    let (status, err) = api_in(
        &sb,
        &hana,
        "/connections_/api/v1/Connections?allFolders=true",
        &shared,
    )
    .await;
    assert_eq!(status, 400, "allFolders=true is refused too: {err}");
    let (status, listed) = api_in(&sb, &hana, "/connections_/api/v1/Connections", &shared).await;
    assert_eq!(status, 200);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("owner").is_none())
    );
}

#[tokio::test]
async fn the_101st_jobs_listing_in_a_minute_is_told_to_wait() {
    let sb = sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let path = "/orchestrator_/odata/Jobs?%24filter=State+eq+%27Faulted%27";
    let headers = [("X-UIPATH-OrganizationUnitId", "1")];
    for i in 0..100 {
        let (status, body) = api(&sb, &hana, path, &headers).await;
        assert_eq!(status, 200, "request {i}: {body}");
    }
    let response = client()
        .get(format!("{}{path}", sb.base_url))
        .bearer_auth(&hana)
        .header(headers[0].0, headers[0].1)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // One job by key is not a listing: not limited.
    let job = key("job/1");
    let (status, one) = api(
        &sb,
        &hana,
        &format!(
            "/orchestrator_/odata/Jobs/UiPath.Server.Configuration.OData.GetByKey(identifier={job})"
        ),
        &headers,
    )
    .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["FolderKey"], key("folder/Shared").to_string());
}

#[tokio::test]
async fn an_unregistered_redirect_port_lands_on_identitys_error_page() {
    let sb = sandbox().await;
    let auth = authorization_for(
        connassist_sandbox::PUBLIC_CLIENT_ID,
        "http://127.0.0.1:53123/callback",
        SCOPES,
    );
    let response = client()
        .get(format!("{}/identity_/connect/authorize", sb.origin))
        .query(&auth.params)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/identity_/web/?errorCode=invalid_request&errorId="),
        "{location}"
    );
    let page = client()
        .get(format!("{}{location}", sb.origin))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Invalid redirect_uri"), "{page}");
    // A registered one signs in.
    assert!(sign_in(&sb, "alex").await["access_token"].is_string());
}

#[tokio::test]
async fn an_unregistered_scope_is_refused_at_sign_in() {
    let sb = sandbox().await;
    let auth = authorization(&format!("{SCOPES} OR.Settings"));
    let response = submit_form(&sb, &auth, "alex", connassist_sandbox::SANDBOX_PASSWORD).await;
    let pairs = redirect_query(&response);
    assert_eq!(get(&pairs, "error"), Some("invalid_scope"));
    assert!(
        get(&pairs, "error_description")
            .unwrap()
            .contains("OR.Settings")
    );
}

#[tokio::test]
async fn invented_routes_are_the_extended_profiles_alone() {
    let documented = sandbox().await;
    let extended = extended_sandbox().await;
    let onedrive = key("connection/Dana's OneDrive");
    for sb in [&documented, &extended] {
        let dana = access(&sign_in(sb, "dana").await);
        let served = sb.profile() == connassist_sandbox::Profile::Extended;
        // Served, or answered as a path the platform does not have.
        let status = |s: u16| if served { s != 404 } else { s == 404 };
        let unknown = |body: &serde_json::Value| served || body.get("code").is_none();
        let (s, body) = api(
            sb,
            &dana,
            "/orchestrator_/api/AttendedSelections",
            &[("X-UIPATH-OrganizationUnitId", "1")],
        )
        .await;
        assert!(status(s) && unknown(&body), "AttendedSelections {s} {body}");
        let (s, body) = post(
            sb,
            &dana,
            "/connections_/api/v1/Connections",
            &json!({"connectorKey": "uipath-microsoft-onedrive", "folderKey": key("folder/Shared")}),
        )
        .await;
        assert!(status(s) && unknown(&body), "POST Connections {s} {body}");
        let (s, body) = post(
            sb,
            &dana,
            &format!("/connections_/api/v1/Connections/{onedrive}/auth"),
            &json!({}),
        )
        .await;
        assert_eq!(s, 200, "POST …/auth is documented: {body}");
        let started = body["sessionId"].as_str().unwrap().to_owned();
        let (s, body) = api(
            sb,
            &dana,
            &format!("/connections_/api/v1/Connections/{onedrive}/auth/{started}"),
            &[],
        )
        .await;
        assert!(
            status(s) && unknown(&body),
            "GET …/auth/{{session}} {s} {body}"
        );
        let (s, body) = post(
            sb,
            &dana,
            &format!("/connections_/api/v1/Connections/{onedrive}/auth/{started}/confirm"),
            &json!({"accept": true}),
        )
        .await;
        assert!(status(s) && unknown(&body), "confirm {s} {body}");
        let done = client()
            .get(format!(
                "{}/provisioning_/done?session={started}",
                sb.origin
            ))
            .send()
            .await
            .unwrap();
        assert!(status(done.status().as_u16()), "done page");
    }
}
