//! `connassist login`, `connections` and `logout` against a sandbox, with the
//! real OS keychain (GNOME Keyring as the Secret Service on a private bus).
//! The test plays the user's browser: it opens the address the CLI prints,
//! submits the sign-in form, and follows the redirect to the CLI's one-shot
//! loopback listener. Access tokens live two seconds, so every later command
//! refreshes, which only keeps working if each rotated refresh token was
//! written back to the keychain.

use std::process::Output;
use std::time::Duration;

use connassist_e2e::{Keychain, Result, cli_binary, within};
use connassist_testkit::cli_login::login;
use connassist_testkit::sandbox::short_lived_tokens;

fn run(keychain: &Keychain, args: &[&str]) -> Result<Output> {
    Ok(keychain.command(&cli_binary()).args(args).output()?)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn login_keeps_a_refreshing_session_in_the_keychain_and_logout_revokes_it() -> Result<()> {
    within(
        120,
        "login_keeps_a_refreshing_session_in_the_keychain_and_logout_revokes_it",
        async {
            let cli = cli_binary();
            assert!(
                cli.exists(),
                "build the CLI first: cargo build -p connassist-cli"
            );
            let sb = short_lived_tokens(Duration::from_secs(2)).await;
            let keychain = Keychain::start()?;
            let base = sb.base_url.clone();

            // Not signed in yet: a clear "sign in" and exit code 3.
            let out = run(&keychain, &["connections", "--url", &base])?;
            assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
            assert!(
                text(&out.stderr).contains("Not signed in to"),
                "{}",
                text(&out.stderr)
            );

            let said = login(&cli, &sb, &keychain, "alex").await;
            assert!(
                said.iter()
                    .any(|l| l.contains("as Alex Attended <alex@contoso.example>")),
                "{said:?}"
            );

            // Each listing refreshes (tokens live 1 s) with the refresh token the previous one stored.
            for round in 0..3 {
                tokio::time::sleep(Duration::from_millis(2100)).await;
                let out = run(
                    &keychain,
                    &["connections", "--url", &base, "--format", "json"],
                )?;
                assert!(out.status.success(), "round {round}: {}", text(&out.stderr));
                let json: serde_json::Value = serde_json::from_slice(&out.stdout)?;
                assert_eq!(
                    json["connections"].as_array().map(Vec::len),
                    Some(4),
                    "alex's connections, round {round}"
                );
            }

            let out = run(&keychain, &["logout", "--url", &base])?;
            assert!(out.status.success(), "{}", text(&out.stderr));
            assert!(text(&out.stderr).contains("revoked and removed from the keychain"));
            let out = run(&keychain, &["connections", "--url", &base])?;
            assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
            Ok(())
        },
    )
    .await
}

#[test]
fn without_a_keychain_login_says_so_before_anyone_signs_in() -> Result<()> {
    let out = std::process::Command::new(cli_binary())
        .args([
            "login",
            "--url",
            "https://cloud.uipath.com/acme/DefaultTenant",
            "--client-id",
            "x",
            "--browser",
            "none",
        ])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()?;
    assert_ne!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.contains("No keychain is available"), "{err}");
    assert!(
        !err.contains("Open this address"),
        "no sign-in was started: {err}"
    );
    Ok(())
}
