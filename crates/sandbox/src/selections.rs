//! Attended connection selections: for a process whose binding is
//! "configurable by users", the connection each attended user runs it with.
//! The real platform keeps this choice in the Assistant / Robot service and
//! publishes no API for it, so this endpoint is the sandbox's own invention
//! (marked as such in the route and in `docs`): `GET` lists the caller's
//! choices, `PUT` makes one, `DELETE` forgets one.
//!
//! A choice is refused unless the binding is configurable by users, the
//! caller can see the process, and the connection is the caller's own (they
//! created it or it acts as them), of the binding's connector, and usable by
//! them (their workspace or a folder they belong to).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::Document;
use crate::http::{ApiError, ApiResult, Caller, Shared};
use crate::model::{BindingMode, Connection, Release, Selection};

fn bad(status: StatusCode, message: &str) -> ApiError {
    ApiError::orchestrator(status, 1101, message)
}

fn dto(s: &Selection) -> Value {
    json!({"releaseKey": s.release, "bindingKey": s.binding, "connectionId": s.connection, "updated": s.updated.to_rfc3339()})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    release_key: Uuid,
    binding_key: Uuid,
    /// `None` forgets the choice.
    connection_id: Option<Uuid>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    release_key: Option<Uuid>,
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    Query(filter): Query<Filter>,
) -> ApiResult<Json<Value>> {
    caller
        .require(&["OR.Execution.Read", "OR.Execution"])
        .map_err(|m| bad(StatusCode::FORBIDDEN, &m))?;
    let db = state.db();
    let mine: Vec<Value> = db
        .all_in::<Selection>(&caller.user.key.to_string())?
        .iter()
        .filter(|s| filter.release_key.is_none_or(|r| r == s.release))
        .map(dto)
        .collect();
    Ok(Json(json!({"value": mine})))
}

pub async fn choose(
    State(state): State<Shared>,
    caller: Caller,
    Json(choice): Json<Choice>,
) -> ApiResult<Json<Value>> {
    caller
        .require(&["OR.Execution.Read", "OR.Execution"])
        .map_err(|m| bad(StatusCode::FORBIDDEN, &m))?;
    let db = state.db();
    let visible = caller.visible_folders(&db)?;
    let release = db
        .get::<Release>(&choice.release_key.to_string())?
        .filter(|r| visible.iter().any(|f| f.key == r.folder))
        .ok_or_else(|| {
            bad(
                StatusCode::NOT_FOUND,
                "No such process in the folders you can see.",
            )
        })?;
    let binding = release
        .bindings
        .iter()
        .find(|b| b.key == choice.binding_key)
        .ok_or_else(|| {
            bad(
                StatusCode::NOT_FOUND,
                "The process has no such connection binding.",
            )
        })?;
    if binding.mode != BindingMode::ByUser {
        return Err(bad(
            StatusCode::BAD_REQUEST,
            "This binding is fixed in Package Requirements; only bindings configurable by users take a user's choice.",
        ));
    }
    let mut selection = Selection {
        user: caller.user.key,
        release: release.key,
        binding: binding.key,
        connection: Uuid::nil(),
        updated: Utc::now(),
    };
    let Some(connection_id) = choice.connection_id else {
        db.delete::<Selection>(&selection.id())?;
        return Ok(Json(
            json!({"releaseKey": release.key, "bindingKey": binding.key, "connectionId": null}),
        ));
    };
    let connection = db
        .get::<Connection>(&connection_id.to_string())?
        .filter(|c| visible.iter().any(|f| f.key == c.folder))
        .ok_or_else(|| {
            bad(
                StatusCode::NOT_FOUND,
                "No such connection in the folders you can see.",
            )
        })?;
    if connection.owner != caller.user.key
        && !connection.identity.eq_ignore_ascii_case(&caller.user.email)
    {
        return Err(bad(
            StatusCode::BAD_REQUEST,
            "Pick one of your own connections: an attended run acts as you.",
        ));
    }
    if connection.connector != binding.connector {
        return Err(bad(
            StatusCode::BAD_REQUEST,
            &format!(
                "The binding needs a {} connection, not {}.",
                binding.connector, connection.connector
            ),
        ));
    }
    selection.connection = connection.id;
    db.put(&selection)?;
    Ok(Json(dto(&selection)))
}
