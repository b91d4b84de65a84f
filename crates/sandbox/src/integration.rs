//! Integration Service (`/{org}/{tenant}/connections_/api/v1`): the connector
//! catalogue and connections, in the camelCase shapes of the TypeScript and
//! Python SDKs. `Connections` answers a plain JSON array (as the live API does;
//! the Python SDK also accepts `{value}`), is scoped by `X-UIPATH-FolderKey`
//! (no folder: every folder the caller sees), pages with `pageIndex`/`pageSize`
//! or `$skip`/`$top`, and filters with the OData subset in [`crate::odata`].

use std::collections::HashMap;
use uuid::Uuid;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Json;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::http::{ApiError, ApiResult, Caller, Shared, folder_ref};
use crate::model::*;
use crate::odata::parse_filter;
use crate::profile::{Extension, Profile};

type Params = Query<HashMap<String, String>>;

const MAX_PAGE: usize = 1000;

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn state_name(s: ConnectionState) -> &'static str {
    match s {
        ConnectionState::Enabled => "Enabled",
        ConnectionState::Disabled => "Disabled",
        ConnectionState::Expired => "Expired",
        ConnectionState::Failed => "Failed",
    }
}

fn folder_json(f: &Folder) -> Value {
    // Both field sets seen in the wild: the browser capture's and the TS SDK's.
    json!({
        "key": f.key,
        "name": f.display_name,
        "path": f.fully_qualified_name,
        "displayName": f.display_name,
        "fullyQualifiedName": f.fully_qualified_name,
        "folderType": if f.is_personal() { "Personal" } else { "Standard" },
        "personalWorkspace": f.is_personal(),
        "id": f.id,
    })
}

fn connector_json(c: &Connector) -> Value {
    json!({"id": c.id, "key": c.key, "name": c.name, "lifeCycleStage": "GA"})
}

/// Who asks, which decides what a connection shows them.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// An external application: no owner, element instance id or polling
    /// interval (the API guide's "Get connections").
    pub external_app: bool,
    pub profile: Profile,
}

impl View {
    pub fn of(state: &Shared, caller: &Caller) -> Self {
        Self {
            external_app: caller.external_app(),
            profile: state.profile,
        }
    }
}

pub fn connection_json(
    c: &Connection,
    connector: Option<&Connector>,
    folder: &Folder,
    owner: Option<&User>,
    view: View,
) -> Value {
    let mut body = json!({
        "id": c.id,
        "name": c.name,
        "createTime": time(c.created),
        "updateTime": time(c.updated),
        "lastUsedTime": c.last_used.map(time),
        "state": state_name(c.state),
        "apiBaseUri": connector.map(|k| k.api_base_uri.clone()),
        "connector": connector.map(connector_json).unwrap_or_else(|| json!({"key": c.connector})),
        "isDefault": c.is_default,
        "connectionIdentity": c.identity,
        "folder": folder_json(folder),
        "elementVersion": "1.0.0",
        "disabledReason": c.failure.as_ref().filter(|_| c.state == ConnectionState::Disabled).map(|f| f.message.clone()),
        "byoaConnection": c.auth_type == AuthType::BringYourOwnApp,
    });
    if !view.external_app {
        body["owner"] = json!(owner.map(|u| u.email.clone()).unwrap_or_default());
        body["elementInstanceId"] = json!(c.element_instance_id);
        body["pollingIntervalInMinutes"] = json!(5);
    }
    if view.profile.has(Extension::ConnectionAuthDetails) {
        body["authenticationType"] = json!(c.auth_type.wire_name());
        body["scopes"] = json!(c.scopes);
        body["sharedMailbox"] = json!(c.shared_mailbox);
        body["secretExpiresAt"] = json!(c.secret_expires_at.map(time));
    }
    body
}

pub(crate) const READ_CONNECTIONS: &[&str] = &["IS.Connections.Read", "ConnectionService"];

pub(crate) fn require(caller: &Caller, scopes: &[&str]) -> ApiResult<()> {
    caller
        .require(scopes)
        .map_err(|m| cns(StatusCode::FORBIDDEN, "CNS1044", &m))
}

/// An Integration Service error answer (`{code, message, traceId}`).
pub(crate) fn cns(status: StatusCode, code: &str, message: &str) -> ApiError {
    ApiError::connections(status, code, message)
}

/// Invented: the public CNS list names no code for the sandbox failing itself.
pub(crate) const SERVER_ERROR: &str = "CNS1500";

/// Connections the caller may see, each with its folder, and what rendering them needs.
struct Visible {
    rows: Vec<(Connection, Folder)>,
    connectors: Vec<Connector>,
    users: Vec<User>,
}

