//! Creating connections end to end over real HTTP on loopback (the extended
//! profile: `POST Connections` is the sandbox's invention): the catalogue
//! and folder permissions the app reads first; `POST Connections` refusing
//! what a tenant refuses; a delegated connection that exists only once the
//! consent (played through the sandbox identity's pages) completes; the
//! organisation's own app (BYO) with its right and wrong credentials; client
//! credentials checked at the provider; certificates read from PEM; and a
//! creation cancelled in the app, whose late answer creates nothing.

// The helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use connassist_sandbox::scenario::key;
use connassist_sandbox::{BYO_CLIENT_ID, BYO_CLIENT_SECRET, Sandbox};
use connassist_testkit::browser::client;
use connassist_testkit::browser::query;
use connassist_testkit::consent::*;
use connassist_testkit::pages::*;
use connassist_testkit::sandbox::*;
use connassist_testkit::sign_in::*;
use serde_json::{Value, json};
use url::Url;

const OUTLOOK: &str = "uipath-microsoft-outlook365";
const ONEDRIVE: &str = "uipath-microsoft-onedrive";
const CONNECTIONS: &str = "/connections_/api/v1/Connections";

fn folder(name: &str) -> String {
    key(&format!("folder/{name}")).to_string()
}

async fn create(sb: &Sandbox, token: &str, body: &Value) -> (u16, Value) {
    post(sb, token, CONNECTIONS, body).await
}

fn connections_stored(sb: &Sandbox) -> i64 {
    count(
        sb,
        "SELECT COUNT(*) FROM documents WHERE kind = 'connection'",
    )
}

fn sessions_stored(sb: &Sandbox) -> i64 {
    count(
        sb,
        "SELECT COUNT(*) FROM documents WHERE kind = 'auth_session'",
    )
}

/// Every byte of the sandbox's database files, as text.
fn database_text(sb: &Sandbox) -> String {
    let mut bytes = vec![];
    for entry in std::fs::read_dir(sb.data_dir()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `POST Connections` for a delegated type: the 202 answer, checked.
async fn start_creation(sb: &Sandbox, token: &str, body: &Value) -> (String, String, Url) {
    let (status, started) = create(sb, token, body).await;
    assert_eq!(status, 202, "{started}");
    let connection = started["connectionId"].as_str().unwrap().to_owned();
    let session = started["sessionId"].as_str().unwrap().to_owned();
    assert_eq!(started["connector"], body["connectorKey"]);
    assert!(started["expiresAt"].as_i64().unwrap() > chrono::Utc::now().timestamp_millis());
    assert_eq!(
        started["authUrl"],
        format!("{}/provisioning_/start?session={session}", sb.origin)
    );
    let auth_url = Url::parse(started["authUrl"].as_str().unwrap()).unwrap();
    (connection, session, auth_url)
}

/// `GET path`; a connection itself is looked for folder by folder, as an
/// external application must name the folder.
async fn get(sb: &Sandbox, token: &str, path: &str) -> (u16, Value) {
    match path.strip_prefix(&format!("{CONNECTIONS}/")) {
        Some(id) if !id.contains(['/', '?']) => connection_anywhere(sb, token, id).await,
        _ => api(sb, token, path, &[]).await,
    }
}

#[tokio::test]
async fn the_catalogue_says_what_each_connector_offers() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let (status, list) = get(&sb, &hana, "/connections_/api/v1/Connectors").await;
    assert_eq!(status, 200, "{list}");
    let row = |key: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == key)
            .unwrap_or_else(|| panic!("{key} in the catalogue"))
            .clone()
    };
    let types = |key: &str| row(key)["authenticationTypes"].clone();
    let all = json!([
        "OAuth2AuthorizationCode",
        "OAuth2BringYourOwnApp",
        "OAuth2ClientCredentials",
        "OAuth2ClientCertificate"
    ]);
    for graph in [OUTLOOK, ONEDRIVE, "uipath-microsoft-teams"] {
        assert_eq!(types(graph), all, "{graph}");
    }
    let delegated_or_own_app = json!(["OAuth2AuthorizationCode", "OAuth2BringYourOwnApp"]);
    assert_eq!(types("uipath-google-gmail"), delegated_or_own_app);
    assert_eq!(types("uipath-salesforce-sfdc"), delegated_or_own_app);
    assert_eq!(
        types("uipath-salesforce-slack"),
        json!(["OAuth2AuthorizationCode"])
    );
    assert_eq!(row(OUTLOOK)["supportsSharedMailbox"], true);
    assert_eq!(row(ONEDRIVE)["supportsSharedMailbox"], false);
    assert_eq!(row("uipath-google-gmail")["preferSystemBrowser"], true);
    assert_eq!(row(OUTLOOK)["preferSystemBrowser"], false);
}

