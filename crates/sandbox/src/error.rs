//! The APIs' error shapes: Orchestrator's, Integration Service's and
//! OAuth's, each rendered as the API that raised it answers. Below every
//! route and the identity server, so raising an error needs nothing above.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::DbError;

/// An API error, rendered in the shape of the API that raised it.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
    pub www_authenticate: bool,
    /// Seconds, for a 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// Orchestrator: `{message, errorCode, traceId}`.
    pub fn orchestrator(status: StatusCode, error_code: i64, message: &str) -> Self {
        Self {
            status,
            body: json!({"message": message, "errorCode": error_code, "traceId": trace_id()}),
            www_authenticate: false,
            retry_after: None,
        }
    }

    /// Integration Service (Connection Service): `{code, message, traceId}`.
    pub fn connections(status: StatusCode, code: &str, message: &str) -> Self {
        Self {
            status,
            body: json!({"code": code, "message": message, "traceId": trace_id()}),
            www_authenticate: false,
            retry_after: None,
        }
    }

    /// OAuth 2.0 (RFC 6749 §5.2): `{error, error_description}`.
    pub fn oauth(status: StatusCode, error: &str, description: &str) -> Self {
        Self {
            status,
            body: json!({"error": error, "error_description": description}),
            www_authenticate: false,
            retry_after: None,
        }
    }

    pub(crate) fn unauthorized(message: &str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            body: json!({"message": message, "errorCode": 0, "traceId": trace_id()}),
            www_authenticate: true,
            retry_after: None,
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        tracing::error!(error = %e, "sandbox database error");
        Self::orchestrator(StatusCode::INTERNAL_SERVER_ERROR, 0, &e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if self.www_authenticate {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

pub(crate) fn trace_id() -> String {
    Uuid::new_v4().simple().to_string()
}
