//! Reconnecting in place in the real window, against the sandbox tenant, whose
//! connectors use its identity server as their provider: the user signs in and
//! consents inside the embedded consent window (no IPC there), the list then
//! shows the same connection Enabled; a declined consent is explained (seen
//! in the window: the documented tenant reports nothing of it); a consent by
//! another account is said plainly on a documented tenant, and asked about
//! before it replaces the identity where the tenant waits for an answer (the
//! extended profile).

use std::time::Duration;

use connassist_e2e::{
    APP_IDENTIFIER, ONE_AT_A_TIME, Result, consent_in_the_window, eventually,
    in_prepared_sandbox_app_as, in_sandbox_app_as, save_scrolled_to, screenshot_path as shot,
    select_connection as select, start_reconnect, state_of, text_when_shown,
};
use fantoccini::{Client, Locator};

async fn shown(client: &Client, id: &str) -> Result<String> {
    text_when_shown(client, &format!("#{id}")).await
}

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
            save_scrolled_to(client, "reconnect-status", "reconnect-success.png").await?;
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
            save_scrolled_to(client, "reconnect-status", "reconnect-failed.png").await?;
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn another_account_is_said_plainly_on_a_documented_tenant() -> Result<()> {
    in_the_app(
        "another_account_is_said_plainly_on_a_documented_tenant",
        "hana",
        async |client| {
            let id = select(client, "robot-prod-02@contoso.example").await?;
            start_reconnect(client).await?;
            consent_in_the_window(client, "hana", None, None).await?;
            let said = shown(client, "reconnect-other-account").await?;
            assert!(
                said.contains("now acts as hana@contoso.example")
                    && said.contains("instead of robot-prod-02@contoso.example"),
                "{said}"
            );
            let state = eventually(
                Duration::from_secs(20),
                "the row to turn Enabled",
                || async {
                    let s = state_of(client, &id).await?;
                    Ok((s == "Enabled").then_some(s))
                },
            )
            .await?;
            assert_eq!(state, "Enabled");
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn another_account_must_be_confirmed_where_the_tenant_asks() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_prepared_sandbox_app_as(
        "another_account_must_be_confirmed_where_the_tenant_asks",
        "hana",
        |desktop| {
            let dir = desktop.dirs.path().join("config").join(APP_IDENTIFIER);
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("settings.json"), r#"{"extendedSandbox": true}"#)?;
            Ok(())
        },
        async |client, _| {
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
