//! Listing every connection a user can see, across folders: the folders the
//! user belongs to (Orchestrator), then each folder's connections (Integration
//! Service, scoped by `X-UIPATH-FolderKey`) with bounded concurrency. Results
//! stream as folders complete, and a folder that fails (403, 5xx after retries)
//! becomes an error next to the other folders' rows, never a failed list: a
//! helpdesk user with one broken folder still sees everything else.
//!
//! Asking folder by folder (rather than the API's all-folders form) is what
//! makes per-folder errors and streaming possible, and it is how the platform's
//! own clients scope connections.

/// Whose row is whose: it reads rows, and listing marks them, so it lives
/// beside them (reached as `crate::mine` too).
pub mod mine;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth_kind::AuthKind;
use crate::error::ApiError;
use crate::tenant_client::{TenantClient, TenantError};

/// Folders per page, and connections per page (the APIs' maximum).
const PAGE: usize = 1000;
pub const DEFAULT_CONCURRENCY: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct FolderSummary {
    pub key: String,
    pub path: String,
    pub personal: bool,
    /// Orchestrator's numeric id: links to the tenant's pages name a folder
    /// by it (`?fid=`).
    #[serde(default)]
    pub id: Option<i64>,
}

/// Integration Service connection states, plus what we could not recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ConnectionState {
    Enabled,
    Disabled,
    Expired,
    Failed,
    Unknown,
}

impl ConnectionState {
    pub fn parse(text: &str) -> Self {
        match text.to_ascii_lowercase().as_str() {
            "enabled" => Self::Enabled,
            "disabled" => Self::Disabled,
            "expired" => Self::Expired,
            "failed" => Self::Failed,
            _ => Self::Unknown,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Enabled => "Enabled",
            Self::Disabled => "Disabled",
            Self::Expired => "Expired",
            Self::Failed => "Failed",
            Self::Unknown => "Unknown",
        }
    }
}

/// One connection as the list shows it. Part of the CLI's JSON schema: add
/// fields, never rename or remove them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionRow {
    pub id: String,
    pub name: String,
    pub connector_key: String,
    pub connector_name: String,
    /// The account the connection acts as (`connectionIdentity`).
    pub identity: String,
    /// Who created it; empty when the tenant does not report it.
    pub owner: String,
    /// Whether the tenant reported the owner: it does not to external
    /// applications (the Integration Service API guide), so an empty owner
    /// means "not reported", not "nobody".
    #[serde(default = "reported")]
    pub owner_reported: bool,
    /// The signed-in user's own ([`crate::mine::Mine`]): it acts as them,
    /// is in their personal workspace, was chosen by them, or is owned by
    /// them where the tenant says so.
    #[serde(default)]
    pub mine: bool,
    pub folder: FolderSummary,
    pub state: ConnectionState,
    pub is_default: bool,
    pub auth_type: Option<String>,
    pub last_used: Option<String>,
    pub updated: Option<String>,
    /// Scopes the connection was consented with, when the tenant reports them.
    pub scopes: Option<Vec<String>>,
    /// The shared mailbox an Outlook connection reads, if any.
    pub shared_mailbox: Option<String>,
    /// When the app's client secret or certificate expires (app-only and own-app
    /// connections), when the tenant records it.
    #[serde(default)]
    pub secret_expires_at: Option<String>,
    /// `auth_type` typed; `None` when the tenant reports none or a type this
    /// app does not know.
    #[serde(default)]
    pub auth_kind: Option<AuthKind>,
    /// How it authenticates, in words ([`AuthKind::label`]); the tenant's own
    /// name for a type this app does not know.
    #[serde(default)]
    pub auth_label: String,
    /// The owner as a person reads it ([`ConnectionRow::owner_label`]).
    #[serde(default)]
    pub owner_label: String,
    /// Whether the signed-in user may fix it by reconnecting: someone signs in
    /// to it (delegated) and it is theirs or acts as nobody yet. Reconnecting
    /// another's connection would make it act as the user, so that person is
    /// asked instead.
    #[serde(default)]
    pub can_reconnect: bool,
}

fn reported() -> bool {
    true
}

/// What the list shows when a tenant does not report the owner.
pub const OWNER_NOT_REPORTED: &str = "owner not reported by the tenant";

