//! Reconnecting a connection in place, end to end over real HTTP on loopback:
//! the tenant API starts a session, a "browser" (reqwest, no automatic
//! redirects, so every hop is checked) follows the `authUrl` through the
//! sandbox identity's own sign-in and consent pages, and the sandbox, as an
//! OAuth client, exchanges the code, names the account and stores the tokens
//! sealed. Outcomes: completed, another account waiting for a confirmation,
//! consent refused, the admin-consent wall and an administrator lifting it,
//! forged `state`, a wrong `iss`, expiry, supersession and cancellation.

// The helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::time::Duration;

use connassist_sandbox::scenario::key;
use connassist_sandbox::{CONNECTORS_CLIENT_ID, Config, Provisioning, Sandbox};
use connassist_testkit::browser::client;
use connassist_testkit::browser::{location, query};
use connassist_testkit::consent::*;
use connassist_testkit::oidc::{OidcProvider, confidential_client, sign_in_at_provider};
use connassist_testkit::pages::*;
use connassist_testkit::sandbox::*;
use connassist_testkit::sign_in::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

const ROBOT_OUTLOOK: &str = "robot-prod-02@contoso.example";
const FINANCE_SHAREPOINT: &str = "Finance SharePoint";

fn id_of(name: &str) -> String {
    key(&format!("connection/{name}")).to_string()
}

#[tokio::test]
async fn the_owner_reconnects_and_the_connection_is_enabled_in_place() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let id = id_of(FINANCE_SHAREPOINT);
    let before = connection(&sb, &hana, &id).await;
    assert_eq!(before["state"], "Failed");

    let (session_id, auth_url) = start(&sb, &hana, &id).await;
    let started = session(&sb, &hana, &id, &session_id).await;
    assert_eq!(started["status"], "pending");
    assert_eq!(started["previousIdentity"], "hana@contoso.example");
    assert_eq!(started["identity"], Value::Null);
    let authorize = open_auth_url(&sb, &auth_url).await;
    // hana consented to these scopes when she created the connection.
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "hana", AtConsent::NotAsked).await;
    assert_eq!(
        finish(&sb, &callback, &session_id).await,
        ("completed".into(), "Connection updated".into())
    );

    let s = session(&sb, &hana, &id, &session_id).await;
    assert_eq!(s["status"], "completed");
    assert_eq!(s["identity"], "hana@contoso.example");
    assert_eq!(s["error"], Value::Null);
    let requested = s["scopes"]["requested"].clone();
    assert!(
        requested
            .as_array()
            .unwrap()
            .contains(&json!("Sites.Read.All"))
    );
    assert_eq!(s["scopes"]["granted"], requested);
    assert_eq!(s["scopes"]["previous"], before["scopes"]);
    assert!(s["expiresAt"].as_i64().unwrap() > chrono::Utc::now().timestamp_millis());

    let after = connection(&sb, &hana, &id).await;
    assert_eq!(after["state"], "Enabled");
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["folder"]["key"], before["folder"]["key"]);
    assert_eq!(after["connectionIdentity"], "hana@contoso.example");
    assert_eq!(after["scopes"], requested);
    assert_ne!(after["updateTime"], before["updateTime"]);
    let (_, ping) = api(
        &sb,
        &hana,
        &format!("/connections_/api/v1/Connections/{id}/ping"),
        &[],
    )
    .await;
    assert_eq!(ping["status"], "Enabled");
    assert!(ping.get("error").is_none());

    // The provider's answer works once.
    let replay = client().get(callback).send().await.unwrap();
    assert_eq!(replay.status(), 400);
    // A finished session cannot be confirmed.
    let (status, body) = post(
        &sb,
        &hana,
        &format!("{}/{session_id}/confirm", auth_path(&id)),
        &json!({"accept": true}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("CNS1050")));
}

