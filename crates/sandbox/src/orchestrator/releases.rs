//! Orchestrator's OData route for processes (`Releases`) and their package requirements (`GetResources`).

use super::*;

pub(super) fn release_dto(r: &Release, folder: &Folder) -> Value {
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

pub(super) fn resources(
    db: &Db,
    r: &Release,
    folder: &Folder,
    profile: Profile,
) -> ApiResult<Vec<Value>> {
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

/// `Releases` and `Releases/…ListReleases`: the folder's processes.
pub(super) fn list(req: &Request<'_>) -> ApiResult<Json<Value>> {
    let Request {
        caller,
        headers,
        params,
        db,
        clauses,
        ..
    } = req;
    let folder = scoped_folder(db, caller, headers)?;
    let items = db
        .all_in::<Release>(&folder.key.to_string())?
        .iter()
        .map(|r| release_dto(r, &folder))
        .collect();
    odata("Releases", filtered(items, clauses)?, params)
}

/// `Releases(<id>)/…GetResources(processKey='<key>:<version>')`.
pub(super) fn resources_of(req: &Request<'_>, head: &str, tail: &str) -> ApiResult<Json<Value>> {
    let Request {
        state,
        caller,
        headers,
        db,
        ..
    } = req;
    let id = head
        .strip_prefix("Releases(")
        .and_then(|s| s.strip_suffix(')'))
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| {
            bad_request("Expected Releases(<id>)/…GetResources(processKey='<key>:<version>').")
        })?;
    let process_key = tail.strip_suffix("')").unwrap_or(tail);
    let folder = scoped_folder(db, caller, headers)?;
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
    Ok(Json(
        json!({"value": resources(db, &release, &folder, state.profile)?}),
    ))
}
