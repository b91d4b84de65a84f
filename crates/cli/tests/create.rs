//! `connassist connectors` and `connassist create` end to end against an
//! in-process sandbox. On the documented profile (no public API creates
//! connections) the command hands the user to the tenant's own page and picks
//! the new connection up; the test plays the person there. On the extended
//! profile: an app-only connection created at once with the secret from the
//! environment (and refused, creating nothing, with a wrong one), a delegated
//! one through the consent address played here, and a folder where the user
//! may not create.
// A panic in a test is its failure.
#![allow(clippy::unwrap_used)]

use std::process::Stdio;

use connassist_testkit::consent::answer_consent;
use connassist_testkit::process::{connassist, finish, first_line};

/// Runs `connassist --sandbox --sandbox-profile extended --sandbox-user USER
/// ARGS…` with `env`, to the end.
fn run(user: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("connassist"));
    cmd.args([
        "--sandbox",
        "--sandbox-profile",
        "extended",
        "--sandbox-user",
        user,
    ])
    .args(args)
    .stdin(Stdio::null())
    .env_remove("CONNASSIST_CONNECTION_SECRET");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_catalogue_names_each_connectors_auth_types() {
    let (code, out, err) = run("hana", &["connectors", "--format", "json"], &[]);
    assert_eq!(code, 0, "{err}");
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let outlook = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "uipath-microsoft-outlook365")
        .expect("Outlook in the catalogue");
    assert_eq!(outlook["supportsSharedMailbox"], true);
    assert!(
        outlook["authTypes"]
            .as_array()
            .unwrap()
            .contains(&"clientCredentials".into()),
        "{outlook}"
    );
}

#[test]
fn an_app_only_connection_is_created_with_the_secret_from_the_environment() {
    let args = [
        "create",
        "--connector",
        "uipath-microsoft-outlook365",
        "--folder",
        "Shared",
        "--auth",
        "client-credentials",
        "--client-id",
        "contoso-byo-app",
        "--name",
        "AP mailbox (app)",
        "--secret-expires",
        "2027-03-01",
        "--format",
        "json",
    ];
    // No secret: said before anything is sent.
    let (code, _, err) = run("hana", &args, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("CONNASSIST_CONNECTION_SECRET"), "{err}");

    // A wrong secret: refused by the provider (the sandbox's tests check that
    // nothing is created; each `--sandbox` run here is a fresh tenant).
    let (code, _, err) = run(
        "hana",
        &args,
        &[("CONNASSIST_CONNECTION_SECRET", "not-the-secret")],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not created"), "{err}");
    assert!(err.to_lowercase().contains("secret"), "{err}");

    let (code, out, err) = run(
        "hana",
        &args,
        &[("CONNASSIST_CONNECTION_SECRET", "sandbox-byo-secret")],
    );
    assert_eq!(code, 0, "{err}");
    let row: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(row["name"], "AP mailbox (app)");
    assert_eq!(row["state"], "Enabled");
    assert_eq!(row["authType"], "OAuth2ClientCredentials");
    assert!(!out.contains("sandbox-byo-secret") && !err.contains("sandbox-byo-secret"));
}

#[test]
fn a_folder_where_the_user_may_not_create_is_refused_by_name() {
    // dana is an Automation User in Finance: no Connections.Create there.
    let (code, _, err) = run(
        "dana",
        &[
            "create",
            "--connector",
            "uipath-microsoft-outlook365",
            "--folder",
            "Finance",
        ],
        &[],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("may not create connections in Finance"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delegated_connection_is_created_through_the_consent() {
    let mut child = connassist(&[
        "--sandbox",
        "--sandbox-profile",
        "extended",
        "--sandbox-user",
        "hana",
        "create",
        "--connector",
        "uipath-microsoft-onedrive",
        "--folder",
        "Shared",
        "--name",
        "Helpdesk files",
        "--browser",
        "none",
        "--timeout-secs",
        "60",
        "--format",
        "json",
    ]);
    let (_, code, rest, stderr) = answer_consent(&mut child, "hana", true).await;
    assert_eq!(code, 0, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&rest).unwrap();
    assert_eq!(p["status"], "completed");
    assert_eq!(p["identity"], "hana@contoso.example");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_documented_tenant_hands_over_to_its_own_page_and_the_connection_is_picked_up() {
    let mut child = connassist(&[
        "--sandbox",
        "--sandbox-user",
        "hana",
        "create",
        "--connector",
        "uipath-microsoft-onedrive",
        "--folder",
        "Shared",
        "--browser",
        "none",
        "--timeout-secs",
        "60",
        "--format",
        "json",
    ]);
    let (page, stdout) = first_line(&mut child);
    assert!(
        page.contains("/orchestrator_/?fid="),
        "the folder's page: {page}"
    );
    connassist_testkit::consent::add_on_tenant_page(&page, "hana", "uipath-microsoft-onedrive")
        .await;
    let (code, rest, stderr) = finish(&mut child, stdout);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("Add connection"),
        "the steps are said: {stderr}"
    );
    let row: serde_json::Value = serde_json::from_str(&rest).unwrap();
    assert_eq!(row["connectorKey"], "uipath-microsoft-onedrive");
    assert_eq!(row["state"], "Enabled");
    assert_eq!(row["identity"], "hana@contoso.example");
    assert_eq!(row["folder"]["path"], "Shared");
}

#[test]
fn a_certificate_that_is_a_device_is_refused_not_read_forever() {
    // Issue 14, row 7's kin: /dev/zero as a PEM file was read until memory ran out.
    let args = [
        "create",
        "--connector",
        "uipath-microsoft-outlook365",
        "--folder",
        "Shared",
        "--auth",
        "certificate",
        "--client-id",
        "contoso-byo-app",
        "--certificate",
        "/dev/zero",
    ];
    let (code, _, err) = run("hana", &args, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a regular file"), "{err}");
}

#[test]
fn tenant_options_may_follow_create_and_its_client_id_stays_the_connections() {
    // Issue 14, row 13: `create --sandbox … --client-id …` was a usage
    // error ("--sandbox cannot be used with --client-id").
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("connassist"))
        .args([
            "create",
            "--sandbox",
            "--sandbox-user",
            "hana",
            // Creating through the API is an invention of the sandbox's.
            "--sandbox-profile",
            "extended",
            "--connector",
            "uipath-microsoft-outlook365",
            "--folder",
            "Shared",
            "--auth",
            "client-credentials",
            "--client-id",
            "contoso-byo-app",
            "--format",
            "json",
        ])
        .env("CONNASSIST_CONNECTION_SECRET", "sandbox-byo-secret")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let row: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(row["authType"], "OAuth2ClientCredentials");

    // The connection's app is never the one that signs in to the tenant.
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("connassist"))
        .args(["--url", "http://127.0.0.1:9/acme/T", "create"])
        .args(["--connector", "c", "--folder", "f", "--client-id", "X"])
        .env("CONNASSIST_CLIENT_SECRET", "the tenant app's secret")
        .env_remove("CONNASSIST_CLIENT_ID")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("CONNASSIST_CLIENT_ID"), "{err}");
    assert!(
        !err.contains("identity server"),
        "no sign-in as X was tried: {err}"
    );

    // Elsewhere the sandbox and an application still exclude each other.
    let (code, _, err) = run("hana", &["connections", "--client-id", "x"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--sandbox"), "{err}");
}
