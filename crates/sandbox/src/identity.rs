//! The sandbox's identity server, shaped like UiPath Identity
//! (`/identity_/connect/{authorize,token,revocation}`): authorization code with
//! PKCE S256 (required: every client of ours is public or native), refresh
//! tokens with rotation (reusing a rotated one revokes the whole sign-in, as
//! RFC 9700 §4.14.2 advises), client credentials for confidential apps, and
//! revocation. The sign-in page is a real HTML form.
//!
//! Redirect URIs match exactly, except that a registered loopback URI matches
//! any port (RFC 8252 §7.3). A bad client or redirect URI is shown on the page,
//! never redirected to (RFC 6749 §4.1.2.1). Successful redirects carry `iss`
//! (RFC 9207) so clients can defend against mix-up.
//!
//! It is also the organisation's identity provider for the sandbox's
//! connectors: `/.well-known/openid-configuration`, `/connect/userinfo`, a
//! consent step for the connectors' clients (see `consent.rs`) and a page
//! where an administrator consents for everyone (`admin_consent.rs`). Its
//! OAuth errors carry Entra's `AADSTSnnnn` codes where Entra has one, so the
//! app's failure catalogue can be tried against them.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use rusqlite::{OptionalExtension, params};
use serde_json::json;
use url::Url;
use uuid::Uuid;

use crate::consent::{self, Decision};
use crate::db::{Db, DbResult};
use crate::http::{ApiError, ApiResult, Shared};
use crate::model::{Client, ClientKind, User, UserKind};
use crate::secrets::{pkce_s256, random_token, sha256_hex, verify_secret};

pub const REFRESH_TOKEN_SECONDS: i64 = 90 * 24 * 3600;
const CODE_SECONDS: i64 = 300;

pub(crate) const ACTIVE: i64 = 0;
const USED: i64 = 1;
const REVOKED: i64 = 2;

#[derive(Debug, Clone)]
pub struct AccessGrant {
    pub user: Uuid,
    pub scope: String,
    pub client_id: String,
}

/// The live access grant for a token hash, if any.
pub fn access_grant(db: &Db, token_hash: &str) -> DbResult<Option<AccessGrant>> {
    let row: Option<(Option<String>, String, String)> = db
        .conn()
        .query_row(
            "SELECT user_key, scope, client_id FROM grants
             WHERE token_hash = ?1 AND kind = 'access' AND used = ?2 AND expires_at > ?3",
            params![token_hash, ACTIVE, Utc::now().timestamp_millis()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.and_then(|(user, scope, client_id)| {
        Some(AccessGrant {
            user: user?.parse().ok()?,
            scope,
            client_id,
        })
    }))
}

/// A grant to store: the token itself is hashed on the way in.
pub(crate) struct NewGrant<'a> {
    pub kind: &'a str,
    pub client_id: &'a str,
    pub user: Uuid,
    pub scope: &'a str,
    pub family: &'a str,
    pub lifetime: i64,
    pub extra: serde_json::Value,
}

pub(crate) fn insert_grant(db: &Db, token: &str, g: NewGrant<'_>) -> DbResult<()> {
    db.conn().execute(
        "INSERT INTO grants (token_hash, kind, client_id, user_key, scope, family, expires_at, extra)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            sha256_hex(token),
            g.kind,
            g.client_id,
            g.user.to_string(),
            g.scope,
            g.family,
            Utc::now().timestamp_millis() + g.lifetime * 1000,
            g.extra.to_string()
        ],
    )?;
    Ok(())
}

/// A stored code or refresh token.
pub(crate) struct GrantRow {
    pub client_id: String,
    pub user: Option<Uuid>,
    pub scope: String,
    pub family: String,
    pub expires_at: i64,
    pub used: i64,
    pub extra: serde_json::Value,
}

pub(crate) fn load_grant(db: &Db, token: &str, kind: &str) -> DbResult<Option<GrantRow>> {
    Ok(db
        .conn()
        .query_row(
            "SELECT client_id, user_key, scope, family, expires_at, used, extra FROM grants
             WHERE token_hash = ?1 AND kind = ?2",
            params![sha256_hex(token), kind],
            |r| {
                Ok(GrantRow {
                    client_id: r.get(0)?,
                    user: r.get::<_, Option<String>>(1)?.and_then(|u| u.parse().ok()),
                    scope: r.get(2)?,
                    family: r.get(3)?,
                    expires_at: r.get(4)?,
                    used: r.get(5)?,
                    extra: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
                })
            },
        )
        .optional()?)
}