#[tokio::test]
async fn another_account_waits_for_a_confirmation_then_is_accepted_or_rejected() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let id = id_of(ROBOT_OUTLOOK);
    let before = connection(&sb, &hana, &id).await;
    assert_eq!(before["state"], "Expired");

    let (session_id, status, title) = reconnect(&sb, &hana, &id, "hana", AtConsent::NotAsked).await;
    assert_eq!(
        (status.as_str(), title.as_str()),
        ("needs_confirmation", "Confirm the account")
    );
    let s = session(&sb, &hana, &id, &session_id).await;
    assert_eq!(s["status"], "needs_confirmation");
    assert_eq!(s["identity"], "hana@contoso.example");
    assert_eq!(s["previousIdentity"], ROBOT_OUTLOOK);
    // Nothing changes until it is confirmed.
    let waiting = connection(&sb, &hana, &id).await;
    assert_eq!(waiting["state"], "Expired");
    assert_eq!(waiting["connectionIdentity"], ROBOT_OUTLOOK);
    assert_eq!(waiting["updateTime"], before["updateTime"]);
    assert_eq!(
        stored_tokens(&sb),
        0,
        "waiting tokens stay with the session"
    );

    let (status, body) = post(
        &sb,
        &hana,
        &format!("{}/{session_id}/confirm", auth_path(&id)),
        &json!({"accept": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "completed");
    let accepted = connection(&sb, &hana, &id).await;
    assert_eq!(accepted["state"], "Enabled");
    assert_eq!(accepted["connectionIdentity"], "hana@contoso.example");
    assert_eq!(accepted["folder"]["key"], before["folder"]["key"]);
    assert_eq!(stored_tokens(&sb), 1);

    // dana now reconnects it: another account again, consented first, then rejected.
    let dana = access(&sign_in(&sb, "dana").await);
    let (second, auth_url) = start(&sb, &dana, &id).await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, asked) = sign_in_at_identity(&sb, &authorize, "dana", AtConsent::Accept).await;
    assert!(asked.contains(&"Mail.Send".to_owned()), "{asked:?}");
    assert!(
        !asked.contains(&"User.Read".to_owned()),
        "consented before: {asked:?}"
    );
    assert_eq!(
        finish(&sb, &callback, &second).await.0,
        "needs_confirmation"
    );
    let (status, body) = post(
        &sb,
        &dana,
        &format!("{}/{second}/confirm", auth_path(&id)),
        &json!({"accept": false}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "failed");
    assert_eq!(body["error"]["code"], "identity_rejected");
    assert_eq!(body["identity"], "dana@contoso.example");
    let after = connection(&sb, &dana, &id).await;
    assert_eq!(after["connectionIdentity"], "hana@contoso.example");
    assert_eq!(after["updateTime"], accepted["updateTime"]);
    assert_eq!(stored_tokens(&sb), 1, "the rejected tokens are discarded");
    let (status, _) = post(
        &sb,
        &dana,
        &format!("{}/{second}/confirm", auth_path(&id)),
        &json!({"accept": true}),
    )
    .await;
    assert_eq!(status, 409, "a rejected session stays rejected");
}

#[tokio::test]
async fn cancelling_consent_fails_with_the_providers_code_and_changes_nothing() {
    let sb = extended_sandbox().await;
    let dana = access(&sign_in(&sb, "dana").await);
    let id = id_of(ROBOT_OUTLOOK);
    let (session_id, auth_url) = start(&sb, &dana, &id).await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, asked) = sign_in_at_identity(&sb, &authorize, "dana", AtConsent::Cancel).await;
    assert!(asked.contains(&"Mail.ReadWrite".to_owned()), "{asked:?}");
    assert_eq!(query(&callback, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        finish(&sb, &callback, &session_id).await,
        ("failed".into(), "Reconnect failed".into())
    );
    let s = session(&sb, &dana, &id, &session_id).await;
    assert_eq!(s["status"], "failed");
    assert_eq!(s["error"]["code"], "access_denied");
    assert_eq!(s["error"]["providerCode"], "AADSTS65004");
    assert!(s["error"]["message"].as_str().unwrap().contains("declined"));
    assert_eq!(s["scopes"]["granted"], Value::Null);
    assert_eq!(connection(&sb, &dana, &id).await["state"], "Expired");
    assert_eq!(stored_tokens(&sb), 0);
}

#[tokio::test]
async fn the_admin_consent_wall_refuses_admin_only_scopes() {
    let sb = extended_sandbox().await;
    // alex may not consent to admin-only scopes; Dana's OneDrive asks Sites.Read.All.
    let alex = access(&sign_in(&sb, "alex").await);
    let id = id_of("Dana's OneDrive");
    let (session_id, auth_url) = start(&sb, &alex, &id).await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "alex", AtConsent::NotAsked).await;
    assert_eq!(
        query(&callback, "error").as_deref(),
        Some("consent_required")
    );
    assert_eq!(finish(&sb, &callback, &session_id).await.0, "failed");
    let s = session(&sb, &alex, &id, &session_id).await;
    assert_eq!(s["error"]["code"], "consent_required");
    assert_eq!(s["error"]["providerCode"], "AADSTS90094");
    assert!(
        s["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Sites.Read.All")
    );
    assert_eq!(
        connection(&sb, &alex, &id).await["connectionIdentity"],
        "dana@contoso.example"
    );
}

