//! Consent in the real window beyond reconnecting: creating a connection from
//! the catalogue on a documented tenant (no API creates connections: the
//! tenant's own page opens in the app's window and the new connection is
//! picked up); a consent window left open until the (configured) time runs
//! out, on a documented tenant (the wait ends, nothing changed) and on the
//! extended one (the session is cancelled at the tenant too); the
//! admin-consent wall, explained with a link to send an administrator; and,
//! after a full flow, no token the identity server issued appears in any file
//! the app wrote (logs, settings, web data, the in-app sandbox's state).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use connassist_e2e::{
    APP_IDENTIFIER, ONE_AT_A_TIME, Result, add_on_the_tenant_page, click_id, consent_in_the_window,
    eventually, find_sign_in_window, in_prepared_sandbox_app_as, save_scrolled_to,
    select_connection, start_reconnect, state_of, text_when_shown,
};
use fantoccini::{Client, Locator};
use sha2::{Digest, Sha256};

/// Picks the option of `<select id>` whose text starts with `text` (WebKit's
/// WebDriver cannot click a native select's options).
async fn choose(client: &Client, id: &str, text: &str) -> Result<()> {
    let chosen = client
        .execute(
            "const s = document.getElementById(arguments[0]);
             const o = [...s.options].find(o => o.text.startsWith(arguments[1]) && !o.disabled);
             if (!o) return false;
             s.value = o.value;
             s.dispatchEvent(new Event('change', { bubbles: true }));
             return true;",
            vec![serde_json::json!(id), serde_json::json!(text)],
        )
        .await?;
    assert_eq!(chosen, serde_json::json!(true), "no option {text} in #{id}");
    Ok(())
}