#[tokio::test]
async fn folders_say_where_the_caller_may_create_and_dana_still_sees_finance() {
    let sb = extended_sandbox().await;
    let can_create = |rows: &Value, name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|f| f["DisplayName"] == name)
            .unwrap_or_else(|| panic!("{name} listed: {rows}"))["CanCreateConnections"]
            .clone()
    };
    let dana = access(&sign_in(&sb, "dana").await);
    let (status, page) = get(
        &sb,
        &dana,
        "/orchestrator_/api/Folders/GetAllForCurrentUser",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let rows = &page["PageItems"];
    assert_eq!(can_create(rows, "Finance"), false);
    assert_eq!(can_create(rows, "Shared"), true);
    assert_eq!(can_create(rows, "Dana Developer's workspace"), true);
    let (_, odata) = get(&sb, &dana, "/orchestrator_/odata/Folders").await;
    assert_eq!(can_create(&odata["value"], "Finance"), false);
    // An Automation User still sees the folder's connections.
    let (status, finance) = api(
        &sb,
        &dana,
        CONNECTIONS,
        &[("X-UIPATH-FolderKey", &folder("Finance"))],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(finance.as_array().unwrap().len(), 3, "{finance}");

    let hana = access(&sign_in(&sb, "hana").await);
    let (_, page) = get(
        &sb,
        &hana,
        "/orchestrator_/api/Folders/GetAllForCurrentUser",
    )
    .await;
    assert_eq!(can_create(&page["PageItems"], "Finance"), true);
}

#[tokio::test]
async fn creating_refuses_what_a_tenant_refuses_and_creates_nothing() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let dana = access(&sign_in(&sb, "dana").await);
    let alex = access(&sign_in(&sb, "alex").await);
    let before = connections_stored(&sb);
    let shared = folder("Shared");
    let body = |connector: &str, folder: &str, auth: &str| json!({"connectorKey": connector, "folderKey": folder, "authenticationType": auth});

    let response = client()
        .post(format!("{}{CONNECTIONS}", sb.base_url))
        .bearer_auth(&hana)
        .header("content-type", "application/json")
        .body("{\"connectorKey\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let e: Value = response.json().await.unwrap();
    assert_eq!(e["code"], "CNS1001");
    assert!(e["message"].as_str().unwrap().contains("not JSON"), "{e}");
    assert!(e["traceId"].is_string());

    let cases: Vec<(&str, Value, u16, &str, &[&str])> = vec![
        (
            "hana",
            json!({"connectorKey": OUTLOOK, "authenticationType": "OAuth2AuthorizationCode"}),
            400,
            "CNS1001",
            &["folderKey is missing"],
        ),
        (
            "hana",
            body(OUTLOOK, &shared, "Basic"),
            400,
            "CNS1001",
            &["is not one of"],
        ),
        (
            "hana",
            body("uipath-nope", &shared, "OAuth2AuthorizationCode"),
            404,
            "CNS1000",
            &["uipath-nope"],
        ),
        (
            "alex",
            body(OUTLOOK, &folder("Finance"), "OAuth2AuthorizationCode"),
            404,
            "CNS1006",
            &["cannot see it"],
        ),
        (
            "hana",
            body(
                OUTLOOK,
                &uuid::Uuid::new_v4().to_string(),
                "OAuth2AuthorizationCode",
            ),
            404,
            "CNS1006",
            &["was not found"],
        ),
        (
            "dana",
            body(OUTLOOK, &folder("Finance"), "OAuth2AuthorizationCode"),
            403,
            "CNS1045",
            &[
                "may not create connections in Finance",
                "personal workspace",
                "folder administrator",
            ],
        ),
        (
            "hana",
            body(
                "uipath-salesforce-slack",
                &shared,
                "OAuth2ClientCredentials",
            ),
            400,
            "CNS1021",
            &["Slack does not offer OAuth2ClientCredentials"],
        ),
        (
            "hana",
            json!({"connectorKey": "uipath-google-gmail", "folderKey": shared, "authenticationType": "OAuth2AuthorizationCode", "sharedMailbox": "ap@contoso.example"}),
            400,
            "CNS1001",
            &["only Outlook"],
        ),
        (
            "hana",
            json!({"connectorKey": OUTLOOK, "folderKey": shared, "authenticationType": "OAuth2AuthorizationCode", "sharedMailbox": "Accounts Payable"}),
            400,
            "CNS1001",
            &["not a mailbox address"],
        ),
        (
            "hana",
            json!({"connectorKey": OUTLOOK, "folderKey": shared, "authenticationType": "OAuth2BringYourOwnApp", "clientId": BYO_CLIENT_ID}),
            400,
            "CNS1001",
            &["clientSecret is missing"],
        ),
        (
            "hana",
            json!({"connectorKey": OUTLOOK, "folderKey": shared, "authenticationType": "OAuth2ClientCredentials", "clientSecret": "x"}),
            400,
            "CNS1001",
            &["clientId is missing"],
        ),
        (
            "hana",
            json!({"connectorKey": OUTLOOK, "folderKey": shared, "authenticationType": "OAuth2ClientCertificate"}),
            400,
            "CNS1001",
            &["certificate is missing"],
        ),
        (
            "hana",
            json!({"connectorKey": OUTLOOK, "folderKey": shared, "authenticationType": "OAuth2ClientCredentials", "clientId": BYO_CLIENT_ID, "clientSecret": BYO_CLIENT_SECRET, "secretExpiresAt": "next spring"}),
            400,
            "CNS1001",
            &["secretExpiresAt"],
        ),
    ];
    for (user, request, status, code, says) in cases {
        let token = match user {
            "hana" => &hana,
            "dana" => &dana,
            _ => &alex,
        };
        let (got, e) = create(&sb, token, &request).await;
        assert_eq!(
            (got, e["code"].as_str()),
            (status, Some(code)),
            "{request} → {e}"
        );
        let message = e["message"].as_str().unwrap();
        for s in says {
            assert!(message.contains(s), "{request}: {message:?} lacks {s:?}");
        }
    }
    assert_eq!(connections_stored(&sb), before, "nothing was created");
    assert_eq!(sessions_stored(&sb), 0, "no consent was started");

    // No token: no creation.
    let response = client()
        .post(format!("{}{CONNECTIONS}", sb.base_url))
        .json(&body(OUTLOOK, &shared, "OAuth2AuthorizationCode"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_delegated_connection_exists_once_any_account_completes_the_consent() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let dana = access(&sign_in(&sb, "dana").await);
    let before = connections_stored(&sb);
    let (id, session_id, auth_url) = start_creation(
        &sb,
        &hana,
        &json!({
            "connectorKey": OUTLOOK,
            "folderKey": folder("Shared"),
            "name": "Helpdesk mailbox",
            "authenticationType": "OAuth2AuthorizationCode",
            "sharedMailbox": "helpdesk@contoso.example",
        }),
    )
    .await;
    let path = format!("{CONNECTIONS}/{id}");
    assert_eq!(
        get(&sb, &hana, &path).await.0,
        404,
        "not before the consent"
    );
    let s = session(&sb, &hana, &id, &session_id).await;
    assert_eq!(s["status"], "pending");
    assert_eq!(s["connectionId"], id.as_str());
    assert_eq!(s["previousIdentity"], Value::Null);
    // The session is its starter's: dana sees Shared, but not this.
    let (status, e) = get(&sb, &dana, &format!("{}/{session_id}", auth_path(&id))).await;
    assert_eq!((status, e["code"].as_str()), (404, Some("CNS1006")));

    let authorize = open_auth_url(&sb, &auth_url).await;
    let requested: Vec<String> = query(&authorize, "scope")
        .unwrap()
        .split(' ')
        .map(str::to_owned)
        .collect();
    for scope in [
        "Mail.ReadWrite",
        "Mail.ReadWrite.Shared",
        "Mail.Send.Shared",
    ] {
        assert!(requested.contains(&scope.to_owned()), "{requested:?}");
    }
    // dana consents (another account than the creator's): nothing to confirm.
    let (callback, asked) = sign_in_at_identity(&sb, &authorize, "dana", AtConsent::Accept).await;
    assert!(asked.contains(&"Mail.Send.Shared".to_owned()), "{asked:?}");
    assert_eq!(
        finish(&sb, &callback, &session_id).await,
        ("completed".into(), "Connection created".into())
    );

    let s = session(&sb, &hana, &id, &session_id).await;
    assert_eq!(s["status"], "completed");
    assert_eq!(s["identity"], "dana@contoso.example");
    let (status, c) = get(&sb, &hana, &path).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["id"], id.as_str());
    assert_eq!(c["name"], "Helpdesk mailbox");
    assert_eq!(c["state"], "Enabled");
    assert_eq!(
        first_party_connection(&sb, "hana", c["id"].as_str().unwrap()).await["owner"],
        "hana@contoso.example"
    );
    assert_eq!(c["connectionIdentity"], "dana@contoso.example");
    assert_eq!(c["authenticationType"], "OAuth2AuthorizationCode");
    assert_eq!(c["sharedMailbox"], "helpdesk@contoso.example");
    assert_eq!(c["folder"]["key"], folder("Shared"));
    assert_eq!(c["connector"]["key"], OUTLOOK);
    assert_eq!(
        c["isDefault"], true,
        "hana's first Outlook connection in Shared"
    );
    assert_eq!(c["scopes"], s["scopes"]["granted"]);
    assert!(
        first_party_connection(&sb, "hana", &id).await["elementInstanceId"]
            .as_i64()
            .unwrap()
            > 120_009
    );
    assert_eq!(connections_stored(&sb), before + 1);
    assert_eq!(stored_tokens(&sb), 1);
    // It is a connection like any other: listed, pinged, with a token.
    let (_, listed) = api(
        &sb,
        &hana,
        CONNECTIONS,
        &[("X-UIPATH-FolderKey", &folder("Shared"))],
    )
    .await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == id.as_str())
    );
    let (_, ping) = get(&sb, &hana, &format!("{path}/ping")).await;
    assert_eq!(ping["status"], "Enabled", "{ping}");
    let (status, token) = get(&sb, &hana, &format!("{path}/token?tokenType=direct")).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(
        token["elementInstanceId"],
        first_party_connection(&sb, "hana", &id).await["elementInstanceId"]
    );
    assert_eq!(token["apiBaseUri"], "https://graph.microsoft.com/v1.0");

    // hana's second, unnamed: named after the account, not her default.
    let (second, second_session, auth_url) = start_creation(
        &sb,
        &hana,
        &json!({"connectorKey": OUTLOOK, "folderKey": folder("Shared"), "authenticationType": "OAuth2AuthorizationCode"}),
    )
    .await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    // hana consented to Outlook's permissions when she made her connections.
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "hana", AtConsent::NotAsked).await;
    assert_eq!(finish(&sb, &callback, &second_session).await.0, "completed");
    let (_, c) = get(&sb, &hana, &format!("{CONNECTIONS}/{second}")).await;
    assert_eq!(c["name"], "hana@contoso.example");
    assert_eq!(c["isDefault"], false);
    assert_eq!(c["sharedMailbox"], Value::Null);
    assert_ne!(second, id);
}

