//! What every sandbox API shares: bearer-token authentication (the caller is
//! a user, a robot account or an app, looked up in the identity server's
//! grants), folder resolution from the headers the real clients send,
//! latency and fault injection. The state (`runtime`) and each API's error
//! body shape (`error`) live below it and are re-exported here.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::db::{Db, DbError};
// The state and the error shapes live below the routes; these paths stay.
pub(crate) use crate::error::trace_id;
pub use crate::error::{ApiError, ApiResult};
use crate::model::{Client, ClientKind, Folder, User};
pub use crate::runtime::{Shared, State};
use crate::secrets::sha256_hex;

/// What the documented profile answers on a route only the extended profile
/// serves: the platform's answer to a path it does not have.
pub async fn not_served() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"message": "Not Found", "traceId": trace_id()})),
    )
        .into_response()
}

/// The authenticated caller of an API request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub scope: String,
    /// The client the token was issued to: an external application's callers
    /// are held to the Integration Service API guide's rules for them.
    pub client: ClientKind,
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("Sign in first: this request has no bearer token.")
            })?;
        let db = state.db();
        let grant = crate::identity::access_grant(&db, &sha256_hex(token))?.ok_or_else(|| {
            ApiError::unauthorized(
                "The access token is expired, revoked or unknown. Refresh it or sign in again.",
            )
        })?;
        let user = db.get::<User>(&grant.user.to_string())?.ok_or_else(|| {
            ApiError::unauthorized("The account behind this token no longer exists.")
        })?;
        let client = db
            .get::<Client>(&grant.client_id)?
            .map_or(ClientKind::ExternalApp, |c| c.kind);
        Ok(Caller {
            user,
            scope: grant.scope,
            client,
        })
    }
}

impl Caller {
    /// Signed in through an external application (Admin › External
    /// Applications), as every token of Connections Assistant is.
    pub fn external_app(&self) -> bool {
        self.client == ClientKind::ExternalApp
    }

    /// A confidential application acting as itself (client credentials).
    pub fn app_only(&self) -> bool {
        self.user.kind == crate::model::UserKind::App
    }

    /// Checks that the token grants one of `any_of`; a granted `OR.Folders`
    /// covers `OR.Folders.Read`. The error names what to request.
    pub fn require(&self, any_of: &[&str]) -> Result<(), String> {
        let granted = |wanted: &str| {
            self.scope.split(' ').any(|g| {
                !g.is_empty()
                    && (g == wanted
                        || wanted
                            .strip_prefix(g)
                            .is_some_and(|rest| rest.starts_with('.')))
            })
        };
        if any_of.iter().any(|w| granted(w)) {
            Ok(())
        } else {
            Err(format!(
                "The access token lacks the {} scope. Sign in again requesting it; for an external application, add it to the application's scopes.",
                any_of.join(" or ")
            ))
        }
    }

    /// The visible folder `reference` names, if any, cloning only that one.
    pub fn find_visible_folder(
        &self,
        db: &Db,
        reference: &FolderRef,
    ) -> Result<Option<Folder>, DbError> {
        let all = db.folders()?;
        Ok(all
            .iter()
            .filter(|f| f.visible_to(self.user.key))
            .find(|f| folder_matches(f, reference))
            .cloned())
    }

    /// Folders this caller may see: members, and owners of a personal workspace.
    pub fn visible_folders(&self, db: &Db) -> Result<Vec<Folder>, DbError> {
        Ok(db
            .folders()?
            .iter()
            .filter(|f| f.visible_to(self.user.key))
            .cloned()
            .collect())
    }
}

/// A folder named by request headers, the way the real clients name one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderRef {
    Key(String),
    Id(i64),
    Path(String),
}

/// Reads `X-UIPATH-FolderKey` (preferred, as clients may send both),
/// `X-UIPATH-OrganizationUnitId`, `X-UIPATH-FolderPath` or
/// `X-UIPATH-FolderPath-Encoded` (Base64 of UTF-16LE). Header names are
/// case-insensitive. `Ok(None)`: no folder named.
pub fn folder_ref(headers: &HeaderMap) -> Result<Option<FolderRef>, String> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(key) = text("x-uipath-folderkey").filter(|k| !k.is_empty()) {
        return Ok(Some(FolderRef::Key(key.to_owned())));
    }
    if let Some(id) = text("x-uipath-organizationunitid").filter(|k| !k.is_empty()) {
        return id
            .parse()
            .map(|id| Some(FolderRef::Id(id)))
            .map_err(|_| format!("X-UIPATH-OrganizationUnitId must be a number, not {id:?}."));
    }
    if let Some(encoded) = text("x-uipath-folderpath-encoded").filter(|k| !k.is_empty()) {
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| "X-UIPATH-FolderPath-Encoded is not Base64.".to_owned())?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let path = String::from_utf16(&units)
            .map_err(|_| "X-UIPATH-FolderPath-Encoded is not UTF-16LE.".to_owned())?;
        return Ok(Some(FolderRef::Path(path)));
    }
    if let Some(path) = text("x-uipath-folderpath").filter(|k| !k.is_empty()) {
        return Ok(Some(FolderRef::Path(path.to_owned())));
    }
    Ok(None)
}

