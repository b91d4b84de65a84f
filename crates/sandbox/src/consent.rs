//! Why this exists: a reconnect fails at the provider for consent reasons as
//! often as for a wrong password, and the app must be tried against those
//! failures. The sandbox identity server therefore keeps, per person, which
//! scopes they consented to for the connectors' client (`sandbox-connectors`),
//! asks for the missing ones on a consent page (Cancel answers
//! `access_denied` with `AADSTS65004`, as Entra does), and can emulate an
//! admin-consent wall.
//!
//! The wall is a per-person setting (`admin_consent_wall` on the person's
//! consent record for the connectors' client, the tenant's policy for that
//! person whichever app asks): such a person may not consent to the scopes in
//! [`ADMIN_ONLY_SCOPES`], so a request for one they have not been granted is
//! answered `error=consent_required` with `AADSTS90094` ("the grant requires
//! admin permission"), before any consent page, as Entra does for tenants
//! where users may not consent to those permissions. In the seeded tenants
//! alex (the attended user) has the wall; hana and dana may consent.
//!
//! A tenant administrator (hana) lifts the wall for everyone at once by
//! granting the scopes to the app for the organisation
//! (`/identity_/adminconsent`, see `admin_consent.rs`): a [`TenantConsent`]
//! counts as consented for every person.
//!
//! Only the connectors' clients get a consent step (the sandbox's own
//! `sandbox-connectors` and the organisation's `contoso-byo-app`): the app's
//! own sign-in (`connassist`) is first-party and never asks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::apps::BYO_CLIENT_ID;
use crate::db::{Db, DbResult, Document};
use crate::html::{PAGE_STYLE, escape};
use crate::model::{Connection, User, UserKind};
use crate::providers::{CONNECTORS_CLIENT_ID, connector_scopes};

// Which scopes only an administrator may grant is the provider's rule.
pub use crate::providers::ADMIN_ONLY_SCOPES;

/// The user who has the admin-consent wall in seeded tenants.
const WALLED_USER: &str = "alex";

/// What a person has consented to for one client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Consent {
    pub user: Uuid,
    pub client_id: String,
    pub scopes: Vec<String>,
    /// This person may not consent to [`ADMIN_ONLY_SCOPES`].
    pub admin_consent_wall: bool,
}

impl Document for Consent {
    const KIND: &'static str = "consent";
    fn id(&self) -> String {
        format!("{}/{}", self.client_id, self.user)
    }
}

/// Scopes an administrator granted to one client for the whole organisation
/// (Entra's "Grant admin consent for …"): consented for every person.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TenantConsent {
    pub client_id: String,
    pub scopes: Vec<String>,
    /// The administrator who granted them last.
    pub granted_by: Uuid,
    pub granted: DateTime<Utc>,
}

impl Document for TenantConsent {
    const KIND: &'static str = "tenant_consent";
    fn id(&self) -> String {
        self.client_id.clone()
    }
}

/// What the identity server does with an authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Everything requested was consented before: issue a code.
    Granted,
    /// Show the consent page for these scopes.
    Ask(Vec<String>),
    /// The admin-consent wall: these need an administrator.
    AdminOnly(Vec<String>),
}

fn has(list: &[String], scope: &str) -> bool {
    list.iter().any(|s| s.eq_ignore_ascii_case(scope))
}

fn requested(scope: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if !has(&out, s) {
            out.push(s.to_owned());
        }
    }
    out
}

/// Whether `client_id` has a consent step at all.
pub fn asks_consent(client_id: &str) -> bool {
    client_id == CONNECTORS_CLIENT_ID || client_id == BYO_CLIENT_ID
}

/// Whether the tenant's policy keeps `user` from consenting to admin-only
/// scopes (recorded on their consent record for the connectors' client).
fn walled(db: &Db, user: Uuid) -> DbResult<bool> {
    Ok(db
        .get::<Consent>(&format!("{CONNECTORS_CLIENT_ID}/{user}"))?
        .is_some_and(|c| c.admin_consent_wall))
}

pub fn decide(db: &Db, user: Uuid, client_id: &str, scope: &str) -> DbResult<Decision> {
    let mut granted = db
        .get::<Consent>(&format!("{client_id}/{user}"))?
        .map(|c| c.scopes)
        .unwrap_or_default();
    if let Some(tenant) = db.get::<TenantConsent>(client_id)? {
        granted.extend(tenant.scopes);
    }
    let wall = walled(db, user)?;
    let missing: Vec<String> = requested(scope)
        .into_iter()
        .filter(|s| !has(&granted, s))
        .collect();
    let admin: Vec<String> = missing
        .iter()
        .filter(|s| ADMIN_ONLY_SCOPES.iter().any(|a| a.eq_ignore_ascii_case(s)))
        .cloned()
        .collect();
    Ok(if missing.is_empty() {
        Decision::Granted
    } else if wall && !admin.is_empty() {
        Decision::AdminOnly(admin)
    } else {
        Decision::Ask(missing)
    })
}

/// Records consent to `scope` (added to what was consented before).
pub fn grant(db: &Db, user: Uuid, client_id: &str, scope: &str) -> DbResult<()> {
    let mut consent = db
        .get::<Consent>(&format!("{client_id}/{user}"))?
        .unwrap_or(Consent {
            user,
            client_id: client_id.to_owned(),
            scopes: vec![],
            admin_consent_wall: false,
        });
    for s in requested(scope) {
        if !has(&consent.scopes, &s) {
            consent.scopes.push(s);
        }
    }
    db.put(&consent)
}

