//! Orchestrator's OData route for triggers (`ProcessSchedules`).

use super::*;

pub(super) fn schedule_dto(s: &Schedule, r: &Release) -> Value {
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

/// `ProcessSchedules`: the folder's triggers.
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
    odata("ProcessSchedules", filtered(items, clauses)?, params)
}
