//! Core's consent flow against the sandbox over real HTTP, with a driver that
//! plays the person in the consent window: it follows every hop (the
//! tenant's start page, the identity's sign-in and consent pages, the
//! provider's redirect to the tenant's callback) and reports each navigation
//! as the app's embedded window does. On the documented profile the flow
//! learns the outcome from the connection itself; on the extended one from
//! the session the tenant reports.

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use connassist_core::consent::{
    ConnectionRef, ConsentDriver, ConsentView, FlowOptions, Observed, run_consent, start_reconnect,
};
use connassist_core::reconnect::ReconnectStatus;
use connassist_core::{ApiError, ErrorCode};
use connassist_sandbox::scenario::key;
use connassist_sandbox::{Profile, SANDBOX_PASSWORD};
use connassist_testkit::browser::{client, location_from};
use connassist_testkit::pages::hidden_fields;
use connassist_testkit::tenant::signed_in_as as signed_in;
use tokio::sync::mpsc;
use url::Url;

/// What the person does on the consent pages.
#[derive(Debug, Clone, Copy)]
enum Person {
    /// Signs in as this account and accepts.
    Consents(&'static str),
    /// Signs in as this account and declines on the consent page.
    Declines(&'static str),
    /// Closes the window without doing anything.
    Closes,
}

struct PlayedBrowser {
    person: Person,
}

/// Plays the pages, reporting every address as a window would.
async fn play(person: Person, start: Url, events: mpsc::Sender<Observed>) {
    let seen = |url: Url| {
        let events = events.clone();
        async move {
            let _ = events.send(Observed::Navigated(url)).await;
        }
    };
    let (user, accept) = match person {
        Person::Consents(u) => (u, true),
        Person::Declines(u) => (u, false),
        Person::Closes => {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let _ = events.send(Observed::Closed).await;
            return;
        }
    };
    seen(start.clone()).await;
    let to_provider = client().get(start.clone()).send().await.unwrap();
    let authorize = location_from(&start, &to_provider);
    seen(authorize.clone()).await;
    let page = client().get(authorize.clone()).send().await.unwrap();
    let mut form = hidden_fields(&page.text().await.unwrap());
    form.push(("username".into(), user.into()));
    form.push(("password".into(), SANDBOX_PASSWORD.into()));
    form.push(("action".into(), "sign-in".into()));
    let endpoint = authorize.join("/identity_/connect/authorize").unwrap();
    let mut answer = client()
        .post(endpoint.clone())
        .form(&form)
        .send()
        .await
        .unwrap();
    if answer.status() == 200 {
        let mut form = hidden_fields(&answer.text().await.unwrap());
        let action = if accept {
            "consent-accept"
        } else {
            "consent-cancel"
        };
        form.push(("action".into(), action.into()));
        answer = client().post(endpoint).form(&form).send().await.unwrap();
    }
    let callback = location_from(&authorize, &answer);
    seen(callback.clone()).await;
    let _ = client().get(callback).send().await.unwrap();
}

impl ConsentDriver for PlayedBrowser {
    fn open(&self, url: &Url, _title: &str) -> Result<ConsentView, ApiError> {
        let (tx, rx) = mpsc::channel(16);
        let task = tokio::spawn(play(self.person, url.clone(), tx));
        Ok(ConsentView::new(rx, move || task.abort()))
    }
}

fn finance_sharepoint() -> ConnectionRef {
    ConnectionRef {
        id: key("connection/Finance SharePoint").to_string(),
        folder_key: None,
    }
}

fn options(session_status: bool) -> FlowOptions {
    FlowOptions {
        timeout: Duration::from_secs(20),
        poll_every: Duration::from_millis(100),
        session_status,
        title: "test".into(),
    }
}

#[tokio::test]
async fn documented_the_owner_reconnects_and_the_connection_says_so() {
    let (_sb, hana) = signed_in(Profile::Documented, "hana").await;
    let started = start_reconnect(&hana, &finance_sharepoint()).await.unwrap();
    assert_eq!(
        started.folder_key,
        key("folder/Finance").to_string(),
        "found the folder by asking each"
    );
    let mut heard = vec![];
    let browser = PlayedBrowser {
        person: Person::Consents("hana"),
    };
    let done = run_consent(&hana, &started, &browser, &options(false), |p| {
        heard.push(p.status)
    })
    .await
    .unwrap();
    assert_eq!(done.status, ReconnectStatus::Completed, "{done:?}");
    assert_eq!(done.identity.as_deref(), Some("hana@contoso.example"));
    assert!(!done.other_account);
    assert_eq!(
        heard,
        [ReconnectStatus::Pending, ReconnectStatus::Completed]
    );
}

#[tokio::test]
async fn documented_another_account_is_said_after_the_fact() {
    let (_sb, hana) = signed_in(Profile::Documented, "hana").await;
    let started = start_reconnect(&hana, &finance_sharepoint()).await.unwrap();
    let browser = PlayedBrowser {
        person: Person::Consents("dana"),
    };
    let done = run_consent(&hana, &started, &browser, &options(false), |_| {})
        .await
        .unwrap();
    assert_eq!(done.status, ReconnectStatus::Completed);
    assert!(done.other_account, "{done:?}");
    assert_eq!(done.identity.as_deref(), Some("dana@contoso.example"));
    assert_eq!(
        done.previous_identity.as_deref(),
        Some("hana@contoso.example")
    );
}

#[tokio::test]
async fn documented_a_declined_consent_is_seen_in_the_window_and_explained() {
    let (_sb, dana) = signed_in(Profile::Documented, "dana").await;
    // robot-prod-02's mailbox: dana is asked for mail permissions, and declines.
    let target = ConnectionRef {
        id: key("connection/robot-prod-02@contoso.example").to_string(),
        folder_key: Some(key("folder/Shared").to_string()),
    };
    let started = start_reconnect(&dana, &target).await.unwrap();
    let browser = PlayedBrowser {
        person: Person::Declines("dana"),
    };
    let done = run_consent(&dana, &started, &browser, &options(false), |_| {})
        .await
        .unwrap();
    assert_eq!(done.status, ReconnectStatus::Failed, "{done:?}");
    let failure = done.failure.unwrap();
    assert_eq!(failure.code, "AADSTS65004", "{failure:?}");
    assert!(failure.reconnect_helps);
}

#[tokio::test]
async fn documented_an_admin_wall_gives_the_administrators_link() {
    let (_sb, alex) = signed_in(Profile::Documented, "alex").await;
    // Files permissions need an administrator's consent for alex.
    let target = ConnectionRef {
        id: key("connection/Dana's OneDrive").to_string(),
        folder_key: None,
    };
    let started = start_reconnect(&alex, &target).await.unwrap();
    let browser = PlayedBrowser {
        person: Person::Consents("alex"),
    };
    let done = run_consent(&alex, &started, &browser, &options(false), |_| {})
        .await
        .unwrap();
    assert_eq!(done.status, ReconnectStatus::Failed);
    let failure = done.failure.unwrap();
    assert!(failure.needs_admin, "{failure:?}");
    let link = Url::parse(&done.admin_consent_url.unwrap()).unwrap();
    assert_eq!(link.path(), "/identity_/adminconsent", "{link}");
    assert!(link.query().unwrap().contains("client_id="), "{link}");
}

#[tokio::test]
async fn documented_closing_the_window_stops_waiting_and_changes_nothing() {
    let (_sb, hana) = signed_in(Profile::Documented, "hana").await;
    let started = start_reconnect(&hana, &finance_sharepoint()).await.unwrap();
    let browser = PlayedBrowser {
        person: Person::Closes,
    };
    let err = run_consent(&hana, &started, &browser, &options(false), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert!(err.message.contains("unchanged"), "{}", err.message);
}

#[tokio::test]
async fn extended_another_account_waits_for_a_confirmation() {
    let (_sb, hana) = signed_in(Profile::Extended, "hana").await;
    let started = start_reconnect(&hana, &finance_sharepoint()).await.unwrap();
    let browser = PlayedBrowser {
        person: Person::Consents("dana"),
    };
    let done = run_consent(&hana, &started, &browser, &options(true), |_| {})
        .await
        .unwrap();
    assert_eq!(done.status, ReconnectStatus::NeedsConfirmation, "{done:?}");
    assert!(done.other_account);
}

#[tokio::test]
async fn the_extensions_core_asks_for_are_the_ones_the_sandbox_serves() {
    use connassist_core::capabilities::{extension, tenant_serves};
    let served: Vec<&str> = connassist_sandbox::Extension::ALL
        .iter()
        .map(|e| e.name())
        .collect();
    for name in extension::ALL {
        assert!(
            served.contains(&name),
            "the sandbox has no extension {name}"
        );
    }
    let (_sb, extended) = signed_in(Profile::Extended, "hana").await;
    let (_sb2, documented) = signed_in(Profile::Documented, "hana").await;
    for name in extension::ALL {
        assert!(tenant_serves(&extended, name).await, "{name} on extended");
        assert!(
            !tenant_serves(&documented, name).await,
            "{name} on documented"
        );
    }
}