impl ConnectionRow {
    /// The owner as a person reads it: the address, or that the tenant does
    /// not report it (never an empty cell that reads as "nobody").
    pub fn owner_label(&self) -> &str {
        if self.owner_reported && !self.owner.is_empty() {
            &self.owner
        } else if self.owner_reported {
            ""
        } else {
            OWNER_NOT_REPORTED
        }
    }

    /// Fills the fields decided from the others (`auth_kind`, `auth_label`,
    /// `owner_label`, `can_reconnect`); called when a row is read and again
    /// when [`crate::mine::Mine`] marks it.
    pub fn decide(&mut self) {
        self.auth_kind = self.auth_type.as_deref().and_then(AuthKind::from_wire);
        self.auth_label = match (self.auth_kind, self.auth_type.as_deref()) {
            (Some(kind), _) => kind.label().to_owned(),
            (None, Some(other)) if !other.is_empty() => other.to_owned(),
            _ => "not reported by the tenant".to_owned(),
        };
        self.owner_label = match self.owner_label() {
            "" => "—".to_owned(),
            label => label.to_owned(),
        };
        let signs_in = self.auth_kind.is_none_or(AuthKind::signs_in);
        self.can_reconnect = signs_in && (self.mine || self.identity.is_empty());
    }
}

/// A folder whose connections could not be listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FolderError {
    pub folder: FolderSummary,
    pub error: ApiError,
}

/// Progress of a listing, in the order things happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum ListEvent {
    /// The folders are known; this many will be listed.
    Started {
        folders: usize,
    },
    /// One folder's connections.
    Folder {
        folder: FolderSummary,
        connections: Vec<ConnectionRow>,
    },
    FolderFailed(FolderError),
}

#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// A folder path: that folder and its subfolders.
    pub folder: Option<String>,
    pub connector: Option<String>,
    pub state: Option<ConnectionState>,
    /// Folders listed at once; 0 means [`DEFAULT_CONCURRENCY`].
    pub concurrency: usize,
    /// Who is asking: rows are marked `mine` by it.
    pub mine: crate::mine::Mine,
}