#[tokio::test]
async fn an_administrator_grants_for_everyone_and_the_wall_opens() {
    let sb = extended_sandbox().await;
    let alex = access(&sign_in(&sb, "alex").await);
    let id = id_of("Dana's OneDrive");
    let (session_id, auth_url) = start(&sb, &alex, &id).await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "alex", AtConsent::NotAsked).await;
    assert_eq!(finish(&sb, &callback, &session_id).await.0, "failed");
    let s = session(&sb, &alex, &id, &session_id).await;
    assert_eq!(s["error"]["code"], "consent_required");
    let link = Url::parse(s["error"]["adminConsentUrl"].as_str().unwrap()).unwrap();
    assert_eq!(
        link.as_str().split('?').next().unwrap(),
        format!("{}/identity_/adminconsent", sb.origin)
    );
    assert_eq!(
        query(&link, "client_id").as_deref(),
        Some(CONNECTORS_CLIENT_ID)
    );
    let redirect = format!("{}/provisioning_/admin-consented", sb.origin);
    assert_eq!(query(&link, "redirect_uri"), Some(redirect.clone()));
    assert_eq!(query(&link, "state"), Some(session_id.clone()));
    assert!(
        query(&link, "scope")
            .unwrap()
            .split(' ')
            .any(|s| s == "Sites.Read.All"),
        "{link}"
    );
    let tenant_consents = || {
        count(
            &sb,
            "SELECT COUNT(*) FROM documents WHERE kind = 'tenant_consent'",
        )
    };
    let endpoint = format!("{}/identity_/adminconsent", sb.origin);

    // The page is the usual sign-in form; a wrong password says so.
    let page = client().get(link.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert_eq!(title(&html), "Grant admin consent");
    assert!(html.contains("Sites.Read.All") && html.contains("id=\"username\""));
    let form = hidden_fields(&html);
    let sign_in_as = |user: &str, password: &str| {
        let mut f = form.clone();
        f.push(("username".into(), user.into()));
        f.push(("password".into(), password.into()));
        f.push(("action".into(), "sign-in".into()));
        f
    };
    let wrong = client()
        .post(&endpoint)
        .form(&sign_in_as("hana", "not-it"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 200);
    assert!(wrong.text().await.unwrap().contains("do not match"));

    // Someone who is not an administrator is told so; nothing changes.
    for user in ["alex", "dana"] {
        let refused = client()
            .post(&endpoint)
            .form(&sign_in_as(user, "sandbox"))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403, "{user}");
        let html = refused.text().await.unwrap();
        assert_eq!(title(&html), "Only an administrator can grant this");
        assert!(html.contains("Nothing was changed"), "{html}");
    }
    assert_eq!(tenant_consents(), 0);

    // The administrator signs in, then accepts for the organisation.
    let permissions = client()
        .post(&endpoint)
        .form(&sign_in_as("hana", "sandbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(permissions.status(), 200);
    let html = permissions.text().await.unwrap();
    assert_eq!(title(&html), "Permissions requested for the organisation");
    let mut accept = hidden_fields(&html);
    accept.push(("action".into(), "consent-accept".into()));
    let granted = client().post(&endpoint).form(&accept).send().await.unwrap();
    assert_eq!(granted.status(), 303);
    let back = location(&granted);
    assert!(back.as_str().starts_with(&format!("{redirect}?")), "{back}");
    assert_eq!(query(&back, "admin_consent").as_deref(), Some("True"));
    assert_eq!(query(&back, "state"), Some(session_id.clone()));
    assert!(query(&back, "tenant").is_some_and(|t| uuid::Uuid::parse_str(&t).is_ok()));
    let landing = client().get(back).send().await.unwrap();
    assert_eq!(landing.status(), 200);
    let html = landing.text().await.unwrap();
    assert_eq!(title(&html), "Consent granted");
    assert!(html.contains("reconnect"));
    assert_eq!(tenant_consents(), 1);
    // The answer works once.
    let replay = client().post(&endpoint).form(&accept).send().await.unwrap();
    assert_eq!(replay.status(), 400);

    // alex's next reconnect passes the wall (and, the connection being
    // dana's, waits for him to confirm his own account).
    let (second, auth_url) = start(&sb, &alex, &id).await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "alex", AtConsent::NotAsked).await;
    assert_eq!(query(&callback, "error"), None, "{callback}");
    assert_eq!(
        finish(&sb, &callback, &second).await.0,
        "needs_confirmation"
    );
}

#[tokio::test]
async fn the_admin_consent_page_checks_its_link_and_can_be_cancelled() {
    let sb = extended_sandbox().await;
    let redirect = format!("{}/provisioning_/admin-consented", sb.origin);
    let link = |client_id: &str, redirect_uri: &str| {
        let mut url = Url::parse(&format!("{}/identity_/adminconsent", sb.origin)).unwrap();
        url.query_pairs_mut()
            .append_pair("client_id", client_id)
            .append_pair("scope", "Sites.Read.All")
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", "s1");
        url
    };
    // Never redirected to an address the app did not register.
    let evil = client()
        .get(link(CONNECTORS_CLIENT_ID, "https://evil.example/cb"))
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 400);
    let unknown = client()
        .get(link("nobody", &redirect))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    assert!(unknown.text().await.unwrap().contains("AADSTS700016"));

    let page = client()
        .get(link(CONNECTORS_CLIENT_ID, &redirect))
        .send()
        .await
        .unwrap();
    let mut form = hidden_fields(&page.text().await.unwrap());
    form.push(("action".into(), "cancel".into()));
    let cancelled = client()
        .post(format!("{}/identity_/adminconsent", sb.origin))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 303);
    let back = location(&cancelled);
    assert_eq!(query(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(query(&back, "state").as_deref(), Some("s1"));
    let landing = client().get(back).send().await.unwrap();
    assert_eq!(title(&landing.text().await.unwrap()), "Consent not granted");
}

#[tokio::test]
async fn a_cancelled_reconnect_refuses_its_late_answer_and_changes_nothing() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let id = id_of(FINANCE_SHAREPOINT);
    let before = connection(&sb, &hana, &id).await;
    let (session_id, auth_url) = start(&sb, &hana, &id).await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "hana", AtConsent::NotAsked).await;

    let cancel = || {
        client()
            .delete(format!("{}{}/{session_id}", sb.base_url, auth_path(&id)))
            .bearer_auth(&hana)
            .send()
    };
    let response = cancel().await.unwrap();
    assert_eq!(response.status(), 200);
    let s: Value = response.json().await.unwrap();
    assert_eq!(s["status"], "failed");
    assert_eq!(s["error"]["code"], "cancelled");
    assert_eq!(
        s["error"]["message"],
        "The consent was cancelled in the app; nothing was stored."
    );
    // The stored session keeps no secret (only the hash of its state).
    let body: String = db(&sb)
        .query_row(
            "SELECT body FROM documents WHERE kind = 'auth_session' AND id = ?1",
            [&session_id],
            |r| r.get(0),
        )
        .unwrap();
    let stored: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stored["error"]["code"], "cancelled");
    assert_eq!(stored["sealed_request"], Value::Null);
    assert_eq!(stored["sealed_tokens"], Value::Null);

    // The browser finishes anyway: refused, told why, nothing stored.
    let late = client().get(callback).send().await.unwrap();
    assert_eq!(late.status(), 400);
    let html = late.text().await.unwrap();
    assert_eq!(title(&html), "Sign-in cancelled");
    assert!(html.contains("nothing was stored"));
    assert_eq!(stored_tokens(&sb), 0);
    assert_eq!(
        count(
            &sb,
            &format!(
                "SELECT COUNT(*) FROM grants WHERE client_id = '{CONNECTORS_CLIENT_ID}' AND kind = 'access'"
            )
        ),
        0,
        "the code was never exchanged"
    );
    let after = connection(&sb, &hana, &id).await;
    assert_eq!(after["state"], "Failed");
    assert_eq!(after["updateTime"], before["updateTime"]);
    // The link is dead too, and cancelling again answers the same.
    let opened = client().get(auth_url).send().await.unwrap();
    assert_eq!(title(&opened.text().await.unwrap()), "Sign-in cancelled");
    let again: Value = cancel().await.unwrap().json().await.unwrap();
    assert_eq!(again["error"]["code"], "cancelled");

    // A completed session is not undone by a cancel.
    let (done, status, _) = reconnect(&sb, &hana, &id, "hana", AtConsent::NotAsked).await;
    assert_eq!(status, "completed");
    let response = client()
        .delete(format!("{}{}/{done}", sb.base_url, auth_path(&id)))
        .bearer_auth(&hana)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap()["status"],
        "completed"
    );
    assert_eq!(connection(&sb, &hana, &id).await["state"], "Enabled");
}

