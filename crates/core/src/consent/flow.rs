//! The consent flow itself: start it, show the page, and watch the
//! connection (or, where the tenant reports it, the session) until it is
//! over. See the module above for why it ends where it ends.

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::{ConsentDriver, Observed, admin};
use crate::connections::ConnectionState;
use crate::error::{ApiError, ErrorCode};
use crate::reconnect::{
    self, AuthSession, ReconnectProgress, ReconnectStatus, ScopeDiff, WireError,
};
use crate::tenant_client::{TenantClient, TenantError};

/// The connection a consent is for: its id, and its folder's key when known
/// (an external application must name the folder; without it, the folders
/// are searched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRef {
    pub id: String,
    pub folder_key: Option<String>,
}

#[derive(Debug, Clone)]
pub struct FlowOptions {
    /// How long the user has to finish.
    pub timeout: Duration,
    /// How often the tenant is asked about the consent (a hand-off reads
    /// the folder at its own pace, [`super::handoff::POLL_EVERY`]).
    pub poll_every: Duration,
    /// The tenant reports consent sessions' progress (the capability probe's
    /// `ConsentSessionStatus`; the sandbox's extended profile).
    pub session_status: bool,
    /// The consent window's title, where there is a window.
    pub title: String,
}

impl FlowOptions {
    /// When the user's time is up, counted from now. A timeout past what
    /// the clock can count means no deadline, not a panic.
    pub(super) fn deadline(&self) -> tokio::time::Instant {
        let now = tokio::time::Instant::now();
        now.checked_add(self.timeout)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
    }
}

/// A polling clock: a tick every `every`, late ticks not made up for.
pub(super) fn ticks(every: Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}

impl Default for FlowOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(600),
            poll_every: Duration::from_millis(500),
            session_status: false,
            title: "Consent".to_owned(),
        }
    }
}

/// A connection as `GET Connections/{id}` shows it, for telling a fresh
/// consent from what was there before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub state: ConnectionState,
    pub updated: Option<String>,
    pub identity: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSnapshot {
    #[serde(default)]
    state: String,
    #[serde(default)]
    update_time: Option<String>,
    #[serde(default)]
    connection_identity: Option<String>,
}

fn connection_path(id: &str) -> String {
    format!("connections_/api/v1/Connections/{id}")
}

/// The connection now, in its folder; `None` when it does not exist (yet).
async fn snapshot(
    client: &TenantClient,
    id: &str,
    folder_key: &str,
) -> Result<Option<Snapshot>, ApiError> {
    match client
        .get_json::<WireSnapshot>(&connection_path(id), &[], Some(folder_key))
        .await
    {
        Ok(w) => Ok(Some(Snapshot {
            state: ConnectionState::parse(&w.state),
            updated: w.update_time,
            identity: w.connection_identity.filter(|i| !i.is_empty()),
        })),
        Err(TenantError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The folder connection `id` is in: the one given, else the first visible
/// folder that answers for it.
pub async fn folder_of(client: &TenantClient, target: &ConnectionRef) -> Result<String, ApiError> {
    if let Some(key) = &target.folder_key {
        return Ok(key.clone());
    }
    for folder in crate::connections::folders(client).await? {
        if snapshot(client, &target.id, &folder.key).await?.is_some() {
            return Ok(folder.key);
        }
    }
    Err(ApiError::new(
        ErrorCode::NotFound,
        format!(
            "No connection {} in the folders you can see; check the id (connassist connections lists them).",
            target.id
        ),
    ))
}

/// A reconnect under way: the session the tenant started, where the
/// connection lives, and how it looked before.
#[derive(Debug, Clone)]
pub struct Started {
    pub session: AuthSession,
    pub folder_key: String,
    /// `None` for a connection being created (it does not exist yet).
    pub before: Option<Snapshot>,
}

/// Starts re-authenticating `target` (`POST Connections/{id}/auth` in its
/// folder).
pub async fn start_reconnect(
    client: &TenantClient,
    target: &ConnectionRef,
) -> Result<Started, ApiError> {
    let folder_key = folder_of(client, target).await?;
    let before = snapshot(client, &target.id, &folder_key).await?;
    if before.is_none() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!(
                "Connection {} is not in that folder any more; refresh the list.",
                target.id
            ),
        ));
    }
    let body: serde_json::Value = client
        .post_json_in(
            &format!("{}/auth", connection_path(&target.id)),
            &serde_json::json!({}),
            &folder_key,
        )
        .await?;
    let session = reconnect::started(&target.id, body)?;
    Ok(Started {
        session,
        folder_key,
        before,
    })
}