pub(crate) fn mark_used(db: &Db, token: &str) -> DbResult<()> {
    db.conn().execute(
        "UPDATE grants SET used = ?1 WHERE token_hash = ?2",
        params![USED, sha256_hex(token)],
    )?;
    Ok(())
}

fn revoke_family(db: &Db, family: &str) -> DbResult<()> {
    db.conn().execute(
        "UPDATE grants SET used = ?1 WHERE family = ?2",
        params![REVOKED, family],
    )?;
    Ok(())
}

/// Issues an access token (and a refresh token when `offline_access` was granted).
pub(crate) fn issue_tokens(
    db: &Db,
    client_id: &str,
    user: Uuid,
    scope: &str,
    family: &str,
) -> DbResult<serde_json::Value> {
    let access = random_token();
    let grant = |kind, lifetime| NewGrant {
        kind,
        client_id,
        user,
        scope,
        family,
        lifetime,
        extra: json!({}),
    };
    let lifetime = db.access_token_seconds();
    insert_grant(db, &access, grant("access", lifetime))?;
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": scope,
    });
    if scope.split(' ').any(|s| s == "offline_access") {
        let refresh = random_token();
        insert_grant(db, &refresh, grant("refresh", REFRESH_TOKEN_SECONDS))?;
        body["refresh_token"] = json!(refresh);
    }
    Ok(body)
}

fn no_store(body: serde_json::Value) -> Response {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        axum::Json(body),
    )
        .into_response()
}

/// Whether `requested` is one of `registered`, compared as registered: ports
/// included, loopback or not. UiPath's own CLIs register fixed loopback ports
/// (uipathcli `http://localhost:12700`; the Python CLI 8104, 8055 and 42042)
/// rather than relying on RFC 8252's any-port loopback rule, which the
/// platform is not documented to follow.
pub fn redirect_allowed(registered: &[String], requested: &str) -> bool {
    let Ok(req) = Url::parse(requested) else {
        return false;
    };
    req.fragment().is_none() && registered.iter().any(|r| r == requested)
}

/// The parameters of an authorization request, carried through the form.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, Default)]
pub struct AuthorizeParams {
    #[serde(default)]
    response_type: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
    #[serde(default)]
    nonce: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    #[serde(flatten)]
    params: AuthorizeParams,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    action: String,
    /// The consent page's answer carries this instead of the request.
    #[serde(default)]
    consent_ticket: String,
}

/// How long the consent page may wait for an answer.
const CONSENT_TICKET_SECONDS: i64 = 600;

/// The registered client `client_id` with `redirect_uri` among its
/// redirects; otherwise the message to show (never redirected to):
/// `unknown` for a client that does not exist, `stops` after "The address …
/// is not registered for …;" for a redirect it does not own.
pub(crate) fn registered_client(
    db: &Db,
    client_id: &str,
    redirect_uri: &str,
    unknown: &str,
    stops: &str,
) -> Result<Client, String> {
    let client = db
        .get::<Client>(client_id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| unknown.to_owned())?;
    if !redirect_allowed(&client.redirect_uris, redirect_uri) {
        return Err(format!(
            "The address {redirect_uri:?} is not registered for {}; {stops}",
            client.name
        ));
    }
    Ok(client)
}

/// Checks client and redirect URI; errors here are shown, never sent to the
/// redirect URI. The platform's clients (external applications, its own)
/// are sent to Identity's web error page, as UiPath Identity does
/// ([`web_error`]); a client of the organisation's provider sees the page.
fn check_client(db: &Db, p: &AuthorizeParams) -> Result<Client, Box<Response>> {
    registered_client(
        db,
        &p.client_id,
        &p.redirect_uri,
        &format!(
            "Unknown application {:?}. Check the client id the app was configured with.",
            p.client_id
        ),
        "sign-in stops here so that no code is sent to it.",
    )
    .map_err(|message| {
        let kind = db
            .get::<Client>(&p.client_id)
            .ok()
            .flatten()
            .map(|c| c.kind);
        Box::new(match kind {
            Some(ClientKind::Provider) => error_page(StatusCode::BAD_REQUEST, &message),
            Some(_) => web_error_redirect("invalid_request", "Invalid redirect_uri", &p.client_id),
            None => web_error_redirect(
                "invalid_client",
                "Unknown client or client not enabled",
                &p.client_id,
            ),
        })
    })
}