#[tokio::test]
async fn a_forged_state_or_a_wrong_issuer_stores_nothing() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let id = id_of(FINANCE_SHAREPOINT);
    let before = connection(&sb, &hana, &id).await;

    // An answer for no reconnect in progress.
    let forged = client()
        .get(format!(
            "{}/provisioning_/callback?code=abc&state=forged&iss={}/identity_",
            sb.origin, sb.origin
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    assert!(
        forged
            .text()
            .await
            .unwrap()
            .contains("This sign-in answer does not belong to any reconnect in progress")
    );

    // A real answer whose issuer was swapped (a mix-up attack).
    let (session_id, auth_url) = start(&sb, &hana, &id).await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "hana", AtConsent::NotAsked).await;
    let mut mixed_up = callback.clone();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "iss" {
                "https://login.evil.example/v2.0".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    mixed_up.query_pairs_mut().clear().extend_pairs(pairs);
    assert_eq!(finish(&sb, &mixed_up, &session_id).await.0, "failed");
    let s = session(&sb, &hana, &id, &session_id).await;
    assert_eq!(s["status"], "failed");
    assert_eq!(s["error"]["code"], "iss_mismatch");
    // The code was never exchanged, and nothing was stored or changed.
    assert_eq!(
        count(
            &sb,
            &format!(
                "SELECT COUNT(*) FROM grants WHERE client_id = '{CONNECTORS_CLIENT_ID}' AND kind = 'access'"
            )
        ),
        0
    );
    assert_eq!(stored_tokens(&sb), 0);
    let after = connection(&sb, &hana, &id).await;
    assert_eq!(after["state"], "Failed");
    assert_eq!(after["updateTime"], before["updateTime"]);

    // Without iss at all: this provider always sends it, so it is required.
    let (second, auth_url) = start(&sb, &hana, &id).await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "hana", AtConsent::NotAsked).await;
    let mut stripped = callback.clone();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .filter(|(k, _)| k != "iss")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    stripped.query_pairs_mut().clear().extend_pairs(pairs);
    assert_eq!(finish(&sb, &stripped, &second).await.0, "failed");
    assert_eq!(
        session(&sb, &hana, &id, &second).await["error"]["code"],
        "iss_mismatch"
    );
    assert_eq!(stored_tokens(&sb), 0);
}

