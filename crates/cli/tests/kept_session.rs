//! One session kept in the real OS keychain (GNOME Keyring on a private
//! D-Bus, see `connassist_testkit::keychain`), shared by several `connassist`
//! processes at once, as scripts and cron jobs on one workstation do. Access
//! tokens live two seconds, so every round starts with an expired one and
//! every process wants to refresh it. The sandbox rotates refresh tokens and
//! treats a replayed one as theft (it revokes the whole sign-in), so two
//! processes refreshing with the same token would end the session: only one
//! may refresh, and the others must take the tokens it stored.
// Test code: a panic is the failing assertion.
#![allow(clippy::unwrap_used)]

use std::process::{Child, Output, Stdio};
use std::time::Duration;

use connassist_sandbox::Sandbox;
use connassist_testkit::cli_login::{self, CliLogin};
use connassist_testkit::keychain::Keychain;
use connassist_testkit::process::{Signal, cli_binary, send_signal};
use connassist_testkit::sandbox::{sandbox, short_lived_tokens};
use connassist_testkit::sign_in::sign_in_to_loopback;

const TOKEN_LIFETIME: Duration = Duration::from_secs(2);

fn cli() -> std::path::PathBuf {
    cli_binary()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `connassist login` as alex through the sandbox's form; the session lands in the keychain.
async fn login(sb: &Sandbox, keychain: &Keychain) {
    cli_login::login(&cli(), sb, keychain, "alex").await;
}

fn connections(keychain: &Keychain, base: &str) -> Child {
    keychain
        .command(&cli())
        .args(["connections", "--url", base, "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Each run's exit code and what it printed.
async fn all_of(children: Vec<Child>) -> Vec<Output> {
    tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect()
    })
    .await
    .unwrap()
}

fn assert_listed(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: exit {:?}: {}",
        out.status.code(),
        text(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["connections"].as_array().map(Vec::len),
        Some(4),
        "{what}: alex's four connections"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_runs_share_one_expired_session_and_it_still_works_afterwards() {
    let sb = short_lived_tokens(TOKEN_LIFETIME).await;
    let keychain = Keychain::start().unwrap();
    login(&sb, &keychain).await;
    for n in [2, 5, 10] {
        // Every run starts with the kept access token expired.
        tokio::time::sleep(TOKEN_LIFETIME + Duration::from_millis(600)).await;
        let refreshes = sb.token_requests("refresh_token");
        let runs = (0..n)
            .map(|_| connections(&keychain, &sb.base_url))
            .collect();
        for (i, out) in all_of(runs).await.iter().enumerate() {
            assert_listed(out, &format!("{n} in parallel, run {}", i + 1));
        }
        let made = sb.token_requests("refresh_token") - refreshes;
        println!(
            "{n} parallel runs on one expired kept session: all listed alex's 4 connections; {made} refresh request(s) reached the tenant"
        );
        assert!(
            made >= 1 && made < n,
            "{n} runs refreshed {made} times: one refreshes, the others take its tokens (more only if a token expired again mid-run)"
        );
    }
    tokio::time::sleep(TOKEN_LIFETIME + Duration::from_millis(600)).await;
    let after = all_of(vec![connections(&keychain, &sb.base_url)]).await;
    assert_listed(
        &after[0],
        "the next run, with the last rotated refresh token",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_every_refreshes_the_kept_session_as_it_runs_out() {
    // Issue 14, row 4, with a kept session: every round after the token's
    // lifetime failed ("this check failed").
    let sb = short_lived_tokens(TOKEN_LIFETIME).await;
    let keychain = Keychain::start().unwrap();
    login(&sb, &keychain).await;
    let mut watch = keychain
        .command(&cli())
        .args([
            "health",
            "--url",
            &sb.base_url,
            "--every",
            "1s",
            "--format",
            "json",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_secs(7)).await;
    send_signal(&watch, Signal::SIGINT);
    let stderr = watch.stderr.take().unwrap();
    let err = tokio::task::spawn_blocking(move || {
        let _ = watch.wait();
        std::io::read_to_string(stderr).unwrap()
    })
    .await
    .unwrap();
    assert!(err.contains("Checking again every 1s"), "{err}");
    assert!(!err.contains("error"), "every round must succeed: {err}");
    assert!(
        sb.token_requests("refresh_token") >= 2,
        "refreshed as it ran out"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stray_requests_to_the_login_listener_do_not_end_the_sign_in() {
    // Issue 14, row 9: any local request to /callback without this
    // sign-in's state ended `login` with exit 3.
    let sb = sandbox().await;
    let keychain = Keychain::start().unwrap();
    let login = CliLogin::start(&cli(), &sb, &keychain).await;
    let authorize = url::Url::parse(&login.authorize).unwrap();
    let (_, callback) = authorize
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap();
    let http = reqwest::Client::new();
    for stray in [
        callback.to_string(),
        format!("{callback}?code=forged&state=not-this-sign-ins"),
        format!("{callback}?error=access_denied"),
    ] {
        let answer = http.get(&stray).send().await.unwrap();
        assert_eq!(answer.status(), 400, "{stray}");
        assert!(answer.text().await.unwrap().contains("was ignored"));
    }
    sign_in_to_loopback(authorize.as_str(), "alex").await;
    login.finish().await;
    let after = all_of(vec![connections(&keychain, &sb.base_url)]).await;
    assert_listed(&after[0], "signed in despite the stray requests");
}
