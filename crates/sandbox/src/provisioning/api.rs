//! Why this exists: the tenant side of a reconnect, in Integration Service's
//! shapes (`{code, message, traceId}` errors): start a session, read it,
//! confirm or reject another account, cancel it. The caller must see the
//! connection (else 404 CNS1006, as for `Connections/{id}`), except that a
//! session creating a connection (which exists only once it completes) is
//! reachable by whoever started it.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use serde_json::Value;
use uuid::Uuid;

use super::{
    AuthSession, SessionClient, Stage, client_secret_record, complete, now_ms, session_record,
};
use crate::db::Db;
use crate::http::{ApiResult, Caller, Shared};
use crate::integration::{cns, find_visible};
use crate::model::AuthType;
use crate::oauth_client::{Exchanged, StepError};
use crate::providers::connector_scopes;
use crate::tokens::{ConnectionSecret, SecretKind};

/// `POST …/Connections/{id}/auth`.
pub async fn start_session(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (c, _, _, _) = find_visible(&state, &caller, &id)?;
    let how = match c.auth_type {
        AuthType::Delegated | AuthType::BringYourOwnApp => None,
        AuthType::ClientCredentials => Some("client credentials"),
        AuthType::ClientCertificate => Some("a client certificate"),
    };
    if let Some(how) = how {
        return Err(cns(
            StatusCode::BAD_REQUEST,
            "CNS1021",
            &format!(
                "This connection uses {how}; it is re-authenticated with new credentials, not a sign-in."
            ),
        ));
    }
    let id = Uuid::new_v4();
    // A BYO connection signs in again with the app it was created with.
    let client = match state.db().get::<ConnectionSecret>(&c.id.to_string())? {
        Some(secret) if secret.kind == SecretKind::ClientSecret => {
            let vault = &state.provisioning.vault;
            let sealed = secret
                .open(vault)
                .ok()
                .and_then(|plain| vault.seal(&client_secret_record(id), plain.as_bytes()).ok());
            secret.client_id.map(|client_id| SessionClient {
                client_id,
                tenant_id: secret.tenant_id,
                sealed_secret: sealed,
            })
        }
        _ => None,
    };
    let session = AuthSession {
        previous_identity: Some(c.identity.clone()).filter(|i| !i.is_empty()),
        previous_scopes: c.scopes.clone(),
        client,
        ..AuthSession::pending(
            id,
            c.id,
            &c.connector,
            caller.user.key,
            state.provisioning.session_lifetime,
            connector_scopes(&c.connector),
        )
    };
    state.db().transaction(|db| {
        // At most one session per connection in progress: the newest wins.
        for mut old in db.all_in::<AuthSession>(&c.id.to_string())? {
            if old.in_progress() {
                old.stage = Stage::Superseded;
                old.forget_secrets();
                db.put(&old)?;
            }
        }
        db.put(&session)
    })?;
    tracing::info!(session = %session.id, connection = %c.id, by = %caller.user.user_name, "reconnect started");
    Ok(Json(session.started(&state.origin)))
}

fn load_session(db: &Db, connection: Uuid, id: &str) -> ApiResult<AuthSession> {
    let found = match Uuid::parse_str(id) {
        Ok(id) => db.get::<AuthSession>(&id.to_string())?,
        Err(_) => None,
    };
    found.filter(|s| s.connection == connection).ok_or_else(|| {
        cns(
            StatusCode::NOT_FOUND,
            "CNS1006",
            &format!("No reconnect session {id} for connection {connection}."),
        )
    })
}

/// The session `session` of connection `id`, for this caller: the
/// connection must be visible to them, or, while a session creating it is
/// under way (it does not exist yet), they must be the one who started it.
fn find_session(
    state: &Shared,
    caller: &Caller,
    id: &str,
    session: &str,
) -> ApiResult<AuthSession> {
    match find_visible(state, caller, id) {
        Ok((c, _, _, _)) => load_session(&state.db(), c.id, session),
        Err(not_found) if not_found.status == StatusCode::NOT_FOUND => {
            let creating = Uuid::parse_str(id)
                .ok()
                .map(|id| load_session(&state.db(), id, session))
                .transpose()
                .ok()
                .flatten()
                .filter(|s| s.create.is_some() && s.started_by == caller.user.key);
            creating.ok_or(not_found)
        }
        Err(e) => Err(e),
    }
}

/// `GET …/Connections/{id}/auth/{session}`.
pub async fn session(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, session)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let s = find_session(&state, &caller, &id, &session)?;
    Ok(Json(s.json(now_ms())))
}

/// `DELETE …/Connections/{id}/auth/{session}`. Invented: the real API names
/// no way to cancel. A session in progress fails as `cancelled` and forgets
/// its secrets; its callback is refused from then on, so a consent finished
/// later in a forgotten window stores nothing. A finished session is
/// answered as it is (cancelling twice is cancelling once).
pub async fn cancel(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, session)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let s = find_session(&state, &caller, &id, &session)?;
    let db = state.db();
    // Re-read under the lock: the callback may have moved it on meanwhile.
    let mut s = db.get::<AuthSession>(&s.id.to_string())?.unwrap_or(s);
    if s.in_progress() {
        s.cancel();
        db.put(&s)?;
        tracing::info!(session = %s.id, by = %caller.user.user_name, "consent session cancelled");
    }
    Ok(Json(s.json(now_ms())))
}

/// `POST …/Connections/{id}/auth/{session}/confirm` with `{"accept": bool}`.
pub async fn confirm(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, session)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let found = find_session(&state, &caller, &id, &session)?;
    let accept = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["accept"].as_bool())
        .ok_or_else(|| {
            cns(
                StatusCode::BAD_REQUEST,
                "CNS1001",
                "Send {\"accept\": true} or {\"accept\": false}.",
            )
        })?;
    let rt = &state.provisioning;
    let vault = &rt.vault;
    let mut db = state.db();
    let mut s = load_session(&db, found.connection, &session)?;
    let now = now_ms();
    let status = s.status(now);
    if status != "needs_confirmation" {
        // Invented code: the public CNS list names none for this.
        return Err(cns(
            StatusCode::CONFLICT,
            "CNS1050",
            &format!("This reconnect is {status}, not waiting for a confirmation."),
        ));
    }
    let identity = s.identity.clone().unwrap_or_default();
    if accept {
        let sealed = s.sealed_tokens.clone().unwrap_or_default();
        match vault.open_json(&session_record(s.id), &sealed) {
            Ok(tokens) => {
                let x = Exchanged {
                    tokens,
                    identity: identity.clone(),
                    granted: s.granted.clone().unwrap_or_default(),
                };
                db.transaction(|db| complete(db, rt, &mut s, &x, None))?;
            }
            // Sealed by an earlier run of the sandbox: its key is gone.
            Err(e) => {
                s.fail(StepError::new(
                    "server_error",
                    None,
                    &format!("The tokens of this sign-in cannot be read ({e}); reconnect again."),
                ));
                db.put(&s)?;
            }
        }
    } else {
        s.fail(StepError::new(
            "identity_rejected",
            None,
            &format!(
                "The account {identity} was not accepted for this connection; nothing was changed."
            ),
        ));
        db.put(&s)?;
    }
    tracing::info!(session = %s.id, accept, "reconnect confirmation");
    Ok(Json(s.json(now)))
}
