//! The Audit view in the real window, on the sandbox's forum scenario: the
//! helpdesk user sees the binding that an unattended run rejects and the
//! personal-workspace binding, opens a finding to read why and what to do,
//! and follows its link to the connection in the list.

use std::time::Duration;

use connassist_e2e::{Result, eventually, in_sandbox_app_as, text_when_shown};
use fantoccini::{Client, Locator};

async fn audit_status(client: &Client) -> Result<String> {
    eventually(Duration::from_secs(30), "the audit to finish", || async {
        let text = client
            .find(Locator::Id("audit-status"))
            .await?
            .text()
            .await?;
        Ok(text.contains("processes audited").then_some(text))
    })
    .await
}

/// The findings of one rule, as "process: title".
async fn findings(client: &Client, rule: &str) -> Result<Vec<(String, String)>> {
    let mut out = vec![];
    for el in client
        .find_all(Locator::Css(&format!(
            "details.finding[data-rule='{rule}']"
        )))
        .await?
    {
        let process = el
            .find(Locator::XPath("ancestor::article[1]"))
            .await?
            .attr("data-process")
            .await?
            .unwrap_or_default();
        let title = el
            .find(Locator::Css(".finding-title"))
            .await?
            .text()
            .await?;
        out.push((process, title));
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_view_flags_what_an_unattended_run_would_reject() -> Result<()> {
    in_sandbox_app_as(
        "the_audit_view_flags_what_an_unattended_run_would_reject",
        "hana",
        async |client| {
            // The navigation counts what needs action once the audit is done.
            let count = eventually(Duration::from_secs(30), "the audit count", || async {
                let nav = client.find(Locator::Id("nav-audit")).await?;
                Ok(match nav.find(Locator::Css(".count")).await {
                    Ok(c) => Some(c.text().await?),
                    Err(_) => None,
                })
            })
            .await?;
            let count: usize = count.trim().parse()?;
            assert!(
                count >= 2,
                "the navigation shows {count} findings needing action"
            );

            client.find(Locator::Id("nav-audit")).await?.click().await?;
            let status = audit_status(client).await?;
            assert!(status.starts_with("5 processes audited"), "{status}");

            let rule1 = findings(client, "configurable-by-users-unattended").await?;
            assert_eq!(rule1.len(), 1, "{rule1:?}");
            assert_eq!(rule1[0].0, "Invoice Dispatcher+Performer");
            let rule2 = findings(client, "personal-workspace-connection-in-shared-folder").await?;
            assert_eq!(rule2.len(), 1, "{rule2:?}");
            assert_eq!(rule2[0].0, "Month-End Report");
            let ok = findings(client, "binding-attended-ok").await?;
            assert_eq!(
                ok.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
                ["Email Triage (Attended)"]
            );

            // Errors come before warnings and notes.
            let groups: Vec<String> = {
                let mut v = vec![];
                for g in client
                    .find_all(Locator::Css("section.severity-group"))
                    .await?
                {
                    v.push(g.attr("data-severity").await?.unwrap_or_default());
                }
                v
            };
            assert_eq!(
                groups.first().map(String::as_str),
                Some("error"),
                "{groups:?}"
            );

            // Opening a finding says why and what to do.
            let finding = client
                .find(Locator::Css(
                    "details.finding[data-rule='configurable-by-users-unattended']",
                ))
                .await?;
            finding.find(Locator::Css("summary")).await?.click().await?;
            let fix = finding.find(Locator::Css("p.fix")).await?.text().await?;
            assert!(fix.contains("shared folder"), "{fix}");
            let why = finding.find(Locator::Css("p.why")).await?.text().await?;
            assert!(why.contains("Invoices every 15 minutes"), "{why}");
            // The README shows this window: the real audit of the forum scenario.
            let png = client.screenshot().await?;
            let shots =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
            std::fs::create_dir_all(&shots)?;
            std::fs::write(shots.join("audit-window.png"), png)?;

            // The unhealthy binding links to its connection in the list.
            let broken = client
                .find(Locator::Css(
                    "details.finding[data-rule='bound-connection-unhealthy']",
                ))
                .await?;
            broken.find(Locator::Css("summary")).await?.click().await?;
            broken
                .find(Locator::Css("button.show-connection"))
                .await?
                .click()
                .await?;
            let detail = text_when_shown(client, "aside.detail h2").await?;
            assert_eq!(detail, "Finance SharePoint");
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_attended_user_picks_their_connection_for_a_configurable_binding() -> Result<()> {
    in_sandbox_app_as("an_attended_user_picks_their_connection_for_a_configurable_binding", "alex", async |client| {
                client.find(Locator::Id("nav-audit")).await?.click().await?;
                audit_status(client).await?;

                let finding = client
                    .find(Locator::Css(
                        "details.finding[data-rule='binding-attended-ok']",
                    ))
                    .await?;
                finding.find(Locator::Css("summary")).await?.click().await?;
                let select = finding
                    .find(Locator::Css("select.choose-connection-select"))
                    .await?;
                // Only alex's own Outlook connection is offered.
                let mut offered = vec![];
                for option in select.find_all(Locator::Css("option")).await? {
                    offered.push(option.text().await?);
                }
                assert_eq!(
                    offered,
                    [
                        "Not chosen (asked at run time)",
                        "alex@contoso.example · Alex Attended's workspace"
                    ]
                );
                // WebKitWebDriver cannot click into or type at a native <select>
                // (ElementNotInteractable), so choose the option the way the
                // browser does when a person picks it: set it, fire "change".
                client
                    .execute(
                        "const s = arguments[0];
                         const o = [...s.options].find(o => o.text.startsWith('alex@'));
                         s.value = o.value;
                         s.dispatchEvent(new Event('change', { bubbles: true }));",
                        vec![serde_json::to_value(&select)?],
                    )
                    .await?;
                eventually(Duration::from_secs(10), "the choice to be made", || async {
                    let value = select.prop("value").await?.unwrap_or_default();
                    Ok((!value.is_empty()).then_some(()))
                })
                .await?;

                // The choice is kept (by the sandbox tenant) and shown in the list.
                client
                    .find(Locator::Id("nav-connections"))
                    .await?
                    .click()
                    .await?;
                let cell = eventually(Duration::from_secs(10), "the chosen tag", || async {
                    Ok(
                        match client.find(Locator::Css("tr[data-id] .tag.chosen")).await {
                            Ok(tag) => Some(tag.find(Locator::XPath("ancestor::td[1]")).await?),
                            Err(_) => None,
                        },
                    )
                })
                .await?;
                cell.click().await?;
                let chosen_for = client
                    .find(Locator::XPath(
                        "//aside[contains(@class,'detail')]//dt[.='Your choice for']/following-sibling::dd",
                    ))
                    .await?
                    .text()
                    .await?;
                assert_eq!(chosen_for, "Email Triage (Attended)");
                Ok(())
    })
    .await
}
