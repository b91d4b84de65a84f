//! "Try the sandbox" keeps its state across launches, in the real window: a
//! connection reconnected in one launch is still Enabled after the app is
//! quit and started again; "Reset the sandbox" in Settings signs the user out
//! of it and puts it back as it was first set up (the connection Failed
//! again), and the health history forgets its connections with it.

use std::time::Duration;

use connassist_e2e::{
    APP_IDENTIFIER, Desktop, Result, Signal, app_binary, click_id, consent_in_the_window,
    eventually, select_connection, start_reconnect, state_of, text_when_shown, try_the_sandbox_as,
    within,
};
use fantoccini::{Client, Locator};

const REPAIRED: &str = "Finance SharePoint";

/// The row's state once it reads `want` (the list may still be loading).
async fn turns(client: &Client, id: &str, want: &str) -> Result<String> {
    eventually(Duration::from_secs(20), want, || async {
        let state = state_of(client, id).await?;
        Ok((state == want).then_some(state))
    })
    .await
}

/// Health checks recorded for connection `id` in the app's history.
fn checks_of(desktop: &Desktop, id: &str) -> Result<i64> {
    let file = desktop
        .dirs
        .path()
        .join("data")
        .join(APP_IDENTIFIER)
        .join("health.sqlite3");
    let db =
        rusqlite::Connection::open_with_flags(&file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(db.query_row(
        "SELECT COUNT(*) FROM checks WHERE connection_id = ?1",
        [id],
        |r| r.get(0),
    )?)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_keeps_a_reconnect_across_launches_until_it_is_reset() -> Result<()> {
    within(
        280,
        "the_sandbox_keeps_a_reconnect_across_launches_until_it_is_reset",
        async {
            let desktop = Desktop::start()?;
            let app = app_binary();

            // First launch: hana repairs her failed connection, then checks health.
            let client = desktop.open_app(&app).await?;
            let outcome = async {
                try_the_sandbox_as(&client, "hana").await?;
                let id = select_connection(&client, REPAIRED).await?;
                assert_eq!(state_of(&client, &id).await?, "Failed");
                start_reconnect(&client).await?;
                consent_in_the_window(&client, "hana", None, None).await?;
                turns(&client, &id, "Enabled").await?;
                click_id(&client, "nav-health").await?;
                click_id(&client, "health-check").await?;
                eventually(Duration::from_secs(60), "a recorded check", || async {
                    Ok((checks_of(&desktop, &id).unwrap_or(0) > 0).then_some(()))
                })
                .await?;
                Ok::<_, connassist_e2e::Error>(id)
            }
            .await;
            desktop.signal_app(Signal::SIGTERM)?;
            let _ = client.close().await;
            let id = outcome?;

            // Second launch: the sandbox remembers the reconnect.
            let client = desktop.open_app(&app).await?;
            let outcome = async {
                let hint = text_when_shown(&client, "#try-sandbox + .field-hint").await?;
                assert!(hint.contains("kept on this computer"), "{hint}");
                try_the_sandbox_as(&client, "hana").await?;
                let again = select_connection(&client, REPAIRED).await?;
                assert_eq!(again, id, "the same connection");
                turns(&client, &id, "Enabled").await?;

                // Reset from Settings: asked first, then signed out to the first screen.
                click_id(&client, "nav-settings").await?;
                let kept = text_when_shown(&client, "#sandbox-kept").await?;
                assert!(kept.contains("from one launch to the next"), "{kept}");
                click_id(&client, "sandbox-reset").await?;
                let asked = text_when_shown(&client, "#sandbox-reset-confirm").await?;
                assert!(asked.contains("you will be signed out"), "{asked}");
                click_id(&client, "sandbox-reset-yes").await?;
                client
                    .wait()
                    .at_most(Duration::from_secs(20))
                    .for_element(Locator::Id("try-sandbox"))
                    .await?;
                assert_eq!(
                    checks_of(&desktop, &id)?,
                    0,
                    "the health history forgot the sandbox's connections"
                );

                // The sandbox is as it was first set up: the connection is Failed again.
                try_the_sandbox_as(&client, "hana").await?;
                select_connection(&client, REPAIRED).await?;
                turns(&client, &id, "Failed").await?;
                Ok::<_, connassist_e2e::Error>(())
            }
            .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let _ = client.close().await;
            outcome
        },
    )
    .await
}