#[tokio::test]
async fn sessions_expire_and_a_newer_one_supersedes_the_one_in_progress() {
    let sb = Sandbox::start_with(
        Config {
            profile: connassist_sandbox::Profile::Extended,
            ..Config::default()
        },
        Provisioning {
            session_lifetime: Duration::from_millis(1000),
            ..Provisioning::default()
        },
    )
    .await
    .unwrap();
    let hana = access(&sign_in(&sb, "hana").await);
    let id = id_of(FINANCE_SHAREPOINT);
    let (old, old_url) = start(&sb, &hana, &id).await;
    let (new, _) = start(&sb, &hana, &id).await;
    assert_eq!(session(&sb, &hana, &id, &old).await["status"], "expired");
    assert_eq!(session(&sb, &hana, &id, &new).await["status"], "pending");
    let stale = client().get(old_url).send().await.unwrap();
    assert_eq!(stale.status(), 400);
    assert_eq!(
        title(&stale.text().await.unwrap()),
        "Reconnect link expired"
    );

    // Opened in time, answered too late.
    let (late, auth_url) = start(&sb, &hana, &id).await;
    let authorize = open_auth_url(&sb, &auth_url).await;
    let (callback, _) = sign_in_at_identity(&sb, &authorize, "hana", AtConsent::NotAsked).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let s = session(&sb, &hana, &id, &late).await;
    assert_eq!(s["status"], "expired");
    assert_eq!(finish(&sb, &callback, &late).await.0, "expired");
    assert_eq!(connection(&sb, &hana, &id).await["state"], "Failed");
    assert_eq!(stored_tokens(&sb), 0);
    let (status, _) = post(
        &sb,
        &hana,
        &format!("{}/{late}/confirm", auth_path(&id)),
        &json!({"accept": true}),
    )
    .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn only_delegated_connections_the_caller_sees_are_reconnected() {
    let sb = extended_sandbox().await;
    let hana = access(&sign_in(&sb, "hana").await);
    let (status, body) = post(
        &sb,
        &hana,
        &auth_path(&id_of("Finance mailbox (app)")),
        &json!({}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "CNS1021");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("client credentials")
    );

    // Finance is not alex's folder: the connection and its sessions are "not found".
    let alex = access(&sign_in(&sb, "alex").await);
    let id = id_of(FINANCE_SHAREPOINT);
    let (status, body) = post(&sb, &alex, &auth_path(&id), &json!({})).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("CNS1006")));
    let (session_id, _) = start(&sb, &hana, &id).await;
    let (status, _) = api(&sb, &alex, &format!("{}/{session_id}", auth_path(&id)), &[]).await;
    assert_eq!(status, 404);
    // A session belongs to its connection.
    let (status, _) = api(
        &sb,
        &hana,
        &format!("{}/{session_id}", auth_path(&id_of(ROBOT_OUTLOOK))),
        &[],
    )
    .await;
    assert_eq!(status, 404);
    // No token, no session.
    let response = client()
        .post(format!("{}{}", sb.base_url, auth_path(&id)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

/// Every `[A-Za-z0-9_-]{43}` window of `text` (the shape of the identity's
/// tokens: 32 random bytes, URL-safe Base64) whose SHA-256 is in `hashes`.
fn token_hits(text: &str, hashes: &HashSet<String>) -> usize {
    let token_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let chars: Vec<char> = text.chars().collect();
    let mut hits = 0;
    for start in 0..chars.len().saturating_sub(42) {
        let window = &chars[start..start + 43];
        if window.iter().all(|c| token_char(*c)) {
            let candidate: String = window.iter().collect();
            let digest = Sha256::digest(candidate.as_bytes());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            if hashes.contains(&hex) {
                hits += 1;
            }
        }
    }
    hits
}

#[tokio::test]
async fn connection_tokens_are_stored_sealed() {
    let sb = extended_sandbox().await;
    let hana_tokens = sign_in(&sb, "hana").await;
    let hana = access(&hana_tokens);
    let id = id_of(FINANCE_SHAREPOINT);
    let (_, status, _) = reconnect(&sb, &hana, &id, "hana", AtConsent::NotAsked).await;
    assert_eq!(status, "completed");

    // The identity stored the SHA-256 of what it issued to the connectors' client.
    let conn = db(&sb);
    let issued: HashSet<String> = conn
        .prepare(&format!(
            "SELECT token_hash FROM grants WHERE client_id = '{CONNECTORS_CLIENT_ID}' AND kind IN ('access', 'refresh')"
        ))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(issued.len(), 2, "an access and a refresh token");
    let body: String = conn
        .query_row(
            "SELECT body FROM documents WHERE kind = 'connection_tokens' AND id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    let record: Value = serde_json::from_str(&body).unwrap();
    assert!(record["sealed"].as_str().unwrap().starts_with("v1:"));
    assert_eq!(record["identity"], "hana@contoso.example");
    assert!(!body.contains("access_token") && !body.contains("refresh_token"));

    // The scanner finds a token stored in plain text (the check is not vacuous)…
    let all: HashSet<String> = conn
        .prepare("SELECT token_hash FROM grants")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(token_hits(&format!("\"x\":\"{hana}\","), &all), 1);
    // …and none of the connection's tokens is anywhere in the database files.
    let mut bytes = vec![];
    for entry in std::fs::read_dir(sb.data_dir()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let stored = String::from_utf8_lossy(&bytes);
    assert!(
        stored.contains("hana@contoso.example"),
        "the files were read"
    );
    assert_eq!(
        token_hits(&stored, &issued),
        0,
        "a token is stored in plain text"
    );
}

#[tokio::test]
async fn the_identity_publishes_discovery_and_userinfo() {
    let sb = extended_sandbox().await;
    let issuer = format!("{}/identity_", sb.origin);
    let doc: Value = client()
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], issuer.as_str());
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        doc["userinfo_endpoint"],
        format!("{issuer}/connect/userinfo")
    );

    let hana = access(&sign_in(&sb, "hana").await);
    let userinfo = format!("{issuer}/connect/userinfo");
    let me: Value = client()
        .get(&userinfo)
        .bearer_auth(&hana)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "hana@contoso.example");
    assert_eq!(me["preferred_username"], "hana@contoso.example");
    assert_eq!(me["sub"], key("user/hana").to_string());
    let anonymous = client().get(&userinfo).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().contains_key("www-authenticate"));
}

