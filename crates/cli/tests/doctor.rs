//! `connassist doctor`: the capability probe's table, against the sandbox's
//! two profiles and as an application signing in as itself.

use assert_cmd::Command;
use connassist_sandbox::CI_CLIENT_ID;
use predicates::prelude::*;

fn connassist() -> Command {
    Command::cargo_bin("connassist").expect("the connassist binary is built by cargo test")
}

/// The feature `id` of a `--format json` answer.
fn feature<'a>(found: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    found["features"]
        .as_array()
        .expect("features is a list")
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no feature {id} in {found}"))
}

#[test]
fn a_documented_tenant_is_usable_and_says_what_it_lacks() {
    connassist()
        .args(["--sandbox", "doctor"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("the sandbox tenant"))
        .stdout(predicate::str::is_match(r"Create connections in the app\s+off").unwrap())
        .stdout(predicate::str::contains("Everything you need is on."));
    let out = connassist()
        .args(["--sandbox", "doctor", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let found: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let create = feature(&found, "createInApp");
    assert_eq!(create["on"], false);
    assert!(
        create["fix"]
            .as_str()
            .unwrap()
            .contains("tenant's own page"),
        "{create}"
    );
    assert_eq!(feature(&found, "connectionOwners")["on"], false);
    assert!(
        feature(&found, "attendedChoices")["why"]
            .as_str()
            .unwrap()
            .contains("Assistant does not see it")
    );
    for f in found["features"].as_array().unwrap() {
        if f["on"] == false {
            assert!(
                f["fix"].is_string(),
                "every feature that is off says what to do: {f}"
            );
        }
    }
}

#[test]
fn the_extended_profile_turns_the_inventions_on() {
    let out = connassist()
        .args([
            "--sandbox",
            "--sandbox-profile",
            "extended",
            "doctor",
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let found: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let on = |id: &str| feature(&found, id)["on"].as_bool().unwrap();
    for id in [
        "createInApp",
        "consentSessionStatus",
        "configurableBindings",
        "attendedChoices",
    ] {
        assert!(on(id), "{id}: {found}");
    }
    assert_eq!(found["flavour"], "sandbox");
    assert!(
        found["extensions"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("create-connection"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_application_is_told_it_cannot_read_connections_and_exits_1() {
    let sb = connassist_testkit::sandbox::sandbox().await;
    let secret = sb.ci_client_secret.clone().unwrap();
    let base = sb.base_url.clone();
    tokio::task::spawn_blocking(move || {
        connassist()
            .args(["doctor", "--url", &base, "--client-id", CI_CLIENT_ID])
            .env("CONNASSIST_CLIENT_SECRET", &secret)
            .assert()
            .code(1)
            .stdout(predicate::str::is_match(r"List connections\s+off").unwrap())
            .stdout(predicate::str::contains(
                "Off, and needed: List connections, Health checks.",
            ));
        let out = connassist()
            .args([
                "doctor",
                "--url",
                &base,
                "--client-id",
                CI_CLIENT_ID,
                "--format",
                "json",
            ])
            .env("CONNASSIST_CLIENT_SECRET", &secret)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let found: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(found["application"], true);
        let list = feature(&found, "connections");
        assert!(
            list["fix"]
                .as_str()
                .unwrap()
                .contains("IS.Connections.Read is a user scope"),
            "{list}"
        );
    })
    .await
    .unwrap();
}