#[tokio::test]
async fn bring_your_own_app_signs_in_as_the_organisations_app() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let body = |client_id: &str, secret: &str| {
        json!({
            "connectorKey": ONEDRIVE,
            "folderKey": folder("Shared"),
            "name": "Contoso files",
            "authenticationType": "OAuth2BringYourOwnApp",
            "clientId": client_id,
            "clientSecret": secret,
            "tenantId": "contoso.example",
            "secretExpiresAt": "2027-03-01T00:00:00Z",
        })
    };

    // A client id the identity provider does not know: refused at once.
    let (status, e) = create(&sb, &hana, &body("contoso-typo-app", BYO_CLIENT_SECRET)).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (400, Some("invalid_client")),
        "{e}"
    );
    assert_eq!(e["providerCode"], "AADSTS700016");
    assert!(
        e["message"].as_str().unwrap().contains("contoso-typo-app"),
        "{e}"
    );
    assert_eq!(sessions_stored(&sb), 0);

    // A wrong secret: found out when the code is exchanged.
    let (id, session_id, auth_url) =
        start_creation(&sb, &hana, &body(BYO_CLIENT_ID, "not-the-secret")).await;
    let authorize = open_auth_url_as(&sb, &auth_url, BYO_CLIENT_ID).await;
    let (callback, _) = sign_in_for_app(
        &sb,
        &authorize,
        "hana",
        AtConsent::Accept,
        "Contoso automation app",
    )
    .await;
    assert_eq!(
        finish(&sb, &callback, &session_id).await,
        ("failed".into(), "Connection not created".into())
    );
    let s = session(&sb, &hana, &id, &session_id).await;
    assert_eq!(s["error"]["code"], "invalid_client", "{s}");
    assert_eq!(s["error"]["providerCode"], "AADSTS7000215");
    assert_eq!(get(&sb, &hana, &format!("{CONNECTIONS}/{id}")).await.0, 404);
    assert_eq!(stored_tokens(&sb), 0);

    // The right one: the sign-in and the code exchange are the app's.
    let (id, session_id, auth_url) =
        start_creation(&sb, &hana, &body(BYO_CLIENT_ID, BYO_CLIENT_SECRET)).await;
    let authorize = open_auth_url_as(&sb, &auth_url, BYO_CLIENT_ID).await;
    // hana consented to the app's permissions a moment ago.
    let (callback, _) = sign_in_for_app(
        &sb,
        &authorize,
        "hana",
        AtConsent::NotAsked,
        "Contoso automation app",
    )
    .await;
    assert_eq!(
        finish(&sb, &callback, &session_id).await,
        ("completed".into(), "Connection created".into())
    );
    let (_, c) = get(&sb, &hana, &format!("{CONNECTIONS}/{id}")).await;
    assert_eq!(c["state"], "Enabled", "{c}");
    assert_eq!(c["authenticationType"], "OAuth2BringYourOwnApp");
    assert_eq!(c["byoaConnection"], true);
    assert_eq!(c["connectionIdentity"], "hana@contoso.example");
    assert_eq!(c["secretExpiresAt"], "2027-03-01T00:00:00.000Z");
    assert_eq!(
        count(
            &sb,
            &format!(
                "SELECT COUNT(*) FROM grants WHERE client_id = '{BYO_CLIENT_ID}' AND kind = 'refresh'"
            )
        ),
        1,
        "the tokens were issued to the organisation's app"
    );
    // Its refresh goes through the organisation's app too.
    let (status, token) = get(
        &sb,
        &hana,
        &format!("{CONNECTIONS}/{id}/token?forceRefresh=true"),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(sb.token_requests("refresh_token"), 1);
    assert_eq!(
        count(
            &sb,
            &format!(
                "SELECT COUNT(*) FROM grants WHERE client_id = '{BYO_CLIENT_ID}' AND kind = 'refresh'"
            )
        ),
        2,
        "rotated at the organisation's app"
    );
    // A reconnect signs in with the same app.
    let (_, auth_url) = start(&sb, &hana, &id).await;
    open_auth_url_as(&sb, &auth_url, BYO_CLIENT_ID).await;
    // The app's secret is kept sealed, never in plain text.
    assert_eq!(
        count(
            &sb,
            "SELECT COUNT(*) FROM documents WHERE kind = 'connection_secret'"
        ),
        1
    );
    assert!(!database_text(&sb).contains(BYO_CLIENT_SECRET));
}

