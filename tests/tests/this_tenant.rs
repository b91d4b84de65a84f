//! Settings › This tenant in the real window, on the sandbox's documented
//! profile (what a real tenant offers): the capability probe's table, each
//! feature on or off with why and what to do instead; "Check again" asks the
//! tenant anew. The extended profile, chosen in the same settings, turns the
//! sandbox's inventions on.

use connassist_e2e::{
    ONE_AT_A_TIME, Result, click_id, eventually, in_prepared_sandbox_app_as, in_sandbox_app_as,
    save_scrolled_to, text_when_shown,
};

async fn feature(client: &fantoccini::Client, id: &str) -> Result<String> {
    text_when_shown(client, &format!("#feature-{id}")).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_documented_tenant_says_what_it_lacks_and_what_to_do() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_sandbox_app_as(
        "a_documented_tenant_says_what_it_lacks_and_what_to_do",
        "hana",
        async |client| {
            click_id(client, "nav-settings").await?;
            let list = feature(client, "connections").await?;
            assert!(list.contains("On"), "{list}");
            let create = feature(client, "createInApp").await?;
            assert!(
                create.contains("Off") && create.contains("tenant's own page"),
                "{create}"
            );
            let owners = feature(client, "connectionOwners").await?;
            assert!(
                owners.contains("Off") && owners.contains("owner not reported"),
                "{owners}"
            );
            let choices = feature(client, "attendedChoices").await?;
            assert!(choices.contains("Assistant does not see it"), "{choices}");
            let before = text_when_shown(client, "#this-tenant p").await?;
            click_id(client, "tenant-check").await?;
            eventually(
                std::time::Duration::from_secs(20),
                "a new probe",
                || async {
                    let now = text_when_shown(client, "#this-tenant p").await?;
                    Ok((now != before || now.contains("Checked")).then_some(()))
                },
            )
            .await?;
            save_scrolled_to(client, "tenant-title", "settings-this-tenant.png").await?;
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_extended_profile_turns_the_inventions_on() -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().await;
    in_prepared_sandbox_app_as(
        "the_extended_profile_turns_the_inventions_on",
        "hana",
        |desktop| {
            let dir = desktop.app_config_dir();
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("settings.json"), r#"{"extendedSandbox": true}"#)?;
            Ok(())
        },
        async |client, _| {
            click_id(client, "nav-settings").await?;
            let create = feature(client, "createInApp").await?;
            assert!(create.contains("On"), "{create}");
            let session = feature(client, "consentSessionStatus").await?;
            assert!(session.contains("On"), "{session}");
            Ok(())
        },
    )
    .await
}
