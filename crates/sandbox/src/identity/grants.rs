//! The identity server's grant store: access and refresh tokens kept by
//! their hash, authorization codes and consent tickets, rotation (a refresh
//! token used twice revokes its family) and revocation. Below the API's
//! bearer check (`http`), which looks tokens up here.

use super::*;

pub const REFRESH_TOKEN_SECONDS: i64 = 90 * 24 * 3600;
pub(super) const CODE_SECONDS: i64 = 300;

pub(crate) const ACTIVE: i64 = 0;
pub(super) const USED: i64 = 1;
pub(super) const REVOKED: i64 = 2;

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

pub(super) fn revoke_family(db: &Db, family: &str) -> DbResult<()> {
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