/// Where UiPath Identity leaves the browser when an authorization request
/// cannot be answered to the client: `/identity_/web/?errorCode=…&errorId=…`,
/// `errorId` being base64url JSON `{Created, Data: {Error, ErrorDescription,
/// RequestId, ClientId, …}}` (a customer's verbatim URL in UiPathOrch's
/// `Tests/UnitTests/AuthErrorUrlParserTests.cs`).
fn web_error_redirect(error: &str, description: &str, client_id: &str) -> Response {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = json!({
        "Created": Utc::now().timestamp_millis(),
        "Data": {
            "DisplayMode": null,
            "UiLocales": null,
            "Error": error,
            "ErrorDescription": description,
            "RequestId": Uuid::new_v4().simple().to_string(),
            "ActivityId": null,
            "RedirectUri": null,
            "ResponseMode": null,
            "ClientId": client_id,
        }
    });
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("errorCode", error)
        .append_pair("errorId", &URL_SAFE_NO_PAD.encode(payload.to_string()))
        .finish();
    Redirect::to(&format!("/identity_/web/?{query}")).into_response()
}

/// `GET /identity_/web/`: Identity's error page, for [`web_error_redirect`].
pub async fn web_error_page(Query(q): Query<HashMap<String, String>>) -> Response {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let description = q
        .get("errorId")
        .and_then(|id| URL_SAFE_NO_PAD.decode(id).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|v| v["Data"]["ErrorDescription"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "The sign-in could not continue.".to_owned());
    error_page(StatusCode::OK, &description)
}

/// The scopes `client` may be given, when restricted: an external
/// application gets what it was registered with ("if the developer requests
/// access beyond these defined scopes, the request fails": Orchestrator API
/// guide, "Accessing UiPath resources using external applications"). Through
/// client credentials only application scopes count, and Integration
/// Service's are user scopes; `offline_access` is refused there (a forum
/// report of `invalid_scope`). OpenID's own scopes go with a user sign-in.
fn allowed_scopes(
    client: &Client,
    client_credentials: bool,
    profile: crate::profile::Profile,
) -> Option<Vec<String>> {
    let registered = client.scopes.as_ref()?;
    let mut allowed: Vec<String> = registered.clone();
    if client_credentials {
        allowed.retain(|s| {
            !matches!(
                s.as_str(),
                "offline_access" | "openid" | "profile" | "email"
            ) && (!crate::apps::INTEGRATION_SCOPES.contains(&s.as_str())
                || profile.has(crate::profile::Extension::ApplicationIntegrationScopes))
        });
    } else {
        for s in ["openid", "profile", "email", "offline_access"] {
            if !allowed.iter().any(|a| a == s) {
                allowed.push(s.to_owned());
            }
        }
    }
    Some(allowed)
}

/// The scopes of `requested` that `client` may not have, if any.
pub(crate) fn unregistered_scopes(
    client: &Client,
    requested: &str,
    client_credentials: bool,
    profile: crate::profile::Profile,
) -> Vec<String> {
    let Some(allowed) = allowed_scopes(client, client_credentials, profile) else {
        return vec![];
    };
    requested
        .split(' ')
        .filter(|s| !s.is_empty() && !allowed.iter().any(|a| a == s))
        .map(str::to_owned)
        .collect()
}

fn invalid_scope_description(client: &Client, missing: &[String]) -> String {
    format!(
        "The application {} is not registered for {}: ask an administrator to add {} in Admin > External Applications, or sign in without {}.",
        client.name,
        missing.join(", "),
        if missing.len() == 1 { "it" } else { "them" },
        if missing.len() == 1 { "it" } else { "them" },
    )
}

/// A one-time ticket of `kind` that binds a consent page's answer to `user`
/// and the request (`extra`); the error page when it cannot be stored.
pub(crate) fn issue_ticket(
    db: &Db,
    kind: &str,
    client_id: &str,
    user: Uuid,
    scope: &str,
    lifetime: i64,
    extra: serde_json::Value,
) -> Result<String, Box<Response>> {
    let ticket = random_token();
    insert_grant(
        db,
        &ticket,
        NewGrant {
            kind,
            client_id,
            user,
            scope,
            family: &Uuid::new_v4().to_string(),
            lifetime,
            extra,
        },
    )
    .map_err(|e| {
        Box::new(error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
        ))
    })?;
    Ok(ticket)
}

