//! Playing a browser through a consent with plain HTTP (reqwest, no automatic
//! redirects, so every hop is checked): the tenant API that starts and reads
//! sessions, the sandbox identity's sign-in and consent pages, the callback
//! and the done page; and reading the sandbox's database to see what was
//! stored. Shared by `provisioning.rs` and `creation.rs`.

use connassist_sandbox::{CONNECTORS_CLIENT_ID, SANDBOX_PASSWORD, Sandbox};
use serde_json::{Value, json};
use url::Url;

use super::{api, client};

pub async fn post(sb: &Sandbox, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let response = client()
        .post(format!("{}{path}", sb.base_url))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

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

pub async fn connection(sb: &Sandbox, token: &str, id: &str) -> Value {
    let (status, body) = super::connection_anywhere(sb, token, id).await;
    assert_eq!(status, 200, "{body}");
    body
}

pub fn location(response: &reqwest::Response) -> Url {
    Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

pub fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The hidden fields of the page's form, as a browser would post them.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        Some(unescape(tag[start..].split('"').next()?))
    };
    html.split("<input")
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap())
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default())))
        .collect()
}

pub fn title(html: &str) -> String {
    let start = html.find("<title>").unwrap() + "<title>".len();
    html[start..].split("</title>").next().unwrap().to_owned()
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

/// `GET callback` as a browser would; the response, unread.
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

/// A whole reconnect through the browser, up to the done page.
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

pub fn db(sb: &Sandbox) -> rusqlite::Connection {
    rusqlite::Connection::open(sb.data_dir().join("sandbox.sqlite3")).unwrap()
}

pub fn count(sb: &Sandbox, sql: &str) -> i64 {
    db(sb).query_row(sql, [], |r| r.get(0)).unwrap()
}

pub fn stored_tokens(sb: &Sandbox) -> i64 {
    count(
        sb,
        "SELECT COUNT(*) FROM documents WHERE kind = 'connection_tokens'",
    )
}
