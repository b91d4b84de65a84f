//! The shell's decisions, run over a host with no window against a sandbox
//! on loopback (real HTTP, the real consent and listing endpoints): which
//! session a command uses and what it answers signed out, what "Check all"
//! streams, keeps and badges, what the background watch notifies (once),
//! what a closed consent window reports, what signing out ends, what the
//! sandbox keeps and what "Reset the sandbox" wipes.

// A panic here is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connassist_core::auth::sign_in::TokenSet;
use connassist_core::auth::token_session::TokenSession;
use connassist_core::connections::{ConnectionRow, ConnectionState, ListEvent};
use connassist_core::consent::creating::CreateStep;
use connassist_core::consent::{ConsentView, Observed};
use connassist_core::create::{AuthKind, NewConnection};
use connassist_core::health::HealthEvent;
use connassist_core::health::export::ExportFormat;
use connassist_core::health::watch::{Notice, OpenRequest};
use connassist_core::keychain::MemoryStore;
use connassist_core::{ApiError, ErrorCode, Secret, TenantUrl};
use connassist_sandbox::{Config, PUBLIC_CLIENT_ID, Profile, Sandbox};
use url::Url;

use super::*;
use crate::state::AskWindow;
use crate::{commands, consent, health, watch};

struct Inner {
    state: AppState,
    dir: tempfile::TempDir,
    tray: Mutex<Vec<TrayLook>>,
    notices: Mutex<Vec<Notice>>,
    raised: AtomicUsize,
    consents: Mutex<Vec<Url>>,
}

/// A desktop with no window: it remembers what it was asked to draw, show
/// and open; a consent window it opens is closed by the user at once.
#[derive(Clone)]
struct TestHost(Arc<Inner>);

impl TestHost {
    fn new() -> Self {
        Self(Arc::new(Inner {
            state: AppState::default(),
            dir: tempfile::tempdir().unwrap(),
            tray: Mutex::default(),
            notices: Mutex::default(),
            raised: AtomicUsize::new(0),
            consents: Mutex::default(),
        }))
    }

    fn tray(&self) -> Vec<TrayLook> {
        self.0.tray.lock().unwrap().clone()
    }

    fn notices(&self) -> Vec<Notice> {
        self.0.notices.lock().unwrap().clone()
    }
}

impl Host for TestHost {
    fn state(&self) -> &AppState {
        &self.0.state
    }

    fn config_dir(&self) -> Result<PathBuf, ApiError> {
        Ok(self.0.dir.path().join("config"))
    }

    fn data_dir(&self) -> Result<PathBuf, ApiError> {
        Ok(self.0.dir.path().join("data"))
    }

    fn show_tray(&self, look: TrayLook) {
        self.0.tray.lock().unwrap().push(look);
    }

    fn notify(&self, notice: Notice) {
        self.0.notices.lock().unwrap().push(notice);
    }

    fn raise_main(&self) {
        self.0.raised.fetch_add(1, Ordering::SeqCst);
    }

    fn open_consent(
        &self,
        url: &Url,
        _title: &str,
        _system_browser: bool,
    ) -> Result<ConsentView, ApiError> {
        self.0.consents.lock().unwrap().push(url.clone());
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        tx.try_send(Observed::Closed).unwrap();
        Ok(ConsentView::new(rx, || {}))
    }

    async fn sign_in(
        &self,
        _tenant: &TenantUrl,
        _client_id: &str,
        _scopes: &[&str],
        _redirect_ports: Vec<u16>,
        _timeout: Duration,
    ) -> Result<TokenSet, ApiError> {
        Err(ApiError::new(
            ErrorCode::Cancelled,
            "The sign-in window was closed before signing in.",
        ))
    }
}