/// Errors the client must hear about, sent to its redirect URI.
fn check_request(p: &AuthorizeParams) -> Result<(), (&'static str, &'static str)> {
    if p.response_type != "code" {
        return Err((
            "unsupported_response_type",
            "Only response_type=code is supported.",
        ));
    }
    if p.code_challenge.is_empty() || p.code_challenge_method != "S256" {
        return Err((
            "invalid_request",
            "PKCE is required: send code_challenge with code_challenge_method=S256.",
        ));
    }
    if p.state.is_empty() {
        return Err(("invalid_request", "state is required."));
    }
    Ok(())
}

fn redirect_with(p: &AuthorizeParams, issuer: &str, pairs: &[(&str, &str)]) -> Response {
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
        q.append_pair("iss", issuer);
    }
    Redirect::to(url.as_str()).into_response()
}

pub async fn authorize_page(
    State(state): State<Shared>,
    Query(p): Query<AuthorizeParams>,
) -> Response {
    let db = state.db();
    let client = match check_client(&db, &p) {
        Ok(c) => c,
        Err(page) => return *page,
    };
    if let Err((error, description)) = check_request(&p) {
        return redirect_with(
            &p,
            &state.issuer(),
            &[("error", error), ("error_description", description)],
        );
    }
    let missing = unregistered_scopes(&client, &p.scope, false, state.profile);
    if !missing.is_empty() {
        return redirect_with(
            &p,
            &state.issuer(),
            &[
                ("error", "invalid_scope"),
                (
                    "error_description",
                    &invalid_scope_description(&client, &missing),
                ),
            ],
        );
    }
    sign_in_page(&p, None).into_response()
}

pub async fn authorize_submit(
    State(state): State<Shared>,
    Form(form): Form<SignInForm>,
) -> Response {
    let db = state.db();
    match form.action.as_str() {
        "consent-accept" => return consent_answer(&state, &db, &form.consent_ticket, true),
        "consent-cancel" => return consent_answer(&state, &db, &form.consent_ticket, false),
        _ => {}
    }
    let p = &form.params;
    let client = match check_client(&db, p) {
        Ok(c) => c,
        Err(page) => return *page,
    };
    if let Err((error, description)) = check_request(p) {
        return redirect_with(
            p,
            &state.issuer(),
            &[("error", error), ("error_description", description)],
        );
    }
    let missing = unregistered_scopes(&client, &p.scope, false, state.profile);
    if !missing.is_empty() {
        return redirect_with(
            p,
            &state.issuer(),
            &[
                ("error", "invalid_scope"),
                (
                    "error_description",
                    &invalid_scope_description(&client, &missing),
                ),
            ],
        );
    }
    if form.action == "cancel" {
        return redirect_with(
            p,
            &state.issuer(),
            &[
                ("error", "access_denied"),
                ("error_description", "The user cancelled the sign-in."),
            ],
        );
    }
    let Some(user) = authenticate(&db, &form.username, &form.password) else {
        return sign_in_page(
            p,
            Some("That user name and password do not match a sandbox account."),
        )
        .into_response();
    };
    if consent::asks_consent(&client.client_id) {
        match consent::decide(&db, user.key, &client.client_id, &p.scope) {
            Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            Ok(Decision::Granted) => {}
            Ok(Decision::AdminOnly(scopes)) => {
                let description = format!(
                    "AADSTS90094: The grant requires admin permission. An administrator must consent to {} for the organisation.",
                    scopes.join(", ")
                );
                return redirect_with(
                    p,
                    &state.issuer(),
                    &[
                        ("error", "consent_required"),
                        ("error_description", &description),
                    ],
                );
            }
            Ok(Decision::Ask(scopes)) => {
                // The ticket stands for this person and this request: the
                // answer is bound to them, not to what the form posts back.
                let ticket = match issue_ticket(
                    &db,
                    "consent",
                    &client.client_id,
                    user.key,
                    &p.scope,
                    CONSENT_TICKET_SECONDS,
                    json!(p),
                ) {
                    Ok(t) => t,
                    Err(page) => return *page,
                };
                return Html(consent::page(&ticket, &user, &client.name, &scopes)).into_response();
            }
        }
    }
    issue_code(&state, &db, &client.client_id, &user, p)
}

