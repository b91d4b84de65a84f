//! The sandbox's state in SQLite (WAL): the seeded tenant as JSON documents
//! (folders, users, connections, processes… each kind a serde type), and the
//! identity server's grants, which hold only hashes of codes and tokens.
//!
//! Documents rather than one table per entity: the emulator's job is to return
//! the real APIs' JSON shapes, and those shapes differ per API (the Orchestrator
//! speaks PascalCase OData, Integration Service camelCase); typed Rust structs
//! serialized whole keep one definition per entity and make new fields cheap.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("sandbox database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("sandbox database holds a malformed {kind} document: {source}")]
    Document {
        kind: &'static str,
        source: serde_json::Error,
    },
}

pub type DbResult<T> = Result<T, DbError>;

/// A kind of document: its table key and its Rust type.
pub trait Document: Serialize + DeserializeOwned {
    const KIND: &'static str;
    fn id(&self) -> String;
}

#[derive(Debug)]
pub struct Db {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS grants (
    token_hash TEXT PRIMARY KEY,   -- SHA-256 of the code or token, never the token
    kind       TEXT NOT NULL,      -- 'code' | 'access' | 'refresh'
    client_id  TEXT NOT NULL,
    user_key   TEXT,               -- NULL for client-credentials grants
    scope      TEXT NOT NULL,
    family     TEXT NOT NULL,      -- one sign-in: its code, access and refresh tokens
    expires_at INTEGER NOT NULL,   -- unix seconds
    used       INTEGER NOT NULL DEFAULT 0,
    extra      TEXT NOT NULL DEFAULT '{}'  -- redirect_uri, PKCE challenge for codes
);
CREATE INDEX IF NOT EXISTS grants_family ON grants(family);
";

impl Db {
    /// Opens (or creates) the database file in `dir`, in WAL mode.
    pub fn open(dir: &Path) -> DbResult<Self> {
        let conn = Connection::open(dir.join("sandbox.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    pub fn meta(&self, key: &str) -> DbResult<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> DbResult<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    pub fn put<D: Document>(&self, doc: &D) -> DbResult<()> {
        let body = serde_json::to_string(doc).map_err(|source| DbError::Document {
            kind: D::KIND,
            source,
        })?;
        self.conn.execute(
            "INSERT INTO documents (kind, id, body) VALUES (?1, ?2, ?3)
             ON CONFLICT(kind, id) DO UPDATE SET body = excluded.body",
            params![D::KIND, doc.id(), body],
        )?;
        Ok(())
    }

    pub fn get<D: Document>(&self, id: &str) -> DbResult<Option<D>> {
        let body: Option<String> = self
            .conn
            .query_row(
                "SELECT body FROM documents WHERE kind = ?1 AND id = ?2",
                [D::KIND, id],
                |r| r.get(0),
            )
            .optional()?;
        body.map(|b| parse::<D>(&b)).transpose()
    }

    pub fn all<D: Document>(&self) -> DbResult<Vec<D>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM documents WHERE kind = ?1 ORDER BY rowid")?;
        let bodies = stmt
            .query_map([D::KIND], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        bodies.iter().map(|b| parse::<D>(b)).collect()
    }

    pub fn count<D: Document>(&self) -> DbResult<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM documents WHERE kind = ?1",
            [D::KIND],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or_default())
    }

    /// Runs `f` in one transaction (seeding thousands of documents, a token rotation).
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Db) -> DbResult<T>) -> DbResult<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

fn parse<D: Document>(body: &str) -> DbResult<D> {
    serde_json::from_str(body).map_err(|source| DbError::Document {
        kind: D::KIND,
        source,
    })
}
