//! The sandbox over real HTTP on loopback: sign-in security, folder
//! permissions, the Orchestrator and Integration Service shapes the app and
//! the official clients rely on, and state that survives a restart.

use connassist_sandbox::{CI_CLIENT_ID, Config, PUBLIC_CLIENT_ID, SANDBOX_PASSWORD, Sandbox};
use connassist_testkit::browser::client;
use connassist_testkit::sandbox::*;
use connassist_testkit::sign_in::*;
use serde_json::Value;
use std::collections::BTreeSet;

#[tokio::test]
async fn users_see_only_their_folders_and_their_own_workspace() {
    let sb = sandbox().await;
    let alex = access(&sign_in(&sb, "alex").await);
    let (status, folders) = api(
        &sb,
        &alex,
        "/orchestrator_/api/Folders/GetAllForCurrentUser",
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(folders["Count"], 2);
    assert_eq!(
        names(&folders["PageItems"], "FullyQualifiedName"),
        set(&["Alex Attended's workspace", "Shared"])
    );
    // CurrentUserFolderDto: FolderType says which is personal; no IsPersonal.
    let workspace = folders["PageItems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["FolderType"] == "Personal")
        .unwrap();
    assert_eq!(workspace["DisplayName"], "Alex Attended's workspace");
    assert!(workspace.get("IsPersonal").is_none(), "{workspace}");
    let (status, _) = api(
        &sb,
        &alex,
        "/orchestrator_/api/Folders/GetAllForCurrentUser?take=1001",
        &[],
    )
    .await;
    assert_eq!(status, 400, "take is capped at 1000");

    // /odata/Folders: FolderDto, personal workspaces not among them.
    let hana = access(&sign_in(&sb, "hana@contoso.example").await);
    let (_, folders) = api(&sb, &hana, "/orchestrator_/odata/Folders", &[]).await;
    assert_eq!(folders["@odata.count"], 2);
    assert_eq!(
        names(&folders["value"], "DisplayName"),
        set(&["Finance", "Shared"])
    );
    assert!(
        folders["value"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["IsPersonal"] == false && f["FolderType"] == "Standard")
    );
    // The invented CanCreateConnections is the extended profile's alone.
    assert!(folders["value"][0].get("CanCreateConnections").is_none());
}

#[tokio::test]
async fn connections_across_folders_with_scoping_filters_and_paging() {
    let sb = sandbox().await;
    let alex = access(&sign_in(&sb, "alex").await);
    let shared = sandbox_folder_key(&sb, "alex", "Shared").await;
    let (status, in_shared) = api_in(&sb, &alex, "/connections_/api/v1/Connections", &shared).await;
    assert_eq!(status, 200);
    assert_eq!(
        names(&in_shared, "name"),
        set(&[
            "robot-prod-01@contoso.example",
            "robot-prod-02@contoso.example",
            "Dana's OneDrive",
        ])
    );
    let expired = in_shared
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "robot-prod-02@contoso.example")
        .unwrap();
    assert_eq!(expired["state"], "Expired");
    assert_eq!(
        expired["connectionIdentity"],
        "robot-prod-02@contoso.example"
    );
    assert_eq!(expired["connector"]["key"], "uipath-microsoft-outlook365");
    assert_eq!(expired["folder"]["fullyQualifiedName"], "Shared");
    assert_eq!(expired["folder"]["personalWorkspace"], false);
    // Withheld from external applications ("Get connections").
    for withheld in ["owner", "elementInstanceId", "pollingIntervalInMinutes"] {
        assert!(expired.get(withheld).is_none(), "{withheld}: {expired}");
    }
    // The platform's own client sees them, and every folder at once.
    let first_party = access(&sign_in_first_party(&sb, "alex").await);
    let (status, all) = api(&sb, &first_party, "/connections_/api/v1/Connections", &[]).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all.as_array().unwrap().len(), 4, "{all}");
    let expired = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "robot-prod-02@contoso.example")
        .unwrap();
    assert_eq!(expired["owner"], "robot-prod-02@contoso.example");
    assert!(expired["elementInstanceId"].as_i64().unwrap() > 0);

    // Finance is not Alex's folder: refused, not silently empty.
    let finance = sandbox_folder_key(&sb, "hana", "Finance").await;
    let (status, err) = api_in(&sb, &alex, "/connections_/api/v1/Connections", &finance).await;
    assert_eq!(status, 403, "{err}");
    assert_eq!(err["code"], "CNS1045");

    let hana = access(&sign_in(&sb, "hana").await);
    let (_, in_finance) = api(
        &sb,
        &hana,
        "/connections_/api/v1/Connections",
        &[("x-uipath-folderkey", &finance)],
    )
    .await;
    assert_eq!(
        names(&in_finance, "name"),
        set(&[
            "Accounts payable mailbox",
            "Finance SharePoint",
            "Finance mailbox (app)"
        ])
    );

    let filter = "/connections_/api/v1/Connections?%24filter=contains%28Name%2C+%27robot%27%29+and+connector%2Fkey+eq+%27uipath-microsoft-outlook365%27&%24expand=connector%2Cfolder";
    let (_, robots) = api_in(&sb, &alex, filter, &shared).await;
    assert_eq!(robots.as_array().unwrap().len(), 2);
    // pageIndex counts from 0, as UiPathOrch pages it (from a browser capture).
    let (_, page) = api_in(
        &sb,
        &alex,
        "/connections_/api/v1/Connections?pageSize=2&pageIndex=1",
        &shared,
    )
    .await;
    assert_eq!(
        page.as_array().unwrap().len(),
        1,
        "3 connections, pages of 2"
    );
    let (status, err) = api_in(
        &sb,
        &alex,
        "/connections_/api/v1/Connections?%24filter=Name+ne+%27x%27",
        &shared,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("Unsupported $filter"),
        "{err}"
    );
}