#[tokio::test]
async fn client_credentials_are_checked_at_the_provider_before_anything_is_created() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let before = connections_stored(&sb);
    let body = |client_id: &str, secret: &str| {
        json!({
            "connectorKey": OUTLOOK,
            "folderKey": folder("Shared"),
            "name": "AP mailbox (app)",
            "authenticationType": "OAuth2ClientCredentials",
            "clientId": client_id,
            "clientSecret": secret,
            "sharedMailbox": "ap@contoso.example",
            "secretExpiresAt": "2027-03-01T00:00:00Z",
        })
    };
    let (status, e) = create(&sb, &hana, &body(BYO_CLIENT_ID, "an-old-secret")).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (400, Some("invalid_client")),
        "{e}"
    );
    assert_eq!(e["providerCode"], "AADSTS7000215");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("wrong or expired"), "{message}");
    assert!(message.contains("Paste the current secret"), "{message}");
    assert!(!e.to_string().contains("an-old-secret"));
    let (status, e) = create(&sb, &hana, &body("contoso-typo-app", BYO_CLIENT_SECRET)).await;
    assert_eq!(
        (status, e["providerCode"].as_str()),
        (400, Some("AADSTS700016")),
        "{e}"
    );
    assert_eq!(connections_stored(&sb), before, "nothing was created");
    assert_eq!(
        sb.token_requests("client_credentials"),
        2,
        "both were asked for real"
    );

    let (status, c) = create(&sb, &hana, &body(BYO_CLIENT_ID, BYO_CLIENT_SECRET)).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["name"], "AP mailbox (app)");
    assert_eq!(c["state"], "Enabled");
    assert_eq!(c["authenticationType"], "OAuth2ClientCredentials");
    assert_eq!(c["connectionIdentity"], BYO_CLIENT_ID);
    assert_eq!(
        first_party_connection(&sb, "hana", c["id"].as_str().unwrap()).await["owner"],
        "hana@contoso.example"
    );
    assert_eq!(c["sharedMailbox"], "ap@contoso.example");
    assert_eq!(c["secretExpiresAt"], "2027-03-01T00:00:00.000Z");
    assert_eq!(c["scopes"], json!(["https://graph.microsoft.com/.default"]));
    let id = c["id"].as_str().unwrap();
    let (_, again) = get(&sb, &hana, &format!("{CONNECTIONS}/{id}")).await;
    assert_eq!(again, c, "the answer is the connection as GET shows it");
    assert_eq!(connections_stored(&sb), before + 1);
    assert_eq!(stored_tokens(&sb), 1);

    // Its token is the app's, renewed by signing in as the app again.
    let path = format!("{CONNECTIONS}/{id}/token");
    let (_, first) = get(&sb, &hana, &path).await;
    let (status, forced) = get(&sb, &hana, &format!("{path}?forceRefresh=true")).await;
    assert_eq!(status, 200, "{forced}");
    assert_ne!(forced["accessToken"], first["accessToken"]);
    assert_eq!(sb.token_requests("client_credentials"), 4);
    assert_eq!(sb.token_requests("refresh_token"), 0);
    assert!(!database_text(&sb).contains(BYO_CLIENT_SECRET));
}

