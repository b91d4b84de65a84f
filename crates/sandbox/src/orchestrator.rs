//! Orchestrator (`/{org}/{tenant}/orchestrator_`): folders, the current user,
//! processes (Releases) with their package requirements (GetResources),
//! triggers (ProcessSchedules), robots and machines, in the PascalCase OData
//! shapes of Orchestrator's swagger and of what cloud tenants return.
//!
//! Folder permissions are enforced: a caller sees the folders it is assigned
//! to and its own personal workspace, nothing else.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Json;
use serde_json::{Value, json};

use crate::db::Db;
use crate::http::{ApiError, ApiResult, Caller, Shared, find_folder, folder_ref};
use crate::model::*;
use crate::odata::{Clause, parse_filter};
use crate::profile::{Extension, Profile};

mod folders;
mod jobs;
mod machines;
mod releases;
mod robots;
mod schedules;
mod users;

type Params = Query<HashMap<String, String>>;

fn forbidden(message: String) -> ApiError {
    ApiError::orchestrator(StatusCode::FORBIDDEN, 0, &message)
}

fn bad_request(message: &str) -> ApiError {
    ApiError::orchestrator(StatusCode::BAD_REQUEST, 1001, message)
}

fn folder_type(f: &Folder) -> &'static str {
    if f.is_personal() {
        "Personal"
    } else {
        "Standard"
    }
}

/// `FolderDto` of the swagger (`/odata/Folders`).
pub fn folder_dto(f: &Folder) -> Value {
    json!({
        "Id": f.id,
        "Key": f.key,
        "DisplayName": f.display_name,
        "FullyQualifiedName": f.fully_qualified_name,
        "FullyQualifiedNameOrderable": f.fully_qualified_name,
        "Description": null,
        "FolderType": folder_type(f),
        "IsPersonal": f.is_personal(),
        "ProvisionType": "Automatic",
        "PermissionModel": "FineGrained",
        "ParentId": null,
        "ParentKey": f.parent_key,
        "IsActive": true,
        "FeedType": if f.is_personal() { "PersonalWorkspace" } else { "Processes" },
    })
}

/// `CurrentUserFolderDto` (`/api/Folders/GetAllForCurrentUser`): only these
/// fields ("the items carry only Key/DisplayName/FullyQualifiedName/
/// Description/FolderType/ParentId/ParentKey/Id": UiPathOrch's
/// `OrchEntities.cs`; swagger `PageResultDtoOfCurrentUserFolderDto`).
fn current_user_folder_dto(f: &Folder) -> Value {
    json!({
        "Id": f.id,
        "Key": f.key,
        "DisplayName": f.display_name,
        "FullyQualifiedName": f.fully_qualified_name,
        "Description": null,
        "FolderType": folder_type(f),
        "ParentId": null,
        "ParentKey": f.parent_key,
    })
}

/// `{@odata.context, @odata.count, value}` with `$top`/`$skip` applied.
fn odata(
    entity: &str,
    items: Vec<Value>,
    params: &HashMap<String, String>,
) -> ApiResult<Json<Value>> {
    let count = items.len();
    let number = |name: &str| -> ApiResult<Option<usize>> {
        params
            .get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| bad_request(&format!("{name} must be a whole number, not {v:?}.")))
            })
            .transpose()
    };
    let skip = number("$skip")?.unwrap_or(0);
    let top = number("$top")?.unwrap_or(usize::MAX);
    let value: Vec<Value> = items.into_iter().skip(skip).take(top).collect();
    Ok(Json(json!({
        "@odata.context": format!("$metadata#{entity}"),
        "@odata.count": count,
        "value": value,
    })))
}

fn filters(params: &HashMap<String, String>) -> ApiResult<Vec<Clause>> {
    params
        .get("$filter")
        .map(|f| parse_filter(f).map_err(|e| bad_request(&e)))
        .transpose()
        .map(Option::unwrap_or_default)
}

/// Applies `$filter` clauses to DTOs by their PascalCase properties.
fn filtered(items: Vec<Value>, clauses: &[Clause]) -> ApiResult<Vec<Value>> {
    if let Some(first) = items.first() {
        for c in clauses {
            let known = first
                .as_object()
                .is_some_and(|o| o.keys().any(|k| k.eq_ignore_ascii_case(&c.field)));
            if !known {
                return Err(bad_request(&format!(
                    "Cannot filter on {:?}: no such property.",
                    c.field
                )));
            }
        }
    }
    Ok(items
        .into_iter()
        .filter(|item| {
            clauses.iter().all(|c| {
                let value = item
                    .as_object()
                    .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(&c.field)))
                    .map(|(_, v)| v);
                match value {
                    Some(Value::String(s)) => c.matches(s),
                    Some(v) => c.matches(&v.to_string()),
                    None => false,
                }
            })
        })
        .collect())
}