#[tokio::test]
async fn one_connection_by_id_and_its_ping() {
    let sb = sandbox().await;
    let alex = access(&sign_in(&sb, "alex").await);
    let shared = sandbox_folder_key(&sb, "alex", "Shared").await;
    let (_, all) = api_in(&sb, &alex, "/connections_/api/v1/Connections", &shared).await;
    let id_of = |name: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    let expired = id_of("robot-prod-02@contoso.example");
    let one_path = format!("/connections_/api/v1/Connections/{expired}");
    let (status, err) = api(&sb, &alex, &one_path, &[]).await;
    assert_eq!(status, 400, "external applications name the folder: {err}");
    let (status, one) = api_in(&sb, &alex, &one_path, &shared).await;
    assert_eq!(status, 200);
    assert_eq!(one["id"], expired.as_str());
    assert!(one.get("owner").is_none(), "{one}");

    // Not authorized: the Connection Service's CNS1008, the provider's code in its message.
    let (status, ping) = api(&sb, &alex, &format!("{one_path}/ping"), &[]).await;
    assert_eq!(status, 400, "{ping}");
    assert_eq!(ping["code"], "CNS1008");
    assert!(
        ping["message"].as_str().unwrap().contains("AADSTS700082"),
        "{ping}"
    );
    // Healthy: `{connector, status}`; disabled: `error` is a string
    // (uipath-typescript's `ConnectionPingResponse`).
    let first_party = access(&sign_in_first_party(&sb, "dana").await);
    let (_, every) = api(&sb, &first_party, "/connections_/api/v1/Connections", &[]).await;
    let dana_id = |name: &str| {
        every
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let dana = access(&sign_in(&sb, "dana").await);
    let ping = |id: String| {
        let (sb, dana) = (&sb, &dana);
        async move {
            api(
                sb,
                dana,
                &format!("/connections_/api/v1/Connections/{id}/ping"),
                &[],
            )
            .await
        }
    };
    let (status, ok) = ping(dana_id("Dana's OneDrive")).await;
    assert_eq!(status, 200);
    assert_eq!(
        ok,
        serde_json::json!({"connector": "uipath-microsoft-onedrive", "status": "Enabled"})
    );
    let (status, disabled) = ping(dana_id("Dana's Teams (old)")).await;
    assert_eq!(status, 200);
    assert_eq!(disabled["status"], "Disabled");
    assert!(
        disabled["error"]
            .as_str()
            .unwrap()
            .contains("Disabled by its owner"),
        "{disabled}"
    );

    // A connection in a folder Alex cannot see looks exactly like a missing one.
    let hana = access(&sign_in(&sb, "hana").await);
    let finance = sandbox_folder_key(&sb, "hana", "Finance").await;
    let (_, hanas) = api_in(&sb, &hana, "/connections_/api/v1/Connections", &finance).await;
    let hidden = hanas
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Finance SharePoint")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, err) = api_in(
        &sb,
        &alex,
        &format!("/connections_/api/v1/Connections/{hidden}"),
        &shared,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(err["code"], "CNS1006");
}

#[tokio::test]
async fn processes_triggers_and_package_requirements() {
    let sb = sandbox().await;
    let dana = access(&sign_in(&sb, "dana").await);
    let (status, err) = api(&sb, &dana, "/orchestrator_/odata/Releases", &[]).await;
    assert_eq!(status, 400);
    assert_eq!(err["errorCode"], 1101);

    let (status, releases) = api(
        &sb,
        &dana,
        "/orchestrator_/odata/Releases",
        &[("X-UIPATH-OrganizationUnitId", "1")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        names(&releases["value"], "Name"),
        set(&[
            "Invoice Dispatcher+Performer",
            "Email Triage (Attended)",
            "Month-End Report"
        ])
    );
    let (_, filtered) = api(
        &sb,
        &dana,
        "/orchestrator_/odata/Releases?%24filter=Name+eq+%27Month-End+Report%27",
        &[("x-uipath-folderpath", "Shared")],
    )
    .await;
    let month_end = &filtered["value"][0];
    assert_eq!(filtered["value"].as_array().unwrap().len(), 1);

    let path = format!(
        "/orchestrator_/odata/Releases({})/UiPath.Server.Configuration.OData.GetResources(processKey='{}:{}')",
        month_end["Id"],
        month_end["ProcessKey"].as_str().unwrap(),
        month_end["ProcessVersion"].as_str().unwrap()
    );
    let (status, resources) = api(&sb, &dana, &path, &[("X-UIPATH-OrganizationUnitId", "1")]).await;
    assert_eq!(status, 200, "{resources}");
    let binding = &resources["value"][0];
    assert_eq!(binding["ResourceType"], "Connection");
    assert_eq!(
        binding["FolderType"], "Personal",
        "bound to Alex's personal workspace"
    );
    assert_eq!(binding["ValidationResult"], "Unknown");
    // UiPathOrch's `SubtypedPackageResource`: FolderId a number,
    // IsOverwritable a bool; no invented `Configurable` in this profile.
    assert!(binding["FolderId"].is_i64(), "{binding}");
    assert!(binding["IsOverwritable"].is_boolean(), "{binding}");
    assert!(binding.get("Configurable").is_none(), "{binding}");

    let dispatcher = releases["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Name"] == "Invoice Dispatcher+Performer")
        .unwrap();
    let path = format!(
        "/orchestrator_/odata/Releases({})/UiPath.Server.Configuration.OData.GetResources(processKey='{}:{}')",
        dispatcher["Id"],
        dispatcher["ProcessKey"].as_str().unwrap(),
        dispatcher["ProcessVersion"].as_str().unwrap()
    );
    let (_, resources) = api(&sb, &dana, &path, &[("X-UIPATH-OrganizationUnitId", "1")]).await;
    assert_eq!(resources["value"].as_array().unwrap().len(), 2);
    // The extended profile says which binding is left to users.
    let extended = extended_sandbox().await;
    let dana_x = access(&sign_in(&extended, "dana").await);
    let (_, resources) = api(
        &extended,
        &dana_x,
        &path,
        &[("X-UIPATH-OrganizationUnitId", "1")],
    )
    .await;
    let configurable: Vec<_> = resources["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Configurable"].as_str().unwrap())
        .collect();
    assert_eq!(configurable, ["ByUser", "Fixed"]);

    let (_, schedules) = api(
        &sb,
        &dana,
        "/orchestrator_/odata/ProcessSchedules",
        &[("X-UIPATH-OrganizationUnitId", "1")],
    )
    .await;
    assert_eq!(
        names(&schedules["value"], "ReleaseName"),
        set(&["Invoice Dispatcher+Performer", "Month-End Report"])
    );
    assert!(
        schedules["value"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["RuntimeType"] == "Unattended")
    );

    let (_, robots) = api(
        &sb,
        &dana,
        "/orchestrator_/odata/Robots",
        &[("X-UIPATH-OrganizationUnitId", "1")],
    )
    .await;
    assert_eq!(
        names(&robots["value"], "MachineName"),
        set(&["PROD-VM-01", "PROD-VM-02", "ALEX-LAPTOP"])
    );
    let (_, me) = api(&sb, &dana, "/orchestrator_/odata/Users/UiPath.Server.Configuration.OData.GetCurrentUserExtended?%24expand=PersonalWorkspace", &[]).await;
    assert_eq!(me["UserName"], "dana");
    assert_eq!(
        me["PersonalWorkspace"]["FullyQualifiedName"],
        "Dana Developer's workspace"
    );
}