#[tokio::test(flavor = "multi_thread")]
async fn connectors_can_sign_in_at_an_external_openid_provider() {
    let secret = format!("ext-secret-{}", uuid::Uuid::new_v4().simple());
    // Shorter than the sandbox's 10 s margin: every use refreshes at the
    // provider, so a revoked grant shows at the next ping.
    let provider = OidcProvider::start_with(&[
        (
            "OIDC_EXTRA_CLIENTS",
            &confidential_client("sandbox-connectors-ext", &secret),
        ),
        ("OIDC_ACCESS_TOKEN_TTL", "5"),
    ]);
    let issuer = provider.issuer();
    let sb = Sandbox::start_with(
        Config {
            profile: connassist_sandbox::Profile::Extended,
            ..Config::default()
        },
        Provisioning {
            provider: Some(connassist_sandbox::ProviderOverride::oidc(
                &issuer,
                "sandbox-connectors-ext",
                &secret,
            )),
            ..Provisioning::default()
        },
    )
    .await
    .unwrap();
    let hana = access(&sign_in(&sb, "hana").await);
    let id = id_of(FINANCE_SHAREPOINT);
    let (session_id, auth_url) = start(&sb, &hana, &id).await;
    let response = client().get(auth_url).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let authorize = location(&response);
    assert!(
        authorize
            .as_str()
            .starts_with(&format!("{}/connect/authorize?", issuer)),
        "{authorize}"
    );
    assert_eq!(
        query(&authorize, "client_id").as_deref(),
        Some("sandbox-connectors-ext")
    );
    let our_callback = format!("{}/provisioning_/callback", sb.origin);
    let callback = sign_in_at_provider(&authorize, &our_callback, "hana").await;
    assert_eq!(query(&callback, "iss"), Some(issuer.clone()));
    assert!(query(&callback, "code").is_some(), "{callback}");

    // Its account is "hana" (devInteractions names accounts by login), not
    // the connection's address: another account, so it waits.
    let (status, _) = finish(&sb, &callback, &session_id).await;
    assert_eq!(status, "needs_confirmation");
    let s = session(&sb, &hana, &id, &session_id).await;
    assert_eq!(s["identity"], "hana");
    assert_eq!(s["previousIdentity"], "hana@contoso.example");
    let granted = s["scopes"]["granted"].as_array().unwrap();
    assert!(granted.contains(&json!("openid")), "{granted:?}");
    assert!(
        !granted.contains(&json!("Sites.Read.All")),
        "the provider grants only scopes it knows: {granted:?}"
    );
    let (status, body) = post(
        &sb,
        &hana,
        &format!("{}/{session_id}/confirm", auth_path(&id)),
        &json!({"accept": true}),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("completed")));
    let after = connection(&sb, &hana, &id).await;
    assert_eq!(after["state"], "Enabled");
    assert_eq!(after["connectionIdentity"], "hana");
    assert_eq!(stored_tokens(&sb), 1);

    // oidc-provider rotates refresh tokens and refuses a used one: two
    // forced refreshes in a row work only if the rotated one was kept.
    let token = format!("/connections_/api/v1/Connections/{id}/token?forceRefresh=true");
    let (status, first) = api(&sb, &hana, &token, &[]).await;
    assert_eq!(status, 200, "{first}");
    let (status, second) = api(&sb, &hana, &token, &[]).await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(first["accessToken"], second["accessToken"]);
    assert_eq!(connection(&sb, &hana, &id).await["state"], "Enabled");
    let ping = format!("/connections_/api/v1/Connections/{id}/ping");
    let (status, healthy) = api(&sb, &hana, &ping, &[]).await;
    assert_eq!(
        (status, &healthy["status"]),
        (200, &json!("Enabled")),
        "{healthy}"
    );

    // The user's sessions are revoked at the provider (a password change):
    // the grant ends there, and the next ping (a health check's) finds out.
    let revoked = client()
        .post(format!("{}/connect/revocation", issuer))
        .basic_auth("sandbox-connectors-ext", Some(&secret))
        .form(&[("token", second["accessToken"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let (status, broken) = api(&sb, &hana, &ping, &[]).await;
    assert_eq!(status, 200, "{broken}");
    assert_eq!(broken["status"], "Expired", "{broken}");
    assert_eq!(broken["error"]["code"], "invalid_grant", "{broken}");
    assert_eq!(connection(&sb, &hana, &id).await["state"], "Expired");
    // Nothing is retried into a loop: the token endpoint refuses too.
    let (status, refused) = api(&sb, &hana, &token, &[]).await;
    assert_ne!(status, 200, "{refused}");
}
