//! Conformance with uipath-typescript's Integration Service types: the
//! documented profile's answers validate against JSON Schemas transcribed
//! from the SDK at a pinned commit (`tests/data/uipath-typescript/`), for an
//! external application (less the fields the API guide withholds from it)
//! and for the platform's own client.

// A panic in these helpers is the calling test failing.
#![allow(clippy::unwrap_used)]

use connassist_sandbox::scenario::key;
use connassist_testkit::sandbox::*;
use connassist_testkit::sign_in::*;
use serde_json::{Value, json};

fn schema(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/uipath-typescript")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every error of `value` against `schema`, as lines.
fn errors(schema: &Value, value: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).unwrap();
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_valid(schema: &Value, value: &Value) {
    let found = errors(schema, value);
    assert!(found.is_empty(), "{found:#?}\nin {value:#}");
}

/// The connection schema as it binds an external application: the API
/// guide's "Get connections" withholds `elementInstanceId` from it.
fn external_app_connection_schema() -> Value {
    let mut s = schema("connection.schema.json");
    s["required"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r != "elementInstanceId");
    s
}

#[tokio::test]
async fn connections_as_an_external_application_and_as_the_platforms_client() {
    let sb = sandbox().await;
    let shared = key("folder/Shared").to_string();
    let hana = access(&sign_in(&sb, "hana").await);
    let (status, listed) = api_in(&sb, &hana, "/connections_/api/v1/Connections", &shared).await;
    assert_eq!(status, 200);
    let external = external_app_connection_schema();
    assert!(!listed.as_array().unwrap().is_empty());
    for c in listed.as_array().unwrap() {
        assert_valid(&external, c);
        for withheld in ["owner", "elementInstanceId", "pollingIntervalInMinutes"] {
            assert!(c.get(withheld).is_none(), "{withheld} in {c}");
        }
    }
    let id = listed[0]["id"].as_str().unwrap();
    let (status, one) = api_in(
        &sb,
        &hana,
        &format!("/connections_/api/v1/Connections/{id}"),
        &shared,
    )
    .await;
    assert_eq!(status, 200);
    assert_valid(&external, &one);

    let first_party = access(&sign_in_first_party(&sb, "hana").await);
    let (status, all) = api(&sb, &first_party, "/connections_/api/v1/Connections", &[]).await;
    assert_eq!(status, 200);
    let full = schema("connection.schema.json");
    for c in all.as_array().unwrap() {
        assert_valid(&full, c);
    }
    // The schema is not a formality: the external answer misses a required field.
    assert!(!errors(&full, &one).is_empty());
}

#[tokio::test]
async fn pings_and_reauthentication() {
    let sb = sandbox().await;
    let dana = access(&sign_in(&sb, "dana").await);
    let ping_schema = schema("connection-ping.schema.json");
    for name in ["Dana's OneDrive", "Dana's Teams (old)"] {
        let id = key(&format!("connection/{name}"));
        let (status, ping) = api(
            &sb,
            &dana,
            &format!("/connections_/api/v1/Connections/{id}/ping"),
            &[],
        )
        .await;
        assert_eq!(status, 200, "{ping}");
        assert_valid(&ping_schema, &ping);
    }
    let onedrive = key("connection/Dana's OneDrive");
    let (status, started) = post(
        &sb,
        &dana,
        &format!("/connections_/api/v1/Connections/{onedrive}/auth"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 200, "{started}");
    assert_valid(&schema("connection-reauthenticate.schema.json"), &started);
}

#[tokio::test]
async fn connectors_listed_and_one_by_key_have_the_same_shape() {
    let sb = sandbox().await;
    let alex = access(&sign_in(&sb, "alex").await);
    let (status, list) = api(&sb, &alex, "/connections_/api/v1/Connectors", &[]).await;
    assert_eq!(status, 200);
    let connector = schema("connector.schema.json");
    for c in list.as_array().unwrap() {
        assert_valid(&connector, c);
        assert_eq!(c["authentication"]["type"], "oauth2", "{c}");
        let (status, one) = api(
            &sb,
            &alex,
            &format!(
                "/connections_/api/v1/Connectors/{}",
                c["key"].as_str().unwrap()
            ),
            &[],
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(&one, c, "GET Connectors/{{key}} answers as the list does");
    }
}