/// Finds the folder `reference` names among `folders` (those visible to the caller).
pub fn find_folder<'f>(folders: &'f [Folder], reference: &FolderRef) -> Option<&'f Folder> {
    folders.iter().find(|f| folder_matches(f, reference))
}

fn folder_matches(f: &Folder, reference: &FolderRef) -> bool {
    match reference {
        FolderRef::Key(k) => f.key.to_string().eq_ignore_ascii_case(k),
        FolderRef::Id(id) => f.id == *id,
        FolderRef::Path(p) => f.fully_qualified_name == *p,
    }
}

/// Latency (`--latency-ms`) on every response, and faults (`--faults`) on
/// API responses; the identity server is spared unless the spec says `on=`
/// otherwise, and the reconnect pages a browser opens (`/provisioning_`)
/// always are, so sign-in still works.
pub async fn latency_and_faults(
    axum::extract::State(state): axum::extract::State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use crate::faults::{Fault, error_response};
    let latency = state.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let path = request.uri().path().to_owned();
    let identity = path.starts_with("/identity_");
    if path.starts_with("/provisioning_") || !state.faults.spec().on.hits(identity) {
        return next.run(request).await;
    }
    let connections_api = path.contains("/connections_/");
    let spec = state.faults.spec();
    if let Some(forbid) = &spec.forbid
        && names_folder(&state, request.headers(), forbid)
    {
        let message =
            "You do not have access to this folder. Ask an administrator to assign you to it.";
        let error = if connections_api {
            ApiError::connections(StatusCode::FORBIDDEN, "CNS1045", message)
        } else {
            ApiError::orchestrator(StatusCode::FORBIDDEN, 1100, message)
        };
        return error.into_response();
    }
    if let Some(slow) = &spec.slow
        && names_folder(&state, request.headers(), slow)
    {
        tokio::time::sleep(spec.slow_by).await;
    }
    match state.faults.draw() {
        None => next.run(request).await,
        Some(Fault::Timeout) => {
            tokio::time::sleep(state.faults.spec().hang).await;
            next.run(request).await
        }
        Some(Fault::Truncated) => {
            let response = next.run(request).await;
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(0..bytes.len() / 2);
            let mut parts = parts;
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, axum::body::Body::from(half))
        }
        Some(other) => error_response(other)
            .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

/// Whether the request's folder headers name `folder` (its path, key or id).
fn names_folder(state: &State, headers: &HeaderMap, folder: &str) -> bool {
    match folder_ref(headers) {
        Ok(Some(FolderRef::Key(k))) => {
            k.eq_ignore_ascii_case(folder)
                || state.db().folders().is_ok_and(|all| {
                    all.iter().any(|f| {
                        f.key.to_string().eq_ignore_ascii_case(&k)
                            && f.fully_qualified_name.eq_ignore_ascii_case(folder)
                    })
                })
        }
        Ok(Some(FolderRef::Path(p))) => p.eq_ignore_ascii_case(folder),
        Ok(Some(FolderRef::Id(id))) => id.to_string() == *folder,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_folder_key_wins_over_a_path_sent_with_it() {
        let mut h = HeaderMap::new();
        h.insert("x-uipath-folderpath", HeaderValue::from_static("Shared"));
        h.insert("X-UIPATH-FolderKey", HeaderValue::from_static("abc"));
        assert_eq!(folder_ref(&h), Ok(Some(FolderRef::Key("abc".into()))));
    }

    #[test]
    fn an_encoded_path_is_utf16le_base64() {
        let mut h = HeaderMap::new();
        // What uipath-platform sends for "Fïnance/Sub".
        h.insert(
            "x-uipath-folderpath-encoded",
            HeaderValue::from_static("RgDvAG4AYQBuAGMAZQAvAFMAdQBiAA=="),
        );
        assert_eq!(
            folder_ref(&h),
            Ok(Some(FolderRef::Path("Fïnance/Sub".into())))
        );
    }

    #[test]
    fn a_non_numeric_unit_id_is_a_clear_error() {
        let mut h = HeaderMap::new();
        h.insert(
            "X-UIPATH-OrganizationUnitId",
            HeaderValue::from_static("Shared"),
        );
        assert!(folder_ref(&h).unwrap_err().contains("must be a number"));
    }
}
