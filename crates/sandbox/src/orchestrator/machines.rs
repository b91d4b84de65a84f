//! Orchestrator's OData route for `Machines`.

use super::*;

/// `Machines`.
pub(super) fn list(req: &Request<'_>) -> ApiResult<Json<Value>> {
    let Request {
        params,
        db,
        clauses,
        ..
    } = req;
    let items = db
        .all::<Machine>()?
        .iter()
        .map(|m| json!({"Id": m.id, "Key": m.key, "Name": m.name, "Type": "Standard", "UnattendedSlots": m.unattended_slots, "NonProductionSlots": 0, "HeadlessSlots": 0}))
        .collect();
    odata("Machines", filtered(items, clauses)?, params)
}
