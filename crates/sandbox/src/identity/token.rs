//! The identity server's token endpoints: `connect/token` (authorization
//! code with PKCE, refresh with rotation, client credentials), revocation
//! and userinfo.

use super::*;

pub(super) fn no_store(body: serde_json::Value) -> Response {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        axum::Json(body),
    )
        .into_response()
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
pub(super) fn client_credentials(
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

pub(super) type Exchange = Result<serde_json::Value, ApiError>;

pub(super) fn invalid_grant(description: &str) -> ApiError {
    ApiError::oauth(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

pub(super) fn exchange_code(
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

pub(super) fn refresh(db: &Db, client: &Client, token: &str) -> DbResult<Exchange> {
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
