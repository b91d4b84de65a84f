//! A connection's tokens once the sandbox holds them (after a reconnect played
//! through the browser pages), over real HTTP on loopback: a hundred callers
//! forcing a refresh at once reach the provider once and all get the same new
//! token, the rotated refresh token is the one kept; an access token that
//! expired is refreshed before it is handed out; a grant revoked at the
//! provider makes the connection Expired with the provider's reason.

// The helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::time::Duration;

use connassist_sandbox::scenario::key;
use connassist_sandbox::{CONNECTORS_CLIENT_ID, Config, Sandbox};
use connassist_testkit::browser::client;
use connassist_testkit::consent::*;
use connassist_testkit::sandbox::*;
use connassist_testkit::sign_in::*;
use serde_json::Value;

fn finance_sharepoint() -> String {
    key("connection/Finance SharePoint").to_string()
}

fn token_path(id: &str) -> String {
    format!("/connections_/api/v1/Connections/{id}/token")
}

/// The token, refreshed at the provider first.
fn forced_token_path(id: &str) -> String {
    format!("{}?forceRefresh=true", token_path(id))
}

fn ping_path(id: &str) -> String {
    format!("/connections_/api/v1/Connections/{id}/ping")
}

/// The SHA-256 of the connectors' client's refresh tokens at the identity
/// server: (still usable, already used or revoked).
fn refresh_grants(sb: &Sandbox) -> (HashSet<String>, HashSet<String>) {
    let conn = db(sb);
    let mut active = HashSet::new();
    let mut spent = HashSet::new();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT token_hash, used FROM grants WHERE client_id = '{CONNECTORS_CLIENT_ID}' AND kind = 'refresh'"
        ))
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap();
    for row in rows {
        let (hash, used) = row.unwrap();
        if used == 0 {
            active.insert(hash);
        } else {
            spent.insert(hash);
        }
    }
    (active, spent)
}

/// hana reconnects Finance SharePoint through the browser pages.
async fn reconnected(sb: &Sandbox) -> (String, String) {
    let hana = access(&sign_in(sb, "hana").await);
    let id = finance_sharepoint();
    let (_, status, _) = reconnect(sb, &hana, &id, "hana", AtConsent::NotAsked).await;
    assert_eq!(status, "completed");
    (hana, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_forced_refreshes_at_once_reach_the_provider_once() {
    let sb = sandbox().await;
    let (hana, id) = reconnected(&sb).await;
    let (status, first) = api(&sb, &hana, &token_path(&id), &[]).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        sb.token_requests("refresh_token"),
        0,
        "a fresh token is handed out as it is"
    );
    let (active_before, _) = refresh_grants(&sb);
    assert_eq!(active_before.len(), 1);

    // Every response waits 700 ms, the provider's too: the hundred requests
    // all arrive while the first one's refresh is still at the provider.
    sb.set_latency(Duration::from_millis(700));
    let http = client();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let (http, url, hana) = (
            http.clone(),
            format!(
                "{}{}?tokenType=direct&forceRefresh=true",
                sb.base_url,
                token_path(&id)
            ),
            hana.clone(),
        );
        tasks.spawn(async move {
            let response = http.get(url).bearer_auth(hana).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        });
    }
    let mut tokens = HashSet::new();
    while let Some(answer) = tasks.join_next().await {
        let (status, body) = answer.unwrap();
        assert_eq!(status, 200, "{body}");
        tokens.insert(body["accessToken"].as_str().unwrap().to_owned());
    }
    sb.set_latency(Duration::ZERO);
    assert_eq!(
        sb.token_requests("refresh_token"),
        1,
        "one refresh for a hundred callers"
    );
    assert_eq!(tokens.len(), 1, "all got the same token: {tokens:?}");
    let new = tokens.into_iter().next().unwrap();
    assert_ne!(new, first["accessToken"].as_str().unwrap());

    // The provider's token, good at its userinfo.
    let me: Value = client()
        .get(format!("{}/identity_/connect/userinfo", sb.origin))
        .bearer_auth(&new)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "hana@contoso.example");

    // The refresh token rotated: the old one is spent, a new one is live…
    let (active, spent) = refresh_grants(&sb);
    assert_eq!(active.len(), 1);
    assert!(active.is_disjoint(&active_before));
    assert!(active_before.is_subset(&spent));
    // …and the new one is what the sandbox kept: refreshing again works
    // (the old one would be a replay, which revokes the whole sign-in).
    let (status, again) = api(&sb, &hana, &forced_token_path(&id), &[]).await;
    assert_eq!(status, 200, "{again}");
    assert_ne!(again["accessToken"].as_str().unwrap(), new);
    assert_eq!(sb.token_requests("refresh_token"), 2);
    let (_, ping) = api(
        &sb,
        &hana,
        &format!("{}?forceRefresh=true", ping_path(&id)),
        &[],
    )
    .await;
    assert_eq!(ping["status"], "Enabled", "{ping}");
    assert_eq!(
        sb.token_requests("refresh_token"),
        3,
        "a forced ping refreshes too"
    );
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_before_it_is_handed_out() {
    // Tokens live 15 s and are renewed in their last 10: 5 s of use.
    let sb = Sandbox::start(Config {
        access_token_lifetime: Duration::from_secs(15),
        ..Config::default()
    })
    .await
    .unwrap();
    let (hana, id) = reconnected(&sb).await;
    let (_, first) = api(&sb, &hana, &token_path(&id), &[]).await;
    let (_, same) = api(&sb, &hana, &token_path(&id), &[]).await;
    assert_eq!(first["accessToken"], same["accessToken"]);
    assert_eq!(sb.token_requests("refresh_token"), 0);
    tokio::time::sleep(Duration::from_millis(5200)).await;
    let (status, renewed) = api(&sb, &hana, &token_path(&id), &[]).await;
    assert_eq!(status, 200, "{renewed}");
    assert_ne!(renewed["accessToken"], first["accessToken"]);
    assert_eq!(sb.token_requests("refresh_token"), 1);
    assert!(renewed["expiresIn"].as_i64().unwrap() > 10, "{renewed}");
}

