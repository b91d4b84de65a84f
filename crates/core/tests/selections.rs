//! Attended selections: on the sandbox's extended profile through its
//! invented endpoint (which refuses choices a tenant would refuse), and kept
//! in a local file where a tenant offers none (every real one).

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use connassist_core::ErrorCode;
use connassist_core::selections::{SelectionStorage, SelectionStore};
use connassist_core::tenant_client::TenantClient;
use connassist_sandbox::scenario::key;
use connassist_sandbox::{Profile, Sandbox};

async fn signed_in(user: &str) -> (Sandbox, TenantClient) {
    connassist_testkit::tenant::signed_in_as(Profile::Extended, user).await
}

fn k(name: &str) -> String {
    key(name).to_string()
}

#[tokio::test]
async fn the_sandbox_keeps_a_users_own_choice_and_refuses_others() {
    let (_sb, alex) = signed_in("alex").await;
    let store = SelectionStore::Tenant;
    let triage = k("release/Email Triage (Attended)");
    let binding = k("binding/triage/outlook");
    let own = k("connection/alex@contoso.example");

    assert!(store.list(&alex).await.unwrap().selections.is_empty());
    store
        .choose(&alex, &triage, &binding, Some(&own))
        .await
        .unwrap();
    let listed = store.list(&alex).await.unwrap();
    assert_eq!(listed.storage, SelectionStorage::Tenant);
    assert_eq!(listed.selections.len(), 1);
    assert_eq!(listed.selections[0].connection_id, own);
    assert_eq!(listed.selections[0].release_key, triage);

    // Someone else's connection: an attended run acts as the user.
    let robots = k("connection/robot-prod-01@contoso.example");
    let err = store
        .choose(&alex, &triage, &binding, Some(&robots))
        .await
        .unwrap_err();
    assert!(err.message.contains("your own connections"), "{err:?}");

    // A fixed binding takes no user's choice.
    let err = store
        .choose(
            &alex,
            &k("release/Month-End Report"),
            &k("binding/month-end/outlook"),
            Some(&own),
        )
        .await
        .unwrap_err();
    assert!(
        err.message.contains("fixed in Package Requirements"),
        "{err:?}"
    );

    // Another user does not see alex's choice; forgetting it empties the list.
    let (_sb2, hana) = signed_in("hana").await;
    assert!(store.list(&hana).await.unwrap().selections.is_empty());
    store.choose(&alex, &triage, &binding, None).await.unwrap();
    assert!(store.list(&alex).await.unwrap().selections.is_empty());
}

#[tokio::test]
async fn a_real_tenants_choices_stay_in_a_local_file_per_tenant() {
    let (_sb, client) = signed_in("alex").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("selections.json");
    let acme = SelectionStore::Local {
        file: file.clone(),
        tenant: "https://cloud.uipath.com/acme/DefaultTenant".into(),
    };
    let other = SelectionStore::Local {
        file: file.clone(),
        tenant: "https://cloud.uipath.com/other/DefaultTenant".into(),
    };
    acme.choose(&client, "r1", "b1", Some("c1")).await.unwrap();
    acme.choose(&client, "r1", "b1", Some("c2")).await.unwrap();
    acme.choose(&client, "r2", "b1", Some("c3")).await.unwrap();
    let listed = acme.list(&client).await.unwrap();
    assert_eq!(listed.storage, SelectionStorage::ThisComputer);
    let ids: Vec<_> = listed
        .selections
        .iter()
        .map(|s| s.connection_id.as_str())
        .collect();
    assert_eq!(ids, ["c2", "c3"], "a new choice replaces the old one");
    assert!(other.list(&client).await.unwrap().selections.is_empty());
    acme.choose(&client, "r1", "b1", None).await.unwrap();
    assert_eq!(acme.list(&client).await.unwrap().selections.len(), 1);

    std::fs::write(&file, "{ not json").unwrap();
    let err = acme.list(&client).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Internal);
    assert!(err.message.contains("delete it to start over"), "{err:?}");
}