/// A consent's progress as this flow knows it without the tenant's session:
/// its status, and the account the connection acted as before.
fn progress(
    session_id: &str,
    status: ReconnectStatus,
    previous_identity: Option<String>,
) -> ReconnectProgress {
    ReconnectProgress {
        session_id: session_id.to_owned(),
        status,
        identity: None,
        previous_identity,
        scopes: ScopeDiff::default(),
        failure: None,
        admin_consent_url: None,
        other_account: false,
    }
}

/// Where things stand from the connection alone; `None` while nothing
/// changed.
fn from_snapshot(
    session_id: &str,
    before: Option<&Snapshot>,
    now: Option<&Snapshot>,
) -> Option<ReconnectProgress> {
    let now = now?;
    let fresh = match before {
        Some(b) => now.updated != b.updated,
        None => true,
    };
    if now.state != ConnectionState::Enabled || !fresh {
        return None;
    }
    let previous = before.and_then(|b| b.identity.clone());
    let other_account = reconnect::other_account(previous.as_deref(), now.identity.as_deref());
    Some(ReconnectProgress {
        identity: now.identity.clone(),
        other_account,
        ..progress(session_id, ReconnectStatus::Completed, previous)
    })
}

/// The provider's OAuth error, when a navigation is its redirect to the
/// tenant's callback with `error=` (RFC 6749 §4.1.2.1).
fn callback_error(auth_url: &Url, url: &Url) -> Option<WireError> {
    if url.origin() != auth_url.origin() || !url.path().ends_with("/provisioning_/callback") {
        return None;
    }
    let param = |name: &str| crate::auth::sign_in::query_param(url, name);
    let code = param("error")?;
    let message = param("error_description");
    let provider_code = message.as_deref().and_then(|m| {
        crate::failure::aadsts_codes(m)
            .first()
            .map(|n| format!("AADSTS{n}"))
    });
    Some(WireError {
        code,
        provider_code,
        message,
        admin_consent_url: None,
    })
}

/// Runs the consent of `started` to its end in `driver`'s browser.
/// `on_progress` hears the first state at once and the last at the end.
pub async fn run(
    client: &TenantClient,
    started: &Started,
    driver: &dyn ConsentDriver,
    options: &FlowOptions,
    mut on_progress: impl FnMut(&ReconnectProgress),
) -> Result<ReconnectProgress, ApiError> {
    let session = &started.session;
    let (id, session_id) = (&session.connection_id, &session.session_id);
    let first = if options.session_status {
        reconnect::status(client, id, session_id).await?
    } else {
        progress(
            session_id,
            ReconnectStatus::Pending,
            started.before.as_ref().and_then(|b| b.identity.clone()),
        )
    };
    on_progress(&first);
    let previous_identity = first.previous_identity.clone();

    let mut view = driver.open(&session.auth_url, &options.title)?;
    let check = || async {
        if options.session_status {
            let now = reconnect::status(client, id, session_id).await?;
            return Ok::<_, ApiError>((now.status != ReconnectStatus::Pending).then_some(now));
        }
        let now = snapshot(client, id, &started.folder_key).await?;
        Ok(from_snapshot(
            session_id,
            started.before.as_ref(),
            now.as_ref(),
        ))
    };
    let deadline = options.deadline();
    let mut tick = ticks(options.poll_every);
    let mut provider_page: Option<Url> = None;
    let ended = loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Some(done) = check().await? {
                    break Ended::Done(done);
                }
            }
            event = view.events.recv() => match event {
                Some(Observed::Navigated(url)) => {
                    // The provider's authorize request: what an admin-consent link is made of.
                    if admin::link(&url).is_some() {
                        provider_page = Some(url.clone());
                    }
                    if let Some(error) = callback_error(&session.auth_url, &url) {
                        break Ended::Refused(error);
                    }
                    if options.session_status
                        && reconnect::is_done_page(&session.auth_url, &url, session_id)
                        && let Some(done) = check().await?
                    {
                        break Ended::Done(done);
                    }
                }
                Some(Observed::Closed) | None => break Ended::Closed,
            },
            _ = tokio::time::sleep_until(deadline) => break Ended::TimedOut,
        }
    };
    view.close();
    let progress = match ended {
        Ended::Done(done) => done,
        Ended::Refused(error) => {
            // The tenant may know more (the extended profile's session says it).
            let mut failed = if options.session_status {
                reconnect::status(client, id, session_id).await?
            } else {
                progress(
                    session_id,
                    ReconnectStatus::Failed,
                    previous_identity.clone(),
                )
            };
            if failed.status == ReconnectStatus::Pending || failed.failure.is_none() {
                failed.status = ReconnectStatus::Failed;
                failed.failure = Some(reconnect::explain_error(&error));
            }
            if failed.admin_consent_url.is_none()
                && failed.failure.as_ref().is_some_and(|f| f.needs_admin)
            {
                failed.admin_consent_url = provider_page
                    .as_ref()
                    .and_then(admin::link)
                    .map(String::from);
            }
            failed
        }
        Ended::Closed | Ended::TimedOut => {
            // Finished just before the window closed?
            if let Some(done) = check().await? {
                done
            } else {
                return Err(
                    cancelled(client, started, options, matches!(ended, Ended::TimedOut)).await,
                );
            }
        }
    };
    tracing::info!(status = ?progress.status, "consent ended");
    on_progress(&progress);
    Ok(progress)
}