#[tokio::test]
async fn a_revoked_grant_makes_the_connection_expired_with_the_providers_reason() {
    let sb = sandbox().await;
    let (hana, id) = reconnected(&sb).await;
    let (_, token) = api(&sb, &hana, &token_path(&id), &[]).await;
    // Revoked at the provider (a password reset, an administrator).
    let revoked = client()
        .post(format!("{}/identity_/connect/revocation", sb.origin))
        .form(&[("token", token["accessToken"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);

    let (status, e) = api(&sb, &hana, &forced_token_path(&id), &[]).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("CNS1008")), "{e}");
    assert_eq!(e["providerCode"], "AADSTS50173");
    assert!(e["message"].as_str().unwrap().contains("Reconnect"), "{e}");
    let c = connection(&sb, &hana, &id).await;
    assert_eq!(c["state"], "Expired");
    // The ping: CNS1008, the provider's answer in its message.
    let (status, ping) = api(&sb, &hana, &ping_path(&id), &[]).await;
    assert_eq!(
        (status, ping["code"].as_str()),
        (400, Some("CNS1008")),
        "{ping}"
    );
    let message = ping["message"].as_str().unwrap();
    for part in ["invalid_grant", "AADSTS50173", "revoked"] {
        assert!(message.contains(part), "{part}: {ping}");
    }
    assert_eq!(stored_tokens(&sb), 0, "useless tokens are not kept");
    // Asking again does not ask the provider again.
    let (status, _) = api(&sb, &hana, &forced_token_path(&id), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(sb.token_requests("refresh_token"), 1);

    // A reconnect brings it back.
    let (_, status, _) = reconnect(&sb, &hana, &id, "hana", AtConsent::NotAsked).await;
    assert_eq!(status, "completed");
    let (status, _) = api(&sb, &hana, &forced_token_path(&id), &[]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn seeded_connections_keep_their_recorded_state() {
    let sb = sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    // Enabled, never signed in by the sandbox: an opaque stand-in token.
    let enabled = key("connection/Accounts payable mailbox").to_string();
    let (status, token) = api(&sb, &hana, &token_path(&enabled), &[]).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["tokenType"], "Bearer");
    assert!(token["expiresIn"].as_i64().unwrap() > 0);
    // Failed: no token, the recorded reason.
    let (status, e) = api(&sb, &hana, &token_path(&finance_sharepoint()), &[]).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("CNS1008")), "{e}");
    assert_eq!(e["providerCode"], "AADSTS50173");
    let (status, e) = api(
        &sb,
        &hana,
        &format!("{}?tokenType=refresh", token_path(&enabled)),
        &[],
    )
    .await;
    assert_eq!((status, e["code"].as_str()), (400, Some("CNS1001")), "{e}");
    let (status, ping) = api(
        &sb,
        &hana,
        &format!("{}?forceRefresh=true", ping_path(&finance_sharepoint())),
        &[],
    )
    .await;
    assert_eq!(
        (status, ping["code"].as_str()),
        (400, Some("CNS1008")),
        "{ping}"
    );
    assert!(
        ping["message"].as_str().unwrap().contains("AADSTS50173"),
        "{ping}"
    );
    assert_eq!(sb.token_requests("refresh_token"), 0);
}

#[tokio::test]
async fn only_the_owner_or_a_robot_of_its_folder_gets_a_connections_token() {
    let sb = sandbox().await;
    let ap_mailbox = key("connection/Accounts payable mailbox").to_string();
    // hana owns it; dana sees Finance but is neither its owner nor a robot.
    let dana = access(&sign_in(&sb, "dana").await);
    let (status, e) = api(&sb, &dana, &token_path(&ap_mailbox), &[]).await;
    assert_eq!((status, e["code"].as_str()), (403, Some("CNS1044")), "{e}");
    // A robot that runs in Finance gets it.
    let robot = sb
        .sign_in_as_robot("robot-prod-01", "IS.Connections.Read")
        .unwrap();
    let (status, token) = api(&sb, &robot.access_token, &token_path(&ap_mailbox), &[]).await;
    assert_eq!(status, 200, "{token}");
    // A personal workspace's connection is its owner's alone, robots included.
    let alex_own = key("connection/alex@contoso.example").to_string();
    let (status, e) = api(&sb, &robot.access_token, &token_path(&alex_own), &[]).await;
    assert!(status == 404 || status == 403, "{status} {e}");
    let alex = access(&sign_in(&sb, "alex").await);
    let (status, token) = api(&sb, &alex, &token_path(&alex_own), &[]).await;
    assert_eq!(status, 200, "{token}");
}
