//! A person at a consent address, played with plain HTTP through the
//! sandbox's pages: the tenant API that starts and reads consent sessions,
//! the identity's sign-in and consent pages, the callback and the page the
//! consent ends on; step by step with every hop checked (the sandbox's own
//! tests), or all at once from an address a front end printed (the CLI's
//! tests), and on the tenant's own "Add connection" page (the hand-off).

use connassist_sandbox::{CONNECTORS_CLIENT_ID, SANDBOX_PASSWORD, Sandbox};
use serde_json::{Value, json};
use url::Url;

use crate::browser::{Browser, client, location, query};
use crate::pages::{form_action, hidden_fields, title, unescape};
use crate::sandbox::{api, post};

/// The tenant's address of connection `connection`'s consent sessions.
pub fn auth_path(connection: &str) -> String {
    format!("/connections_/api/v1/Connections/{connection}/auth")
}

/// `POST …/auth`: the session id and the `authUrl`.
pub async fn start(sb: &Sandbox, token: &str, connection: &str) -> (String, Url) {
    let (status, body) = post(sb, token, &auth_path(connection), &json!({})).await;
    assert_eq!(status, 200, "{body}");
    let session = body["sessionId"].as_str().unwrap().to_owned();
    assert_eq!(
        body["authUrl"],
        format!("{}/provisioning_/start?session={session}", sb.origin)
    );
    (
        session,
        Url::parse(body["authUrl"].as_str().unwrap()).unwrap(),
    )
}