/// Every row and every folder error, sorted by folder path then name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Listing {
    pub connections: Vec<ConnectionRow>,
    pub errors: Vec<FolderError>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireFolder {
    key: String,
    fully_qualified_name: String,
    #[serde(default)]
    id: Option<i64>,
    #[serde(default)]
    is_personal: bool,
    #[serde(default)]
    folder_type: Option<String>,
    /// Invented by the sandbox: whether the caller may create connections
    /// here (the Automation User role may not). A real tenant leaves it out.
    #[serde(default, rename = "CanCreateConnections")]
    can_create_connections: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FolderPage {
    count: usize,
    page_items: Vec<WireFolder>,
}

#[derive(Debug, Default, Deserialize)]
struct WireConnector {
    #[serde(default)]
    key: String,
    #[serde(default)]
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireConnection {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    state: String,
    #[serde(default)]
    connector: Option<WireConnector>,
    #[serde(default)]
    connection_identity: Option<String>,
    #[serde(default)]
    is_default: bool,
    #[serde(default)]
    authentication_type: Option<String>,
    #[serde(default)]
    last_used_time: Option<String>,
    #[serde(default)]
    update_time: Option<String>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    shared_mailbox: Option<String>,
    #[serde(default)]
    secret_expires_at: Option<String>,
}

/// The live API answers a bare array; the Python SDK also accepts `{value}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ConnectionPage {
    Array(Vec<WireConnection>),
    OData { value: Vec<WireConnection> },
}

impl ConnectionPage {
    fn into_vec(self) -> Vec<WireConnection> {
        match self {
            Self::Array(v) | Self::OData { value: v } => v,
        }
    }
}

impl WireFolder {
    fn summary(&self) -> FolderSummary {
        FolderSummary {
            key: self.key.clone(),
            path: self.fully_qualified_name.clone(),
            personal: self.is_personal || self.folder_type.as_deref() == Some("Personal"),
            id: self.id,
        }
    }
}

fn row(c: WireConnection, folder: &FolderSummary) -> ConnectionRow {
    let connector = c.connector.unwrap_or_default();
    let mut row = ConnectionRow {
        id: c.id,
        name: c.name,
        connector_name: if connector.name.is_empty() {
            connector.key.clone()
        } else {
            connector.name
        },
        connector_key: connector.key,
        identity: c.connection_identity.unwrap_or_default(),
        owner_reported: c.owner.is_some(),
        owner: c.owner.unwrap_or_default(),
        mine: false,
        folder: folder.clone(),
        state: ConnectionState::parse(&c.state),
        is_default: c.is_default,
        auth_type: c.authentication_type,
        last_used: c.last_used_time,
        updated: c.update_time,
        scopes: c.scopes,
        shared_mailbox: c.shared_mailbox,
        secret_expires_at: c.secret_expires_at,
        auth_kind: None,
        auth_label: String::new(),
        owner_label: String::new(),
        can_reconnect: false,
    };
    row.decide();
    row
}

/// Every folder the signed-in account can see.
pub async fn folders(client: &TenantClient) -> Result<Vec<FolderSummary>, TenantError> {
    Ok(wire_folders(client)
        .await?
        .iter()
        .map(WireFolder::summary)
        .collect())
}

/// Every folder the signed-in account can see, with whether it may create
/// connections there (`None`: the tenant does not say).
pub(crate) async fn folders_with_create_permission(
    client: &TenantClient,
) -> Result<Vec<(FolderSummary, Option<bool>)>, TenantError> {
    Ok(wire_folders(client)
        .await?
        .iter()
        .map(|f| (f.summary(), f.can_create_connections))
        .collect())
}

/// The folders the signed-in account sees: `GetAllForCurrentUser` (with
/// personal workspaces), paged on `skip` until its `Count`. It answers a
/// confidential application signing in as itself with an empty list
/// (UiPathOrch's CHANGELOG, 1.11.5), so an empty answer is followed by
/// `/odata/Folders`, the folders the account is assigned to.
async fn wire_folders(client: &TenantClient) -> Result<Vec<WireFolder>, TenantError> {
    let mut out = vec![];
    loop {
        let query = [("take", PAGE.to_string()), ("skip", out.len().to_string())];
        let page: FolderPage = client
            .get_json(
                "orchestrator_/api/Folders/GetAllForCurrentUser",
                &query,
                None,
            )
            .await?;
        let got = page.page_items.len();
        out.extend(page.page_items);
        if got == 0 || out.len() >= page.count {
            break;
        }
    }
    if out.is_empty() {
        out = odata_folders(client).await?;
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
struct ODataPage<T> {
    value: Vec<T>,
}

/// `/odata/Folders`, paged with `$top`/`$skip` until a short page.
async fn odata_folders(client: &TenantClient) -> Result<Vec<WireFolder>, TenantError> {
    let mut out = vec![];
    loop {
        let query = [("$top", PAGE.to_string()), ("$skip", out.len().to_string())];
        let page: ODataPage<WireFolder> = client
            .get_json("orchestrator_/odata/Folders", &query, None)
            .await?;
        let got = page.value.len();
        out.extend(page.value);
        if got < PAGE {
            return Ok(out);
        }
    }
}

/// A connection as `GET Connections/{id}` (or creating one) answers it, shown
/// in `folder`.
pub(crate) fn row_from_json(
    value: serde_json::Value,
    folder: &FolderSummary,
) -> Result<ConnectionRow, serde_json::Error> {
    serde_json::from_value(value).map(|c| row(c, folder))
}

/// `path` itself or a folder below it, case-insensitively as Orchestrator compares.
pub(crate) fn in_folder(folder: &FolderSummary, path: &str) -> bool {
    let (f, p) = (
        folder.path.to_lowercase(),
        path.trim_matches('/').to_lowercase(),
    );
    f == p || f.starts_with(&format!("{p}/"))
}

async fn folder_connections(
    client: &TenantClient,
    folder: &FolderSummary,
    connector: Option<&str>,
) -> Result<Vec<ConnectionRow>, TenantError> {
    let mut rows = vec![];
    for page_index in 0.. {
        let mut query = vec![
            ("pageIndex", page_index.to_string()),
            ("pageSize", PAGE.to_string()),
        ];
        if let Some(key) = connector {
            query.push((
                "$filter",
                format!("connector/key eq '{}'", key.replace('\'', "''")),
            ));
        }
        let page: ConnectionPage = client
            .get_json("connections_/api/v1/Connections", &query, Some(&folder.key))
            .await?;
        let page = page.into_vec();
        let full = page.len() >= PAGE;
        rows.extend(page.into_iter().map(|c| row(c, folder)));
        if !full {
            break;
        }
    }
    Ok(rows)
}

/// One folder's connections, filtered and marked as `options` says (its
/// `folder` path is not consulted).
pub async fn list_folder(
    client: &TenantClient,
    folder: &FolderSummary,
    options: &ListOptions,
) -> Result<Vec<ConnectionRow>, TenantError> {
    let mut rows = folder_connections(client, folder, options.connector.as_deref()).await?;
    if let Some(state) = options.state {
        rows.retain(|r| r.state == state);
    }
    options.mine.mark(&mut rows);
    Ok(rows)
}

/// The first connection of `folder`, if any: enough to see whether the
/// tenant lets this account read connections and what a row carries.
pub async fn sample(
    client: &TenantClient,
    folder: &FolderSummary,
) -> Result<Vec<ConnectionRow>, TenantError> {
    let query = [("pageIndex", "0".to_owned()), ("pageSize", "1".to_owned())];
    let page: ConnectionPage = client
        .get_json("connections_/api/v1/Connections", &query, Some(&folder.key))
        .await?;
    Ok(page
        .into_vec()
        .into_iter()
        .map(|c| row(c, folder))
        .collect())
}

/// Lists connections across folders, reporting each folder as it completes.
/// Fails as a whole only when the folders themselves cannot be listed.
pub async fn list(
    client: &TenantClient,
    options: &ListOptions,
    mut on_event: impl FnMut(&ListEvent),
) -> Result<Listing, TenantError> {
    let mut visible = folders(client).await?;
    if let Some(path) = &options.folder {
        let all = visible.clone();
        visible.retain(|f| in_folder(f, path));
        if visible.is_empty() {
            let names: Vec<_> = all.iter().map(|f| f.path.as_str()).collect();
            return Err(TenantError::NotFound {
                message: format!(
                    "no folder {path:?} among the {} you can see ({}).",
                    all.len(),
                    names.join(", ")
                ),
            });
        }
    }
    on_event(&ListEvent::Started {
        folders: visible.len(),
    });

    let concurrency = if options.concurrency == 0 {
        DEFAULT_CONCURRENCY
    } else {
        options.concurrency
    };
    let mut results = futures::stream::iter(visible)
        .map(|folder| async move {
            let outcome = list_folder(client, &folder, options).await;
            (folder, outcome)
        })
        .buffer_unordered(concurrency);

    let mut listing = Listing::default();
    while let Some((folder, outcome)) = results.next().await {
        let event = match outcome {
            Ok(rows) => ListEvent::Folder {
                folder,
                connections: rows,
            },
            Err(e) => ListEvent::FolderFailed(FolderError {
                folder,
                error: e.into(),
            }),
        };
        on_event(&event);
        match event {
            ListEvent::Folder { connections, .. } => listing.connections.extend(connections),
            ListEvent::FolderFailed(e) => listing.errors.push(e),
            ListEvent::Started { .. } => {}
        }
    }
    if let Some(refused) = refused_everywhere(&listing, client) {
        return Err(refused);
    }
    listing
        .connections
        .sort_by(|a, b| (&a.folder.path, &a.name).cmp(&(&b.folder.path, &b.name)));
    listing
        .errors
        .sort_by(|a, b| a.folder.path.cmp(&b.folder.path));
    Ok(listing)
}

/// What to do when connections may not be read: a person's session lacks
/// Integration Service's scopes; an application can never have them.
pub(crate) fn read_scope_fix(application: bool) -> &'static str {
    if application {
        "IS.Connections.Read is a user scope on UiPath (Integration Service › API access): an application signing in as itself cannot read connections. Sign in as a person instead (connassist login, or Sign in in the app)."
    } else {
        "Add IS.Connections.Read and IS.Connectors.Read to the external application's user scopes (Admin › External Applications), then sign in again."
    }
}

/// Every folder refused its connections as forbidden: not a folder's
/// trouble but the account's (a token without Integration Service's scope),
/// said once, with what to do.
fn refused_everywhere(listing: &Listing, client: &TenantClient) -> Option<TenantError> {
    let first = listing.errors.first()?;
    let all_forbidden = listing.connections.is_empty()
        && listing
            .errors
            .iter()
            .all(|e| e.error.code == crate::error::ErrorCode::Forbidden);
    if !all_forbidden {
        return None;
    }
    let fix = read_scope_fix(client.is_application());
    Some(TenantError::Forbidden {
        message: format!(
            "none of the {} folders' connections may be read by this account ({}). {fix}",
            listing.errors.len(),
            first.error.message
        ),
    })
}

/// A delegated Outlook connection in Shared, owned by and acting as
/// `a@contoso.example`: what unit tests start from, changing only what they test.
#[cfg(test)]
pub(crate) fn sample_row(id: &str, name: &str, state: ConnectionState) -> ConnectionRow {
    ConnectionRow {
        id: id.into(),
        name: name.into(),
        connector_key: "uipath-microsoft-outlook365".into(),
        connector_name: "Outlook".into(),
        identity: "a@contoso.example".into(),
        owner: "a@contoso.example".into(),
        owner_reported: true,
        mine: false,
        folder: FolderSummary {
            key: "f".into(),
            path: "Shared".into(),
            personal: false,
            id: None,
        },
        state,
        is_default: false,
        auth_type: Some("OAuth2AuthorizationCode".into()),
        last_used: None,
        updated: None,
        scopes: None,
        shared_mailbox: None,
        secret_expires_at: None,
        auth_kind: Some(AuthKind::Delegated),
        auth_label: AuthKind::Delegated.label().into(),
        owner_label: "a@contoso.example".into(),
        can_reconnect: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_carries_its_decisions_for_the_ui_and_the_cli() {
        let mut row = sample_row("1", "n", ConnectionState::Failed);
        row.decide();
        assert_eq!(row.auth_kind, Some(AuthKind::Delegated));
        assert_eq!(row.auth_label, "Delegated (OAuth, acts as the user)");
        assert!(!row.can_reconnect, "someone else's delegated connection");
        row.mine = true;
        row.decide();
        assert!(row.can_reconnect, "my own delegated connection");
        row.auth_type = Some("OAuth2ClientCredentials".into());
        row.decide();
        assert_eq!(row.auth_label, "App-only (client secret)");
        assert!(!row.can_reconnect, "app-only: nobody signs in");
        row.auth_type = Some("ApiKey".into());
        row.decide();
        assert_eq!((row.auth_kind, row.auth_label.as_str()), (None, "ApiKey"));
        row.owner_reported = false;
        row.decide();
        assert_eq!(row.owner_label, OWNER_NOT_REPORTED);
    }

    #[test]
    fn a_folder_path_selects_the_folder_and_its_subfolders() {
        let f = |path: &str| FolderSummary {
            key: String::new(),
            path: path.into(),
            personal: false,
            id: None,
        };
        assert!(in_folder(&f("Finance"), "finance"));
        assert!(in_folder(&f("Finance/Payables"), "Finance"));
        assert!(in_folder(&f("Finance/Payables"), "/Finance/"));
        assert!(!in_folder(&f("FinanceOld"), "Finance"));
        assert!(!in_folder(&f("Shared"), "Finance"));
    }

    #[test]
    fn both_page_shapes_are_read_and_unknown_states_are_kept() {
        let array: ConnectionPage =
            serde_json::from_str(r#"[{"id":"1","state":"Enabled"}]"#).unwrap();
        let odata: ConnectionPage =
            serde_json::from_str(r#"{"value":[{"id":"2","state":"Reauthorizing"}]}"#).unwrap();
        let folder = FolderSummary {
            key: "k".into(),
            path: "Shared".into(),
            personal: false,
            id: None,
        };
        let rows: Vec<_> = array
            .into_vec()
            .into_iter()
            .chain(odata.into_vec())
            .map(|c| row(c, &folder))
            .collect();
        assert_eq!(rows[0].state, ConnectionState::Enabled);
        assert_eq!(rows[1].state, ConnectionState::Unknown);
        assert_eq!(rows[1].folder.path, "Shared");
    }
}