enum Ended {
    Done(ReconnectProgress),
    Refused(WireError),
    Closed,
    TimedOut,
}

/// Nobody finished: stop waiting (and cancel at the tenant where it can).
async fn cancelled(
    client: &TenantClient,
    started: &Started,
    options: &FlowOptions,
    timed_out: bool,
) -> ApiError {
    let session = &started.session;
    let at_tenant = options.session_status
        && match reconnect::cancel(client, &session.connection_id, &session.session_id).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e.message, "the consent session could not be cancelled");
                false
            }
        };
    let what = if timed_out {
        format!(
            "The consent was not finished within {}",
            crate::settings::in_words(options.timeout)
        )
    } else {
        "The consent window was closed before the provider answered".to_owned()
    };
    let then = if at_tenant {
        "; nothing was stored. Start it again when you are ready."
    } else {
        "; the connection is unchanged. If you finish the consent elsewhere, refresh the list to see it."
    };
    ApiError::new(ErrorCode::Cancelled, format!("{what}{then}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(state: ConnectionState, updated: &str, identity: &str) -> Snapshot {
        Snapshot {
            state,
            updated: Some(updated.into()),
            identity: Some(identity.into()),
        }
    }

    #[test]
    fn only_an_enabled_connection_with_a_new_update_time_is_a_finished_consent() {
        let before = snap(ConnectionState::Failed, "t1", "a@contoso.example");
        let same = snap(ConnectionState::Failed, "t1", "a@contoso.example");
        assert!(from_snapshot("s", Some(&before), Some(&same)).is_none());
        let enabled_but_old = snap(ConnectionState::Enabled, "t1", "a@contoso.example");
        assert!(from_snapshot("s", Some(&before), Some(&enabled_but_old)).is_none());
        let done = snap(ConnectionState::Enabled, "t2", "a@contoso.example");
        let p = from_snapshot("s", Some(&before), Some(&done)).unwrap();
        assert_eq!(p.status, ReconnectStatus::Completed);
        assert!(!p.other_account);
        let other = snap(ConnectionState::Enabled, "t2", "b@contoso.example");
        let p = from_snapshot("s", Some(&before), Some(&other)).unwrap();
        assert!(p.other_account, "said, not hidden");
        assert_eq!(p.previous_identity.as_deref(), Some("a@contoso.example"));
        // Being created: there is nothing before; existing and Enabled is done.
        assert!(from_snapshot("s", None, Some(&done)).is_some());
        assert!(from_snapshot("s", None, None).is_none());
    }

    #[tokio::test]
    async fn a_timeout_past_the_clock_is_no_deadline_not_a_panic() {
        let options = FlowOptions {
            timeout: Duration::MAX,
            ..FlowOptions::default()
        };
        let year = Duration::from_secs(365 * 86_400);
        assert!(options.deadline() > tokio::time::Instant::now() + year);
    }

    #[test]
    fn the_providers_error_redirect_to_the_tenant_is_read() {
        let auth = Url::parse("http://127.0.0.1:4000/provisioning_/start?session=s1").unwrap();
        let declined = Url::parse("http://127.0.0.1:4000/provisioning_/callback?error=access_denied&error_description=AADSTS65004%3A+User+declined&state=x").unwrap();
        let e = callback_error(&auth, &declined).unwrap();
        assert_eq!(e.code, "access_denied");
        assert_eq!(e.provider_code.as_deref(), Some("AADSTS65004"));
        let elsewhere = Url::parse("http://evil.example/provisioning_/callback?error=x").unwrap();
        assert!(callback_error(&auth, &elsewhere).is_none());
        let answer =
            Url::parse("http://127.0.0.1:4000/provisioning_/callback?code=c&state=x").unwrap();
        assert!(callback_error(&auth, &answer).is_none());
    }
}