/// `GET …/auth/{session}`: the consent session as the tenant reports it.
pub async fn session(sb: &Sandbox, token: &str, connection: &str, session: &str) -> Value {
    let (status, body) = api(
        sb,
        token,
        &format!("{}/{session}", auth_path(connection)),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// `GET authUrl`: 302 to the provider's authorize endpoint, checked.
pub async fn open_auth_url(sb: &Sandbox, auth_url: &Url) -> Url {
    open_auth_url_as(sb, auth_url, CONNECTORS_CLIENT_ID).await
}

/// [`open_auth_url`] for a sign-in as the app `client_id`.
pub async fn open_auth_url_as(sb: &Sandbox, auth_url: &Url, client_id: &str) -> Url {
    let response = client().get(auth_url.clone()).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let authorize = location(&response);
    assert_eq!(
        authorize.as_str().split('?').next().unwrap(),
        format!("{}/identity_/connect/authorize", sb.origin)
    );
    let q = |n| query(&authorize, n);
    assert_eq!(q("response_type").as_deref(), Some("code"));
    assert_eq!(q("client_id").as_deref(), Some(client_id));
    assert_eq!(
        q("redirect_uri"),
        Some(format!("{}/provisioning_/callback", sb.origin))
    );
    assert_eq!(q("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(q("code_challenge").map(|c| c.len()), Some(43));
    assert!(q("state").is_some_and(|s| s.len() >= 32));
    assert!(q("nonce").is_some_and(|s| s.len() >= 32));
    assert!(
        q("scope")
            .unwrap()
            .split(' ')
            .any(|s| s == "offline_access")
    );
    assert_eq!(q("prompt"), None, "no prompt=select_account by default");
    authorize
}

/// What the person does on the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtConsent {
    Accept,
    Cancel,
    /// The test expects no consent page.
    NotAsked,
}

/// The sandbox identity's pages: the sign-in form, then the consent page if
/// shown. Returns the redirect to our callback and the scopes consent asked for.
pub async fn sign_in_at_identity(
    sb: &Sandbox,
    authorize: &Url,
    user: &str,
    at_consent: AtConsent,
) -> (Url, Vec<String>) {
    sign_in_for_app(
        sb,
        authorize,
        user,
        at_consent,
        "Connections Assistant sandbox connector",
    )
    .await
}

/// [`sign_in_at_identity`] where the consent page names the app `app`.
pub async fn sign_in_for_app(
    sb: &Sandbox,
    authorize: &Url,
    user: &str,
    at_consent: AtConsent,
    app: &str,
) -> (Url, Vec<String>) {
    let page = client().get(authorize.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let mut form = hidden_fields(&page.text().await.unwrap());
    assert!(form.iter().any(|(k, _)| k == "code_challenge"), "{form:?}");
    form.push(("username".into(), user.into()));
    form.push(("password".into(), SANDBOX_PASSWORD.into()));
    form.push(("action".into(), "sign-in".into()));
    let endpoint = format!("{}/identity_/connect/authorize", sb.origin);
    let mut response = client().post(&endpoint).form(&form).send().await.unwrap();
    let mut asked = vec![];
    if response.status() == 200 {
        let html = response.text().await.unwrap();
        assert_eq!(title(&html), "Permissions requested");
        assert!(html.contains(&format!("{app} wants:")), "{html}");
        asked = html
            .split("<li><code>")
            .skip(1)
            .map(|s| unescape(s.split("</code>").next().unwrap()))
            .collect();
        let action = match at_consent {
            AtConsent::Accept => "consent-accept",
            AtConsent::Cancel => "consent-cancel",
            AtConsent::NotAsked => panic!("a consent page was shown for {asked:?}"),
        };
        let mut form = hidden_fields(&html);
        form.push(("action".into(), action.into()));
        response = client().post(&endpoint).form(&form).send().await.unwrap();
    } else {
        assert_ne!(at_consent, AtConsent::Accept, "no consent page was shown");
        assert_ne!(at_consent, AtConsent::Cancel, "no consent page was shown");
    }
    assert_eq!(response.status(), 303);
    let callback = location(&response);
    assert!(
        callback
            .as_str()
            .starts_with(&format!("{}/provisioning_/callback?", sb.origin)),
        "{callback}"
    );
    assert_eq!(query(&callback, "state"), query(authorize, "state"));
    assert_eq!(
        query(&callback, "iss"),
        Some(format!("{}/identity_", sb.origin))
    );
    (callback, asked)
}

/// `GET url` as a browser would; the response, unread.
pub async fn follow(url: &Url) -> reqwest::Response {
    client().get(url.clone()).send().await.unwrap()
}

/// `GET callback` → the page the consent ends on → `(status, title)`. In the
/// extended profile that is a 302 to the done page, whose address carries
/// the status; in the documented profile the callback shows the outcome
/// itself, and the status is read from its title (the client reads the
/// connection instead).
pub async fn finish(sb: &Sandbox, callback: &Url, session: &str) -> (String, String) {
    let response = client().get(callback.clone()).send().await.unwrap();
    let (status, page) = if sb.profile() == connassist_sandbox::Profile::Extended {
        assert_eq!(response.status(), 302, "{}", response.text().await.unwrap());
        let done = location(&response);
        assert_eq!(
            done.as_str().split('?').next().unwrap(),
            format!("{}/provisioning_/done", sb.origin)
        );
        assert_eq!(query(&done, "session").as_deref(), Some(session));
        let status = query(&done, "status").unwrap();
        (Some(status), client().get(done).send().await.unwrap())
    } else {
        (None, response)
    };
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"message\""), "{html}");
    let title = title(&html);
    let status = status.unwrap_or_else(|| {
        match title.as_str() {
            "Connection updated" | "Connection created" => "completed",
            _ => "failed",
        }
        .to_owned()
    });
    (status, title)
}

/// A whole reconnect through the browser, up to the done page: the
/// session's id, its status and the last page's title.
pub async fn reconnect(
    sb: &Sandbox,
    token: &str,
    connection: &str,
    user: &str,
    at_consent: AtConsent,
) -> (String, String, String) {
    let (id, auth_url) = start(sb, token, connection).await;
    let authorize = open_auth_url(sb, &auth_url).await;
    let (callback, _) = sign_in_at_identity(sb, &authorize, user, at_consent).await;
    let (status, title) = finish(sb, &callback, &id).await;
    (id, status, title)
}

/// Plays a person at the consent address `start` a front end printed: signs
/// in as `user`, then accepts or cancels the consent page, following every
/// redirect, until the page the consent ends on (the extended profile's
/// "done" page, or the tenant's callback page); returns its address.
pub async fn consent(start: &str, user: &str, accept: bool) -> Url {
    let mut browser = Browser::new();
    let mut here = Url::parse(start).unwrap();
    let mut post: Option<Vec<(String, String)>> = None;
    for _ in 0..20 {
        if here.path().ends_with("/provisioning_/done") {
            return here;
        }
        let response = match post.take() {
            Some(fields) => browser.post(&here, &fields).await,
            None => browser.get(&here).await,
        };
        if response.status().is_redirection() {
            here = here
                .join(response.headers()["location"].to_str().unwrap())
                .unwrap();
            continue;
        }
        let html = response.text().await.unwrap();
        if here.path().ends_with("/provisioning_/callback") && html.contains("id=\"message\"") {
            return here;
        }
        let action = form_action(&html);
        let mut fields = hidden_fields(&html);
        if html.contains("id=\"username\"") {
            fields.push(("username".into(), user.into()));
            fields.push(("password".into(), SANDBOX_PASSWORD.into()));
            fields.push(("action".into(), "sign-in".into()));
        } else if html.contains("id=\"accept\"") {
            let action = if accept {
                "consent-accept"
            } else {
                "consent-cancel"
            };
            fields.push(("action".into(), action.into()));
        } else {
            panic!("an unexpected page at {here}: {html}");
        }
        here = here.join(&action).unwrap();
        post = Some(fields);
    }
    panic!("never reached the done page");
}

/// Plays a person on the tenant's own "Add connection" page (the hand-off
/// address `start`): picks `connector` in the folder already chosen, signs in
/// as `user` and consents, until the page the consent ends on.
pub async fn add_on_tenant_page(start: &str, user: &str, connector: &str) -> Url {
    let http = client();
    let page_url = Url::parse(start).unwrap();
    let html = http
        .get(page_url.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Add connection"), "{html}");
    let selected = html
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.split('>').next().unwrap().contains(" selected"))
        .expect("the folder is preselected from fid")
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let answer = http
        .post(page_url.clone())
        .form(&[
            ("folder", selected.as_str()),
            ("connector", connector),
            ("name", ""),
            ("username", user),
            ("password", SANDBOX_PASSWORD),
            ("action", "add"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        answer.status().is_redirection(),
        "{}",
        answer.text().await.unwrap()
    );
    let next = page_url
        .join(answer.headers()["location"].to_str().unwrap())
        .unwrap();
    consent(next.as_str(), user, true).await
}

/// Answers, as `user`, the consent whose address `child` prints on its first
/// line of stdout, then waits for it to exit: the consent's last page, the
/// exit code, the rest of stdout and stderr.
#[cfg(unix)]
pub async fn answer_consent(
    child: &mut std::process::Child,
    user: &str,
    accept: bool,
) -> (Url, i32, String, String) {
    let (address, stdout) = crate::process::first_line(child);
    let done = consent(&address, user, accept).await;
    let (code, rest, stderr) = crate::process::finish(child, stdout);
    (done, code.unwrap_or(-1), rest, stderr)
}
