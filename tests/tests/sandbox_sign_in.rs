//! "Try the sandbox" in the real window: the app starts its sandbox tenant,
//! opens the sign-in page in an embedded window of its own, the user signs in
//! through the form, the window closes, and the main window lists every
//! connection the user can see. The sign-in page gets no IPC.

use std::time::Duration;

use connassist_e2e::{
    Desktop, Result, app_binary, cell_text, find_sign_in_window, listing_status,
    sign_in_through_the_window, within,
};
use fantoccini::{Client, Locator};

const HANAS_CONNECTIONS: &[&str] = &[
    "Accounts payable mailbox",
    "Dana's OneDrive",
    "Finance SharePoint",
    "Finance mailbox (app)",
    "hana@contoso.example",
    "robot-prod-01@contoso.example",
    "robot-prod-02@contoso.example",
];

async fn try_the_sandbox(client: &Client) -> Result<()> {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Id("try-sandbox"))
        .await?
        .click()
        .await?;
    let (main, sign_in) = find_sign_in_window(client).await?;
    client.switch_to_window(sign_in).await?;
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Id("username"))
        .await?;
    assert_eq!(client.title().await?, "Sign in to the sandbox tenant");

    // The page is the identity server's, not ours: no command may be called from it.
    let ipc = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const ipc = window.__TAURI_INTERNALS__;
             if (!ipc || !ipc.invoke) { done('no ipc'); return; }
             ipc.invoke('sign_out').then(() => done('allowed'), (e) => done('refused: ' + e));",
            vec![],
        )
        .await?;
    assert_ne!(
        ipc.as_str(),
        Some("allowed"),
        "the sign-in page could call a command: {ipc}"
    );
    client.switch_to_window(main).await?;
    sign_in_through_the_window(client, "hana", "sandbox").await
}

async fn rows(client: &Client) -> Result<Vec<String>> {
    let mut names = vec![];
    for cell in client
        .find_all(Locator::Css("table.grid tbody tr[data-id] td.name"))
        .await?
    {
        let text = cell_text(&cell).await?;
        names.push(text.trim_end_matches("default").trim().to_owned());
    }
    names.sort();
    Ok(names)
}

#[tokio::test(flavor = "multi_thread")]
async fn try_the_sandbox_signs_in_through_the_embedded_form_and_lists_the_rows() -> Result<()> {
    within(
        120,
        "try_the_sandbox_signs_in_through_the_embedded_form_and_lists_the_rows",
        async {
            let desktop = Desktop::start()?;
            let client = desktop.open_app(&app_binary()).await?;
            let outcome = async {
                try_the_sandbox(&client).await?;
                let status = listing_status(&client).await?;
                assert!(status.starts_with("7 connections in 3 folders"), "{status}");
                assert!(status.contains("2 need attention"), "{status}");
                assert_eq!(rows(&client).await?, HANAS_CONNECTIONS);
                let lead = client
                    .find(Locator::Css(".session-bar .lead"))
                    .await?
                    .text()
                    .await?;
                assert!(
                    lead.contains("Hana Helpdesk <hana@contoso.example>"),
                    "{lead}"
                );
                Ok(())
            }
            .await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            if let Ok(png) = client.screenshot().await {
                let _ = std::fs::write(
                    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                        .join("sandbox-connections-window.png"),
                    png,
                );
            }
            client.close().await?;
            outcome
        },
    )
    .await
}
