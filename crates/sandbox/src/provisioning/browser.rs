//! Why this exists: the part of a reconnect (or a creation) a browser sees.
//! `authUrl` leads here (`/provisioning_/start`), on to the provider, back to
//! the callback, and ends on `/provisioning_/done`, the address the app's
//! embedded window watches for. Pages are small HTML; nothing here needs a
//! bearer token, so the session is found by its id (start) or by the `state`
//! it sent (callback). `/provisioning_/admin-consented` is where an
//! administrator lands after granting consent for the organisation.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use uuid::Uuid;

use super::{AuthSession, Runtime, Stage, callback_url, now_ms, session_record, settle};
use crate::db::{Db, DbResult};
use crate::html::{PAGE_STYLE, escape};
use crate::http::Shared;
use crate::oauth_client::{StepError, authorize_url, exchange};
use crate::providers::Provider;
use crate::secrets::{pkce_s256, random_token, sha256_hex};

fn page(status: StatusCode, title: &str, message: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"color-scheme\" content=\"light dark\">
<title>{0}</title><style>{PAGE_STYLE}</style></head><body><main><h1>{0}</h1><p id=\"message\" role=\"status\">{1}</p></main></body></html>",
            escape(title),
            escape(message)
        )),
    )
        .into_response()
}

fn found(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, "no-store"),
        ],
    )
        .into_response()
}

fn server_error(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "reconnect");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Reconnect failed",
        &e.to_string(),
    )
}

/// `GET /provisioning_/start?session=`: on to the provider.
pub async fn browser_start(
    State(state): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let rt = &state.provisioning;
    let db = state.db();
    let hit = match q.get("session").and_then(|s| Uuid::parse_str(s).ok()) {
        Some(id) => match db.get::<AuthSession>(&id.to_string()) {
            Ok(s) => s,
            Err(e) => return server_error(e),
        },
        None => None,
    };
    if hit.as_ref().is_some_and(AuthSession::was_cancelled) {
        return cancelled_page();
    }
    let Some(mut s) = hit.filter(|s| s.status(now_ms()) == "pending" && s.stage == Stage::Pending)
    else {
        return page(
            StatusCode::BAD_REQUEST,
            "Reconnect link expired",
            "This reconnect link is unknown, expired or already used. Start the reconnect again from Connections Assistant.",
        );
    };
    // Fresh per opening: the latest request is the one whose answer counts.
    let (state_value, verifier, nonce) = (random_token(), random_token(), random_token());
    let sealed = match rt.vault.seal_json(
        &session_record(s.id),
        &json!({"verifier": verifier, "nonce": nonce}),
    ) {
        Ok(sealed) => sealed,
        Err(e) => return server_error(e),
    };
    s.state_hash = Some(sha256_hex(&state_value));
    s.sealed_request = Some(sealed);
    if let Err(e) = db.put(&s) {
        return server_error(e);
    }
    // Only the client id goes into the request; no secret is opened here.
    let client = Provider {
        template: rt.provider.template.clone(),
        client_id: s.client_id(rt).to_owned(),
        client_secret: String::new(),
    };
    match authorize_url(
        &client,
        &s.requested,
        &callback_url(&state.origin),
        &state_value,
        &pkce_s256(&verifier),
        &nonce,
    ) {
        Ok(url) => found(url.as_str()),
        Err(e) => server_error(e),
    }
}

fn cancelled_page() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Sign-in cancelled",
        "This sign-in was cancelled in Connections Assistant, so its answer is refused and nothing was stored. Start again from the app if you still want to connect.",
    )
}

fn done_url(state: &Shared, s: &AuthSession) -> String {
    format!(
        "{}/provisioning_/done?session={}&status={}",
        state.origin,
        s.id,
        s.status(now_ms())
    )
}

fn find_by_state(db: &Db, state_value: &str) -> DbResult<Option<AuthSession>> {
    let hash = sha256_hex(state_value);
    Ok(db
        .all::<AuthSession>()?
        .into_iter()
        .find(|s| s.state_hash.as_deref() == Some(hash.as_str())))
}