fn certificate(not_after: (i32, u8, u8), cn: &str) -> (String, String) {
    let mut params = rcgen::CertificateParams::new(vec!["contoso.example".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.not_before = rcgen::date_time_ymd(2019, 1, 1);
    params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

#[tokio::test]
async fn certificates_are_read_before_a_connection_is_made_of_them() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let before = connections_stored(&sb);
    let body = |pem: &str| {
        json!({
            "connectorKey": "uipath-microsoft-teams",
            "folderKey": folder("Shared"),
            "authenticationType": "OAuth2ClientCertificate",
            "clientId": BYO_CLIENT_ID,
            "certificate": pem,
        })
    };
    let (old_cert, old_key) = certificate((2020, 1, 1), "contoso-old");
    let (status, e) = create(&sb, &hana, &body(&format!("{old_cert}{old_key}"))).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("CNS1001")), "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2020-01-01"),
        "{e}"
    );

    let (cert, key) = certificate((2035, 6, 30), "contoso-automation");
    let (status, e) = create(&sb, &hana, &body(&cert)).await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("PRIVATE KEY"),
        "{e}"
    );
    let (status, e) = create(&sb, &hana, &body(&key)).await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("no CERTIFICATE"),
        "{e}"
    );
    assert_eq!(connections_stored(&sb), before);

    // Indented and with Windows line ends, as pasted from elsewhere.
    let pasted: String = format!("{cert}{key}")
        .lines()
        .map(|l| format!("  {l}\r\n"))
        .collect();
    let (status, c) = create(&sb, &hana, &body(&pasted)).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["connectionIdentity"], "contoso-automation");
    assert_eq!(c["name"], "contoso-automation");
    assert_eq!(c["authenticationType"], "OAuth2ClientCertificate");
    assert_eq!(c["secretExpiresAt"], "2035-06-30T00:00:00.000Z");
    assert_eq!(c["state"], "Enabled");
    // Sealed: no line of the private key is in the database.
    let stored = database_text(&sb);
    let key_line = key.lines().nth(1).unwrap();
    assert!(key_line.len() > 40);
    assert!(
        !stored.contains(key_line),
        "the private key is stored in plain text"
    );
    assert_eq!(
        count(
            &sb,
            "SELECT COUNT(*) FROM documents WHERE kind = 'connection_secret'"
        ),
        1
    );
    // No token request is possible (no private_key_jwt): an opaque one stands in.
    let id = c["id"].as_str().unwrap();
    let (status, token) = get(&sb, &hana, &format!("{CONNECTIONS}/{id}/token")).await;
    assert_eq!(status, 200, "{token}");
    assert!(token["accessToken"].as_str().unwrap().len() >= 32);
}