/// The folder a folder-scoped call names; required.
fn scoped_folder(db: &Db, caller: &Caller, headers: &HeaderMap) -> ApiResult<Folder> {
    let reference = folder_ref(headers)
        .map_err(|e| bad_request(&e))?
        .ok_or_else(|| ApiError::orchestrator(StatusCode::BAD_REQUEST, 1101, "A folder is required for this action. Send X-UIPATH-OrganizationUnitId or X-UIPATH-FolderKey."))?;
    if let Some(f) = caller.find_visible_folder(db, &reference)? {
        return Ok(f);
    }
    let all = db.folders()?;
    if find_folder(&all, &reference).is_some() {
        Err(ApiError::orchestrator(
            StatusCode::FORBIDDEN,
            1100,
            "You do not have access to this folder. Ask an administrator to assign you to it.",
        ))
    } else {
        Err(ApiError::orchestrator(
            StatusCode::NOT_FOUND,
            1002,
            "The folder does not exist.",
        ))
    }
}

/// `GET /api/Folders/GetAllForCurrentUser?take&skip` → `{Count, PageItems}`,
/// personal workspaces included. A confidential application signing in as
/// itself gets an empty list ("the endpoint returns an empty list for them":
/// UiPathOrch CHANGELOG 1.11.5); `take` above 1000 is refused.
pub async fn folders_for_current_user(
    State(state): State<Shared>,
    caller: Caller,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    caller.require(&["OR.Folders.Read"]).map_err(forbidden)?;
    let folders = if caller.app_only() {
        vec![]
    } else {
        caller.visible_folders(&state.db())?
    };
    page_items(
        folders,
        &params,
        None,
        &caller,
        state.profile,
        current_user_folder_dto,
    )
}

/// `GET /api/FoldersNavigation/GetFoldersForCurrentUser?searchText&skip&take`,
/// what uipath-platform uses to turn a folder path into a key. External
/// applications are refused ("it is the /api/FoldersNavigation/* variants
/// that 403 for them": UiPathOrch's `OrchAPISession.cs`).
pub async fn folders_navigation(
    State(state): State<Shared>,
    caller: Caller,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    caller.require(&["OR.Folders.Read"]).map_err(forbidden)?;
    if caller.external_app() {
        return Err(forbidden(
            "Folder navigation is not available to external applications; use /api/Folders/GetAllForCurrentUser or /odata/Folders.".to_owned(),
        ));
    }
    let db = state.db();
    let search = params.get("searchText").map(|s| s.to_lowercase());
    page_items(
        caller.visible_folders(&db)?,
        &params,
        search.as_deref(),
        &caller,
        state.profile,
        folder_dto,
    )
}

/// A folder as the caller sees it. `CanCreateConnections` (whether the
/// caller's role there includes `Connections.Create`) is the sandbox's
/// invention, served by the extended profile only.
fn with_create_permission(mut dto: Value, f: &Folder, caller: &Caller, profile: Profile) -> Value {
    if profile.has(Extension::CanCreateConnectionsField) {
        dto["CanCreateConnections"] = json!(f.may_create_connections(caller.user.key));
    }
    dto
}

fn page_items(
    mut folders: Vec<Folder>,
    params: &HashMap<String, String>,
    search: Option<&str>,
    caller: &Caller,
    profile: Profile,
    dto: fn(&Folder) -> Value,
) -> ApiResult<Json<Value>> {
    if let Some(s) = search.filter(|s| !s.is_empty()) {
        folders.retain(|f| {
            f.display_name.to_lowercase().contains(s)
                || f.fully_qualified_name.to_lowercase().contains(s)
        });
    }
    folders.sort_by(|a, b| a.fully_qualified_name.cmp(&b.fully_qualified_name));
    let number = |name: &str, default: usize| -> ApiResult<usize> {
        params.get(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| bad_request(&format!("{name} must be a whole number.")))
        })
    };
    let (skip, take) = (number("skip", 0)?, number("take", 1000)?);
    if take > 1000 {
        return Err(bad_request("take must be 1000 or less."));
    }
    let count = folders.len();
    let items: Vec<Value> = folders
        .iter()
        .skip(skip)
        .take(take)
        .map(|f| with_create_permission(dto(f), f, caller, profile))
        .collect();
    Ok(Json(json!({"Count": count, "PageItems": items})))
}