/// `only`: one folder's connections (indexed), else every visible folder's.
fn visible_connections(
    state: &Shared,
    caller: &Caller,
    only: Option<&Folder>,
) -> ApiResult<Visible> {
    let db = state.db();
    let folders = match only {
        Some(f) => vec![f.clone()],
        None => caller.visible_folders(&db)?,
    };
    let connections = match only {
        Some(f) => db.all_in::<Connection>(&f.key.to_string())?,
        None => db.all::<Connection>()?,
    };
    let rows = connections
        .into_iter()
        .filter_map(|c| {
            folders
                .iter()
                .find(|f| f.key == c.folder)
                .cloned()
                .map(|f| (c, f))
        })
        .collect();
    Ok(Visible {
        rows,
        connectors: db.all::<Connector>()?,
        users: db.all::<User>()?,
    })
}

/// A connector as `GET Connectors` and `GET Connectors/{key}` both answer it
/// (uipath-typescript's `RawConnectorGetResponse`). `authentication.type` is
/// `oauth2` for every connector the sandbox has (the SDK's examples are
/// `oauth2`, `basic` and `apiKey`).
fn catalogue_json(k: &Connector, connection_count: usize, profile: Profile) -> Value {
    let mut body = json!({
        "id": k.id,
        "key": k.key,
        "name": k.name,
        "description": k.description,
        "isPrivate": false,
        "hasEvents": k.has_events,
        "lifeCycleStage": "GA",
        "tier": "Standard",
        "enabled": true,
        "authentication": {"type": "oauth2"},
        "connectionCount": connection_count,
    });
    if profile.has(Extension::ConnectionAuthDetails) {
        body["authenticationTypes"] = json!(
            k.auth_types
                .iter()
                .map(|a| a.wire_name())
                .collect::<Vec<_>>()
        );
        body["supportsSharedMailbox"] = json!(k.supports_shared_mailbox);
        body["preferSystemBrowser"] = json!(k.prefer_system_browser);
    }
    body
}

pub async fn connectors(State(state): State<Shared>, caller: Caller) -> ApiResult<Json<Value>> {
    require(&caller, &["IS.Connectors.Read", "ConnectionService"])?;
    let Visible {
        rows: connections,
        connectors,
        ..
    } = visible_connections(&state, &caller, None)?;
    Ok(Json(Value::Array(
        connectors
            .iter()
            .map(|k| {
                let count = connections
                    .iter()
                    .filter(|(c, _)| c.connector == k.key)
                    .count();
                catalogue_json(k, count, state.profile)
            })
            .collect(),
    )))
}

