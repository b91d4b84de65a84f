//! Orchestrator's OData route for `Robots`.

use super::*;

/// `Robots`: in the folder named by the headers, else in every visible folder.
pub(super) fn list(req: &Request<'_>) -> ApiResult<Json<Value>> {
    let Request {
        caller,
        headers,
        params,
        db,
        clauses,
        ..
    } = req;
    let folder = match folder_ref(headers).map_err(|e| bad_request(&e))? {
        Some(_) => Some(scoped_folder(db, caller, headers)?),
        None => None,
    };
    let visible: Vec<_> = match folder {
        Some(_) => vec![],
        None => caller.visible_folders(db)?.iter().map(|f| f.key).collect(),
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
    odata("Robots", filtered(items, clauses)?, params)
}
