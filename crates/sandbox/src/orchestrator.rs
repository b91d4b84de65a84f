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

fn user_dto(u: &User) -> Value {
    json!({
        "Id": u.id,
        "Key": u.key,
        "UserName": u.user_name,
        "Name": u.name,
        "Surname": u.surname,
        "FullName": format!("{} {}", u.name, u.surname).trim().to_owned(),
        "EmailAddress": u.email,
        "Type": match u.kind { UserKind::User => "User", UserKind::Robot => "Robot", UserKind::App => "DirectoryExternalApplication" },
        "IsActive": true,
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

fn release_dto(r: &Release, folder: &Folder) -> Value {
    json!({
        "Id": r.id,
        "Key": r.key,
        "Name": r.name,
        "ProcessKey": r.process_key,
        "ProcessVersion": r.process_version,
        "IsLatestVersion": true,
        "IsProcessDeleted": false,
        "Description": r.description,
        "ProcessType": "Process",
        "FeedId": crate::scenario::key("feed/tenant"),
        "JobPriority": "Normal",
        "SpecificPriorityValue": 45,
        "TargetFramework": "Portable",
        "RequiresUserInteraction": r.is_attended,
        "IsAttended": r.is_attended,
        "IsCompiled": true,
        "HiddenForAttendedUser": false,
        "RetentionAction": "Delete",
        "RetentionPeriod": 30,
        "StaleRetentionAction": "Delete",
        "StaleRetentionPeriod": 180,
        "Tags": [],
        "EntryPointPath": "Main.xaml",
        "OrganizationUnitId": folder.id,
        "OrganizationUnitFullyQualifiedName": folder.fully_qualified_name,
        "FolderKey": folder.key,
        "ResourceOverwrites": [],
    })
}

fn schedule_dto(s: &Schedule, r: &Release) -> Value {
    json!({
        "Id": s.id,
        "Key": s.key,
        "Enabled": s.enabled,
        "Name": s.name,
        "ReleaseId": r.id,
        "ReleaseKey": r.key,
        "ReleaseName": r.name,
        "PackageName": r.process_key,
        "RuntimeType": match s.runtime_type { RobotType::Unattended => "Unattended", RobotType::Attended => "Attended" },
        "StartProcessCron": s.cron.clone().unwrap_or_default(),
        "StartProcessCronSummary": s.cron.as_ref().map(|_| "Recurring").unwrap_or(""),
        "TimeZoneId": "UTC",
        "QueueDefinitionId": s.queue.as_ref().map(|_| s.id),
        "QueueDefinitionName": s.queue,
        "RunAsMe": false,
        "IsConnected": false,
        "StartStrategy": 1,
    })
}

fn robot_type(t: RobotType) -> &'static str {
    match t {
        RobotType::Unattended => "Unattended",
        RobotType::Attended => "Attended",
    }
}

/// `JobDto` of the swagger, with `FolderKey` (live jobs carry it: a `uip`
/// capture in UiPath/skills) and `ResourceOverwrites` as the swagger types
/// it, a JSON string keyed `"Connection.<binding key>"` (the same capture).
fn job_dto(j: &Job, r: &Release, robot: Option<&Robot>, folder: &Folder) -> Value {
    let unattended = j.job_type == RobotType::Unattended;
    let overwrites = (!j.overwrites.is_empty()).then(|| {
        let map: serde_json::Map<String, Value> = j
            .overwrites
            .iter()
            .map(|o| {
                (
                    format!("Connection.{}", o.binding),
                    json!({
                        "EntityDisplayName": o.connection_name,
                        "Level": 0,
                        "Properties": {"connectionId": o.connection, "folderKey": o.folder, "ConnectionId": o.connection},
                    }),
                )
            })
            .collect();
        Value::Object(map).to_string()
    });
    json!({
        "Id": j.id,
        "Key": j.key,
        "State": match j.state { JobState::Successful => "Successful", JobState::Faulted => "Faulted" },
        "JobPriority": "Normal",
        "SpecificPriorityValue": 45,
        "Type": robot_type(j.job_type),
        "RuntimeType": robot_type(j.job_type),
        "CreationTime": j.created.to_rfc3339(),
        "StartTime": j.created.to_rfc3339(),
        "EndTime": j.created.to_rfc3339(),
        "ReleaseName": r.name,
        "ProcessType": "Process",
        "Source": if unattended { "Trigger" } else { "Assistant" },
        "SourceType": if unattended { "Schedule" } else { "Agent" },
        "Info": j.info,
        "HostMachineName": robot.map(|r| r.name.clone()),
        "Robot": robot.map(|r| json!({"Id": r.id, "Name": r.name, "Type": robot_type(r.robot_type), "HostingType": "Standard"})),
        "Release": {"Id": r.id, "Key": r.key, "Name": r.name, "ProcessKey": r.process_key, "ProcessVersion": r.process_version},
        "ResourceOverwrites": overwrites,
        "OrganizationUnitId": folder.id,
        "OrganizationUnitFullyQualifiedName": folder.fully_qualified_name,
        "FolderKey": folder.key,
    })
}

fn resources(db: &Db, r: &Release, folder: &Folder, profile: Profile) -> ApiResult<Vec<Value>> {
    let folders = db.folders()?;
    let mut out = vec![];
    for (i, b) in r.bindings.iter().enumerate() {
        let connector = db.get::<Connector>(&b.connector)?;
        let connector_name = connector
            .map(|c| c.name)
            .unwrap_or_else(|| b.connector.clone());
        let (conn, configurable) = match &b.mode {
            BindingMode::Fixed { connection } => {
                (db.get::<Connection>(&connection.to_string())?, "Fixed")
            }
            BindingMode::ByUser => (None, "ByUser"),
        };
        let conn_folder = conn
            .as_ref()
            .and_then(|c| folders.iter().find(|f| f.key == c.folder));
        let (validation, error) = match (&b.mode, &conn, conn_folder) {
            (BindingMode::ByUser, _, _) => ("Success", None),
            (_, None, _) => ("Unknown", Some("The connection does not exist.")),
            (_, Some(_), Some(cf)) if cf.is_personal() && cf.key != folder.key => (
                "Unknown",
                Some("The connection is in a personal workspace."),
            ),
            _ => ("Success", None),
        };
        let id = conn.as_ref().map(|c| c.id.to_string());
        // `SubtypedPackageResource` as UiPathOrch reads it from live tenants
        // (`OrchEntities.cs`): `FolderId` a number, `IsOverwritable` a bool
        // whose meaning nothing public explains (sent as true throughout).
        let mut row = json!({
            "Id": i + 1,
            "ResourceId": id,
            "ResourceName": conn.as_ref().map(|c| c.name.clone()).unwrap_or(connector_name),
            "ResourceType": "Connection",
            "Comment": "",
            "ResourceKey": b.key,
            "FolderFullyQualifiedName": conn_folder.map(|f| f.fully_qualified_name.clone()),
            "FolderId": conn_folder.map_or(0, |f| f.id),
            "FolderType": conn_folder.map(folder_type),
            "FolderProvisionType": conn_folder.map(|_| "Automatic"),
            "ValidationResult": validation,
            "ValidationError": error,
            "IsOverwritable": true,
            "Properties": [
                {"Name": "ConnectionId", "Value": id, "DefaultValue": id, "IsExpression": false},
                {"Name": "Connector", "Value": b.connector, "DefaultValue": b.connector, "IsExpression": false},
            ],
            "Metadata": {
                "SubType": b.connector,
                "ActivityName": b.activities.join(", "),
                "BindingsVersion": "2.2",
                "SolutionsSupport": "true",
            },
        });
        if profile.has(Extension::ConfigurableField) {
            // Invented: no public source names the field that holds
            // "configurable by users".
            row["Configurable"] = json!(configurable);
            row["Metadata"]["Connector"] = json!(b.connector);
            row["Metadata"]["UseConnectionService"] = json!("True");
        }
        out.push(row);
    }
    Ok(out)
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

/// Listing jobs counts against the tenant's documented rate limit
/// ([`crate::rate_limit`]); a request over it is answered 429 with
/// `Retry-After` in whole seconds, in Orchestrator's error shape.
fn limit_jobs(state: &Shared, caller: &Caller) -> ApiResult<()> {
    let window = if caller.user.kind == UserKind::Robot {
        &state.jobs_limit.automation
    } else {
        &state.jobs_limit.people
    };
    window.admit(std::time::Instant::now()).map_err(|wait| {
        let mut e = ApiError::orchestrator(
            StatusCode::TOO_MANY_REQUESTS,
            1015,
            "Too many requests to list jobs: the tenant allows 100 a minute. Wait and try again.",
        );
        e.retry_after = Some(wait.as_secs().max(1));
        e
    })
}

/// A folder's jobs as `JobDto`s, newest first.
fn folder_jobs(db: &Db, folder: &Folder) -> ApiResult<Vec<Value>> {
    let releases = db.all_in::<Release>(&folder.key.to_string())?;
    let robots = db.all::<Robot>()?;
    let mut jobs = db.all_in::<Job>(&folder.key.to_string())?;
    jobs.sort_by_key(|j| std::cmp::Reverse(j.created));
    Ok(jobs
        .iter()
        .filter_map(|j| {
            let release = releases.iter().find(|r| r.key == j.release)?;
            let robot = robots.iter().find(|r| Some(r.key) == j.robot);
            Some(job_dto(j, release, robot, folder))
        })
        .collect())
}

/// `Jobs/UiPath.Server.Configuration.OData.GetByKey(identifier=…)` (not in the
/// public swagger; uipath-platform's `jobs.retrieve`): in the folder the
/// headers name, else in any the caller sees.
fn job_by_key(db: &Db, caller: &Caller, headers: &HeaderMap, key: &str) -> ApiResult<Value> {
    let folders = match folder_ref(headers).map_err(|e| bad_request(&e))? {
        Some(_) => vec![scoped_folder(db, caller, headers)?],
        None => caller.visible_folders(db)?,
    };
    for folder in &folders {
        if let Some(job) = folder_jobs(db, folder)?.into_iter().find(|j| {
            j["Key"]
                .as_str()
                .is_some_and(|k| k.eq_ignore_ascii_case(key))
        }) {
            return Ok(job);
        }
    }
    Err(ApiError::orchestrator(
        StatusCode::NOT_FOUND,
        1002,
        &format!("No job with the key {key} in the folders you can see."),
    ))
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

/// [`select`] on every item of an OData collection.
fn select_each(mut listed: Value, params: &HashMap<String, String>) -> Value {
    if let Some(items) = listed["value"].as_array_mut() {
        for item in items.iter_mut() {
            *item = select(std::mem::take(item), params);
        }
    }
    listed
}

const GET_RESOURCES: &str = "/UiPath.Server.Configuration.OData.GetResources(processKey='";

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
    match path.as_str() {
        // Personal workspaces are not among `/odata/Folders` (UiPathOrch reads
        // them from `/odata/PersonalWorkspaces` and the current user instead).
        "Folders" => odata(
            "Folders",
            filtered(
                caller
                    .visible_folders(&db)?
                    .iter()
                    .filter(|f| !f.is_personal())
                    .map(|f| with_create_permission(folder_dto(f), f, &caller, state.profile))
                    .collect(),
                &clauses,
            )?,
            &params,
        ),
        "Users/UiPath.Server.Configuration.OData.GetCurrentUser" => {
            Ok(Json(user_dto(&caller.user)))
        }
        // Not in the public swagger; what the official `uipath` CLI and
        // UiPathOrch read: `PersonalWorkspace` and the misspelt
        // `PersonalWorskpaceFeedId` (so on the wire: "ISSUE: TYPO" in
        // UiPathOrch's `OrchEntities.cs`).
        "Users/UiPath.Server.Configuration.OData.GetCurrentUserExtended" => {
            let mut user = user_dto(&caller.user);
            let workspace = db
                .all::<Folder>()?
                .into_iter()
                .find(|f| f.is_personal() && f.owner == Some(caller.user.key));
            user["PersonalWorkspace"] = workspace.as_ref().map(folder_dto).unwrap_or(Value::Null);
            user["PersonalWorskpaceFeedId"] = workspace.as_ref().map_or(Value::Null, |f| {
                json!(crate::scenario::key(&format!("feed/{}", f.key)))
            });
            Ok(Json(select(user, &params)))
        }
        "Releases" | "Releases/UiPath.Server.Configuration.OData.ListReleases" => {
            let folder = scoped_folder(&db, &caller, &headers)?;
            let items = db
                .all_in::<Release>(&folder.key.to_string())?
                .iter()
                .map(|r| release_dto(r, &folder))
                .collect();
            odata("Releases", filtered(items, &clauses)?, &params)
        }
        "ProcessSchedules" => {
            let folder = scoped_folder(&db, &caller, &headers)?;
            let releases: Vec<Release> = db.all_in::<Release>(&folder.key.to_string())?;
            let items = db
                .all_in::<Schedule>(&folder.key.to_string())?
                .iter()
                .filter_map(|s| {
                    releases
                        .iter()
                        .find(|r| r.key == s.release)
                        .map(|r| schedule_dto(s, r))
                })
                .collect();
            odata("ProcessSchedules", filtered(items, &clauses)?, &params)
        }
        "Robots" => {
            let folder = match folder_ref(&headers).map_err(|e| bad_request(&e))? {
                Some(_) => Some(scoped_folder(&db, &caller, &headers)?),
                None => None,
            };
            let visible: Vec<_> = match folder {
                Some(_) => vec![],
                None => caller.visible_folders(&db)?.iter().map(|f| f.key).collect(),
            };
            let machines = db.all::<Machine>()?;
            let users = db.all::<User>()?;
            let items = db
                .all::<Robot>()?
                .iter()
                .filter(|r| match &folder {
                    Some(f) => r.folders.contains(&f.key),
                    None => r.folders.iter().any(|k| visible.contains(k)),
                })
                .map(|r| {
                    let machine = machines.iter().find(|m| Some(m.key) == r.machine);
                    let user = users.iter().find(|u| u.key == r.user);
                    json!({
                        "Id": r.id,
                        "Key": r.key,
                        "Name": r.name,
                        "MachineName": machine.map(|m| m.name.clone()),
                        "MachineId": machine.map(|m| m.id),
                        "Username": user.map(|u| u.user_name.clone()),
                        "UserId": user.map(|u| u.id),
                        "Type": match r.robot_type { RobotType::Unattended => "Unattended", RobotType::Attended => "Attended" },
                        "ProvisionType": "Automatic",
                        "Description": "",
                    })
                })
                .collect();
            odata("Robots", filtered(items, &clauses)?, &params)
        }
        "Jobs" => {
            limit_jobs(&state, &caller)?;
            // Newest first, the order the real clients ask for; other orders are refused
            // rather than silently ignored.
            if let Some(order) = params.get("$orderby")
                && !order.eq_ignore_ascii_case("CreationTime desc")
            {
                return Err(bad_request(&format!(
                    "The sandbox orders jobs by \"CreationTime desc\" only, not {order:?}."
                )));
            }
            let folder = scoped_folder(&db, &caller, &headers)?;
            let items = folder_jobs(&db, &folder)?;
            let listed = odata("Jobs", filtered(items, &clauses)?, &params)?;
            Ok(Json(select_each(listed.0, &params)))
        }
        "Machines" => {
            let items = db
                .all::<Machine>()?
                .iter()
                .map(|m| json!({"Id": m.id, "Key": m.key, "Name": m.name, "Type": "Standard", "UnattendedSlots": m.unattended_slots, "NonProductionSlots": 0, "HeadlessSlots": 0}))
                .collect();
            odata("Machines", filtered(items, &clauses)?, &params)
        }
        other => {
            if let Some(identifier) = other
                .strip_prefix("Jobs/UiPath.Server.Configuration.OData.GetByKey(identifier=")
                .and_then(|s| s.strip_suffix(')'))
            {
                return job_by_key(&db, &caller, &headers, identifier.trim_matches('\''))
                    .map(|job| Json(select(job, &params)));
            }
            if let Some((head, tail)) = other.split_once(GET_RESOURCES) {
                let id = head
                    .strip_prefix("Releases(")
                    .and_then(|s| s.strip_suffix(')'))
                    .and_then(|s| s.parse::<i64>().ok())
                    .ok_or_else(|| {
                        bad_request(
                            "Expected Releases(<id>)/…GetResources(processKey='<key>:<version>').",
                        )
                    })?;
                let process_key = tail.strip_suffix("')").unwrap_or(tail);
                let folder = scoped_folder(&db, &caller, &headers)?;
                let release = db
                    .all_in::<Release>(&folder.key.to_string())?
                    .into_iter()
                    .find(|r| r.id == id)
                    .ok_or_else(|| {
                        ApiError::orchestrator(
                            StatusCode::NOT_FOUND,
                            1002,
                            "The process does not exist in this folder.",
                        )
                    })?;
                if process_key != format!("{}:{}", release.process_key, release.process_version) {
                    return Err(ApiError::orchestrator(
                        StatusCode::NOT_FOUND,
                        1002,
                        "No package with that key and version for this process.",
                    ));
                }
                return Ok(Json(
                    json!({"value": resources(&db, &release, &folder, state.profile)?}),
                ));
            }
            Err(ApiError::orchestrator(
                StatusCode::NOT_FOUND,
                0,
                &format!("The sandbox does not emulate /odata/{other}."),
            ))
        }
    }
}
