//! Why this exists: when the admin-consent wall stops a reconnect (alex, a
//! scope only an administrator may grant), the app can only say "ask your
//! administrator" unless there is somewhere to send them. This is that place,
//! in the shape of Entra's admin-consent endpoint
//! (`/{tenant}/v2.0/adminconsent?client_id=&scope=&redirect_uri=&state=`):
//!
//! - `GET /identity_/adminconsent` shows the usual sign-in form, naming the app
//!   and the permissions it asks for the whole organisation.
//! - `POST` signs in. A person who is not a tenant administrator gets a page
//!   saying only an administrator can grant it; nothing changes. An
//!   administrator (hana in seeded tenants) gets the permissions page, whose
//!   Accept records a [`crate::consent::TenantConsent`] and redirects to
//!   `redirect_uri` with `admin_consent=True&tenant=…&scope=…&state=…`, as
//!   Entra does; Cancel redirects with `error=access_denied`.
//!
//! The client and its redirect URI are checked as for `/connect/authorize`:
//! a bad one is shown, never redirected to. The answer to the permissions page
//! is bound to the administrator and the request by a single-use ticket.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use url::Url;
use uuid::Uuid;

use crate::consent;
use crate::db::Db;
use crate::html::{PAGE_STYLE, error_page, error_paragraph, escape, hidden_fields};
use crate::http::Shared;
use crate::identity::{authenticate, issue_ticket, redeem_ticket, registered_client};
use crate::model::{Client, User};

/// How long the permissions page may wait for an answer.
const TICKET_SECONDS: i64 = 600;

/// The sandbox tenant's directory id, as Entra names a tenant in the
/// admin-consent answer (`tenant=`). Invented: a stable UUID of our own.
pub fn tenant_id() -> Uuid {
    crate::scenario::key("tenant/sandbox/DefaultTenant")
}

/// The request's parameters, carried through the forms.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AdminConsentParams {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    state: String,
}

#[derive(Debug, Deserialize)]
pub struct AdminConsentForm {
    #[serde(flatten)]
    params: AdminConsentParams,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    action: String,
    /// The permissions page's answer carries this instead of the request.
    #[serde(default)]
    consent_ticket: String,
}

fn scopes_of(scope: &str) -> Vec<&str> {
    scope.split(' ').filter(|s| !s.is_empty()).collect()
}

/// The client and its redirect URI; errors are shown, not redirected.
fn check(db: &Db, p: &AdminConsentParams) -> Result<Client, String> {
    let client = registered_client(
        db,
        &p.client_id,
        &p.redirect_uri,
        &format!(
            "AADSTS700016: there is no application {:?} in the sandbox tenant. Check the client id in the link.",
            p.client_id
        ),
        "consent stops here so that nothing is sent to it.",
    )?;
    if scopes_of(&p.scope).is_empty() {
        return Err("The link names no permissions to grant (scope is empty).".into());
    }
    Ok(client)
}

fn redirect_to(p: &AdminConsentParams, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = Url::parse(&p.redirect_uri) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "The redirect address is not a URL.",
        );
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        q.append_pair("state", &p.state);
    }
    Redirect::to(url.as_str()).into_response()
}

fn scope_list(scopes: &[&str]) -> String {
    scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect()
}

fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"color-scheme\" content=\"light dark\">
<title>{0}</title><style>{PAGE_STYLE}</style></head><body><main><h1>{0}</h1>{body}</main></body></html>",
        escape(title)
    )
}

/// The usual sign-in form, for an administrator.
fn sign_in_page(p: &AdminConsentParams, client: &Client, error: Option<&str>) -> Response {
    let hidden = [
        ("client_id", &p.client_id),
        ("scope", &p.scope),
        ("redirect_uri", &p.redirect_uri),
        ("state", &p.state),
    ];
    let hidden = hidden_fields(&hidden);
    let error = error_paragraph(error);
    let body = format!(
        "<p>An administrator of the sandbox tenant grants <b id=\"consent-app\">{}</b> these permissions for everyone in the organisation:</p>
<ul id=\"consent-scopes\">{}</ul>{error}
<form method=\"post\" action=\"adminconsent\">{hidden}
<label for=\"username\">Administrator's user name or email</label><input id=\"username\" name=\"username\" autocomplete=\"username\" autofocus required>
<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>
<button class=\"primary\" id=\"sign-in\" type=\"submit\" name=\"action\" value=\"sign-in\">Sign in</button>
<button id=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button></form>
<p class=\"hint\">In the sandbox, <b>hana</b> is the tenant administrator. Password: <b>{}</b>.</p>",
        escape(&client.name),
        scope_list(&scopes_of(&p.scope)),
        crate::scenario::SANDBOX_PASSWORD,
    );
    Html(html_page("Grant admin consent", &body)).into_response()
}