/// Every file under `dir` (sockets and other special files skipped).
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => files(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

/// The in-app sandbox's database (in the app's temporary folder).
fn sandbox_db(dirs: &[PathBuf]) -> Option<rusqlite::Connection> {
    let mut all = vec![];
    for d in dirs {
        files(d, &mut all);
    }
    let path = all.into_iter().find(|p| p.ends_with("sandbox.sqlite3"))?;
    rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()
}

/// Every `[A-Za-z0-9_-]{43}` run in `bytes` (the identity server's tokens are
/// 32 random bytes, URL-safe Base64) whose SHA-256 is in `hashes`.
fn leaked(bytes: &[u8], hashes: &HashSet<String>) -> usize {
    let token = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
    bytes
        .windows(43)
        .filter(|w| w.iter().all(token))
        .filter(|w| {
            let hex: String = Sha256::digest(w)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            hashes.contains(&hex)
        })
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_is_created_through_the_embedded_window_and_no_token_is_left_on_disk()
-> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_prepared_sandbox_app_as(
        "a_connection_is_created_through_the_embedded_window",
        "hana",
        |_| Ok(()),
        async |client, desktop| {
            click_id(client, "nav-new").await?;
            let search = eventually(Duration::from_secs(20), "the catalogue", || async {
                Ok(client.find(Locator::Id("connector-search")).await.ok())
            })
            .await?;
            search.send_keys("outlook").await?;
            // The search narrows the catalogue to Outlook.
            let cards = eventually(Duration::from_secs(10), "one card", || async {
                let cards = client.find_all(Locator::Css(".connector-card")).await?;
                Ok((cards.len() == 1).then_some(cards.len()))
            })
            .await?;
            assert_eq!(cards, 1);
            click_id(client, "connector-uipath-microsoft-outlook365").await?;
            choose(client, "new-folder", "Shared").await?;
            // The tenant creates connections on its own page only: said first.
            let why = text_when_shown(client, "#handoff-why").await?;
            assert!(why.contains("tenant's own page"), "{why}");
            click_id(client, "create-start").await?;
            let steps = text_when_shown(client, "#handoff-steps").await?;
            assert!(
                steps.contains("Add connection") && steps.contains("Shared"),
                "{steps}"
            );
            save_scrolled_to(client, "new-title", "new-connection-handoff.png").await?;
            // hana consented to Outlook's permissions before: signing in is enough.
            add_on_the_tenant_page(client, "Microsoft Outlook", "hana").await?;
            let ok = text_when_shown(client, "#create-ok").await?;
            assert!(ok.contains("picked it up"), "{ok}");
            save_scrolled_to(client, "new-title", "new-connection.png").await?;
            click_id(client, "create-show").await?;
            // Named after the account, as the tenant names a connection.
            let id = select_connection(client, "hana@contoso.example").await?;
            assert_eq!(state_of(client, &id).await?, "Enabled");

            // No token the identity server issued (the app's own session, the
            // connection's tokens at the provider) is in any file the app wrote.
            let dirs = desktop.app_dirs();
            let db = sandbox_db(&dirs).ok_or("the in-app sandbox's database was not found")?;
            let hashes: HashSet<String> = db
                .prepare("SELECT token_hash FROM grants WHERE kind IN ('access', 'refresh')")?
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<std::result::Result<_, _>>()?;
            assert!(
                hashes.len() >= 4,
                "the app's session and the connection's tokens are issued: {}",
                hashes.len()
            );
            let mut all = vec![];
            for d in &dirs {
                files(d, &mut all);
            }
            let logs = all
                .iter()
                .filter(|p| p.to_string_lossy().contains("/logs/"))
                .count();
            assert!(logs > 0, "the app writes a log: {all:?}");
            for file in &all {
                let bytes = std::fs::read(file).unwrap_or_default();
                assert_eq!(leaked(&bytes, &hashes), 0, "a token in {}", file.display());
            }
            Ok(())
        },
    )
    .await
}

/// Leaves the consent window of dana's reconnect open until an 8 s limit
/// ends it, with `settings` written before the app starts; returns the
/// connection's id and the error shown.
async fn left_open(client: &Client) -> Result<(String, String)> {
    let id = select_connection(client, "robot-prod-02@contoso.example").await?;
    start_reconnect(client).await?;
    // The window opens; nobody signs in.
    let (main, _) = find_sign_in_window(client).await?;
    client.switch_to_window(main).await?;
    let error = text_when_shown(client, "#reconnect-error").await?;
    assert!(error.contains("not finished within 8 seconds"), "{error}");
    assert_eq!(
        client.windows().await?.len(),
        1,
        "the consent window is closed"
    );
    assert_eq!(state_of(client, &id).await?, "Expired");
    Ok((id, error))
}

fn settings(json: &'static str) -> impl FnOnce(&connassist_e2e::Desktop) -> Result<()> {
    move |desktop| {
        let dir = desktop.dirs.path().join("config").join(APP_IDENTIFIER);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("settings.json"), json)?;
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_consent_left_open_times_out_and_changes_nothing() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_prepared_sandbox_app_as(
        "a_consent_left_open_times_out_and_changes_nothing",
        "dana",
        settings(r#"{"consentTimeoutSecs": 8}"#),
        async |client, _| {
            let (_, error) = left_open(client).await?;
            assert!(error.contains("unchanged"), "{error}");
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_tenant_that_can_the_session_is_cancelled_and_stores_nothing() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_prepared_sandbox_app_as(
        "on_a_tenant_that_can_the_session_is_cancelled_and_stores_nothing",
        "dana",
        settings(r#"{"consentTimeoutSecs": 8, "extendedSandbox": true}"#),
        async |client, desktop| {
            let (id, error) = left_open(client).await?;
            assert!(error.contains("nothing was stored"), "{error}");
            // The tenant cancelled the session: a late answer would be refused.
            let db = sandbox_db(&desktop.app_dirs()).ok_or("no sandbox database")?;
            let body: String = db.query_row(
                "SELECT body FROM documents WHERE kind = 'auth_session' AND scope = ?1",
                [&id],
                |r| r.get(0),
            )?;
            let session: serde_json::Value = serde_json::from_str(&body)?;
            assert_eq!(session["error"]["code"], "cancelled", "{session}");
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_only_consent_is_explained_with_a_link_for_the_administrator() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_prepared_sandbox_app_as(
        "an_admin_only_consent_is_explained_with_a_link_for_the_administrator",
        "alex",
        |_| Ok(()),
        async |client, _| {
            // Dana's OneDrive asks Sites.Read.All, which only an administrator may grant.
            select_connection(client, "Dana's OneDrive").await?;
            start_reconnect(client).await?;
            consent_in_the_window(client, "alex", None, None).await?;
            let failed = text_when_shown(client, "#reconnect-failed").await?;
            assert!(failed.to_lowercase().contains("administrator"), "{failed}");
            let link = eventually(
                Duration::from_secs(10),
                "the admin-consent link",
                || async {
                    let input = client.find(Locator::Id("admin-consent-url")).await?;
                    Ok(input.prop("value").await?)
                },
            )
            .await?;
            let url = url::Url::parse(&link)?;
            assert!(url.path().ends_with("/identity_/adminconsent"), "{link}");
            assert!(url.query_pairs().any(|(k, _)| k == "client_id"), "{link}");
            save_scrolled_to(client, "reconnect-status", "reconnect-admin-consent.png").await?;
            Ok(())
        },
    )
    .await
}