/// The person a user name (or address) and password sign in as.
pub(crate) fn authenticate(db: &Db, username: &str, password: &str) -> Option<User> {
    let user = db.all::<User>().ok().and_then(|users| {
        users.into_iter().find(|u| {
            u.kind == UserKind::User
                && (u.user_name.eq_ignore_ascii_case(username.trim())
                    || u.email.eq_ignore_ascii_case(username.trim()))
        })
    });
    user.filter(|u| {
        u.password_hash
            .as_deref()
            .is_some_and(|h| verify_secret(password, h))
    })
}

/// A code for `user`, redirected to the client.
fn issue_code(
    state: &Shared,
    db: &Db,
    client_id: &str,
    user: &User,
    p: &AuthorizeParams,
) -> Response {
    let code = random_token();
    let family = Uuid::new_v4().to_string();
    let stored = insert_grant(
        db,
        &code,
        NewGrant {
            kind: "code",
            client_id,
            user: user.key,
            scope: &p.scope,
            family: &family,
            lifetime: CODE_SECONDS,
            extra: json!({"redirect_uri": p.redirect_uri, "code_challenge": p.code_challenge, "nonce": p.nonce}),
        },
    );
    if let Err(e) = stored {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
    }
    tracing::info!(user = %user.user_name, client = %client_id, "sandbox sign-in");
    redirect_with(p, &state.issuer(), &[("code", &code)])
}

/// Redeems a consent page's one-time `ticket` of `kind`: it must be unused
/// and unexpired, is burnt, and gives back the request it carries. Anything
/// else is the error page to show (`again` says how to start over).
pub(crate) fn redeem_ticket<T: serde::de::DeserializeOwned>(
    db: &Db,
    ticket: &str,
    kind: &str,
    again: &str,
) -> Result<(GrantRow, T), Box<Response>> {
    let grant = load_grant(db, ticket, kind).map_err(|e| {
        Box::new(error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
        ))
    })?;
    let Some(mut g) =
        grant.filter(|g| g.used == ACTIVE && g.expires_at > Utc::now().timestamp_millis())
    else {
        return Err(Box::new(error_page(
            StatusCode::BAD_REQUEST,
            &format!("This consent page expired or was already answered. {again}"),
        )));
    };
    mark_used(db, ticket).map_err(|e| {
        Box::new(error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
        ))
    })?;
    match serde_json::from_value::<T>(std::mem::take(&mut g.extra)) {
        Ok(request) => Ok((g, request)),
        Err(_) => Err(Box::new(error_page(
            StatusCode::BAD_REQUEST,
            "This consent page is damaged.",
        ))),
    }
}

/// The consent page's answer: the ticket names the person and the request.
fn consent_answer(state: &Shared, db: &Db, ticket: &str, accept: bool) -> Response {
    let (g, p) = match redeem_ticket::<AuthorizeParams>(
        db,
        ticket,
        "consent",
        "Start again from the app.",
    ) {
        Ok(redeemed) => redeemed,
        Err(page) => return *page,
    };
    if !accept {
        return redirect_with(
            &p,
            &state.issuer(),
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "AADSTS65004: User declined to consent to access the app.",
                ),
            ],
        );
    }
    let user = match g.user.map(|u| db.get::<User>(&u.to_string())).transpose() {
        Ok(Some(Some(user))) => user,
        Ok(_) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "The account behind this page no longer exists.",
            );
        }
        Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    if let Err(e) = consent::grant(db, user.key, &g.client_id, &g.scope) {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
    }
    issue_code(state, db, &g.client_id, &user, &p)
}

