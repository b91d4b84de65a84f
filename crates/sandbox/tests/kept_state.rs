//! The app's "Try the sandbox" keeps the sandbox's state in a folder across
//! launches, and "Reset the sandbox" wipes it: a connection created in one
//! run is there after a restart on the same folder, and gone (the scenario
//! seeded afresh) after `Sandbox::wipe`, which names the connections it held
//! so the app can forget their health history.

// The helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use connassist_sandbox::scenario::key;
use connassist_sandbox::{BYO_CLIENT_ID, BYO_CLIENT_SECRET, Config, Profile, Sandbox};
use connassist_testkit::sandbox::{connection_anywhere, post};
use connassist_testkit::sign_in::{access, sign_in};
use serde_json::json;

#[tokio::test]
async fn a_connection_made_survives_a_restart_and_a_wipe_seeds_the_sandbox_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: Some(dir.path().to_owned()),
        profile: Profile::Extended,
        ..Config::default()
    };
    let sb = Sandbox::start(config.clone()).await.unwrap();
    assert!(sb.ci_client_secret.is_some(), "an empty folder is seeded");
    let hana = access(&sign_in(&sb, "hana").await);
    let (status, made) = post(
        &sb,
        &hana,
        "/connections_/api/v1/Connections",
        &json!({
            "connectorKey": "uipath-microsoft-outlook365",
            "folderKey": key("folder/Shared").to_string(),
            "name": "Kept across launches",
            "authenticationType": "OAuth2ClientCredentials",
            "clientId": BYO_CLIENT_ID,
            "clientSecret": BYO_CLIENT_SECRET,
        }),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    sb.stop().await;

    let sb = Sandbox::start(config.clone()).await.unwrap();
    assert!(
        sb.ci_client_secret.is_none(),
        "kept state is not seeded again"
    );
    let hana = access(&sign_in(&sb, "hana").await);
    let (status, kept) = connection_anywhere(&sb, &hana, &id).await;
    assert_eq!(
        (status, kept["name"].as_str()),
        (200, Some("Kept across launches"))
    );
    sb.stop().await;

    let held = Sandbox::wipe(dir.path()).unwrap();
    assert!(held.contains(&id), "the wipe names what it held: {held:?}");
    assert!(held.len() > 1, "the seeded connections too");
    assert!(
        Sandbox::wipe(dir.path()).unwrap().is_empty(),
        "nothing is left to wipe"
    );

    let sb = Sandbox::start(config).await.unwrap();
    assert!(sb.ci_client_secret.is_some(), "seeded afresh");
    let hana = access(&sign_in(&sb, "hana").await);
    assert_eq!(connection_anywhere(&sb, &hana, &id).await.0, 404, "gone");
    sb.stop().await;
    // The seeded connections are back with the ids they had: what the app
    // kept about them (their health history) must go with a reset.
    let seeded: Vec<String> = held.into_iter().filter(|h| *h != id).collect();
    assert_eq!(Sandbox::wipe(dir.path()).unwrap(), seeded);
}