#[tokio::test]
async fn sign_in_refuses_wrong_passwords_and_cancels_cleanly() {
    let sb = sandbox().await;
    let auth = authorization(SCOPES);
    let page = submit_form(&sb, &auth, "alex", "wrong").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("do not match a sandbox account")
    );

    let mut cancel = auth.params.clone();
    cancel.push(("action".into(), "cancel".into()));
    let response = client()
        .post(format!("{}/identity_/connect/authorize", sb.origin))
        .form(&cancel)
        .send()
        .await
        .unwrap();
    let redirect = redirect_query(&response);
    assert_eq!(get(&redirect, "error"), Some("access_denied"));
    assert_eq!(get(&redirect, "state"), Some(auth.state.as_str()));
    assert_eq!(
        get(&redirect, "iss"),
        Some(format!("{}/identity_", sb.origin).as_str())
    );
}

#[tokio::test]
async fn pkce_is_required_and_verified_and_codes_work_once() {
    let sb = sandbox().await;
    // No PKCE: the client hears it through its redirect URI.
    let mut auth = authorization(SCOPES);
    auth.params.retain(|(k, _)| k != "code_challenge");
    let response = client()
        .get(format!("{}/identity_/connect/authorize", sb.origin))
        .query(&auth.params)
        .send()
        .await
        .unwrap();
    assert_eq!(
        get(&redirect_query(&response), "error"),
        Some("invalid_request")
    );

    let auth = authorization(SCOPES);
    let redirect = redirect_query(&submit_form(&sb, &auth, "alex", SANDBOX_PASSWORD).await);
    let code = get(&redirect, "code").unwrap().to_owned();
    let exchange = |verifier: String, redirect_uri: &'static str| {
        let code = code.clone();
        let sb = &sb;
        async move {
            token(
                sb,
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", PUBLIC_CLIENT_ID),
                    ("code", &code),
                    ("redirect_uri", redirect_uri),
                    ("code_verifier", &verifier),
                ],
            )
            .await
        }
    };
    let (status, body) = exchange("not-the-verifier".into(), REDIRECT).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // A failed attempt burns the code, as a stolen code must not be retried.
    let (status, body) = exchange(auth.verifier.clone(), REDIRECT).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );

    let auth = authorization(SCOPES);
    let redirect = redirect_query(&submit_form(&sb, &auth, "alex", SANDBOX_PASSWORD).await);
    let code = get(&redirect, "code").unwrap().to_owned();
    let form = |uri: &'static str| {
        vec![
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("redirect_uri", uri),
        ]
    };
    let mut first = form(REDIRECT);
    first.push(("code", &code));
    first.push(("code_verifier", &auth.verifier));
    let (status, tokens) = token(&sb, &first).await;
    assert_eq!(status, 200);
    assert_eq!(tokens["token_type"], "Bearer");
    let access_token = access(&tokens);
    assert_eq!(
        api(&sb, &access_token, "/orchestrator_/odata/Folders", &[])
            .await
            .0,
        200
    );
    // Replaying the code revokes what it issued.
    let (status, _) = token(&sb, &first).await;
    assert_eq!(status, 400);
    assert_eq!(
        api(&sb, &access_token, "/orchestrator_/odata/Folders", &[])
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_replayed_one_revokes_the_sign_in() {
    let sb = sandbox().await;
    let tokens = sign_in(&sb, "alex").await;
    let first_refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |rt: String| {
        let sb = &sb;
        async move {
            token(
                sb,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", PUBLIC_CLIENT_ID),
                    ("refresh_token", &rt),
                ],
            )
            .await
        }
    };
    let (status, rotated) = refresh(first_refresh.clone()).await;
    assert_eq!(status, 200);
    let second_refresh = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first_refresh);
    let new_access = access(&rotated);
    assert_eq!(
        api(&sb, &new_access, "/orchestrator_/odata/Folders", &[])
            .await
            .0,
        200
    );

    let (status, body) = refresh(first_refresh).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, _) = refresh(second_refresh).await;
    assert_eq!(status, 400, "the whole sign-in is revoked");
    let (status, body) = api(&sb, &new_access, "/orchestrator_/odata/Folders", &[]).await;
    assert_eq!(status, 401);
    assert!(
        body["message"].as_str().unwrap().contains("sign in again"),
        "{body}"
    );
}