/// OpenID Connect Discovery 1.0 for this issuer, with RFC 9207's
/// `authorization_response_iss_parameter_supported`. No ID tokens are issued
/// (the app's client never needed one), so there is no `jwks_uri`.
pub fn discovery(issuer: &str) -> serde_json::Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/connect/authorize"),
        "token_endpoint": format!("{issuer}/connect/token"),
        "revocation_endpoint": format!("{issuer}/connect/revocation"),
        "userinfo_endpoint": format!("{issuer}/connect/userinfo"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "subject_types_supported": ["public"],
        "claims_supported": ["sub", "email", "name", "preferred_username"],
        "authorization_response_iss_parameter_supported": true,
    })
}

pub async fn openid_configuration(State(state): State<Shared>) -> axum::Json<serde_json::Value> {
    axum::Json(discovery(&state.issuer()))
}

/// `GET|POST /connect/userinfo` (OpenID Connect Core §5.3): who a bearer
/// access token with `openid` acts for. Errors are RFC 6750's, in the header.
pub async fn userinfo(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let bearer_error = |status: StatusCode, challenge: &'static str| {
        (status, [(header::WWW_AUTHENTICATE, challenge)]).into_response()
    };
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return bearer_error(StatusCode::UNAUTHORIZED, "Bearer");
    };
    let db = state.db();
    let grant = match access_grant(&db, &sha256_hex(token)) {
        Ok(Some(g)) => g,
        Ok(None) => {
            return bearer_error(StatusCode::UNAUTHORIZED, "Bearer error=\"invalid_token\"");
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    if !grant.scope.split(' ').any(|s| s == "openid") {
        return bearer_error(
            StatusCode::FORBIDDEN,
            "Bearer error=\"insufficient_scope\", scope=\"openid\"",
        );
    }
    match db.get::<User>(&grant.user.to_string()) {
        Ok(Some(u)) => no_store(json!({
            "sub": u.key,
            "email": u.email,
            "name": format!("{} {}", u.name, u.surname).trim(),
            "preferred_username": u.email,
        })),
        Ok(None) => bearer_error(StatusCode::UNAUTHORIZED, "Bearer error=\"invalid_token\""),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Client authentication: HTTP Basic or form fields (RFC 6749 §2.3.1).
fn client_credentials(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> (String, Option<String>) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(id, secret)| (id.to_owned(), secret.to_owned()))
        });
    match basic {
        Some((id, secret)) => (id, Some(secret)),
        None => (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned(),
        ),
    }
}

pub async fn token(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> ApiResult<Response> {
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    state.count_token_request(field("grant_type"));
    let (client_id, secret) = client_credentials(&headers, &form);
    let mut db = state.db();
    let client = db.get::<Client>(&client_id)?.ok_or_else(|| {
        ApiError::oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            &format!(
                "AADSTS700016: Application with identifier '{client_id}' was not found in the directory."
            ),
        )
    })?;
    if let Some(hash) = &client.secret_hash {
        let ok = secret.as_deref().is_some_and(|s| verify_secret(s, hash));
        if !ok {
            return Err(ApiError::oauth(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided: the client secret is wrong, expired or missing.",
            ));
        }
    }
    let body = match field("grant_type") {
        "authorization_code" => db.transaction(|db| {
            exchange_code(
                db,
                &client,
                field("code"),
                field("redirect_uri"),
                field("code_verifier"),
            )
        })?,
        "refresh_token" => db.transaction(|db| refresh(db, &client, field("refresh_token")))?,
        "client_credentials" => {
            let Some(app) = client.app_user.filter(|_| client.secret_hash.is_some()) else {
                return Err(ApiError::oauth(
                    StatusCode::BAD_REQUEST,
                    "unauthorized_client",
                    "This client may not use client_credentials.",
                ));
            };
            let scope = form.get("scope").cloned().unwrap_or_default();
            let missing = unregistered_scopes(&client, &scope, true, state.profile);
            if !missing.is_empty() {
                return Err(ApiError::oauth(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &invalid_scope_description(&client, &missing),
                ));
            }
            let family = Uuid::new_v4().to_string();
            // No refresh token for client credentials: the app signs in again.
            let scope = scope
                .split(' ')
                .filter(|s| *s != "offline_access")
                .collect::<Vec<_>>()
                .join(" ");
            Ok(issue_tokens(&db, &client.client_id, app, &scope, &family)?)
        }
        other => Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("grant_type {other:?} is not supported."),
        )),
    }?;
    Ok(no_store(body))
}