fn robot_type(t: RobotType) -> &'static str {
    match t {
        RobotType::Unattended => "Unattended",
        RobotType::Attended => "Attended",
    }
}

/// `GET orchestrator_/api/status/version`, anonymous: what the official
/// `uipath` CLI reads before signing in to tell Automation Suite
/// (`deployment: "ServiceFabric"`) from Automation Cloud (a version with an
/// `-s<build>` suffix). The sandbox plays an Automation Cloud tenant, and
/// adds `sandbox` (which no tenant sends): its profile and the inventions it
/// serves, so a client turns an invented feature on only where it exists.
pub async fn status_version(State(state): State<Shared>) -> Json<Value> {
    let extensions: Vec<&str> = crate::profile::Extension::ALL
        .iter()
        .filter(|e| state.profile.has(**e))
        .map(|e| e.name())
        .collect();
    Json(json!({
        "version": "26.10.0-s212.1043",
        "timestamp": "2026-11-30T09:00:00Z",
        "deployment": null,
        "configsVersion": null,
        "sandbox": {"profile": state.profile.name(), "extensions": extensions},
    }))
}

/// `$select=A,B`: only those properties (OData annotations kept).
fn select(mut item: Value, params: &HashMap<String, String>) -> Value {
    let Some(wanted) = params.get("$select") else {
        return item;
    };
    let wanted: Vec<&str> = wanted.split(',').map(str::trim).collect();
    if let Some(object) = item.as_object_mut() {
        object
            .retain(|k, _| k.starts_with('@') || wanted.iter().any(|w| w.eq_ignore_ascii_case(k)));
    }
    item
}

const GET_RESOURCES: &str = "/UiPath.Server.Configuration.OData.GetResources(processKey='";

/// What every entity's route is given.
struct Request<'a> {
    state: &'a Shared,
    caller: &'a Caller,
    headers: &'a HeaderMap,
    params: &'a HashMap<String, String>,
    db: &'a Db,
    clauses: &'a [Clause],
}

/// Everything under `/odata/`: entity sets, and the function calls whose
/// paths hold parentheses (`Releases(1)/…GetResources(processKey='K:V')`).
pub async fn odata_route(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    Path(path): Path<String>,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    let needed: &[&str] = match path.split(['/', '(']).next().unwrap_or_default() {
        "Folders" => &["OR.Folders.Read"],
        "Users" => &["OR.Users.Read"],
        "Releases" => &["OR.Execution.Read"],
        "ProcessSchedules" | "Jobs" => &["OR.Jobs.Read"],
        "Robots" => &["OR.Robots.Read"],
        "Machines" => &["OR.Machines.Read"],
        _ => &[],
    };
    if !needed.is_empty() {
        caller.require(needed).map_err(forbidden)?;
    }
    let db = state.db();
    let clauses = filters(&params)?;
    let request = Request {
        state: &state,
        caller: &caller,
        headers: &headers,
        params: &params,
        db: &db,
        clauses: &clauses,
    };
    let req = &request;
    match path.as_str() {
        "Folders" => folders::list(req),
        "Users/UiPath.Server.Configuration.OData.GetCurrentUser" => users::current(req),
        "Users/UiPath.Server.Configuration.OData.GetCurrentUserExtended" => {
            users::current_extended(req)
        }
        "Releases" | "Releases/UiPath.Server.Configuration.OData.ListReleases" => {
            releases::list(req)
        }
        "ProcessSchedules" => schedules::list(req),
        "Robots" => robots::list(req),
        "Jobs" => jobs::list(req),
        "Machines" => machines::list(req),
        other => {
            if let Some(identifier) = other
                .strip_prefix("Jobs/UiPath.Server.Configuration.OData.GetByKey(identifier=")
                .and_then(|s| s.strip_suffix(')'))
            {
                return jobs::by_key(req, identifier);
            }
            if let Some((head, tail)) = other.split_once(GET_RESOURCES) {
                return releases::resources_of(req, head, tail);
            }
            Err(ApiError::orchestrator(
                StatusCode::NOT_FOUND,
                0,
                &format!("The sandbox does not emulate /odata/{other}."),
            ))
        }
    }
}