#[tokio::test]
async fn a_cancelled_creation_refuses_its_late_answer_and_creates_nothing() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let dana = access(&sign_in(&sb, "dana").await);
    let before = connections_stored(&sb);
    let (id, session_id, auth_url) = start_creation(
        &sb,
        &hana,
        &json!({"connectorKey": ONEDRIVE, "folderKey": folder("Shared"), "authenticationType": "OAuth2AuthorizationCode"}),
    )
    .await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "hana", AtConsent::NotAsked).await;

    let cancel_path = format!("{}{}/{session_id}", sb.base_url, auth_path(&id));
    // Only its starter may cancel it.
    let response = client()
        .delete(&cancel_path)
        .bearer_auth(&dana)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = client()
        .delete(&cancel_path)
        .bearer_auth(&hana)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let s: Value = response.json().await.unwrap();
    assert_eq!(s["status"], "failed");
    assert_eq!(s["error"]["code"], "cancelled");
    assert_eq!(
        s["error"]["message"],
        "The consent was cancelled in the app; nothing was stored."
    );

    let late = follow(&callback).await;
    assert_eq!(late.status(), 400);
    assert_eq!(title(&late.text().await.unwrap()), "Sign-in cancelled");
    assert_eq!(get(&sb, &hana, &format!("{CONNECTIONS}/{id}")).await.0, 404);
    assert_eq!(connections_stored(&sb), before);
    assert_eq!(stored_tokens(&sb), 0);
    assert_eq!(
        sb.token_requests("authorization_code"),
        2,
        "only the two sign-ins: the code was never exchanged"
    );
    assert_eq!(
        session(&sb, &hana, &id, &session_id).await["error"]["code"],
        "cancelled"
    );
}