type Exchange = Result<serde_json::Value, ApiError>;

fn invalid_grant(description: &str) -> ApiError {
    ApiError::oauth(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

fn exchange_code(
    db: &Db,
    client: &Client,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> DbResult<Exchange> {
    let Some(g) = load_grant(db, code, "code")? else {
        return Ok(Err(invalid_grant("Unknown authorization code.")));
    };
    if g.used != ACTIVE {
        // A replayed code: revoke everything issued from it (RFC 6749 §4.1.2).
        revoke_family(db, &g.family)?;
        return Ok(Err(invalid_grant(
            "The authorization code was already used; the tokens issued from it are revoked.",
        )));
    }
    // Burn the code before any check: a failed attempt must not be retried.
    mark_used(db, code)?;
    if g.expires_at <= Utc::now().timestamp_millis() {
        return Ok(Err(invalid_grant(
            "The authorization code expired; sign in again.",
        )));
    }
    if g.client_id != client.client_id {
        return Ok(Err(invalid_grant("The code was issued to another client.")));
    }
    if g.extra["redirect_uri"].as_str() != Some(redirect_uri) {
        return Ok(Err(invalid_grant(
            "redirect_uri differs from the one in the authorization request.",
        )));
    }
    if verifier.is_empty()
        || g.extra["code_challenge"].as_str() != Some(pkce_s256(verifier).as_str())
    {
        return Ok(Err(invalid_grant(
            "PKCE verification failed: the code_verifier does not match the code_challenge.",
        )));
    }
    let Some(user) = g.user else {
        return Ok(Err(invalid_grant("The code has no user.")));
    };
    Ok(Ok(issue_tokens(
        db,
        &client.client_id,
        user,
        &g.scope,
        &g.family,
    )?))
}

fn refresh(db: &Db, client: &Client, token: &str) -> DbResult<Exchange> {
    let Some(g) = load_grant(db, token, "refresh")? else {
        return Ok(Err(invalid_grant(
            "AADSTS70000: Unknown refresh token; sign in again.",
        )));
    };
    if g.client_id != client.client_id {
        return Ok(Err(invalid_grant(
            "The refresh token was issued to another client.",
        )));
    }
    match g.used {
        ACTIVE => {}
        USED => {
            // Reuse of a rotated token: someone else may hold it. Revoke the sign-in.
            revoke_family(db, &g.family)?;
            return Ok(Err(invalid_grant(
                "AADSTS70000: This refresh token was already used (rotated); the sign-in is revoked. Sign in again.",
            )));
        }
        _ => {
            return Ok(Err(invalid_grant(
                "AADSTS50173: The sign-in was revoked; sign in again.",
            )));
        }
    }
    if g.expires_at <= Utc::now().timestamp_millis() {
        return Ok(Err(invalid_grant(
            "AADSTS700082: The refresh token expired due to inactivity; sign in again.",
        )));
    }
    mark_used(db, token)?;
    let Some(user) = g.user else {
        return Ok(Err(invalid_grant("The token has no user.")));
    };
    Ok(Ok(issue_tokens(
        db,
        &client.client_id,
        user,
        &g.scope,
        &g.family,
    )?))
}

/// RFC 7009: revokes the sign-in the token belongs to; always 200.
pub async fn revocation(
    State(state): State<Shared>,
    Form(form): Form<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let token = form.get("token").cloned().unwrap_or_default();
    let db = state.db();
    let family: Option<String> = db
        .conn()
        .query_row(
            "SELECT family FROM grants WHERE token_hash = ?1",
            [sha256_hex(&token)],
            |r| r.get(0),
        )
        .optional()
        .map_err(crate::db::DbError::from)?;
    if let Some(family) = family {
        revoke_family(&db, &family)?;
    }
    Ok(StatusCode::OK)
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(crate) const PAGE_STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f6f8fa;color:#1f2328;display:flex;justify-content:center;padding:48px 16px;margin:0}
main{background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:28px 32px;max-width:380px;width:100%}
h1{font-size:1.3rem;margin:0 0 4px}p{color:#59636e}label{display:block;font-weight:600;margin:14px 0 6px}
input{width:100%;box-sizing:border-box;padding:8px 10px;font:inherit;border:1px solid #d0d7de;border-radius:6px}
button{width:100%;margin-top:18px;padding:9px;font:inherit;font-weight:600;border-radius:6px;border:1px solid #d0d7de;cursor:pointer}
.primary{background:#1f6feb;color:#fff;border-color:transparent}.error{color:#cf222e}.hint{font-size:.85rem}
@media (prefers-color-scheme: dark){body{background:#0d1117;color:#e6edf3}main{background:#161b22;border-color:#30363d}input{background:#0d1117;color:#e6edf3;border-color:#30363d}p{color:#9198a1}}";

/// Hidden form fields carrying `fields` through a POST, escaped.
pub(crate) fn hidden_fields(fields: &[(&str, &String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                escape(v)
            )
        })
        .collect()
}

/// The sign-in form's error line, when there is one.
pub(crate) fn error_paragraph(error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"sign-in-error\">{}</p>",
                escape(e)
            )
        })
        .unwrap_or_default()
}

fn sign_in_page(p: &AuthorizeParams, error: Option<&str>) -> Html<String> {
    let hidden = [
        ("response_type", &p.response_type),
        ("client_id", &p.client_id),
        ("redirect_uri", &p.redirect_uri),
        ("scope", &p.scope),
        ("state", &p.state),
        ("code_challenge", &p.code_challenge),
        ("code_challenge_method", &p.code_challenge_method),
        ("nonce", &p.nonce),
    ];
    let hidden = hidden_fields(&hidden);
    let error = error_paragraph(error);
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"color-scheme\" content=\"light dark\">
<title>Sign in to the sandbox tenant</title><style>{PAGE_STYLE}</style></head><body><main>
<h1>Sign in to the sandbox tenant</h1><p>An emulated UiPath tenant on this computer.</p>{error}
<form method=\"post\" action=\"authorize\">{hidden}
<label for=\"username\">User name or email</label><input id=\"username\" name=\"username\" autocomplete=\"username\" autofocus required>
<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>
<button class=\"primary\" id=\"sign-in\" type=\"submit\" name=\"action\" value=\"sign-in\">Sign in</button>
<button id=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button></form>
<p class=\"hint\">Sandbox accounts: <b>alex</b> (attended user), <b>hana</b> (helpdesk, tenant administrator), <b>dana</b> (developer). Password: <b>{}</b>.</p>
</main></body></html>",
        crate::scenario::SANDBOX_PASSWORD
    ))
}

pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in stopped</title><style>{PAGE_STYLE}</style></head>
<body><main><h1>Sign-in stopped</h1><p class=\"error\" role=\"alert\">{}</p></main></body></html>",
            escape(message)
        )),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_match_as_registered_ports_included() {
        let reg = vec!["http://127.0.0.1:47611/callback".to_owned()];
        assert!(redirect_allowed(&reg, "http://127.0.0.1:47611/callback"));
        assert!(!redirect_allowed(&reg, "http://127.0.0.1:53123/callback"));
        assert!(!redirect_allowed(&reg, "http://127.0.0.1/callback"));
        assert!(!redirect_allowed(
            &reg,
            "http://127.0.0.1:47611/callback/extra"
        ));
        assert!(!redirect_allowed(
            &reg,
            "http://127.0.0.1:47611/callback?x=1"
        ));
        assert!(!redirect_allowed(&reg, "http://localhost:47611/callback"));
        assert!(!redirect_allowed(&reg, "https://127.0.0.1:47611/callback"));
        assert!(!redirect_allowed(
            &reg,
            "http://127.0.0.1:47611/callback#frag"
        ));
        let reg = vec!["https://app.example/cb".to_owned()];
        assert!(redirect_allowed(&reg, "https://app.example/cb"));
        assert!(!redirect_allowed(&reg, "https://app.example:8443/cb"));
    }

    #[test]
    fn form_values_are_escaped() {
        let p = AuthorizeParams {
            state: "\"><script>alert(1)</script>".into(),
            ..Default::default()
        };
        let html = sign_in_page(&p, None).0;
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&quot;&gt;&lt;script&gt;"));
    }
}
