//! The real desktop window, driven through WebDriver: the first screen renders,
//! plain http is refused with the validation message from Rust, and an unbuilt
//! feature reports itself through the real IPC error path.

use std::time::Duration;

use connassist_e2e::{Desktop, Result, Signal, app_binary, eventually, within};
use fantoccini::{Client, Locator};

async fn text_of(client: &Client, css: &str) -> Result<String> {
    Ok(client.find(Locator::Css(css)).await?.text().await?)
}

async fn exercise_first_screen(client: &Client) -> Result<()> {
    let heading = client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("h1"))
        .await?;
    assert_eq!(heading.text().await?, "Choose a tenant");
    assert_eq!(client.title().await?, "Connections Assistant");

    let field = client.find(Locator::Id("tenant-url")).await?;
    field.send_keys("http://example.com").await?;
    client.find(Locator::Id("sign-in")).await?.click().await?;
    let message = eventually(Duration::from_secs(10), "the https message", || async {
        let text = text_of(client, "#tenant-url-message").await?;
        Ok(text.contains("Use https://").then_some(text))
    })
    .await?;
    assert_eq!(
        message,
        "Use https:// for a tenant URL. Plain http:// is only accepted for a tenant on this computer (127.0.0.1 or localhost)."
    );
    assert_eq!(field.attr("aria-invalid").await?.as_deref(), Some("true"));

    // A valid address reaches Rust, which answers through the real IPC error path.
    // Delete the text as a user does (WebDriver's clear() skips React's input events).
    let backspaces: String = std::iter::repeat_n(
        char::from(fantoccini::key::Key::Backspace),
        "http://example.com".len(),
    )
    .collect();
    field.send_keys(&backspaces).await?;
    field
        .send_keys("cloud.uipath.com/acme/DefaultTenant")
        .await?;
    client.find(Locator::Id("sign-in")).await?.click().await?;
    let failure = eventually(
        Duration::from_secs(10),
        "the sign-in error banner",
        || async {
            match client.find(Locator::Id("failure")).await {
                Ok(el) => Ok(Some(el.text().await?)),
                Err(_) => Ok(None),
            }
        },
    )
    .await?;
    assert!(
        failure.contains("Enter the external application's ID"),
        "{failure}"
    );
    // The banner is styled by the error code that crossed IPC, not by text.
    let class = client
        .find(Locator::Id("failure"))
        .await?
        .attr("class")
        .await?
        .unwrap_or_default();
    assert!(class.contains("banner-invalid_input"), "{class}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn first_screen_refuses_plain_http_in_the_real_window() -> Result<()> {
    within(
        120,
        "first_screen_refuses_plain_http_in_the_real_window",
        async {
            let desktop = Desktop::start()?;
            let client = desktop.open_app(&app_binary()).await?;
            let outcome = exercise_first_screen(&client).await;
            // Keep a picture of the real window for people reading a failed run. WebKit
            // under Xvfb paints a little after the DOM changes: let it settle first.
            tokio::time::sleep(Duration::from_millis(500)).await;
            if let Ok(png) = client.screenshot().await {
                let _ = std::fs::write(
                    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                        .join("first-screen-window.png"),
                    png,
                );
            }
            client.close().await?;
            outcome
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn window_size_survives_the_session_ending() -> Result<()> {
    within(120, "window_size_survives_the_session_ending", async {
        let desktop = Desktop::start()?;
        let app = app_binary();

        let client = desktop.open_app(&app).await?;
        client.wait().for_element(Locator::Css("h1")).await?;
        assert_eq!(
            client.get_window_size().await?,
            (1100, 720),
            "first launch uses the default size"
        );
        client.set_window_size(900, 640).await?;
        assert_eq!(client.get_window_size().await?, (900, 640));
        // What a logout does: SIGTERM. The app must leave through its exit path.
        desktop.signal_app(Signal::SIGTERM)?;
        let _ = client.close().await; // the session's browser is already gone
        assert!(
            desktop.app_config_dir().join(".window-state.json").exists(),
            "no window state saved in {}",
            desktop.app_config_dir().display()
        );

        let client = desktop.open_app(&app).await?;
        client.wait().for_element(Locator::Css("h1")).await?;
        let size = client.get_window_size().await;
        client.close().await?;
        assert_eq!(size?, (900, 640), "second launch restores the size");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_hands_over_to_the_running_window() -> Result<()> {
    within(
        120,
        "a_second_launch_hands_over_to_the_running_window",
        async {
            let desktop = Desktop::start()?;
            let app = app_binary();
            let client = desktop.open_app(&app).await?;
            client.wait().for_element(Locator::Css("h1")).await?;
            let first = desktop.app_pids();
            assert_eq!(first.len(), 1, "{first:?}");

            let mut second = desktop.command(&app).spawn()?;
            let status = eventually(Duration::from_secs(15), "the second launch to exit", || {
                let status = second.try_wait();
                async move { Ok(status?) }
            })
            .await;
            if status.is_err() {
                let _ = second.kill();
            }
            let still_running = desktop.app_pids();
            let title = client.title().await;
            client.close().await?;
            assert!(status?.success(), "the second launch should exit cleanly");
            assert_eq!(still_running, first, "the first window keeps running");
            assert_eq!(title?, "Connections Assistant");
            Ok(())
        },
    )
    .await
}
