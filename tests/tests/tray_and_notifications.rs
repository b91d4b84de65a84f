//! The tray badge and desktop notifications, on a desktop with a real
//! notification daemon (dunst) and the test as the panel. As hana on the
//! forum scenario: the background check a few seconds after sign-in finds her
//! Finance SharePoint connection revoked (news: never checked here before)
//! and her Accounts payable mailbox 10 days from its idle lapse; the tray
//! shows 1 broken; clicking the notification opens that connection in the
//! window; once she reconnects it, "Check my connections now" in the tray
//! says it works again and the badge goes. Other people's broken connections
//! (robot-prod-02's, dana's) are not hers and raise nothing. Signing out
//! leaves the tray saying so.

use std::time::Duration;

use connassist_e2e::shell::Panel;
use connassist_e2e::{
    ONE_AT_A_TIME, Result, cell_text, click_id, consent_in_the_window, eventually,
    in_prepared_sandbox_app_as, start_reconnect, state_of,
};
use fantoccini::{Client, Locator};

/// The name of the connection whose details are shown, once the list is the
/// current view.
async fn shown_connection(client: &Client) -> Result<String> {
    eventually(
        Duration::from_secs(20),
        "the connection's details",
        || async {
            let current = client
                .find(Locator::Id("nav-connections"))
                .await?
                .attr("aria-current")
                .await?;
            if current.as_deref() != Some("page") {
                return Ok(None);
            }
            Ok(
                match client
                    .find(Locator::Css("tr[aria-selected='true'] td.name"))
                    .await
                {
                    Ok(cell) => Some(cell_text(&cell).await?),
                    Err(_) => None,
                },
            )
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tray_counts_her_broken_connections_and_notifications_open_them() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    let notifications = std::sync::Mutex::new(None);
    in_prepared_sandbox_app_as(
        "the_tray_counts_her_broken_connections_and_notifications_open_them",
        "hana",
        |desktop| {
            *notifications.lock().unwrap() = Some(desktop.start_notifications()?);
            Ok(())
        },
        async |client, desktop| {
            let notes = notifications.lock().unwrap().take().unwrap();
            let panel = Panel::start(desktop).await?;
            // Somewhere else in the app when the notification comes.
            click_id(client, "nav-health").await?;

            let broke = notes
                .wait_for(
                    "Finance SharePoint stopped working",
                    Duration::from_secs(30),
                )
                .await?;
            assert!(broke.body.contains("password"), "the cause: {}", broke.body);
            assert!(broke.body.contains("Reconnect"), "the fix: {}", broke.body);
            let warned = notes
                .wait_for(
                    "Accounts payable mailbox stops working on",
                    Duration::from_secs(10),
                )
                .await?;
            let day = warned.summary.rsplit(' ').next().unwrap_or_default();
            assert!(
                day.len() == 10 && day.chars().all(|c| c.is_ascii_digit() || c == '-'),
                "the day it lapses: {}",
                warned.summary
            );
            let everything = notes.shown();
            assert!(
                !everything
                    .iter()
                    .any(|n| n.summary.contains("robot-prod-02")
                        || n.summary.contains("Finance mailbox (app)")),
                "only her connections: {everything:?}"
            );

            eventually(Duration::from_secs(10), "the badge", || async {
                Ok((panel.label().await? == "1").then_some(()))
            })
            .await?;
            let menu = panel.menu().await?;
            assert!(
                menu.iter()
                    .any(|(_, l)| l == "1 of your connections is broken"),
                "{menu:?}"
            );
            let badged_icon = panel.icon().await?;

            notes.click(&broke).await?;
            assert_eq!(shown_connection(client).await?, "Finance SharePoint");
            let id = client
                .find(Locator::Css("tr[aria-selected='true']"))
                .await?
                .attr("data-id")
                .await?
                .unwrap_or_default();

            start_reconnect(client).await?;
            consent_in_the_window(client, "hana", None, None).await?;
            eventually(Duration::from_secs(20), "reconnected", || async {
                Ok((state_of(client, &id).await? == "Enabled").then_some(()))
            })
            .await?;

            panel.click("Check my connections now").await?;
            let back = notes
                .wait_for("Finance SharePoint works again", Duration::from_secs(30))
                .await?;
            assert!(back.body.contains("passed"), "{}", back.body);
            eventually(Duration::from_secs(10), "the badge to go", || async {
                Ok((panel.label().await?.is_empty()).then_some(()))
            })
            .await?;
            assert_ne!(panel.icon().await?, badged_icon, "the red dot is gone");
            let menu = panel.menu().await?;
            assert!(
                menu.iter()
                    .any(|(_, l)| l == "None of your connections is broken"),
                "{menu:?}"
            );
            // Steady states are not news: the warning was not sent twice.
            let warnings = notes
                .shown()
                .iter()
                .filter(|n| n.summary.starts_with("Accounts payable mailbox"))
                .count();
            assert_eq!(warnings, 1);

            // Signed out: nothing is checked, and the tray says so.
            click_id(client, "sign-out").await?;
            eventually(Duration::from_secs(10), "the tray to say so", || async {
                let menu = panel.menu().await?;
                Ok(menu.iter().any(|(_, l)| l == "Not signed in").then_some(()))
            })
            .await?;
            assert_eq!(panel.label().await?, "");
            Ok(())
        },
    )
    .await
}
