//! Sandboxes started for a test, its API called as a signed-in user over
//! real HTTP, and its database read to see what was stored.

use std::collections::BTreeSet;

use connassist_sandbox::{Config, FaultSpec, Profile, Sandbox};
use serde_json::Value;

use crate::browser::client;
use crate::sign_in::{access, sign_in, sign_in_first_party};

/// A sandbox of the documented profile (the default).
pub async fn sandbox() -> Sandbox {
    Sandbox::start(Config::default()).await.unwrap()
}

/// A sandbox that also serves its inventions (`--profile extended`).
pub async fn extended_sandbox() -> Sandbox {
    sandbox_of(Profile::Extended).await
}

/// A sandbox of `profile`.
pub async fn sandbox_of(profile: Profile) -> Sandbox {
    Sandbox::start(Config {
        profile,
        ..Config::default()
    })
    .await
    .unwrap()
}

/// A sandbox of `profile` injecting `faults` (the `--faults` syntax).
pub async fn faulty_sandbox(profile: Profile, faults: &str) -> Sandbox {
    Sandbox::start(Config {
        faults: FaultSpec::parse(faults).unwrap(),
        profile,
        ..Config::default()
    })
    .await
    .unwrap()
}

/// A sandbox whose access tokens live `lifetime`, so later requests refresh.
pub async fn short_lived_tokens(lifetime: std::time::Duration) -> Sandbox {
    Sandbox::start(Config {
        access_token_lifetime: lifetime,
        ..Config::default()
    })
    .await
    .unwrap()
}

/// `GET path` (below the tenant's address) as `token` in the folder
/// `folder_key` (`X-UIPATH-FolderKey`).
pub async fn api_in(sandbox: &Sandbox, token: &str, path: &str, folder_key: &str) -> (u16, Value) {
    api(sandbox, token, path, &[("X-UIPATH-FolderKey", folder_key)]).await
}

/// `GET path` (below the tenant's address) as `token` with `headers`: the
/// status and the JSON answer (a string when it is not JSON).
pub async fn api(
    sandbox: &Sandbox,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = client()
        .get(format!("{}{path}", sandbox.base_url))
        .bearer_auth(token);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// `POST path` (below the tenant's address) as `token` with a JSON `body`:
/// the status and the JSON answer (`null` when there is none).
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

/// The values of `field` in a JSON list.
pub fn names(list: &Value, field: &str) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[field].as_str().unwrap().to_owned())
        .collect()
}

/// `items` as a set, to compare with [`names`].
pub fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The key of the folder `name` as `user` sees it.
pub async fn sandbox_folder_key(sb: &Sandbox, user: &str, name: &str) -> String {
    let token = access(&sign_in(sb, user).await);
    let (_, folders) = api(sb, &token, "/orchestrator_/odata/Folders", &[]).await;
    folders["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["DisplayName"] == name)
        .unwrap()["Key"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `GET Connections/{id}` as an external application does it without
/// knowing the folder: in each of the caller's folders in turn. The first
/// answer that finds it, else the last one (404 when it is nowhere).
pub async fn connection_anywhere(sandbox: &Sandbox, token: &str, id: &str) -> (u16, Value) {
    let (_, folders) = api(
        sandbox,
        token,
        "/orchestrator_/api/Folders/GetAllForCurrentUser",
        &[],
    )
    .await;
    let mut last = (404, Value::Null);
    for folder in folders["PageItems"].as_array().into_iter().flatten() {
        let key = folder["Key"].as_str().unwrap();
        last = api_in(
            sandbox,
            token,
            &format!("/connections_/api/v1/Connections/{id}"),
            key,
        )
        .await;
        if last.0 == 200 {
            break;
        }
    }
    last
}

/// Connection `id` as the caller sees it, wherever it is; asserts it is found.
pub async fn connection(sb: &Sandbox, token: &str, id: &str) -> Value {
    let (status, body) = connection_anywhere(sb, token, id).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Connection `id` as the platform's own client shows it to `user`: with
/// the owner an external application is not told.
pub async fn first_party_connection(sandbox: &Sandbox, user: &str, id: &str) -> Value {
    let token = access(&sign_in_first_party(sandbox, user).await);
    let (status, body) = api(
        sandbox,
        &token,
        &format!("/connections_/api/v1/Connections/{id}"),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The sandbox's database, opened beside it.
pub fn db(sb: &Sandbox) -> rusqlite::Connection {
    rusqlite::Connection::open(sb.data_dir().join("sandbox.sqlite3")).unwrap()
}

/// The one number `sql` selects from the sandbox's database.
pub fn count(sb: &Sandbox, sql: &str) -> i64 {
    db(sb).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// How many connections' tokens the sandbox keeps.
pub fn stored_tokens(sb: &Sandbox) -> i64 {
    count(
        sb,
        "SELECT COUNT(*) FROM documents WHERE kind = 'connection_tokens'",
    )
}
