//! The HTTP client for a tenant's APIs (UiPath or the sandbox). GET requests
//! are idempotent, so they are retried on "try later" answers, transport
//! failures and answers that cannot be read (cut off, or not JSON at all)
//! ([`crate::retry`]); everything else fails once, with an error that says
//! what happened and what to do. Redirects are not followed (a token must
//! not be replayed to wherever a server points), and every request has a
//! timeout so a stalled tenant cannot hang a listing; it grows after each
//! attempt that ran out of time, so a slow folder is waited for, not lost.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::auth::session::AppSession;
use crate::auth::token_session::TokenSession;
use crate::auth::{BearerSource, FixedToken};
use crate::error::{ApiError, ErrorCode};
use crate::retry::{RetryPolicy, retry_after, retryable_status};
use crate::secret::Secret;
use crate::tenant_url::TenantUrl;
use std::sync::Arc;

pub use crate::retry::{CONNECT_TIMEOUT, REQUEST_TIMEOUT};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantError {
    #[error("The tenant did not accept the session ({message}). Sign in again.")]
    Unauthorized { message: String },
    #[error("Not allowed: {message}")]
    Forbidden { message: String },
    #[error("Not found: {message}")]
    NotFound { message: String },
    #[error("The tenant answered HTTP {status} to {path}: {message}{}", what_to_do(*status))]
    Http {
        status: u16,
        path: String,
        message: String,
    },
    #[error(
        "Cannot reach {host}: {reason}. Check the address, your network and any proxy, then try again."
    )]
    Unreachable { host: String, reason: String },
    #[error(
        "The tenant's answer to {path} could not be read ({reason}). Try again; if it persists, the tenant may be on a version we do not know."
    )]
    Malformed { path: String, reason: String },
}

/// What to do about an HTTP failure, for the statuses that say more than "no".
fn what_to_do(status: u16) -> &'static str {
    match status {
        429 => {
            ". The tenant is limiting how fast it is asked: wait a minute, then try again with fewer requests at once (e.g. a lower --concurrency)."
        }
        500 | 502 | 503 | 504 => {
            ". The tenant had a problem on its side: try again in a few minutes; if it persists, check https://status.uipath.com or tell your UiPath administrator."
        }
        _ => "",
    }
}

impl TenantError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthorized { .. } => ErrorCode::Unauthorized,
            Self::Forbidden { .. } => ErrorCode::Forbidden,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Unreachable { .. } => ErrorCode::Unreachable,
            Self::Http { .. } | Self::Malformed { .. } => ErrorCode::TenantError,
        }
    }
}