#[tokio::test]
async fn revocation_ends_the_sign_in() {
    let sb = sandbox().await;
    let tokens = sign_in(&sb, "hana").await;
    let response = client()
        .post(format!("{}/identity_/connect/revocation", sb.origin))
        .form(&[
            ("token", tokens["refresh_token"].as_str().unwrap()),
            ("client_id", PUBLIC_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        api(&sb, &access(&tokens), "/orchestrator_/odata/Folders", &[])
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn client_credentials_for_the_confidential_app() {
    let sb = sandbox().await;
    let secret = sb.ci_client_secret.clone().unwrap();
    const APP_SCOPES: &str = "OR.Folders.Read OR.Execution.Read OR.Jobs.Read OR.Robots.Read OR.Machines.Read OR.Users.Read";
    let grant = |secret: String, scope: &'static str| {
        let sb = &sb;
        async move {
            token(
                sb,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", CI_CLIENT_ID),
                    ("client_secret", &secret),
                    ("scope", scope),
                ],
            )
            .await
        }
    };
    let (status, body) = grant("wrong".into(), APP_SCOPES).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    // Integration Service's scopes are user scopes: asking for them fails,
    // naming them (and so does offline_access, which this grant has no use for).
    let (status, body) = grant(secret.clone(), SCOPES).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope")),
        "{body}"
    );
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.contains("IS.Connections.Read") && description.contains("offline_access"),
        "{description}"
    );

    let (status, tokens) = grant(secret.clone(), APP_SCOPES).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens.get("refresh_token").is_none());
    let app = access(&tokens);
    let (_, folders) = api(&sb, &app, "/orchestrator_/odata/Folders", &[]).await;
    assert_eq!(
        names(&folders["value"], "DisplayName"),
        set(&["Finance", "Shared"])
    );
    // GetAllForCurrentUser is empty for a confidential app (UiPathOrch CHANGELOG 1.11.5).
    let (status, mine) = api(
        &sb,
        &app,
        "/orchestrator_/api/Folders/GetAllForCurrentUser",
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(mine, serde_json::json!({"Count": 0, "PageItems": []}));

    // The extended profile also grants the Integration Service scopes to apps.
    let extended = extended_sandbox().await;
    let (status, tokens) = token(
        &extended,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CI_CLIENT_ID),
            ("client_secret", &extended.ci_client_secret.clone().unwrap()),
            (
                "scope",
                "OR.Folders.Read IS.Connections.Read IS.Connectors.Read",
            ),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");

    // The public client has no secret to present and cannot use this grant.
    let (status, _) = token(
        &sb,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", PUBLIC_CLIENT_ID),
        ],
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_token_without_the_scope_is_refused_naming_it() {
    let sb = sandbox().await;
    let auth = authorization("IS.Connections.Read");
    let redirect = redirect_query(&submit_form(&sb, &auth, "alex", SANDBOX_PASSWORD).await);
    let code = get(&redirect, "code").unwrap().to_owned();
    let (_, tokens) = token(
        &sb,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &auth.verifier),
        ],
    )
    .await;
    let token = access(&tokens);
    let shared = sandbox_folder_key(&sb, "alex", "Shared").await;
    assert_eq!(
        api_in(&sb, &token, "/connections_/api/v1/Connections", &shared)
            .await
            .0,
        200
    );
    let (status, body) = api(&sb, &token, "/orchestrator_/odata/Folders", &[]).await;
    assert_eq!(status, 403);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("OR.Folders.Read"),
        "{body}"
    );
    let (status, body) = api(&sb, &token, "/connections_/api/v1/Connectors", &[]).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("CNS1044")));
}