/// The administrator's Accept / Cancel, bound to them by `ticket`.
fn permissions_page(ticket: &str, admin: &User, client: &Client, scope: &str) -> Response {
    let body = format!(
        "<p>Signed in as <b>{}</b>, administrator.</p>
<p><b id=\"consent-app\">{}</b> wants, for everyone in the organisation:</p><ul id=\"consent-scopes\">{}</ul>
<p>Accepting lets every person use these permissions with this app without being asked.</p>
<form method=\"post\" action=\"adminconsent\"><input type=\"hidden\" name=\"consent_ticket\" value=\"{}\">
<button class=\"primary\" id=\"accept\" type=\"submit\" name=\"action\" value=\"consent-accept\">Accept for the organisation</button>
<button id=\"cancel\" type=\"submit\" name=\"action\" value=\"consent-cancel\">Cancel</button></form>",
        escape(&admin.email),
        escape(&client.name),
        scope_list(&scopes_of(scope)),
        escape(ticket),
    );
    Html(html_page(
        "Permissions requested for the organisation",
        &body,
    ))
    .into_response()
}

/// `GET /identity_/adminconsent`.
pub async fn page(State(state): State<Shared>, Query(p): Query<AdminConsentParams>) -> Response {
    let db = state.db();
    match check(&db, &p) {
        Ok(client) => sign_in_page(&p, &client, None),
        Err(message) => error_page(StatusCode::BAD_REQUEST, &message),
    }
}

/// `POST /identity_/adminconsent`: the sign-in form or the permissions page.
pub async fn submit(State(state): State<Shared>, Form(form): Form<AdminConsentForm>) -> Response {
    let db = state.db();
    match form.action.as_str() {
        "consent-accept" => return answer(&db, &form.consent_ticket, true),
        "consent-cancel" => return answer(&db, &form.consent_ticket, false),
        _ => {}
    }
    let p = &form.params;
    let client = match check(&db, p) {
        Ok(c) => c,
        Err(message) => return error_page(StatusCode::BAD_REQUEST, &message),
    };
    if form.action == "cancel" {
        return redirect_to(
            p,
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "AADSTS65004: The administrator cancelled the consent.",
                ),
            ],
        );
    }
    let Some(user) = authenticate(&db, &form.username, &form.password) else {
        return sign_in_page(
            p,
            &client,
            Some("That user name and password do not match a sandbox account."),
        );
    };
    if !user.tenant_admin {
        tracing::info!(user = %user.user_name, client = %client.client_id, "admin consent refused: not an administrator");
        let body = format!(
            "<p class=\"error\" role=\"alert\" id=\"message\">{} is not an administrator of the sandbox tenant. Only an administrator can grant {} to {} for the organisation. Nothing was changed: send this link to your administrator.</p>",
            escape(&user.email),
            escape(&scopes_of(&p.scope).join(", ")),
            escape(&client.name),
        );
        return (
            StatusCode::FORBIDDEN,
            Html(html_page("Only an administrator can grant this", &body)),
        )
            .into_response();
    }
    let ticket = match issue_ticket(
        &db,
        "admin_consent",
        &client.client_id,
        user.key,
        &p.scope,
        TICKET_SECONDS,
        json!(p),
    ) {
        Ok(t) => t,
        Err(page) => return *page,
    };
    permissions_page(&ticket, &user, &client, &p.scope)
}

/// The permissions page's answer.
fn answer(db: &Db, ticket: &str, accept: bool) -> Response {
    let (g, p) = match redeem_ticket::<AdminConsentParams>(
        db,
        ticket,
        "admin_consent",
        "Open the administrator's link again.",
    ) {
        Ok(redeemed) => redeemed,
        Err(page) => return *page,
    };
    if !accept {
        return redirect_to(
            &p,
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "AADSTS65004: The administrator declined to consent.",
                ),
            ],
        );
    }
    // Still an administrator now (the ticket names who signed in).
    let admin = match g.user.map(|u| db.get::<User>(&u.to_string())).transpose() {
        Ok(Some(Some(u))) if u.tenant_admin => u,
        Ok(_) => {
            return error_page(
                StatusCode::FORBIDDEN,
                "The account that signed in is no longer an administrator; nothing was changed.",
            );
        }
        Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    if let Err(e) = consent::grant_for_tenant(db, admin.key, &g.client_id, &g.scope) {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
    }
    tracing::info!(admin = %admin.user_name, client = %g.client_id, scope = %g.scope, "admin consent granted for the organisation");
    redirect_to(
        &p,
        &[
            ("admin_consent", "True"),
            ("tenant", &tenant_id().to_string()),
            ("scope", &g.scope),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_what_they_show() {
        let p = AdminConsentParams {
            client_id: "app".into(),
            scope: "<evil> Mail.Send".into(),
            redirect_uri: "\"><script>".into(),
            state: "s".into(),
        };
        let client = Client {
            client_id: "app".into(),
            name: "<b>app</b>".into(),
            secret_hash: None,
            redirect_uris: vec![],
            app_user: None,
            kind: crate::model::ClientKind::Provider,
            scopes: None,
        };
        let response = sign_in_page(&p, &client, Some("<bad>"));
        assert_eq!(response.status(), StatusCode::OK);
        let html = html_page("<t>", &scope_list(&scopes_of(&p.scope)));
        assert!(!html.contains("<evil>") && !html.contains("<t>"));
        assert!(html.contains("<li><code>Mail.Send</code></li>"));
    }
}
