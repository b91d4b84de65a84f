//! Orchestrator's OData route for the current user (`Users/…GetCurrentUser[Extended]`).

use super::*;

pub(super) fn user_dto(u: &User) -> Value {
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

/// `Users/…GetCurrentUser`.
pub(super) fn current(req: &Request<'_>) -> ApiResult<Json<Value>> {
    let Request { caller, .. } = req;
    Ok(Json(user_dto(&caller.user)))
}

/// Not in the public swagger; what the official `uipath` CLI and
/// UiPathOrch read: `PersonalWorkspace` and the misspelt
/// `PersonalWorskpaceFeedId` (so on the wire: "ISSUE: TYPO" in
/// UiPathOrch's `OrchEntities.cs`).
pub(super) fn current_extended(req: &Request<'_>) -> ApiResult<Json<Value>> {
    let Request {
        caller, params, db, ..
    } = req;
    let mut user = user_dto(&caller.user);
    let workspace = db
        .all::<Folder>()?
        .into_iter()
        .find(|f| f.is_personal() && f.owner == Some(caller.user.key));
    user["PersonalWorkspace"] = workspace.as_ref().map(folder_dto).unwrap_or(Value::Null);
    user["PersonalWorskpaceFeedId"] = workspace.as_ref().map_or(Value::Null, |f| {
        json!(crate::scenario::key(&format!("feed/{}", f.key)))
    });
    Ok(Json(select(user, params)))
}
