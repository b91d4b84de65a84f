//! "Check all" in the real window on the forum scenario: every connection
//! hana can see is pinged through the tenant, the two broken ones are shown
//! first with their cause and fix, one is opened from the results and
//! reconnected in the embedded window, and checking again shows it healthy.
//! Writes the README's health screenshot.

use std::time::Duration;

use connassist_e2e::{
    ONE_AT_A_TIME, Result, consent_in_the_window, eventually, in_sandbox_app_as, save_scrolled_to,
    start_reconnect, text_when_shown,
};
use fantoccini::{Client, Locator};

async fn click(client: &Client, id: &str) -> Result<()> {
    eventually(Duration::from_secs(20), id, || async {
        let el = client.find(Locator::Id(id)).await?;
        Ok(el.click().await.ok())
    })
    .await
}

/// The counts line once `checked` connections are checked.
async fn counts_when(client: &Client, checked: &str) -> Result<String> {
    eventually(Duration::from_secs(30), checked, || async {
        let text = client
            .find(Locator::Id("health-counts"))
            .await?
            .text()
            .await?;
        Ok(text.starts_with(checked).then_some(text))
    })
    .await
}

/// Status of each result row, in the order shown.
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

#[tokio::test(flavor = "multi_thread")]
async fn check_all_finds_the_broken_connections_and_one_is_fixed_from_there() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_sandbox_app_as(
        "check_all_finds_the_broken_connections_and_one_is_fixed_from_there",
        "hana",
        async |client| {
            click(client, "nav-health").await?;
            click(client, "health-check").await?;
            let counts = counts_when(client, "7 of 7 checked").await?;
            assert!(counts.contains("2 broken"), "{counts}");
            assert_eq!(
                statuses(client).await?,
                [
                    ("Finance SharePoint".to_owned(), "revoked".to_owned()),
                    (
                        "robot-prod-02@contoso.example".to_owned(),
                        "expired".to_owned()
                    ),
                ]
            );
            let results = text_when_shown(client, "#health-results").await?;
            assert!(results.contains("password"), "the cause is explained: {results}");
            save_scrolled_to(client, "health-title", "health.png").await?;

            // Open the revoked one from the results and reconnect it.
            client
                .find(Locator::XPath(
                    "//table[@id='health-results']//button[normalize-space(.)='Finance SharePoint']",
                ))
                .await?
                .click()
                .await?;
            start_reconnect(client).await?;
            consent_in_the_window(client, "hana", None, None).await?;
            text_when_shown(client, "#reconnect-ok").await?;

            click(client, "nav-health").await?;
            click(client, "health-check").await?;
            let counts = eventually(Duration::from_secs(30), "the second check", || async {
                let text = counts_when(client, "7 of 7 checked").await?;
                Ok(text.contains("1 broken").then_some(text))
            })
            .await?;
            assert!(counts.contains("6 healthy"), "{counts}");
            Ok(())
        },
    )
    .await
}