/// An administrator grants `scope` to `client_id` for everyone (added to
/// what was granted before).
pub fn grant_for_tenant(db: &Db, admin: Uuid, client_id: &str, scope: &str) -> DbResult<()> {
    let mut consent = db
        .get::<TenantConsent>(client_id)?
        .unwrap_or(TenantConsent {
            client_id: client_id.to_owned(),
            scopes: vec![],
            granted_by: admin,
            granted: Utc::now(),
        });
    for s in requested(scope) {
        if !has(&consent.scopes, &s) {
            consent.scopes.push(s);
        }
    }
    consent.granted_by = admin;
    consent.granted = Utc::now();
    db.put(&consent)
}

/// Seeds what people consented to when they created their connections: the
/// scopes of each connector behind a connection whose identity is theirs.
pub fn seed(db: &Db) -> DbResult<()> {
    let connections = db.all::<Connection>()?;
    for person in db
        .all::<User>()?
        .into_iter()
        .filter(|u| u.kind == UserKind::User)
    {
        let mut scopes: Vec<String> = vec![];
        let mut connectors: Vec<&str> = vec![];
        for c in connections
            .iter()
            .filter(|c| c.identity.eq_ignore_ascii_case(&person.email))
        {
            if !connectors.contains(&c.connector.as_str()) {
                connectors.push(&c.connector);
            }
        }
        for connector in connectors {
            for s in connector_scopes(connector) {
                if !has(&scopes, &s) {
                    scopes.push(s);
                }
            }
        }
        db.put(&Consent {
            user: person.key,
            client_id: CONNECTORS_CLIENT_ID.to_owned(),
            scopes,
            admin_consent_wall: person.user_name == WALLED_USER,
        })?;
    }
    Ok(())
}

/// The consent step: the scopes `app` asks for, and Accept / Cancel. `ticket`
/// stands for the signed-in person and the request (see `identity.rs`).
pub fn page(ticket: &str, user: &User, app: &str, scopes: &[String]) -> String {
    let items: String = scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"color-scheme\" content=\"light dark\">
<title>Permissions requested</title><style>{PAGE_STYLE}</style></head><body><main>
<h1>Permissions requested</h1><p>Signed in as <b>{}</b>.</p>
<p id=\"consent-app\">{} wants:</p><ul id=\"consent-scopes\">{items}</ul>
<form method=\"post\" action=\"authorize\"><input type=\"hidden\" name=\"consent_ticket\" value=\"{}\">
<button class=\"primary\" id=\"accept\" type=\"submit\" name=\"action\" value=\"consent-accept\">Accept</button>
<button id=\"cancel\" type=\"submit\" name=\"action\" value=\"consent-cancel\">Cancel</button></form>
</main></body></html>",
        escape(&user.email),
        escape(app),
        escape(ticket)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_scopes_are_asked_unless_the_wall_holds_an_admin_only_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        let user = Uuid::new_v4();
        let c = CONNECTORS_CLIENT_ID;
        assert_eq!(
            decide(&db, user, c, "openid Mail.Send").unwrap(),
            Decision::Ask(vec!["openid".into(), "Mail.Send".into()])
        );
        grant(&db, user, c, "openid mail.send").unwrap();
        assert_eq!(
            decide(&db, user, c, "openid Mail.Send").unwrap(),
            Decision::Granted
        );
        db.put(&Consent {
            user,
            client_id: c.into(),
            scopes: vec!["openid".into()],
            admin_consent_wall: true,
        })
        .unwrap();
        assert_eq!(
            decide(&db, user, c, "openid Sites.Read.All Mail.Send").unwrap(),
            Decision::AdminOnly(vec!["Sites.Read.All".into()])
        );
        assert_eq!(
            decide(&db, user, c, "openid Mail.Send").unwrap(),
            Decision::Ask(vec!["Mail.Send".into()])
        );
        // The wall is the person's, whichever app asks.
        assert_eq!(
            decide(&db, user, BYO_CLIENT_ID, "Sites.Read.All").unwrap(),
            Decision::AdminOnly(vec!["Sites.Read.All".into()])
        );
        // An administrator's grant counts for everyone, walled or not.
        grant_for_tenant(&db, Uuid::new_v4(), c, "Sites.Read.All Mail.Send").unwrap();
        assert_eq!(
            decide(&db, user, c, "openid Sites.Read.All Mail.Send").unwrap(),
            Decision::Granted
        );
        assert_eq!(
            decide(&db, Uuid::new_v4(), c, "openid Sites.Read.All").unwrap(),
            Decision::Ask(vec!["openid".into()])
        );
    }

    #[test]
    fn the_page_escapes_what_it_shows() {
        let user = crate::model::User {
            key: Uuid::new_v4(),
            id: 1,
            user_name: "x".into(),
            email: "<x>@example".into(),
            name: String::new(),
            surname: String::new(),
            kind: UserKind::User,
            password_hash: None,
            tenant_admin: false,
        };
        let html = page("t\"><script>", &user, "<app>", &["<evil>".into()]);
        assert!(!html.contains("<script>") && !html.contains("<x>") && !html.contains("<evil>"));
        assert!(!html.contains("<app>"));
        assert!(html.contains("&lt;evil&gt;"));
    }
}
