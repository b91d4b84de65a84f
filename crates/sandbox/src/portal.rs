//! The tenant's own web page for adding a connection, as the documented
//! profile's "New connection" hand-off opens it: Orchestrator at
//! `/{org}/{tenant}/orchestrator_/?fid={folder id}` (the `fid` parameter the
//! official `uipath` CLI and UiPathOrch put in Orchestrator links), where the
//! platform's documented click path is the folder's Connections tab › Add
//! connection › the connector. The platform's page and its requests are not
//! public; this one is the sandbox's stand-in, a plain form: pick the
//! connector, say who you are (a sandbox person), and the consent runs as
//! any creation does (`provisioning::create`), ending on the outcome page.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::html::{PAGE_STYLE, escape};
use crate::http::Shared;
use crate::identity::authenticate;
use crate::model::{Connector, Folder};

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"color-scheme\" content=\"light dark\"><title>Orchestrator · sandbox tenant</title><style>{PAGE_STYLE}</style></head><body><main>{body}</main></body></html>"
        )),
    )
        .into_response()
}

fn form(
    folders: &[Folder],
    connectors: &[Connector],
    folder: Option<i64>,
    error: Option<&str>,
) -> String {
    let options = |items: Vec<(String, String, bool)>| {
        items
            .into_iter()
            .map(|(value, label, selected)| {
                format!(
                    "<option value=\"{}\"{}>{}</option>",
                    escape(&value),
                    if selected { " selected" } else { "" },
                    escape(&label)
                )
            })
            .collect::<String>()
    };
    let folder_options = options(
        folders
            .iter()
            .map(|f| {
                (
                    f.key.to_string(),
                    f.fully_qualified_name.clone(),
                    Some(f.id) == folder,
                )
            })
            .collect(),
    );
    let connector_options = options(
        connectors
            .iter()
            .map(|c| (c.key.clone(), c.name.clone(), false))
            .collect(),
    );
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    format!(
        "<h1>Add connection</h1><p>Sandbox tenant · Orchestrator › Connections</p>{error}
<form method=\"post\">
<label for=\"folder\">Folder</label><select id=\"folder\" name=\"folder\">{folder_options}</select>
<label for=\"connector\">Connector</label><select id=\"connector\" name=\"connector\">{connector_options}</select>
<label for=\"name\">Name (optional)</label><input id=\"name\" name=\"name\">
<label for=\"username\">You are</label><input id=\"username\" name=\"username\" autocomplete=\"username\" placeholder=\"alex, hana or dana\">
<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">
<p><button type=\"submit\" id=\"portal-add\" name=\"action\" value=\"add\">Add connection</button></p>
</form>"
    )
}

fn catalogue(state: &Shared) -> Result<(Vec<Folder>, Vec<Connector>), Box<Response>> {
    let db = state.db();
    let read = || -> Result<_, crate::db::DbError> {
        let mut folders = db.folders()?.to_vec();
        folders.sort_by(|a, b| a.fully_qualified_name.cmp(&b.fully_qualified_name));
        let mut connectors = db.all::<Connector>()?;
        connectors.sort_by(|a, b| a.name.cmp(&b.name));
        Ok((folders, connectors))
    };
    read().map_err(|e| {
        Box::new(html(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("<h1>Error</h1><p>{}</p>", escape(&e.to_string())),
        ))
    })
}

/// `GET /{org}/{tenant}/orchestrator_/?fid=`: the page, on that folder.
pub async fn page(
    State(state): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (folders, connectors) = match catalogue(&state) {
        Ok(c) => c,
        Err(page) => return *page,
    };
    let fid = q.get("fid").and_then(|f| f.parse().ok());
    html(StatusCode::OK, form(&folders, &connectors, fid, None))
}

#[derive(Debug, serde::Deserialize)]
pub struct AddForm {
    #[serde(default)]
    folder: String,
    #[serde(default)]
    connector: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST` the form: on to the provider's consent.
pub async fn add(State(state): State<Shared>, Form(f): Form<AddForm>) -> Response {
    let (folders, connectors) = match catalogue(&state) {
        Ok(c) => c,
        Err(page) => return *page,
    };
    let fid = folders
        .iter()
        .find(|x| x.key.to_string() == f.folder)
        .map(|x| x.id);
    let again = |message: &str| {
        html(
            StatusCode::BAD_REQUEST,
            form(&folders, &connectors, fid, Some(message)),
        )
    };
    let user = {
        let db = state.db();
        authenticate(&db, &f.username, &f.password)
    };
    let Some(user) = user else {
        return again("That user name and password do not match a sandbox account.");
    };
    let name = Some(f.name.trim().to_owned()).filter(|n| !n.is_empty());
    match crate::provisioning::start_from_page(&state, &user, &f.connector, &f.folder, name) {
        Ok(auth_url) => Redirect::to(&auth_url).into_response(),
        Err(e) => again(
            e.body["message"]
                .as_str()
                .unwrap_or("The connection could not be started."),
        ),
    }
}
