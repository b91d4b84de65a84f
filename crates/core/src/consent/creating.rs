//! Creating a connection, the whole of it, for every shell: the folder must
//! be one the user sees and may create in; where the tenant creates
//! connections through its API (the sandbox's extended profile), app-only
//! types come back created and types a person signs in to run their consent
//! like a reconnect; where it does not (every real tenant), the user is
//! handed to the tenant's own page and the new connection is picked up when
//! it appears ([`super::handoff`]). The shells only build the request, drive
//! the browser and say what happened.

use std::time::Duration;

use super::flow::Started;
use super::handoff::{self, Handoff};
use super::reconnecting::settle_other_account;
use super::{ConsentDriver, Offers, run_consent};
use crate::connections::FolderSummary;
use crate::create::{self, CreateOutcome, Created, NewConnection};
use crate::error::{ApiError, ErrorCode};
use crate::reconnect::ReconnectProgress;
use crate::tenant_client::TenantClient;

/// The window's title where the shell has windows.
pub const TITLE: &str = "New connection · Connections Assistant";

/// What a creation tells its shell on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateStep {
    /// The tenant's page is about to open: where, and what to click there.
    Handoff(Handoff),
    /// The connection exists and waits for a consent (its id).
    Consenting { connection_id: String },
    /// The consent's progress.
    Progress(Box<ReconnectProgress>),
}

/// The folder `key` among those the user sees, refused where the tenant
/// says the user may not create.
pub async fn folder_to_create_in(
    client: &TenantClient,
    key: &str,
) -> Result<FolderSummary, ApiError> {
    let choice = create::folders(client)
        .await?
        .into_iter()
        .find(|c| c.folder.key == key.trim())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                "That folder is not among those you can see; refresh and try again.",
            )
        })?;
    if choice.can_create == Some(false) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "You may not create connections in {}; create it in your personal workspace or ask a folder administrator.",
                choice.folder.path
            ),
        ));
    }
    Ok(choice.folder)
}

/// Creates `new` through `driver`'s browser where someone must sign in.
pub async fn create_connection(
    client: &TenantClient,
    new: &NewConnection,
    offers: Offers,
    driver: &dyn ConsentDriver,
    timeout: Duration,
    mut on_step: impl FnMut(CreateStep),
) -> Result<CreateOutcome, ApiError> {
    let folder = folder_to_create_in(client, &new.folder_key).await?;
    let options = offers.flow_options(timeout, TITLE);
    if !offers.create_in_app {
        let handoff = handoff::page(client, &folder, &new.connector_key).await?;
        on_step(CreateStep::Handoff(handoff.clone()));
        let connection = handoff::create_on_tenant_page(
            client,
            &folder,
            &new.connector_key,
            &handoff,
            driver,
            &options,
        )
        .await?;
        return Ok(CreateOutcome::Created { connection });
    }
    match create::create(client, new).await? {
        Created::Connection(connection) => Ok(CreateOutcome::Created {
            connection: *connection,
        }),
        Created::Consent(session) => {
            let connection_id = session.connection_id.clone();
            on_step(CreateStep::Consenting {
                connection_id: connection_id.clone(),
            });
            let started = Started {
                session,
                folder_key: folder.key.clone(),
                before: None,
            };
            let progress = run_consent(client, &started, driver, &options, |p| {
                on_step(CreateStep::Progress(Box::new(p.clone())));
            })
            .await?;
            let progress = settle_other_account(
                client,
                &connection_id,
                &started.session.session_id,
                progress,
                driver,
                |p| on_step(CreateStep::Progress(Box::new(p.clone()))),
            )
            .await?;
            Ok(CreateOutcome::Consent {
                connection_id,
                progress: progress.for_new_connection(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{Secret, TenantUrl};
    use connassist_sandbox::{Config, Profile, Sandbox};

    async fn signed_in(user: &str, profile: Profile) -> (Sandbox, TenantClient) {
        let sb = Sandbox::start(Config {
            profile,
            ..Config::default()
        })
        .await
        .unwrap();
        let tokens = sb
            .sign_in_as(user, "OR.Folders.Read OR.Users.Read IS.Connections.Read")
            .unwrap();
        let client = TenantClient::new(
            TenantUrl::parse(&sb.base_url).unwrap(),
            Secret::new(tokens.access_token),
        )
        .unwrap();
        (sb, client)
    }

    #[tokio::test]
    async fn a_folder_one_may_not_create_in_is_refused_by_name_before_anything_opens() {
        let (_sb, client) = signed_in("dana", Profile::Extended).await;
        let finance = create::folders(&client)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.folder.path == "Finance")
            .unwrap();
        assert_eq!(
            finance.can_create,
            Some(false),
            "dana is an Automation User there"
        );
        let e = folder_to_create_in(&client, &finance.folder.key)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(
            e.message.contains("may not create connections in Finance"),
            "{e:?}"
        );
        let e = folder_to_create_in(&client, "no-such-folder")
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        let mine = create::folders(&client)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.folder.personal)
            .unwrap();
        let found = folder_to_create_in(&client, &format!(" {} ", mine.folder.key))
            .await
            .unwrap();
        assert_eq!(found.key, mine.folder.key);
    }

    #[tokio::test]
    async fn what_a_tenant_offers_shapes_the_flow() {
        let (_a, documented) = signed_in("hana", Profile::Documented).await;
        let (_b, extended) = signed_in("hana", Profile::Extended).await;
        assert_eq!(Offers::ask(&documented).await, Offers::default());
        let offers = Offers::ask(&extended).await;
        assert!(offers.session_status && offers.create_in_app, "{offers:?}");
        let options = offers.flow_options(Duration::from_secs(8), TITLE);
        assert!(options.session_status);
        assert_eq!(options.poll_every, super::super::POLL_EVERY);
        assert_eq!(options.timeout, Duration::from_secs(8));
    }
}
