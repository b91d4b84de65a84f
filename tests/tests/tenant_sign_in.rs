//! Signing in to a tenant by its address in the real window (the tenant here is
//! a sandbox started by the test, reached like any remote tenant): the sign-in
//! window, the rows, a relaunch that gets in with the session kept in the
//! keychain (no window), and a sign-out that revokes it (the window again).

use std::time::Duration;

use connassist_e2e::{
    Desktop, Result, Signal, app_binary, connect_to_tenant, eventually, listing_status,
    sign_in_through_the_window, within,
};
use connassist_sandbox::{Config, PUBLIC_CLIENT_ID, Sandbox};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_session_is_kept_in_the_keychain_until_sign_out() -> Result<()> {
    within(
        120,
        "a_tenant_session_is_kept_in_the_keychain_until_sign_out",
        async {
            let sandbox = Sandbox::start(Config::default()).await?;
            let desktop = Desktop::start()?;
            let app = app_binary();

            // First launch: the sign-in window, then dana's seven connections.
            let client = desktop.open_app(&app).await?;
            connect_to_tenant(
                &client,
                &sandbox.base_url,
                PUBLIC_CLIENT_ID,
                Duration::from_secs(20),
            )
            .await?;
            sign_in_through_the_window(&client, "dana", "sandbox").await?;
            let status = listing_status(&client).await?;
            assert!(status.starts_with("7 connections in 3 folders"), "{status}");
            let lead = client
                .find(Locator::Css(".session-bar .lead"))
                .await?
                .text()
                .await?;
            assert!(
                lead.contains("Dana Developer <dana@contoso.example>") && !lead.contains("Sandbox"),
                "{lead}"
            );
            desktop.signal_app(Signal::SIGTERM)?;
            let _ = client.close().await;

            // Second launch: the kept session signs in, no window opens.
            let client = desktop.open_app(&app).await?;
            connect_to_tenant(
                &client,
                &sandbox.base_url,
                PUBLIC_CLIENT_ID,
                Duration::from_secs(20),
            )
            .await?;
            let status = listing_status(&client).await?;
            assert!(status.starts_with("7 connections in 3 folders"), "{status}");
            assert_eq!(
                client.windows().await?.len(),
                1,
                "no sign-in window with a kept session"
            );

            // Sign out revokes and forgets: the next sign-in needs the window again.
            client.find(Locator::Id("sign-out")).await?.click().await?;
            client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Id("tenant-url"))
                .await?;
            connect_to_tenant(
                &client,
                &sandbox.base_url,
                PUBLIC_CLIENT_ID,
                Duration::from_secs(20),
            )
            .await?;
            let windows = eventually(Duration::from_secs(20), "the sign-in window", || async {
                let n = client.windows().await?.len();
                Ok((n == 2).then_some(n))
            })
            .await;
            client.close().await?;
            windows?;
            Ok(())
        },
    )
    .await
}