impl From<TenantError> for ApiError {
    fn from(e: TenantError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

/// Where the bearer token comes from: fixed (the in-process sandbox, tests),
/// a signed-in session that can refresh, or an application that signs in
/// again with its client credentials.
#[derive(Debug)]
pub struct TenantClient {
    http: reqwest::Client,
    tenant: TenantUrl,
    token: Arc<dyn BearerSource>,
    retry: RetryPolicy,
    requests: AtomicU64,
    /// Set when the tenant asks to slow down (429 with `Retry-After`), per
    /// route ([`route`]): every request of this client to that route waits
    /// until then, not only the one refused, so a bulk run slows down as a
    /// whole instead of failing row after row. Other routes go on: the
    /// platform limits endpoints separately (Orchestrator's `Jobs` listing
    /// at 100 a minute per tenant), and a limited audit must not stall the
    /// connection list the user is waiting for.
    paused_until: std::sync::Mutex<HashMap<String, tokio::time::Instant>>,
    /// Answers that said 429 (too many requests), for benchmarks and logs.
    throttled: AtomicU64,
}

/// A tenant's answer to a request sent once ([`TenantClient::post_once`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// What the tenant said: its error body's message, else the start of the body.
    pub fn message(&self) -> String {
        error_message(&self.body)
    }
}

/// The message a UiPath API put in its error body, else the start of the body.
fn error_message(body: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        for field in ["message", "error_description", "error"] {
            if let Some(text) = json
                .get(field)
                .and_then(|v| v.as_str())
                .filter(|t| !t.is_empty())
            {
                return text.to_owned();
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "no details given".to_owned()
    } else {
        text.chars().take(200).collect()
    }
}

/// `d` as people read it: "30 s", "0.6 s".
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// Why a request got no whole answer; `waited` is how long it was given.
fn transport_reason(e: &reqwest::Error, waited: Duration) -> String {
    if e.is_timeout() {
        return format!("no answer within {}", seconds(waited));
    }
    // The innermost cause names the real problem (refused, DNS, certificate…).
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let what = if e.is_connect() {
        "the connection failed"
    } else {
        "the request failed"
    };
    format!("{what}: {cause}")
}

impl TenantClient {
    pub fn new(tenant: TenantUrl, token: Secret<String>) -> Result<Self, TenantError> {
        Self::build(tenant, Arc::new(FixedToken(token)))
    }

    /// A client whose token comes from `session`: refreshed before it expires,
    /// and once more when the tenant answers 401 anyway.
    pub fn with_session(
        tenant: TenantUrl,
        session: Arc<TokenSession>,
    ) -> Result<Self, TenantError> {
        Self::build(tenant, session)
    }

    /// A client for an application signed in with client credentials: it
    /// signs in again before its token runs out, and once more on a 401.
    pub fn with_app(tenant: TenantUrl, app: Arc<AppSession>) -> Result<Self, TenantError> {
        Self::build(tenant, app)
    }

    /// A client whose token comes from any [`BearerSource`].
    pub fn with_bearer(
        tenant: TenantUrl,
        token: Arc<dyn BearerSource>,
    ) -> Result<Self, TenantError> {
        Self::build(tenant, token)
    }

    fn build(tenant: TenantUrl, token: Arc<dyn BearerSource>) -> Result<Self, TenantError> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ConnectionsAssistant/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TenantError::Unreachable {
                host: tenant.host.clone(),
                reason: transport_reason(&e, REQUEST_TIMEOUT),
            })?;
        Ok(Self {
            http,
            tenant,
            token,
            retry: RetryPolicy::default(),
            requests: AtomicU64::new(0),
            paused_until: std::sync::Mutex::new(HashMap::new()),
            throttled: AtomicU64::new(0),
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn tenant(&self) -> &TenantUrl {
        &self.tenant
    }

    /// Whether an application signed in as itself (client credentials)
    /// holds the token: what it cannot do is explained differently from
    /// what a person lacks.
    pub fn is_application(&self) -> bool {
        self.token.is_application()
    }

    async fn bearer(&self) -> Result<Secret<String>, TenantError> {
        self.token
            .access_token()
            .await
            .map_err(|message| TenantError::Unauthorized { message })
    }

    /// Waits while the tenant has asked requests to `route` to hold back.
    async fn wait_out_pause(&self, route: &str) {
        let until = self
            .paused_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(route)
            .copied();
        if let Some(until) = until
            && until > tokio::time::Instant::now()
        {
            tokio::time::sleep_until(until).await;
        }
    }

    /// Holds every request to `route` back for `Retry-After` seconds (capped
    /// like a retry's wait; 1 s when the tenant names no time).
    fn pause_for(&self, route: &str, retry_after_secs: Option<u64>) {
        let wait =
            Duration::from_secs(retry_after_secs.unwrap_or(1)).min(self.retry.max_retry_after);
        let until = tokio::time::Instant::now() + wait;
        let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        let slot = paused.entry(route.to_owned()).or_insert(until);
        if *slot < until {
            *slot = until;
        }
        tracing::debug!(
            ?wait,
            route,
            "the tenant asked to slow down: requests to this route wait"
        );
    }

    /// The request never got a whole answer (connection, timeout, a body cut
    /// off) within `waited`.
    fn unreachable(&self, e: &reqwest::Error, waited: Duration) -> TenantError {
        TenantError::Unreachable {
            host: self.tenant.host.clone(),
            reason: transport_reason(e, waited),
        }
    }

    /// A fresh token after the tenant rejected `rejected` (an expired
    /// session or application token); `None` when the client holds a fixed
    /// token that cannot be renewed.
    async fn refreshed(
        &self,
        rejected: &Secret<String>,
    ) -> Option<Result<Secret<String>, TenantError>> {
        let renewed = self.token.refresh_after_rejection(rejected)?;
        Some(
            renewed
                .await
                .map_err(|message| TenantError::Unauthorized { message }),
        )
    }

    /// Answers so far that said 429 (too many requests).
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    /// HTTP requests sent so far, retries included.
    pub fn requests_made(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// GETs `path` (relative to the tenant URL) as JSON, scoped to a folder by
    /// its key when given, retrying what may succeed later.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        folder_key: Option<&str>,
    ) -> Result<T, TenantError> {
        self.send_json(Method::GET, path, query, folder_key, None)
            .await
    }

    /// PUTs `body` as JSON to `path`. Retried like a GET: a PUT is idempotent.
    pub async fn put_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, TenantError> {
        self.send_json(Method::PUT, path, &[], None, Some(body))
            .await
    }

    /// POSTs `body` as JSON to `path`. Retried like a GET: the POSTs this client
    /// sends (starting or confirming a reconnect) are safe to repeat.
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, TenantError> {
        self.send_json(Method::POST, path, &[], None, Some(body))
            .await
    }

    /// POSTs `body` as JSON to `path` in a folder (`X-UIPATH-FolderKey`), as
    /// Integration Service's folder-scoped calls take it. Retried like a GET.
    pub async fn post_json_in<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
        folder_key: &str,
    ) -> Result<T, TenantError> {
        self.send_json(Method::POST, path, &[], Some(folder_key), Some(body))
            .await
    }

    /// DELETEs `path`. Retried like a GET: deleting twice is deleting once.
    pub async fn delete_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, TenantError> {
        self.send_json(Method::DELETE, path, &[], None, None).await
    }

    /// POSTs `body` as JSON to `path` exactly once: for requests that are not
    /// safe to repeat (creating a connection), so a lost answer is reported,
    /// never retried into a duplicate. An expired session is still refreshed
    /// once on a 401. Any answer the tenant gave comes back with its status and
    /// body, so the caller can read an error body's codes; only transport
    /// failures and a rejected session are errors.
    pub async fn post_once(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Answer, TenantError> {
        let url = format!("{}/{}", self.tenant.url, path.trim_start_matches('/'));
        let mut bearer = self.bearer().await?;
        let mut refreshed = false;
        loop {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let sent = self
                .http
                .post(&url)
                .bearer_auth(bearer.expose())
                .header("Accept", "application/json")
                .json(body)
                .send()
                .await;
            let response = sent.map_err(|e| self.unreachable(&e, REQUEST_TIMEOUT))?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED
                && !refreshed
                && let Some(fresh) = self.refreshed(&bearer).await
            {
                bearer = fresh?;
                refreshed = true;
                continue;
            }
            let bytes = response
                .bytes()
                .await
                .map_err(|e| self.unreachable(&e, REQUEST_TIMEOUT))?;
            if status == StatusCode::UNAUTHORIZED {
                return Err(status_error(status, path, &bytes));
            }
            return Ok(Answer {
                status: status.as_u16(),
                body: bytes.to_vec(),
            });
        }
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        folder_key: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Result<T, TenantError> {
        self.send(method, path, query, folder_key, body, false, |_, body| {
            serde_json::from_slice(body)
        })
        .await
    }

    /// GETs `path` in a folder like [`Self::get_json`], but a refusal that
    /// retrying cannot change (a 4xx other than 401, 408 and 429) comes back
    /// as the tenant's [`Answer`] instead of an error: for a ping, whose
    /// refusal (`400 CNS1008`) says what is wrong with the connection.
    pub async fn get_answer(
        &self,
        path: &str,
        query: &[(&str, String)],
        folder_key: Option<&str>,
    ) -> Result<Answer, TenantError> {
        self.send(
            Method::GET,
            path,
            query,
            folder_key,
            None,
            true,
            |status, body| {
                // A success must be JSON to be whole; a refusal is kept as sent.
                if (200..300).contains(&status) && status != 204 {
                    serde_json::from_slice::<serde::de::IgnoredAny>(body)?;
                }
                Ok(Answer {
                    status,
                    body: body.to_vec(),
                })
            },
        )
        .await
    }

    /// Sends a request, retrying what may succeed later, and reads the
    /// successful answer with `read` (with `keep_refusals`, a final 4xx
    /// answer too). A body cut off or not JSON at all (a proxy's page) may
    /// come whole when asked again; valid JSON of another shape, or an empty
    /// 204, will not.
    #[allow(clippy::too_many_arguments)]
    async fn send<T>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        folder_key: Option<&str>,
        body: Option<&serde_json::Value>,
        keep_refusals: bool,
        read: impl Fn(u16, &[u8]) -> serde_json::Result<T>,
    ) -> Result<T, TenantError> {
        let malformed = |e: serde_json::Error| TenantError::Malformed {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        let url = format!("{}/{}", self.tenant.url, path.trim_start_matches('/'));
        let mut attempt = 0;
        let mut timed_out = 0;
        let mut bearer = self.bearer().await?;
        let mut refreshed = false;
        let route = route(path);
        loop {
            attempt += 1;
            self.wait_out_pause(&route).await;
            let timeout = self.retry.timeout_after(timed_out);
            let mut request = self
                .http
                .request(method.clone(), &url)
                .timeout(timeout)
                .query(query)
                .bearer_auth(bearer.expose())
                .header("Accept", "application/json");
            if let Some(key) = folder_key {
                request = request.header("X-UIPATH-FolderKey", key);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            self.requests.fetch_add(1, Ordering::Relaxed);
            let outcome = request.send().await;
            let (retry_after, failure) = match outcome {
                Ok(response) => {
                    let status = response.status();
                    let retry_after = retry_after(response.headers());
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        self.throttled.fetch_add(1, Ordering::Relaxed);
                        self.pause_for(&route, retry_after);
                    }
                    match response.bytes().await {
                        Ok(body) if status.is_success() => match read(status.as_u16(), &body) {
                            Ok(value) => return Ok(value),
                            Err(e) if e.is_data() || status == StatusCode::NO_CONTENT => {
                                return Err(malformed(e));
                            }
                            Err(e) => (None, malformed(e)),
                        },
                        Ok(body) => {
                            // An expired session: refresh once, quietly, and try again.
                            if status == StatusCode::UNAUTHORIZED
                                && !refreshed
                                && let Some(fresh) = self.refreshed(&bearer).await
                            {
                                bearer = fresh?;
                                refreshed = true;
                                attempt -= 1;
                                continue;
                            }
                            let retryable = retryable_status(status.as_u16());
                            if keep_refusals
                                && !retryable
                                && status.is_client_error()
                                && status != StatusCode::UNAUTHORIZED
                            {
                                return read(status.as_u16(), &body).map_err(malformed);
                            }
                            let error = status_error(status, path, &body);
                            if !retryable {
                                return Err(error);
                            }
                            (retry_after, error)
                        }
                        // The body broke off mid-way: a transport failure.
                        Err(e) => {
                            timed_out += u32::from(e.is_timeout());
                            (retry_after, self.unreachable(&e, timeout))
                        }
                    }
                }
                Err(e) => {
                    timed_out += u32::from(e.is_timeout());
                    (None, self.unreachable(&e, timeout))
                }
            };
            if attempt >= self.retry.attempts || timed_out >= self.retry.max_timeouts {
                return Err(failure);
            }
            let wait = self.retry.jittered(attempt, retry_after);
            tracing::debug!(%path, attempt, ?wait, error = %failure, "retrying");
            tokio::time::sleep(wait).await;
        }
    }
}

fn status_error(status: StatusCode, path: &str, body: &[u8]) -> TenantError {
    let message = error_message(body);
    match status {
        StatusCode::UNAUTHORIZED => TenantError::Unauthorized { message },
        StatusCode::FORBIDDEN => TenantError::Forbidden { message },
        StatusCode::NOT_FOUND => TenantError::NotFound { message },
        _ => TenantError::Http {
            status: status.as_u16(),
            path: path.to_owned(),
            message,
        },
    }
}

/// What a rate limit applies to: the path without its query, each
/// identifier (a GUID, a number, an OData key) replaced by `{}`, so every
/// connection's ping is one route and `Jobs` another.
fn route(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path).trim_matches('/');
    path.split('/')
        .map(|segment| {
            let name = segment.split('(').next().unwrap_or(segment);
            let identifier = name.parse::<u64>().is_ok()
                || (name.len() > 3 && name.chars().any(|c| c.is_ascii_digit()));
            if identifier { "{}" } else { name }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_is_the_path_without_its_query_and_identifiers() {
        assert_eq!(
            route("/orchestrator_/odata/Jobs?$top=1"),
            "orchestrator_/odata/Jobs"
        );
        assert_eq!(
            route("connections_/api/v1/Connections/7f0e9a52-3c1b-4e8e-9a41-2f1c0d9e8b11/ping"),
            "connections_/api/v1/Connections/{}/ping"
        );
        assert_eq!(
            route(
                "orchestrator_/odata/Releases(42)/UiPath.Server.Configuration.OData.GetResources"
            ),
            "orchestrator_/odata/Releases/UiPath.Server.Configuration.OData.GetResources"
        );
        assert_eq!(
            route("orchestrator_/odata/Folders/123"),
            "orchestrator_/odata/Folders/{}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_limited_route_holds_back_only_its_own_requests() {
        let client = TenantClient::new(
            TenantUrl::parse("https://cloud.uipath.com/contoso/DefaultTenant").unwrap(),
            Secret::new("token".to_owned()),
        )
        .unwrap();
        client.pause_for(&route("orchestrator_/odata/Jobs?$filter=x"), Some(60));
        let jobs = route("orchestrator_/odata/Jobs");
        let held = tokio::time::timeout(Duration::from_secs(5), client.wait_out_pause(&jobs)).await;
        assert!(held.is_err(), "the limited route waits out its Retry-After");
        for other in [
            "orchestrator_/odata/Folders",
            "connections_/api/v1/Connections",
        ] {
            let other = route(other);
            let free =
                tokio::time::timeout(Duration::from_millis(1), client.wait_out_pause(&other)).await;
            assert!(
                free.is_ok(),
                "{other} is not held back by the limit on Jobs"
            );
        }
        tokio::time::advance(Duration::from_secs(31)).await;
        let after =
            tokio::time::timeout(Duration::from_millis(1), client.wait_out_pause(&jobs)).await;
        assert!(after.is_ok(), "the pause ends (capped at 30 s)");
    }

    #[test]
    fn error_messages_come_from_the_body_when_it_has_one() {
        assert_eq!(
            error_message(br#"{"message":"You do not have access.","errorCode":1100}"#),
            "You do not have access."
        );
        assert_eq!(
            error_message(br#"{"error":"invalid_grant","error_description":"Expired."}"#),
            "Expired."
        );
        assert_eq!(
            error_message(b"<html>Bad gateway</html>"),
            "<html>Bad gateway</html>"
        );
        assert_eq!(error_message(b""), "no details given");
        assert_eq!(error_message(&[b'x'; 500]).len(), 200);
    }

    #[test]
    fn statuses_map_to_what_the_user_must_do() {
        assert_eq!(
            status_error(StatusCode::UNAUTHORIZED, "p", b"").code(),
            ErrorCode::Unauthorized
        );
        assert_eq!(
            status_error(StatusCode::FORBIDDEN, "p", b"").code(),
            ErrorCode::Forbidden
        );
        assert_eq!(
            status_error(StatusCode::BAD_GATEWAY, "p", b"").code(),
            ErrorCode::TenantError
        );
        let e = status_error(
            StatusCode::UNAUTHORIZED,
            "p",
            br#"{"message":"Token expired."}"#,
        );
        assert_eq!(
            e.to_string(),
            "The tenant did not accept the session (Token expired.). Sign in again."
        );
    }
}