/// What the callback checks before any HTTP call: `Ok` is the code, the
/// verifier, the nonce and the client to exchange the code as; `Err` the
/// failure to record.
fn check_answer(
    rt: &Runtime,
    s: &AuthSession,
    q: &HashMap<String, String>,
) -> Result<(String, String, String, Provider), StepError> {
    let t = &rt.provider.template;
    if let Some(issuer) = &t.issuer {
        match q.get("iss") {
            Some(iss) if iss != issuer => {
                return Err(StepError::new(
                    "iss_mismatch",
                    None,
                    &format!(
                        "The answer came from {iss:?}, not from {issuer:?} (a mix-up attack, or a misconfigured provider); nothing was stored."
                    ),
                ));
            }
            None if t.iss_parameter_supported => {
                return Err(StepError::new(
                    "iss_mismatch",
                    None,
                    "The provider always names itself in its answer (iss), but this answer does not; nothing was stored.",
                ));
            }
            _ => {}
        }
    }
    if let Some(error) = q.get("error") {
        return Err(StepError::oauth(
            error,
            q.get("error_description").map(String::as_str),
        ));
    }
    let Some(code) = q.get("code").filter(|c| !c.is_empty()) else {
        return Err(StepError::new(
            "invalid_request",
            None,
            "The provider's answer has neither a code nor an error.",
        ));
    };
    let request = s
        .sealed_request
        .as_deref()
        .and_then(|sealed| rt.vault.open_json(&session_record(s.id), sealed).ok())
        .ok_or_else(|| {
            StepError::new(
                "server_error",
                None,
                "This reconnect's request could not be read back; start again.",
            )
        })?;
    let text = |k: &str| request[k].as_str().unwrap_or_default().to_owned();
    Ok((
        code.clone(),
        text("verifier"),
        text("nonce"),
        s.provider(rt)?,
    ))
}

/// `GET /provisioning_/callback`: the provider's answer.
pub async fn callback(
    State(state): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let rt = &state.provisioning;
    let (mut s, answer) = {
        let db = state.db();
        let hit = match q.get("state").map(|v| find_by_state(&db, v)).transpose() {
            Ok(hit) => hit.flatten(),
            Err(e) => return server_error(e),
        };
        let Some(mut s) = hit else {
            return page(
                StatusCode::BAD_REQUEST,
                "Reconnect stopped",
                "This sign-in answer does not belong to any reconnect in progress. Nothing was changed.",
            );
        };
        if s.was_cancelled() {
            tracing::info!(session = %s.id, "an answer for a cancelled session was refused");
            return cancelled_page();
        }
        if s.stage != Stage::Pending {
            return page(
                StatusCode::BAD_REQUEST,
                "Reconnect stopped",
                "This sign-in answer was already used. Nothing was changed.",
            );
        }
        if s.status(now_ms()) == "expired" {
            return finish(&state, &s);
        }
        match check_answer(rt, &s, &q) {
            Err(mut error) => {
                tracing::info!(session = %s.id, code = %error.code, "reconnect failed at the provider");
                if error.code == "consent_required" {
                    error.admin_consent_url = s.admin_consent_url(rt, &state.origin);
                }
                s.fail(error);
                if let Err(e) = db.put(&s) {
                    return server_error(e);
                }
                return finish(&state, &s);
            }
            Ok(answer) => {
                // The state is single-use: a replayed answer finds nothing.
                s.stage = Stage::Exchanging;
                s.forget_secrets();
                if let Err(e) = db.put(&s) {
                    return server_error(e);
                }
                (s, answer)
            }
        }
    };
    let (code, verifier, nonce, provider) = answer;
    let result = exchange(
        &rt.http,
        &provider,
        &callback_url(&state.origin),
        &s.requested,
        &code,
        &verifier,
        &nonce,
    )
    .await;
    let mut db = state.db();
    // Re-read: a newer session may have replaced this one meanwhile.
    match db.get::<AuthSession>(&s.id.to_string()) {
        Ok(Some(now)) => s = now,
        Ok(None) => return server_error("the reconnect session disappeared"),
        Err(e) => return server_error(e),
    }
    if s.stage != Stage::Exchanging || s.status(now_ms()) == "expired" {
        return finish(&state, &s);
    }
    let stored = match result {
        Err(error) => {
            s.fail(error);
            db.put(&s)
        }
        Ok(x) => {
            // A BYO app's secret is kept for the connection (refreshes need it).
            let secret = s.client.as_ref().map(|_| provider.client_secret.as_str());
            settle(&mut db, rt, &mut s, &x, secret, state.profile)
        }
    };
    if let Err(e) = stored {
        return server_error(e);
    }
    tracing::info!(session = %s.id, status = s.status(now_ms()), "reconnect answered");
    finish(&state, &s)
}