/// `user` signed in to a new sandbox of `profile` the way the app keeps a
/// session (tokens in a store, one client, the capability probe, who).
async fn signed_in(user: &str, profile: Profile) -> (Sandbox, TestHost) {
    let sb = Sandbox::start(Config {
        profile,
        ..Config::default()
    })
    .await
    .unwrap();
    let tokens = sb.sign_in_as(user, &commands::scopes().join(" ")).unwrap();
    let tenant = TenantUrl::parse(&sb.base_url).unwrap();
    let tokens = TokenSet {
        access: Secret::new(tokens.access_token),
        refresh: tokens.refresh_token.map(Secret::new),
        expires_in: Some(Duration::from_secs(3600)),
        scope: None,
    };
    let session = TokenSession::save(
        &tenant,
        PUBLIC_CLIENT_ID,
        tokens,
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    let host = TestHost::new();
    let info = commands::finish(&host, tenant, Arc::new(session), true)
        .await
        .unwrap();
    assert!(info.user.contains(user), "{}", info.user);
    (sb, host)
}

async fn rows(host: &TestHost) -> Vec<ConnectionRow> {
    let mut rows = vec![];
    commands::list_to(host, None, |e| {
        if let ListEvent::Folder { connections, .. } = e {
            rows.extend(connections.iter().cloned());
        }
    })
    .await
    .unwrap();
    rows
}

#[tokio::test]
async fn signed_out_every_command_asks_to_sign_in_and_nothing_is_drawn() {
    let host = TestHost::new();
    let signed_out = |e: ApiError| {
        assert_eq!(e.code, ErrorCode::Unauthorized, "{e:?}");
        assert!(e.message.starts_with("Sign in first"), "{}", e.message);
    };
    signed_out(health::check(&host, None, |_| {}).await.unwrap_err());
    signed_out(commands::list_to(&host, None, |_| {}).await.unwrap_err());
    signed_out(health::recorded_expiries(&host).unwrap_err());
    signed_out(
        consent::reconnect_one(&host, "c1".into(), None, false, |_| {})
            .await
            .unwrap_err(),
    );
    let ask: AskWindow = Arc::new(|_| Ok(()));
    signed_out(watch::watch(&host, ask).unwrap_err());
    assert!(host.state().watching.lock().unwrap().is_none());
    let export = health::export_to(&host, "/tmp/x.csv".into(), ExportFormat::Csv).unwrap_err();
    assert_eq!(export.code, ErrorCode::InvalidInput);
    assert!(
        export.message.contains("run \"Check all\" first"),
        "{export:?}"
    );
    // A sign-in window closed: cancelled, and still nobody is signed in.
    let closed = commands::connect(
        &host,
        "https://cloud.uipath.com/acme/Default".into(),
        " ".into(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        closed.code,
        ErrorCode::InvalidInput,
        "an empty application ID"
    );
    assert!(host.tray().is_empty(), "nothing drawn: {:?}", host.tray());
    // The tray's "Check now" with nobody signed in opens the window instead.
    watch::check_now(&host);
    assert_eq!(host.0.raised.load(Ordering::SeqCst), 1);
    assert!(!host.state().stop_health(), "no check to stop");
}

#[tokio::test]
async fn check_all_streams_keeps_for_export_and_badges_her_broken_ones() {
    let (_sb, host) = signed_in("hana", Profile::Documented).await;
    let mut events = vec![];
    let summary = health::check(&host, None, |e| events.push(e))
        .await
        .unwrap();
    let Some(HealthEvent::Started { total }) = events.first() else {
        panic!("starts with the count: {events:?}");
    };
    let results: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            HealthEvent::Results(b) => Some(b.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(results.len(), *total);
    assert_eq!(summary.checked, *total);
    assert!(summary.broken >= 2, "{summary:?}");
    let hers_broken = results
        .iter()
        .filter(|r| r.connection.mine && r.status.is_broken())
        .count();
    assert!(
        hers_broken >= 1 && hers_broken < summary.broken,
        "others' broken ones are not hers"
    );
    assert_eq!(
        host.tray(),
        [TrayLook::Checked {
            broken: hers_broken
        }]
    );

    let file = host.0.dir.path().join("health.csv");
    let written = health::export_to(&host, file.display().to_string(), ExportFormat::Csv).unwrap();
    assert_eq!(written, *total);
    let csv = std::fs::read_to_string(&file).unwrap();
    assert_eq!(csv.lines().count(), total + 1, "a header and a row each");
    assert!(csv.contains("Finance SharePoint"));

    // One folder's check leaves the badge as it was, and sees the history.
    let again = health::check(&host, Some("Finance".into()), |_| {})
        .await
        .unwrap();
    assert!(again.checked < summary.checked);
    assert_eq!(host.tray().len(), 1, "{:?}", host.tray());
    let last = host.state().last_health.lock().unwrap().clone().unwrap();
    assert!(
        last.results.iter().all(|r| r.previous_status.is_some()),
        "checked before, in the history"
    );
}

#[tokio::test]
async fn stopping_a_check_says_so_and_sets_no_badge() {
    let (sb, host) = signed_in("hana", Profile::Documented).await;
    sb.set_latency(Duration::from_millis(400));
    let state = host.state();
    let (outcome, stopped) = tokio::join!(health::check(&host, None, |_| {}), async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        state.stop_health()
    });
    assert!(stopped);
    let e = outcome.unwrap_err();
    assert_eq!(e.code, ErrorCode::Cancelled);
    assert!(e.message.contains("checked so far are shown"), "{e:?}");
    assert!(!state.stop_health(), "it ended");
    assert!(host.tray().is_empty(), "a stopped check sets no badge");
}

#[tokio::test]
async fn the_background_check_notifies_her_changes_once_and_badges_them() {
    let (_sb, host) = signed_in("hana", Profile::Documented).await;
    let checked = watch::check_mine(&host).await.unwrap();
    let mine: Vec<ConnectionRow> = rows(&host).await.into_iter().filter(|r| r.mine).collect();
    assert_eq!(checked, mine.len(), "only her connections are pinged");
    let notices = host.notices();
    assert!(!notices.is_empty());
    for n in &notices {
        match &n.connection_id {
            Some(id) => assert!(mine.iter().any(|r| &r.id == id), "{n:?} is hers"),
            None => assert!(n.title.contains("of your connections changed"), "{n:?}"),
        }
    }
    assert!(
        notices
            .iter()
            .any(|n| n.title == "Finance SharePoint stopped working"),
        "{notices:?}"
    );
    let Some(TrayLook::Checked { broken }) = host.tray().last().copied() else {
        panic!("{:?}", host.tray());
    };
    assert!(broken >= 1);
    watch::check_mine(&host).await.unwrap();
    assert_eq!(
        host.notices().len(),
        notices.len(),
        "nothing new, nothing said"
    );
    assert_eq!(host.tray().last(), Some(&TrayLook::Checked { broken }));
}

#[tokio::test]
async fn a_closed_consent_window_is_a_cancel_that_changes_nothing() {
    for (profile, then) in [
        (Profile::Documented, "the connection is unchanged"),
        (Profile::Extended, "nothing was stored"),
    ] {
        let (_sb, host) = signed_in("hana", profile).await;
        let before = rows(&host).await;
        let finance = before
            .iter()
            .find(|r| r.name == "Finance SharePoint")
            .unwrap()
            .clone();
        let mut heard = vec![];
        let e = consent::reconnect_one(
            &host,
            finance.id.clone(),
            Some(finance.folder.key.clone()),
            false,
            |p| heard.push(p.clone()),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Cancelled, "{profile:?}: {e:?}");
        assert!(e.message.contains("window was closed"), "{e:?}");
        assert!(e.message.contains(then), "{profile:?}: {}", e.message);
        assert_eq!(heard.len(), 1, "the start was heard: {heard:?}");
        assert_eq!(host.0.consents.lock().unwrap().len(), 1, "one window");
        let after = rows(&host).await;
        let still = after.iter().find(|r| r.id == finance.id).unwrap();
        assert_eq!(
            (still.state, &still.updated),
            (finance.state, &finance.updated),
            "{profile:?}"
        );
        assert_ne!(still.state, ConnectionState::Enabled);
    }
}

#[tokio::test]
async fn a_hand_off_closed_before_anything_appeared_is_a_cancel() {
    let (_sb, host) = signed_in("hana", Profile::Documented).await;
    let finance = rows(&host)
        .await
        .into_iter()
        .find(|r| r.name == "Finance SharePoint")
        .unwrap();
    let new = NewConnection {
        connector_key: finance.connector_key.clone(),
        folder_key: finance.folder.key.clone(),
        name: None,
        auth: AuthKind::Delegated,
        shared_mailbox: None,
        client_id: None,
        client_secret: None,
        tenant_id: None,
        secret_expires_at: None,
        certificate: None,
    };
    let mut steps = vec![];
    let e = consent::create_one(&host, &new, false, |s| steps.push(s))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Cancelled, "{e:?}");
    assert!(e.message.contains("No new"), "{e:?}");
    let [CreateStep::Handoff(handoff)] = steps.as_slice() else {
        panic!("told where to go first: {steps:?}");
    };
    assert!(handoff.steps.contains("Finance"), "{handoff:?}");
    let opened = host.0.consents.lock().unwrap().clone();
    assert_eq!(opened.len(), 1);
    assert_eq!(
        opened[0].as_str(),
        handoff.url,
        "the tenant's own page opened"
    );
}

#[tokio::test]
async fn a_notification_click_asks_the_window_for_its_connection() {
    let (_sb, host) = signed_in("hana", Profile::Documented).await;
    let asked: Arc<Mutex<Vec<OpenRequest>>> = Arc::default();
    let into = asked.clone();
    let ask: AskWindow = Arc::new(move |r| {
        into.lock().unwrap().push(r);
        Ok(())
    });
    watch::watch(&host, ask).unwrap();
    assert_eq!(host.tray(), [TrayLook::Unchecked]);
    host.open_main(Some("c-42".into()), true);
    host.open_main(None, false);
    host.open_main(None, true);
    assert_eq!(host.0.raised.load(Ordering::SeqCst), 3);
    assert_eq!(
        *asked.lock().unwrap(),
        [
            OpenRequest {
                connection_id: Some("c-42".into())
            },
            OpenRequest {
                connection_id: None
            }
        ],
        "the window opens the connection, or Health; a plain open asks nothing"
    );

    commands::leave(&host).await.unwrap();
    assert_eq!(host.tray().last(), Some(&TrayLook::SignedOut));
    assert!(
        host.state().watching.lock().unwrap().is_none(),
        "the watch ended"
    );
    assert_eq!(
        host.state().session().unwrap_err().code,
        ErrorCode::Unauthorized
    );
    host.open_main(Some("c-42".into()), true);
    assert_eq!(
        asked.lock().unwrap().len(),
        2,
        "no window asked after sign-out"
    );
}

#[tokio::test]
async fn recorded_expiry_dates_are_the_signed_in_tenants_and_checked() {
    let (_sb, host) = signed_in("hana", Profile::Documented).await;
    let gmail = rows(&host)
        .await
        .into_iter()
        .find(|r| r.name == "hana@contoso.example")
        .unwrap();
    let bad = health::record_expiry(&host, &gmail.id, Some("31/01/2027")).unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    health::record_expiry(&host, &gmail.id, Some("2020-01-31")).unwrap();
    assert_eq!(
        health::recorded_expiries(&host)
            .unwrap()
            .get(&gmail.id)
            .map(String::as_str),
        Some("2020-01-31")
    );
    health::check(&host, None, |_| {}).await.unwrap();
    let last = host.state().last_health.lock().unwrap().clone().unwrap();
    let checked = last
        .results
        .iter()
        .find(|r| r.connection.id == gmail.id)
        .unwrap();
    assert_eq!(
        checked.status,
        connassist_core::failure::FailureStatus::SecretExpired,
        "{checked:?}"
    );
}

#[test]
fn the_tray_says_how_many_are_broken_in_words() {
    assert_eq!(TrayLook::SignedOut.text(), "Not signed in");
    assert_eq!(TrayLook::SignedOut.broken(), 0);
    assert_eq!(
        TrayLook::Unchecked.text(),
        "Your connections are not checked yet"
    );
    assert_eq!(TrayLook::Checked { broken: 0 }.broken(), 0);
    assert_eq!(
        TrayLook::Checked { broken: 1 }.text(),
        "1 of your connections is broken"
    );
    assert_eq!(TrayLook::Checked { broken: 3 }.broken(), 3);
}

#[tokio::test]
async fn saved_settings_restart_the_watch_and_the_flows_use_them() {
    let (_sb, host) = signed_in("hana", Profile::Documented).await;
    // Nobody watching yet: saving starts nothing.
    let quiet = connassist_core::settings::Settings {
        background_check_minutes: 0,
        consent_timeout_secs: 42,
        ..connassist_core::settings::Settings::default()
    };
    let saved = consent::save(&host, &quiet).unwrap();
    assert_eq!(saved.background_check_minutes, 0);
    assert!(host.state().watching.lock().unwrap().is_none());
    assert_eq!(
        host.settings().consent_timeout_secs,
        42,
        "read back from disk"
    );

    watch::watch(&host, Arc::new(|_| Ok(()))).unwrap();
    let first = host
        .state()
        .watching
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .now
        .clone();
    let hourly = connassist_core::settings::Settings {
        background_check_minutes: 60,
        ..quiet
    };
    consent::save(&host, &hourly).unwrap();
    let second = host
        .state()
        .watching
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .now
        .clone();
    assert!(
        !Arc::ptr_eq(&first, &second),
        "restarted with the new interval"
    );
    assert_eq!(
        host.tray(),
        [TrayLook::Unchecked],
        "a restart keeps what the last check found"
    );
    // A damaged settings file: the defaults, and the flows go on.
    std::fs::write(
        connassist_core::settings::SettingsFile::in_folder(&host.config_dir().unwrap()).path(),
        "{ not json",
    )
    .unwrap();
    assert_eq!(
        host.settings().consent_timeout_secs,
        connassist_core::settings::Settings::default().consent_timeout_secs
    );
    commands::leave(&host).await.unwrap();
}

#[tokio::test]
async fn the_sandbox_keeps_its_address_and_state_and_a_reset_wipes_only_it() {
    // Signed in to another tenant: a sandbox reset must not end that session.
    let (_other, host) = signed_in("hana", Profile::Documented).await;
    let first = crate::sandbox_tenant::ensure_started(&host).await.unwrap();
    let kept = host.data_dir().unwrap().join("sandbox");
    assert!(
        kept.join(connassist_sandbox::db::FILE).exists(),
        "its state is kept in the app's data folder"
    );
    assert_eq!(
        crate::sandbox_tenant::ensure_started(&host).await.unwrap(),
        first,
        "started once per run"
    );

    commands::reset(&host).await.unwrap();
    assert!(
        host.state().sandbox.try_lock().unwrap().is_none(),
        "it stopped"
    );
    assert!(
        !kept.join(connassist_sandbox::db::FILE).exists(),
        "its state is wiped"
    );
    assert!(
        host.state().session().is_ok(),
        "the session with another tenant goes on"
    );

    let again = crate::sandbox_tenant::ensure_started(&host).await.unwrap();
    assert_eq!(
        again, first,
        "seeded afresh at the address it had, so what is filed under it still matches"
    );
    assert!(kept.join(connassist_sandbox::db::FILE).exists());
}
