//! The words a user reads at the worst moments, in the real window against the
//! extended in-app sandbox (which creates connections through its API):
//! declining the consent while *creating* says nothing was created and to
//! create it again, never "Reconnect it" nor "in Connections Assistant"; and
//! what a new connection was made with (its shared mailbox, how it
//! authenticates, in the list's words) is in its details.

use std::time::Duration;

use connassist_e2e::{
    APP_IDENTIFIER, ONE_AT_A_TIME, Result, click_id, consent_in_the_window, eventually,
    in_prepared_sandbox_app_as, text_when_shown,
};
use fantoccini::{Client, Locator};

fn extended(desktop: &connassist_e2e::Desktop) -> Result<()> {
    let dir = desktop.dirs.path().join("config").join(APP_IDENTIFIER);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("settings.json"), r#"{"extendedSandbox": true}"#)?;
    Ok(())
}

/// Opens New connection on Outlook, delegated, in Shared.
async fn new_outlook(client: &Client) -> Result<()> {
    click_id(client, "nav-new").await?;
    eventually(Duration::from_secs(20), "the catalogue", || async {
        Ok(client
            .find(Locator::Id("connector-uipath-microsoft-outlook365"))
            .await
            .ok())
    })
    .await?;
    click_id(client, "connector-uipath-microsoft-outlook365").await?;
    click_id(client, "auth-delegated").await?;
    Ok(())
}

/// The value of one field of the details pane.
async fn field(client: &Client, id: &str) -> Result<String> {
    text_when_shown(client, &format!("aside.detail [data-field='{id}'] dd")).await
}

#[tokio::test(flavor = "multi_thread")]
async fn declining_the_consent_while_creating_says_nothing_was_created() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_prepared_sandbox_app_as(
        "declining_the_consent_while_creating_says_nothing_was_created",
        "dana",
        extended,
        async |client, _| {
            new_outlook(client).await?;
            click_id(client, "create-start").await?;
            // dana never consented to Outlook's mail permissions: she is asked, and declines.
            consent_in_the_window(client, "dana", Some(false), None).await?;
            let failed = text_when_shown(client, "#reconnect-failed").await?;
            assert!(failed.contains("declined"), "{failed}");
            assert!(failed.contains("Nothing was created"), "{failed}");
            assert!(failed.contains("Create it again"), "{failed}");
            assert!(!failed.contains("Reconnect"), "{failed}");
            assert!(!failed.contains("in Connections Assistant"), "{failed}");
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_connection_shows_what_it_was_made_with() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_prepared_sandbox_app_as(
        "a_new_connection_shows_what_it_was_made_with",
        "dana",
        extended,
        async |client, _| {
            new_outlook(client).await?;
            client
                .find(Locator::Id("new-shared-mailbox"))
                .await?
                .send_keys("ap@contoso.example")
                .await?;
            click_id(client, "create-start").await?;
            consent_in_the_window(client, "dana", Some(true), None).await?;
            let status = text_when_shown(client, "#reconnect-status").await?;
            assert!(!status.contains("Asks for new permissions"), "{status}");
            text_when_shown(client, "#create-ok").await?;
            click_id(client, "create-show").await?;
            assert_eq!(field(client, "shared-mailbox").await?, "ap@contoso.example");
            assert_eq!(
                field(client, "authentication").await?,
                "Delegated (OAuth, acts as the user)"
            );
            let permissions = field(client, "permissions").await?;
            assert!(!permissions.is_empty(), "{permissions}");
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_attended_user_finds_his_choice_first_and_no_alarm_he_cannot_act_on() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_prepared_sandbox_app_as(
        "the_attended_user_finds_his_choice_first_and_no_alarm_he_cannot_act_on",
        "alex",
        |_| Ok(()),
        async |client, _| {
            // The audit's count, once it ran: not an alert, none of it is about his connections.
            let class = eventually(Duration::from_secs(30), "the audit's count", || async {
                Ok(match client.find(Locator::Css("#nav-audit .count")).await {
                    Ok(count) => count.attr("class").await?,
                    Err(_) => None,
                })
            })
            .await?;
            assert!(!class.contains("count-alert"), "{class}");
            // In the details of his own Outlook connection: the processes it could run.
            connassist_e2e::select_connection(client, "alex@contoso.example").await?;
            let here = text_when_shown(client, "#attended-here").await?;
            assert!(here.contains("Your attended processes"), "{here}");
            // And first in the Audit, under the control's own label.
            click_id(client, "nav-audit").await?;
            let section = text_when_shown(client, "#attended-processes").await?;
            assert!(
                section.contains("Your connection for this process"),
                "{section}"
            );
            Ok(())
        },
    )
    .await
}
