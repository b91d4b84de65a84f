//! Reconnecting in place in the real window, against the sandbox tenant, whose
//! connectors use its identity server as their provider: the user signs in and
//! consents inside the embedded consent window (no IPC there), the list then
//! shows the same connection Enabled; a declined consent is explained; a
//! consent by another account asks before replacing the connection's identity.

use std::time::Duration;

use connassist_e2e::{
    Result, consent_in_the_window, eventually, in_sandbox_app_as, text_when_shown,
};
use fantoccini::{Client, Locator};

/// Selects the row named `name` and returns its id (read first: the row may
/// re-render when it is selected).
async fn select(client: &Client, name: &str) -> Result<String> {
    let row = format!(
        "//table[contains(@class,'grid')]//tr[@data-id][td[contains(@class,'name')][starts-with(normalize-space(.), \"{name}\")]]"
    );
    let id = eventually(Duration::from_secs(10), name, || async {
        Ok(client
            .find(Locator::XPath(&row))
            .await?
            .attr("data-id")
            .await?)
    })
    .await?;
    eventually(
        Duration::from_secs(10),
        "the row to be selected",
        || async {
            let cell = client
                .find(Locator::Css(&format!("tr[data-id='{id}'] td.name")))
                .await?;
            cell.click().await?;
            Ok(client
                .find(Locator::Id("reconnect-start"))
                .await
                .is_ok()
                .then_some(()))
        },
    )
    .await?;
    Ok(id)
}

/// The row's state badge; the list re-renders as folders reload, so a stale
/// element is read again rather than failing the test.
async fn state_of(client: &Client, id: &str) -> Result<String> {
    eventually(Duration::from_secs(10), "the row's state", || async {
        let badge = client
            .find(Locator::Css(&format!("tr[data-id='{id}'] .badge")))
            .await?;
        Ok(Some(badge.text().await?))
    })
    .await
}

async fn start_reconnect(client: &Client) -> Result<()> {
    client
        .find(Locator::Id("reconnect-start"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// The README's screenshots, written by these specs.
fn shot(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

/// The window, scrolled to the reconnect's result in the details pane.
async fn save(client: &Client, name: &str) -> Result<()> {
    client
        .execute(
            "document.getElementById('reconnect-status').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    std::fs::write(shot(name), client.screenshot().await?)?;
    Ok(())
}

async fn shown(client: &Client, id: &str) -> Result<String> {
    text_when_shown(client, &format!("#{id}")).await
}

/// One app at a time: three windows with WebKit on two cores starve the
/// consent windows' WebDriver commands (seen: stalls when run in parallel).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn in_the_app(
    test: &str,
    user: &str,
    body: impl AsyncFnOnce(&Client) -> Result<()>,
) -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_sandbox_app_as(test, user, body).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_connection_is_reconnected_in_the_embedded_window() -> Result<()> {
    in_the_app(
        "a_failed_connection_is_reconnected_in_the_embedded_window",
        "hana",
        async |client| {
            let id = select(client, "Finance SharePoint").await?;
            assert_eq!(state_of(client, &id).await?, "Failed");
            start_reconnect(client).await?;
            // hana consented to these permissions before: signing in is enough.
            consent_in_the_window(client, "hana", None, None).await?;
            let ok = shown(client, "reconnect-ok").await?;
            assert!(ok.contains("as hana@contoso.example"), "{ok}");
            let state = eventually(
                Duration::from_secs(20),
                "the row to turn Enabled",
                || async {
                    let s = state_of(client, &id).await?;
                    Ok((s == "Enabled").then_some(s))
                },
            )
            .await?;
            assert_eq!(state, "Enabled", "same id, now enabled");
            save(client, "reconnect-success.png").await?;
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declined_consent_is_explained_and_changes_nothing() -> Result<()> {
    in_the_app(
        "a_declined_consent_is_explained_and_changes_nothing",
        "dana",
        async |client| {
            // dana has never consented to Outlook's mail permissions: she is asked.
            let id = select(client, "robot-prod-02@contoso.example").await?;
            start_reconnect(client).await?;
            consent_in_the_window(
                client,
                "dana",
                Some(false),
                Some(&shot("reconnect-consent.png")),
            )
            .await?;
            let failed = shown(client, "reconnect-failed").await?;
            assert!(failed.to_lowercase().contains("declined"), "{failed}");
            assert_eq!(state_of(client, &id).await?, "Expired");
            save(client, "reconnect-failed.png").await?;
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn another_account_must_be_confirmed_before_it_replaces_the_identity() -> Result<()> {
    in_the_app(
        "another_account_must_be_confirmed_before_it_replaces_the_identity",
        "hana",
        async |client| {
            let id = select(client, "robot-prod-02@contoso.example").await?;
            assert_eq!(state_of(client, &id).await?, "Expired");
            start_reconnect(client).await?;
            consent_in_the_window(client, "hana", None, None).await?;
            let prompt = shown(client, "reconnect-confirm").await?;
            assert!(
                prompt.contains("hana@contoso.example")
                    && prompt.contains("robot-prod-02@contoso.example"),
                "{prompt}"
            );
            // Nothing changed yet.
            assert_eq!(state_of(client, &id).await?, "Expired");
            client
                .find(Locator::Id("reconnect-reject"))
                .await?
                .click()
                .await?;
            let failed = shown(client, "reconnect-failed").await?;
            assert!(failed.contains("another account"), "{failed}");
            assert_eq!(state_of(client, &id).await?, "Expired");
            Ok(())
        },
    )
    .await
}
