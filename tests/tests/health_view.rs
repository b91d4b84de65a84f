//! "Check all" in the real window on the forum scenario, as hana (helpdesk):
//! every connection she can see is pinged through the tenant; the two broken
//! ones and the two about to break come first with their cause and fix; her
//! own two are reconnected one after the other through the queue (each
//! consent in the embedded window); the ones she cannot fix name who must act
//! with a message to send; checking again shows hers healthy.
//! Writes the README's health screenshots.

use std::time::Duration;

use connassist_e2e::{
    ONE_AT_A_TIME, Result, click_id, consent_in_the_window, eventually, in_sandbox_app_as,
    save_scrolled_to, text_when_shown,
};
use fantoccini::{Client, Locator};

/// The counts line once it says `what`.
async fn counts_when(client: &Client, what: &str) -> Result<String> {
    eventually(Duration::from_secs(30), what, || async {
        let text = client
            .find(Locator::Id("health-counts"))
            .await?
            .text()
            .await?;
        Ok(text.starts_with(what).then_some(text))
    })
    .await
}

/// Name and status of each result row, in the order shown.
async fn statuses(client: &Client) -> Result<Vec<(String, String)>> {
    let mut out = vec![];
    for row in client
        .find_all(Locator::Css("#health-results tbody tr"))
        .await?
    {
        let status = row.attr("data-status").await?.unwrap_or_default();
        let name = row.find(Locator::Css("button.link")).await?.text().await?;
        out.push((name, status));
    }
    Ok(out)
}

async fn pick(client: &Client, name: &str) -> Result<()> {
    client
        .find(Locator::Css(&format!(
            "input[aria-label='Reconnect {name}']"
        )))
        .await?
        .click()
        .await?;
    Ok(())
}

/// The queue item's state once it is no longer waiting or running.
async fn settled(client: &Client, name: &str) -> Result<String> {
    eventually(Duration::from_secs(30), name, || async {
        let li = client
            .find(Locator::XPath(&format!(
                "//section[@id='queue']//li[b[normalize-space(.)='{name}']]"
            )))
            .await?;
        let state = li.attr("data-state").await?.unwrap_or_default();
        Ok((state != "waiting" && state != "running").then_some(state))
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn check_all_then_the_queue_reconnects_two_connections() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_sandbox_app_as(
        "check_all_then_the_queue_reconnects_two_connections",
        "hana",
        async |client| {
            click_id(client, "nav-health").await?;
            click_id(client, "health-check").await?;
            // The documented tenant does not report app secrets' expiry, so
            // the idle mailbox is the one early warning.
            let counts = counts_when(client, "7 of 7 checked").await?;
            assert!(
                counts.contains("2 broken, 1 expiring soon, 4 healthy"),
                "{counts}"
            );
            let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
            assert_eq!(
                statuses(client).await?,
                [
                    s("Finance SharePoint", "revoked"),
                    s("robot-prod-02@contoso.example", "expired"),
                    s("Accounts payable mailbox", "expiring_soon"),
                ]
            );
            let results = text_when_shown(client, "#health-results").await?;
            assert!(results.contains("password"), "the cause: {results}");
            assert!(
                results.contains("Lapses on"),
                "the early warning's day: {results}"
            );
            // Not hers to fix: who must act is named.
            assert!(
                results.contains("robot-prod-02@contoso.example must act"),
                "{results}"
            );
            save_scrolled_to(client, "health-title", "health.png").await?;

            pick(client, "Finance SharePoint").await?;
            pick(client, "Accounts payable mailbox").await?;
            click_id(client, "queue-start").await?;
            // One consent window after the other; hana consented to both before.
            consent_in_the_window(client, "hana", None, None).await?;
            assert_eq!(settled(client, "Finance SharePoint").await?, "done");
            consent_in_the_window(client, "hana", None, None).await?;
            assert_eq!(settled(client, "Accounts payable mailbox").await?, "done");
            let summary = text_when_shown(client, "#queue-summary").await?;
            assert!(
                summary.contains("2 reconnected, 0 failed, 0 skipped"),
                "{summary}"
            );
            save_scrolled_to(client, "queue", "health-queue.png").await?;
            click_id(client, "queue-close").await?;

            click_id(client, "health-check").await?;
            let counts = counts_when(client, "7 of 7 checked").await?;
            assert!(
                counts.contains("1 broken, 0 expiring soon, 6 healthy"),
                "{counts}"
            );
            // The history knows since when the one left has been failing.
            let still = text_when_shown(
                client,
                "#health-results tr[data-status='expired'] .failing-since",
            )
            .await?;
            assert!(still.starts_with("Failing since"), "{still}");
            Ok(())
        },
    )
    .await
}
