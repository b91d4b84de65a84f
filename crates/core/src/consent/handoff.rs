//! Creating a connection where the tenant offers no API for it (no public
//! source shows the body of `POST Connections`): the user is handed to the
//! tenant's own page, and the new connection is picked up when it appears.
//!
//! The page is Orchestrator's, opened on the folder (`?fid=`, the numeric
//! folder id, as the official `uipath` CLI and UiPathOrch link Orchestrator
//! pages); no public deep link opens "Add connection" for a connector, so the
//! user is told the documented click path: the folder's Connections tab ›
//! Add connection › the connector. Meanwhile the folder's connections of that
//! connector are read every few seconds; the first one that was not there
//! before and is Enabled is the new one.

use std::collections::HashSet;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;
use url::Url;

use super::{ConsentDriver, FlowOptions, Observed};
use crate::connections::{ConnectionRow, ConnectionState, FolderSummary};
use crate::error::{ApiError, ErrorCode};
use crate::tenant_client::TenantClient;

/// Where the user creates the connection, and what to do there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Handoff {
    /// The tenant's page for the folder.
    pub url: String,
    /// What to click there, in words.
    pub steps: String,
}

/// How often the folder's connections are read while the user works on the
/// tenant's page: a listing, heavier than a consent's status.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

/// The tenant's page for `folder`, and the steps to add a `connector_key`
/// connection there (named as the catalogue names it).
pub async fn page(
    client: &TenantClient,
    folder: &FolderSummary,
    connector_key: &str,
) -> Result<Handoff, ApiError> {
    let connector_name = crate::create::connectors(client)
        .await?
        .into_iter()
        .find(|c| c.key == connector_key)
        .map_or_else(|| connector_key.to_owned(), |c| c.name);
    let mut url = Url::parse(&format!("{}/orchestrator_/", client.tenant().url)).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("The tenant's address is not a URL: {e}"),
        )
    })?;
    if let Some(id) = folder.id {
        url.query_pairs_mut().append_pair("fid", &id.to_string());
    }
    Ok(Handoff {
        url: url.to_string(),
        steps: format!(
            "In the page that opens (Orchestrator), go to the folder {}, open its Connections tab, choose Add connection, pick {connector_name} and sign in. This window picks the new connection up when it is ready.",
            folder.path
        ),
    })
}

async fn of_connector(
    client: &TenantClient,
    folder: &FolderSummary,
    connector: &str,
) -> Result<Vec<ConnectionRow>, ApiError> {
    let options = crate::connections::ListOptions {
        folder: None,
        connector: Some(connector.to_owned()),
        ..Default::default()
    };
    crate::connections::list_folder(client, folder, &options)
        .await
        .map_err(ApiError::from)
}

/// Opens the tenant's page in `driver`'s browser and waits (reading the
/// folder every [`POLL_EVERY`]) until a new `connector` connection is
/// Enabled in `folder`; `Cancelled` when the window is closed or `options`'
/// timeout runs out first.
pub async fn create_on_tenant_page(
    client: &TenantClient,
    folder: &FolderSummary,
    connector: &str,
    handoff: &Handoff,
    driver: &dyn ConsentDriver,
    options: &FlowOptions,
) -> Result<ConnectionRow, ApiError> {
    let known: HashSet<String> = of_connector(client, folder, connector)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let url =
        Url::parse(&handoff.url).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let mut view = driver.open(&url, &options.title)?;
    let deadline = options.deadline();
    let mut tick = super::flow::ticks(POLL_EVERY);
    let new_one = || async {
        Ok::<_, ApiError>(
            of_connector(client, folder, connector)
                .await?
                .into_iter()
                .find(|r| !known.contains(&r.id) && r.state == ConnectionState::Enabled),
        )
    };
    let found = loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Some(row) = new_one().await? {
                    break Some(row);
                }
            }
            event = view.events.recv() => if matches!(event, Some(Observed::Closed) | None) {
                break new_one().await?;
            },
            _ = tokio::time::sleep_until(deadline) => break new_one().await?,
        }
    };
    view.close();
    found.ok_or_else(|| {
        ApiError::new(
            ErrorCode::Cancelled,
            format!(
                "No new {connector} connection appeared in {} before the window closed or the time ran out. If you finish it in Orchestrator later, refresh the list to see it.",
                folder.path
            ),
        )
    })
}
