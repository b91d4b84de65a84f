//! The identity server's pages: the authorize endpoint's sign-in form and
//! its answer, consent, the web error page, and the codes and tickets they
//! hand on to the token endpoint.

use super::*;

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
pub(super) const CONSENT_TICKET_SECONDS: i64 = 600;

/// Checks client and redirect URI; errors here are shown, never sent to the
/// redirect URI. The platform's clients (external applications, its own)
/// are sent to Identity's web error page, as UiPath Identity does
/// ([`web_error`]); a client of the organisation's provider sees the page.
pub(super) fn check_client(db: &Db, p: &AuthorizeParams) -> Result<Client, Box<Response>> {
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
pub(super) fn web_error_redirect(error: &str, description: &str, client_id: &str) -> Response {
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
pub(super) fn check_request(p: &AuthorizeParams) -> Result<(), (&'static str, &'static str)> {
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

pub(super) fn redirect_with(p: &AuthorizeParams, issuer: &str, pairs: &[(&str, &str)]) -> Response {
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

/// A code for `user`, redirected to the client.
pub(super) fn issue_code(
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
pub(super) fn consent_answer(state: &Shared, db: &Db, ticket: &str, accept: bool) -> Response {
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

pub(super) fn sign_in_page(p: &AuthorizeParams, error: Option<&str>) -> Html<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
