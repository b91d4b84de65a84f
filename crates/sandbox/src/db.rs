//! The sandbox's state in SQLite (WAL): the seeded tenant as JSON documents
//! (folders, users, connections, processes… each kind a serde type), and the
//! identity server's grants, which hold only hashes of codes and tokens.
//!
//! Documents rather than one table per entity: the emulator's job is to return
//! the real APIs' JSON shapes, and those shapes differ per API (the Orchestrator
//! speaks PascalCase OData, Integration Service camelCase); typed Rust structs
//! serialized whole keep one definition per entity and make new fields cheap.

use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

// What a document is belongs to the entities; the store only keeps them.
pub use crate::model::Document;
use crate::model::Folder;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("sandbox database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "the data folder holds a database from an older sandbox; start with a new --data folder"
    )]
    OldSchema,
    #[error("sandbox database holds a malformed {kind} document: {source}")]
    Document {
        kind: &'static str,
        source: serde_json::Error,
    },
}

pub type DbResult<T> = Result<T, DbError>;

#[derive(Debug)]
pub struct Db {
    conn: Connection,
    /// Every folder, parsed once: each request checks folder permissions, and
    /// folders change only when seeded. Any folder write clears it.
    folders: RefCell<Option<Arc<Vec<Folder>>>>,
    /// How long access tokens live (`Config::access_token_lifetime`).
    access_token_seconds: i64,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    kind  TEXT NOT NULL,
    id    TEXT NOT NULL,
    scope TEXT,                    -- the folder key, for folder-scoped kinds
    body  TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS documents_scope ON documents(kind, scope);
CREATE TABLE IF NOT EXISTS grants (
    token_hash TEXT PRIMARY KEY,   -- SHA-256 of the code or token, never the token
    kind       TEXT NOT NULL,      -- 'code' | 'access' | 'refresh' | 'consent' | 'admin_consent' (tickets)
    client_id  TEXT NOT NULL,
    user_key   TEXT,               -- NULL for client-credentials grants
    scope      TEXT NOT NULL,
    family     TEXT NOT NULL,      -- one sign-in: its code, access and refresh tokens
    expires_at INTEGER NOT NULL,   -- unix milliseconds (short test lifetimes stay exact)
    used       INTEGER NOT NULL DEFAULT 0,
    extra      TEXT NOT NULL DEFAULT '{}'  -- redirect_uri, PKCE challenge for codes
);
CREATE INDEX IF NOT EXISTS grants_family ON grants(family);
";

/// The database's file name in the sandbox's data folder (WAL beside it).
pub const FILE: &str = "sandbox.sqlite3";

impl Db {
    /// Opens (or creates) the database file in `dir`, in WAL mode.
    pub fn open(dir: &Path) -> DbResult<Self> {
        let conn = Connection::open(dir.join(FILE))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A database from an older sandbox lacks the scope column: say so rather
        // than serve a tenant with folders that look empty.
        let has_documents: bool = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'documents'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)?;
        if has_documents {
            let has_scope: i64 = conn.query_row(
                "SELECT COUNT(*) FROM pragma_table_info('documents') WHERE name = 'scope'",
                [],
                |r| r.get(0),
            )?;
            if has_scope == 0 {
                return Err(DbError::OldSchema);
            }
        }
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn,
            folders: RefCell::new(None),
            access_token_seconds: 3600,
        })
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

    pub fn access_token_seconds(&self) -> i64 {
        self.access_token_seconds
    }

    pub fn set_access_token_seconds(&mut self, seconds: i64) {
        self.access_token_seconds = seconds.max(1);
    }

    /// Every folder (cached).
    pub fn folders(&self) -> DbResult<Arc<Vec<Folder>>> {
        if let Some(cached) = self.folders.borrow().as_ref() {
            return Ok(cached.clone());
        }
        let loaded = Arc::new(self.all::<Folder>()?);
        *self.folders.borrow_mut() = Some(loaded.clone());
        Ok(loaded)
    }

    pub fn put<D: Document>(&self, doc: &D) -> DbResult<()> {
        if D::KIND == Folder::KIND {
            *self.folders.borrow_mut() = None;
        }
        let body = serde_json::to_string(doc).map_err(|source| DbError::Document {
            kind: D::KIND,
            source,
        })?;
        self.conn.execute(
            "INSERT INTO documents (kind, id, scope, body) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(kind, id) DO UPDATE SET scope = excluded.scope, body = excluded.body",
            params![D::KIND, doc.id(), doc.scope(), body],
        )?;
        Ok(())
    }

    pub fn put_all<'d, D: Document + 'd>(
        &self,
        docs: impl IntoIterator<Item = &'d D>,
    ) -> DbResult<()> {
        docs.into_iter().try_for_each(|doc| self.put(doc))
    }

    /// Removes a document; removing one that is not there is not an error.
    pub fn delete<D: Document>(&self, id: &str) -> DbResult<()> {
        self.conn.execute(
            "DELETE FROM documents WHERE kind = ?1 AND id = ?2",
            [D::KIND, id],
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

    /// The documents of a kind in one folder (indexed).
    pub fn all_in<D: Document>(&self, scope: &str) -> DbResult<Vec<D>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT body FROM documents WHERE kind = ?1 AND scope = ?2 ORDER BY rowid",
        )?;
        let bodies = stmt
            .query_map([D::KIND, scope], |r| r.get::<_, String>(0))?
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