#[tokio::test]
async fn state_survives_a_restart_and_holds_no_secret_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: Some(dir.path().to_owned()),
        ..Config::default()
    };
    let sb = Sandbox::start(config.clone()).await.unwrap();
    let secret = sb
        .ci_client_secret
        .clone()
        .expect("fresh data folder is seeded");
    let tokens = sign_in(&sb, "alex").await;
    sb.stop().await;

    let sb = Sandbox::start(config).await.unwrap();
    assert!(sb.ci_client_secret.is_none(), "not seeded twice");
    assert_eq!(
        api(&sb, &access(&tokens), "/orchestrator_/odata/Folders", &[])
            .await
            .0,
        200
    );
    sb.stop().await;

    let mut stored = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        stored.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(
        stored.contains("robot-prod-01@contoso.example"),
        "the database was read"
    );
    for secret in [
        access(&tokens).as_str(),
        tokens["refresh_token"].as_str().unwrap(),
        secret.as_str(),
    ] {
        assert!(!stored.contains(secret), "a secret is stored in plain text");
    }
}

#[tokio::test]
async fn the_large_scenario_is_generated_the_same_from_the_same_seed() {
    use connassist_sandbox::{LargeSpec, Scenario};
    let spec = LargeSpec {
        folders: 30,
        connections: 300,
        processes: 20,
        bindings: 10,
        seed: 7,
    };
    let start = || {
        Sandbox::start(Config {
            scenario: Scenario::Large(spec),
            ..Config::default()
        })
    };
    let (a, b) = (start().await.unwrap(), start().await.unwrap());
    async fn list(sb: &Sandbox, user: &str) -> Value {
        let token = access(&sign_in_first_party(sb, user).await);
        api(sb, &token, "/connections_/api/v1/Connections", &[])
            .await
            .1
    }
    let (la, lb) = (list(&a, "hana").await, list(&b, "hana").await);
    assert_eq!(la.as_array().unwrap().len(), 300, "hana sees every folder");
    let key = |v: &Value| -> Vec<(String, String)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(key(&la), key(&lb), "same seed, same tenant");
    let states: BTreeSet<String> = key(&la).into_iter().map(|(_, s)| s).collect();
    assert!(
        states.contains("Expired") && states.contains("Enabled"),
        "{states:?}"
    );
    assert_eq!(
        list(&a, "alex").await.as_array().unwrap().len(),
        30,
        "alex is in every tenth folder"
    );

    let token = a.sign_in_as("dana", SCOPES).unwrap().access_token;
    let (_, releases) = api(
        &a,
        &token,
        "/orchestrator_/odata/Releases",
        &[("X-UIPATH-OrganizationUnitId", "1")],
    )
    .await;
    let release = &releases["value"][0];
    let path = format!(
        "/orchestrator_/odata/Releases({})/UiPath.Server.Configuration.OData.GetResources(processKey='{}:{}')",
        release["Id"],
        release["ProcessKey"].as_str().unwrap(),
        release["ProcessVersion"].as_str().unwrap()
    );
    let (_, resources) = api(&a, &token, &path, &[("X-UIPATH-OrganizationUnitId", "1")]).await;
    assert_eq!(
        resources["value"].as_array().unwrap().len(),
        10,
        "10 bindings per process"
    );
}
