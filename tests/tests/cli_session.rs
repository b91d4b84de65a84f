//! `connassist login`, `connections` and `logout` against a sandbox, with the
//! real OS keychain (GNOME Keyring as the Secret Service on a private bus).
//! The test plays the user's browser: it opens the address the CLI prints,
//! submits the sign-in form, and follows the redirect to the CLI's one-shot
//! loopback listener. Access tokens live two seconds, so every later command
//! refreshes, which only keeps working if each rotated refresh token was
//! written back to the keychain.

use std::io::{BufRead, BufReader};
use std::process::{Output, Stdio};
use std::time::Duration;

use connassist_e2e::{Keychain, Result, cli_binary, within};
use connassist_sandbox::{Config, PUBLIC_CLIENT_ID, SANDBOX_PASSWORD, Sandbox};

/// What a person does with the printed address: sign in, follow the redirect.
async fn browse(sb: &Sandbox, authorize: &str) -> Result<()> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let url = url::Url::parse(authorize)?;
    let page = http.get(url.clone()).send().await?;
    assert_eq!(page.status(), 200);
    let mut form: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    form.extend([
        ("username".into(), "alex".into()),
        ("password".into(), SANDBOX_PASSWORD.into()),
        ("action".into(), "sign-in".into()),
    ]);
    let answer = http
        .post(format!("{}/identity_/connect/authorize", sb.origin))
        .form(&form)
        .send()
        .await?;
    let callback = answer
        .headers()
        .get("location")
        .ok_or("no redirect after sign-in")?
        .to_str()?
        .to_owned();
    assert!(callback.starts_with("http://127.0.0.1:"), "{callback}");
    let landed = http.get(&callback).send().await?;
    assert!(landed.text().await?.contains("You can close this tab"));
    Ok(())
}

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
            let sb = Sandbox::start(Config {
                access_token_lifetime: Duration::from_secs(2),
                ..Config::default()
            })
            .await?;
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

            let mut login = keychain
                .command(&cli)
                .args([
                    "login",
                    "--url",
                    &base,
                    "--client-id",
                    PUBLIC_CLIENT_ID,
                    "--browser",
                    "none",
                    "--timeout-secs",
                    "60",
                ])
                .stderr(Stdio::piped())
                .spawn()?;
            let stderr = login.stderr.take().ok_or("no stderr")?;
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr)
                    .lines()
                    .map_while(std::result::Result::ok)
                {
                    let _ = tx.send(line);
                }
            });
            let authorize = tokio::task::spawn_blocking(
                move || -> Result<(String, std::sync::mpsc::Receiver<String>)> {
                    loop {
                        let line = rx.recv_timeout(Duration::from_secs(20))?;
                        if let Some(url) = line.strip_prefix("Open this address to sign in: ") {
                            return Ok((url.to_owned(), rx));
                        }
                    }
                },
            )
            .await??;
            let (authorize, rx) = authorize;
            browse(&sb, &authorize).await?;
            let status = tokio::task::spawn_blocking(move || login.wait()).await??;
            let said: Vec<String> = rx.try_iter().collect();
            assert!(status.success(), "login failed: {said:?}");
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