/// Where the browser goes once a session has an outcome: the (invented)
/// done page in the extended profile, whose address the app's embedded
/// window closes on; otherwise the outcome is shown at the callback itself,
/// and clients learn it from the connection (its state and `updateTime`).
fn finish(state: &Shared, s: &AuthSession) -> Response {
    if state
        .profile
        .has(crate::profile::Extension::ConsentDonePage)
    {
        found(&done_url(state, s))
    } else {
        outcome_page(s)
    }
}

/// `GET /provisioning_/done?session=&status=`: where the browser ends in the
/// extended profile. The app's embedded window closes on this address; a
/// browser shows the page.
pub async fn done(
    State(state): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let s = q
        .get("session")
        .and_then(|id| Uuid::parse_str(id).ok())
        .and_then(|id| {
            state
                .db()
                .get::<AuthSession>(&id.to_string())
                .ok()
                .flatten()
        });
    match s {
        Some(s) => outcome_page(&s),
        None => page(
            StatusCode::NOT_FOUND,
            "Reconnect not found",
            "This reconnect is unknown. Return to Connections Assistant.",
        ),
    }
}

/// How a consent session ended, as a page a person reads.
fn outcome_page(s: &AuthSession) -> Response {
    let identity = s.identity.as_deref().unwrap_or("another account");
    let creating = s.create.is_some();
    let (title, message) = match s.status(now_ms()) {
        "completed" if creating => (
            "Connection created",
            format!(
                "The connection was created and signs in as {identity}. You can close this window."
            ),
        ),
        "completed" => (
            "Connection updated",
            format!("The connection now signs in as {identity}. You can close this window."),
        ),
        "needs_confirmation" => (
            "Confirm the account",
            format!(
                "You signed in as {identity}, but the connection used {}. Return to Connections Assistant to accept or reject the change; nothing changes until you do.",
                s.previous_identity.as_deref().unwrap_or("another account")
            ),
        ),
        "pending" => ("Reconnect in progress", "Return to the app.".to_owned()),
        other => (
            if creating {
                "Connection not created"
            } else {
                "Reconnect failed"
            },
            format!(
                "{} You can close this window and try again.",
                s.error.as_ref().map_or_else(
                    || format!("This reconnect is {other}."),
                    |e| e.message.clone()
                )
            ),
        ),
    };
    page(StatusCode::OK, title, &message)
}

/// Invented: a sandbox page, not Integration Service's.
/// `GET /provisioning_/admin-consented`: where the admin-consent page sends
/// the administrator back, with Entra's `admin_consent=True&tenant=&state=`
/// or `error=&error_description=`.
pub async fn admin_consented(Query(q): Query<HashMap<String, String>>) -> Response {
    if q.get("admin_consent")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return page(
            StatusCode::OK,
            "Consent granted",
            "The permissions were granted for everyone in the organisation. Go back to Connections Assistant and reconnect; you can close this window.",
        );
    }
    let why = q
        .get("error_description")
        .or_else(|| q.get("error"))
        .map_or("The administrator's answer says nothing.", String::as_str);
    page(
        StatusCode::OK,
        "Consent not granted",
        &format!(
            "{why} Nothing was granted; the reconnect will stop at the same place until an administrator accepts."
        ),
    )
}
