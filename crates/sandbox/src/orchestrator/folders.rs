//! Orchestrator's OData route for `Folders`.

use super::*;

/// `Folders`: the caller's folders; personal workspaces are not among them
/// (UiPathOrch reads them from `/odata/PersonalWorkspaces` and the current
/// user instead).
pub(super) fn list(req: &Request<'_>) -> ApiResult<Json<Value>> {
    let Request {
        state,
        caller,
        params,
        db,
        clauses,
        ..
    } = req;
    odata(
        "Folders",
        filtered(
            caller
                .visible_folders(db)?
                .iter()
                .filter(|f| !f.is_personal())
                .map(|f| with_create_permission(folder_dto(f), f, caller, state.profile))
                .collect(),
            clauses,
        )?,
        params,
    )
}