pub async fn connector(
    State(state): State<Shared>,
    caller: Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<Value>> {
    require(&caller, &["IS.Connectors.Read", "ConnectionService"])?;
    let Visible {
        rows: connections,
        connectors,
        ..
    } = visible_connections(&state, &caller, None)?;
    match connectors
        .iter()
        .find(|k| k.key == key || k.id.to_string() == key)
    {
        Some(k) => {
            let count = connections
                .iter()
                .filter(|(c, _)| c.connector == k.key)
                .count();
            Ok(Json(catalogue_json(k, count, state.profile)))
        }
        None => Err(cns(
            StatusCode::NOT_FOUND,
            "CNS1001",
            &format!("No connector {key:?}."),
        )),
    }
}

/// The fields `$filter` may name, as [`field_of`] reads them.
const FILTER_FIELDS: &[&str] = &[
    "name",
    "connector/key",
    "connectorkey",
    "state",
    "connectionidentity",
    "owner",
    "folder/key",
    "id",
];

fn field_of(field: &str, c: &Connection, f: &Folder, owner: Option<&User>) -> Option<String> {
    Some(match field {
        "name" => c.name.clone(),
        "connector/key" | "connectorkey" => c.connector.clone(),
        "state" => state_name(c.state).to_owned(),
        "connectionidentity" => c.identity.clone(),
        "owner" => owner.map(|u| u.email.clone()).unwrap_or_default(),
        "folder/key" => f.key.to_string(),
        "id" => c.id.to_string(),
        _ => return None,
    })
}

pub async fn connections(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    require(&caller, READ_CONNECTIONS)?;
    if caller.external_app() {
        external_app_folder_rule(&headers, &params)?;
    }
    let folder =
        match folder_ref(&headers).map_err(|e| cns(StatusCode::BAD_REQUEST, "CNS1001", &e))? {
            Some(reference) => {
                let found = caller.find_visible_folder(&state.db(), &reference)?;
                Some(found.ok_or_else(|| {
                    cns(
                        StatusCode::FORBIDDEN,
                        "CNS1045",
                        "You do not have access to this folder, or it does not exist.",
                    )
                })?)
            }
            None => None,
        };
    let view = View::of(&state, &caller);
    let Visible {
        mut rows,
        connectors,
        users,
    } = visible_connections(&state, &caller, folder.as_ref())?;
    if let Some(filter) = params.get("$filter").or_else(|| params.get("filter")) {
        let clauses =
            parse_filter(filter).map_err(|e| cns(StatusCode::BAD_REQUEST, "CNS1001", &e))?;
        for c in &clauses {
            if !FILTER_FIELDS.contains(&c.field.as_str()) {
                return Err(cns(
                    StatusCode::BAD_REQUEST,
                    "CNS1001",
                    &format!(
                        "Cannot filter connections on {:?}; use name, connector/key, state, connectionIdentity, owner or folder/key.",
                        c.field
                    ),
                ));
            }
        }
        rows.retain(|(c, f)| {
            let owner = users.iter().find(|u| u.key == c.owner);
            clauses
                .iter()
                .all(|cl| field_of(&cl.field, c, f, owner).is_some_and(|v| cl.matches(&v)))
        });
    }
    let number = |name: &str| -> ApiResult<Option<usize>> {
        params
            .get(name)
            .map(|v| {
                v.parse().map_err(|_| {
                    cns(
                        StatusCode::BAD_REQUEST,
                        "CNS1001",
                        &format!("{name} must be a whole number, not {v:?}."),
                    )
                })
            })
            .transpose()
    };
    let page_size = number("pageSize")?.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let skip = number("$skip")?.unwrap_or(0) + number("pageIndex")?.unwrap_or(0) * page_size;
    let top = number("$top")?.unwrap_or(page_size).min(page_size);
    let items = rows
        .iter()
        .skip(skip)
        .take(top)
        .map(|(c, f)| {
            let connector = connectors.iter().find(|k| k.key == c.connector);
            connection_json(
                c,
                connector,
                f,
                users.iter().find(|u| u.key == c.owner),
                view,
            )
        })
        .collect();
    Ok(Json(Value::Array(items)))
}

/// "External applications must target a single folder, identified by the
/// X-UIPATH-FolderKey header. A request that omits the header, or that sets
/// `allFolders` to `true`, returns `400 Bad Request`." (Integration Service
/// API guide, "Get connections"; "Get connection by ID" says the same of the
/// header.) The code is the Connection Service's `MissingFolderKey`.
fn external_app_folder_rule(
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> ApiResult<()> {
    let all = params
        .get("allFolders")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let key = headers
        .get("x-uipath-folderkey")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.trim().is_empty());
    if all {
        return Err(cns(
            StatusCode::BAD_REQUEST,
            "CNS1043",
            "allFolders is not supported for external applications: list one folder at a time, naming it with X-UIPATH-FolderKey.",
        ));
    }
    if !key {
        return Err(cns(
            StatusCode::BAD_REQUEST,
            "CNS1043",
            "External applications must target a single folder: send its key in the X-UIPATH-FolderKey header.",
        ));
    }
    Ok(())
}

pub(crate) fn find_visible(
    state: &Shared,
    caller: &Caller,
    id: &str,
) -> ApiResult<(Connection, Folder, Option<Connector>, Option<User>)> {
    require(caller, READ_CONNECTIONS)?;
    // One connection by its key, not every connection: a bulk health check
    // pings thousands, each through here.
    let db = state.db();
    let found = match Uuid::parse_str(id) {
        Ok(key) => db.get::<Connection>(&key.to_string())?,
        Err(_) => None,
    };
    let folder = |c: &Connection| {
        db.folders().map(|all| {
            all.iter()
                .find(|f| f.key == c.folder && f.visible_to(caller.user.key))
                .cloned()
        })
    };
    // Not visible and not existing look the same: no leak of other folders' ids.
    let not_found = || {
        cns(
            StatusCode::NOT_FOUND,
            "CNS1006",
            &format!("Connection {id} was not found, or you cannot see its folder."),
        )
    };
    let c = found.ok_or_else(not_found)?;
    let f = folder(&c)?.ok_or_else(not_found)?;
    let connector = db.get::<Connector>(&c.connector)?;
    let owner = db.get::<User>(&c.owner.to_string())?;
    Ok((c, f, connector, owner))
}

pub async fn connection(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    if caller.external_app() {
        external_app_folder_rule(&headers, &HashMap::new())?;
    }
    let (c, f, connector, owner) = find_visible(&state, &caller, &id)?;
    in_named_folder(&headers, &f, &id)?;
    Ok(Json(connection_json(
        &c,
        connector.as_ref(),
        &f,
        owner.as_ref(),
        View::of(&state, &caller),
    )))
}

/// A connection asked for in a folder (a folder header) must be in it: the
/// same answer as for one that does not exist.
pub(crate) fn in_named_folder(headers: &HeaderMap, folder: &Folder, id: &str) -> ApiResult<()> {
    let named = folder_ref(headers).map_err(|e| cns(StatusCode::BAD_REQUEST, "CNS1001", &e))?;
    match named {
        Some(reference)
            if crate::http::find_folder(std::slice::from_ref(folder), &reference).is_none() =>
        {
            Err(cns(
                StatusCode::NOT_FOUND,
                "CNS1006",
                &format!("Connection {id} was not found in the folder the request names."),
            ))
        }
        _ => Ok(()),
    }
}
