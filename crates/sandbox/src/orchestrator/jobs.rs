//! Orchestrator's OData route for `Jobs`, their rate limit and `GetByKey`.

use super::*;

/// `JobDto` of the swagger, with `FolderKey` (live jobs carry it: a `uip`
/// capture in UiPath/skills) and `ResourceOverwrites` as the swagger types
/// it, a JSON string keyed `"Connection.<binding key>"` (the same capture).
pub(super) fn job_dto(j: &Job, r: &Release, robot: Option<&Robot>, folder: &Folder) -> Value {
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

/// Listing jobs counts against the tenant's documented rate limit
/// ([`crate::rate_limit`]); a request over it is answered 429 with
/// `Retry-After` in whole seconds, in Orchestrator's error shape.
pub(super) fn limit_jobs(state: &Shared, caller: &Caller) -> ApiResult<()> {
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
pub(super) fn folder_jobs(db: &Db, folder: &Folder) -> ApiResult<Vec<Value>> {
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
pub(super) fn job_by_key(
    db: &Db,
    caller: &Caller,
    headers: &HeaderMap,
    key: &str,
) -> ApiResult<Value> {
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

/// [`select`] on every item of an OData collection.
pub(super) fn select_each(mut listed: Value, params: &HashMap<String, String>) -> Value {
    if let Some(items) = listed["value"].as_array_mut() {
        for item in items.iter_mut() {
            *item = select(std::mem::take(item), params);
        }
    }
    listed
}

/// `Jobs`: the folder's jobs, newest first, within the tenant's rate limit.
pub(super) fn list(req: &Request<'_>) -> ApiResult<Json<Value>> {
    let Request {
        state,
        caller,
        headers,
        params,
        db,
        clauses,
    } = req;
    limit_jobs(state, caller)?;
    // Newest first, the order the real clients ask for; other orders are refused
    // rather than silently ignored.
    if let Some(order) = params.get("$orderby")
        && !order.eq_ignore_ascii_case("CreationTime desc")
    {
        return Err(bad_request(&format!(
            "The sandbox orders jobs by \"CreationTime desc\" only, not {order:?}."
        )));
    }
    let folder = scoped_folder(db, caller, headers)?;
    let items = folder_jobs(db, &folder)?;
    let listed = odata("Jobs", filtered(items, clauses)?, params)?;
    Ok(Json(select_each(listed.0, params)))
}

/// `Jobs/…GetByKey(identifier='<key>')`.
pub(super) fn by_key(req: &Request<'_>, identifier: &str) -> ApiResult<Json<Value>> {
    let Request {
        caller,
        headers,
        params,
        db,
        ..
    } = req;
    job_by_key(db, caller, headers, identifier.trim_matches('\''))
        .map(|job| Json(select(job, params)))
}
