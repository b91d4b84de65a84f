//! One health round, written once for every front end: the app's "Check
//! all", its background watch (the tray and the notifications) and the CLI's
//! `health --every` all run [`HealthRounds::run`] and keep only their output.
//!
//! A round decides whose connections are the user's ([`Whose`]: from who is
//! signed in and the connections they chose for attended processes), lists
//! the tenant (or one folder), fills in the secret expiry dates the user
//! recorded on this computer ([`super::recorded`]), pings through
//! [`super::check`], and annotates every result with what the previous check
//! found ([`Memory`]: the SQLite history of the app, or the previous round
//! in memory for a CLI), so the change detection of [`super::watch`] ("new
//! since the last check") reads the same facts whichever shell asks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::history::History;
use super::recorded::RecordedExpiries;
use super::watch::{self, Change, Notice};
use super::{HealthEvent, HealthResult, HealthSummary};
use crate::account::Me;
use crate::connections::{FolderError, ListOptions, list};
use crate::error::ApiError;
use crate::failure::FailureStatus;
use crate::mine::Mine;
use crate::selections::SelectionStore;
use crate::tenant_client::TenantClient;

/// Whose connections count as the user's in a round.
#[derive(Debug, Clone, Copy)]
pub enum Whose<'a> {
    /// Every connection (a CLI watching a tenant or a folder for a team).
    Everyone,
    /// The signed-in person's: owned, acting as them, in their workspace, or
    /// chosen by them in `selections` (none when those cannot be read).
    User {
        me: &'a Me,
        selections: Option<&'a SelectionStore>,
    },
}

impl Whose<'_> {
    /// Decides it now: the attended choices are read from where they are
    /// kept; choices that cannot be read mark nothing as theirs by mistake.
    pub async fn resolve(self, client: &TenantClient) -> Mine {
        let Whose::User { me, selections } = self else {
            return Mine::everyone();
        };
        let chosen = match selections {
            Some(store) => match store.list(client).await {
                Ok(s) => s.selections.into_iter().map(|s| s.connection_id).collect(),
                Err(e) => {
                    tracing::debug!(error = %e.message, "attended choices unreadable");
                    vec![]
                }
            },
            None => vec![],
        };
        me.mine(chosen)
    }
}

/// Which connections a round pings.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only this folder (full path) and its subfolders.
    pub folder: Option<String>,
    /// Only the user's own connections (the background watch: a helpdesk
    /// account that sees thousands costs the tenant a handful of pings).
    pub only_mine: bool,
    /// Pings in flight at once (0: [`super::DEFAULT_CONCURRENCY`]).
    pub concurrency: usize,
}

/// What one round found.
#[derive(Debug, Clone, Default)]
pub struct Round {
    /// In the order they were ready, each with what the previous check found.
    pub results: Vec<HealthResult>,
    pub summary: HealthSummary,
    /// Folders whose connections could not be listed, so not checked.
    pub errors: Vec<FolderError>,
    /// Whose connections were the user's in this round.
    pub mine: Mine,
}

impl Round {
    /// The user's connections that are broken now (the tray badge).
    pub fn badge(&self) -> usize {
        watch::badge(&self.results, &self.mine)
    }

    /// The user's connections whose health changed since the previous check.
    pub fn changes(&self) -> Vec<Change<'_>> {
        watch::changes(&self.results, &self.mine)
    }

    /// The changes worded as notifications (a summary past
    /// [`watch::MAX_NOTICES`]).
    pub fn notices(&self) -> Vec<Notice> {
        watch::notices(&self.changes())
    }
}

/// What the last check of a connection found, kept in memory.
#[derive(Debug, Clone)]
struct Seen {
    status: FailureStatus,
    checked_at: String,
}

/// Where "what the previous check found" comes from.
#[derive(Debug)]
enum Memory {
    /// The app's history (`health.sqlite3`), opened on first use: failing
    /// since, previous status, kept across launches.
    File { path: PathBuf, db: Option<History> },
    /// The previous round of this process only (a CLI's `--every`).
    InProcess(HashMap<String, Seen>),
}

impl Memory {
    fn history(&mut self) -> Result<&mut History, ApiError> {
        match self {
            Memory::File { path, db } => {
                if db.is_none() {
                    *db = Some(History::open(path)?);
                }
                db.as_mut().ok_or_else(|| {
                    ApiError::new(
                        crate::error::ErrorCode::Internal,
                        "The health history is not open.",
                    )
                })
            }
            Memory::InProcess(_) => Err(ApiError::new(
                crate::error::ErrorCode::Internal,
                "No health history is kept here.",
            )),
        }
    }

    /// Fills in what the previous check found, then remembers `batch`.
    fn annotate_and_record(&mut self, batch: &mut [HealthResult]) -> Result<(), ApiError> {
        if let Memory::InProcess(seen) = self {
            for r in batch.iter_mut() {
                if let Some(p) = seen.get(&r.connection.id) {
                    r.previous_status = Some(p.status);
                    r.previous_checked_at = Some(p.checked_at.clone());
                }
                seen.insert(
                    r.connection.id.clone(),
                    Seen {
                        status: r.status,
                        checked_at: r.checked_at.clone(),
                    },
                );
            }
            return Ok(());
        }
        self.history()?.annotate_and_record(batch)
    }
}

/// The health rounds of one app or CLI run: the memory of earlier checks
/// and where recorded expiry dates are kept. Shared by every round, so
/// "Check all" and the background watch see each other's checks.
#[derive(Debug)]
pub struct HealthRounds {
    memory: Mutex<Memory>,
    /// The folder of `secret-expiries.json`; `None`: no dates recorded here.
    recorded_in: Option<PathBuf>,
}

impl HealthRounds {
    /// The app's: the history in `data_dir/health.sqlite3`, recorded expiry
    /// dates in `config_dir/secret-expiries.json`.
    pub fn kept_in(data_dir: &Path, config_dir: &Path) -> Self {
        Self {
            memory: Mutex::new(Memory::File {
                path: data_dir.join("health.sqlite3"),
                db: None,
            }),
            recorded_in: Some(config_dir.to_owned()),
        }
    }

    /// A CLI's: each round compared with the previous one of this process;
    /// nothing written.
    pub fn in_memory() -> Self {
        Self {
            memory: Mutex::new(Memory::InProcess(HashMap::new())),
            recorded_in: None,
        }
    }

    /// The expiry dates recorded here for `client`'s tenant.
    pub fn recorded(&self, client: &TenantClient) -> Result<RecordedExpiries, ApiError> {
        let dir = self.recorded_in.as_deref().ok_or_else(|| {
            ApiError::new(
                crate::error::ErrorCode::InvalidInput,
                "Expiry dates are recorded only in the desktop app.",
            )
        })?;
        Ok(RecordedExpiries::new(dir, client.tenant().url.as_str()))
    }

    /// Forgets every earlier check ("failing since" starts again).
    pub fn clear_history(&self) -> Result<(), ApiError> {
        let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        match &mut *memory {
            Memory::InProcess(seen) => {
                seen.clear();
                Ok(())
            }
            file => file.history()?.clear(),
        }
    }

    /// Forgets the checks of `connection_ids` (they are gone: a reset
    /// sandbox), so they do not come back as news.
    pub fn forget(&self, connection_ids: &[String]) -> Result<(), ApiError> {
        let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        match &mut *memory {
            Memory::InProcess(seen) => {
                for id in connection_ids {
                    seen.remove(id);
                }
                Ok(())
            }
            file => file.history()?.forget(connection_ids),
        }
    }

    /// Runs one round over `scope`, telling `on_event` as it goes (the
    /// connections listed, each folder that failed, each batch of results
    /// with what the previous check found). Dropping the future stops it;
    /// the batches already told are recorded.
    pub async fn run(
        &self,
        client: &TenantClient,
        whose: Whose<'_>,
        scope: &Scope,
        mut on_event: impl FnMut(HealthEvent),
    ) -> Result<Round, ApiError> {
        let mine = whose.resolve(client).await;
        let options = ListOptions {
            folder: scope.folder.clone(),
            mine: mine.clone(),
            ..ListOptions::default()
        };
        let mut listing = list(client, &options, |_| {}).await?;
        if let Some(dir) = &self.recorded_in {
            let recorded = RecordedExpiries::new(dir, client.tenant().url.as_str());
            if let Err(e) = recorded.apply(&mut listing.connections) {
                // The check goes on without them.
                tracing::warn!(error = %e.message, "recorded expiry dates skipped");
            }
        }
        let rows: Vec<_> = if scope.only_mine {
            listing
                .connections
                .into_iter()
                .filter(|r| mine.owns(r))
                .collect()
        } else {
            listing.connections
        };
        on_event(HealthEvent::Started { total: rows.len() });
        for e in &listing.errors {
            on_event(HealthEvent::FolderFailed(e.clone()));
        }
        let mut results = Vec::with_capacity(rows.len());
        let summary = super::check(client, rows, scope.concurrency, |mut batch| {
            let recorded = self
                .memory
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .annotate_and_record(&mut batch);
            if let Err(e) = recorded {
                // The check itself must not fail for its history.
                tracing::warn!(error = %e.message, "health history skipped");
            }
            results.extend(batch.iter().cloned());
            on_event(HealthEvent::Results(batch));
        })
        .await;
        Ok(Round {
            results,
            summary,
            errors: listing.errors,
            mine,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::account::current_user;
    use crate::health::watch::ChangeKind;
    use crate::{Secret, TenantUrl};
    use connassist_sandbox::{Config, Sandbox};

    async fn signed_in(user: &str) -> (Sandbox, TenantClient) {
        let sb = Sandbox::start(Config::default()).await.unwrap();
        let tokens = sb
            .sign_in_as(user, "OR.Folders.Read OR.Users.Read IS.Connections.Read")
            .unwrap();
        let client = TenantClient::new(
            TenantUrl::parse(&sb.base_url).unwrap(),
            Secret::new(tokens.access_token),
        )
        .unwrap();
        (sb, client)
    }

    fn kinds(round: &Round) -> Vec<(&str, ChangeKind)> {
        let mut got: Vec<_> = round
            .changes()
            .iter()
            .map(|c| (c.result.connection.name.as_str(), c.kind))
            .collect();
        got.sort_by_key(|(name, _)| *name);
        got
    }

    #[tokio::test]
    async fn a_round_of_hers_reports_her_new_failures_once_across_launches() {
        let (_sb, client) = signed_in("hana").await;
        let me = current_user(&client).await.unwrap();
        let whose = Whose::User {
            me: &me,
            selections: None,
        };
        let dirs = tempfile::tempdir().unwrap();
        let scope = Scope {
            only_mine: true,
            ..Scope::default()
        };
        let rounds = HealthRounds::kept_in(dirs.path(), dirs.path());
        let mut told = 0;
        let first = rounds
            .run(&client, whose, &scope, |e| {
                if let HealthEvent::Results(b) = e {
                    told += b.len();
                }
            })
            .await
            .unwrap();
        assert_eq!(told, first.results.len(), "every result is told");
        assert!(
            first.results.iter().all(|r| first.mine.owns(&r.connection)),
            "only her connections are pinged"
        );
        assert!(
            first
                .results
                .iter()
                .all(|r| r.connection.identity != "dana@contoso.example")
        );
        let broken: Vec<&str> = first
            .results
            .iter()
            .filter(|r| r.status.is_broken())
            .map(|r| r.connection.name.as_str())
            .collect();
        assert!(broken.contains(&"Finance SharePoint"), "{broken:?}");
        assert_eq!(first.badge(), broken.len());
        let failed: Vec<&str> = kinds(&first)
            .into_iter()
            .filter(|(_, k)| *k == ChangeKind::Failed)
            .map(|(n, _)| n)
            .collect();
        assert_eq!(failed.len(), broken.len(), "never checked here: news");

        let second = rounds.run(&client, whose, &scope, |_| {}).await.unwrap();
        assert_eq!(kinds(&second), [], "steady states are not news");
        let finance = second
            .results
            .iter()
            .find(|r| r.connection.name == "Finance SharePoint")
            .unwrap();
        assert_eq!(finance.previous_status, Some(FailureStatus::Revoked));
        let first_finance = first
            .results
            .iter()
            .find(|r| r.connection.name == "Finance SharePoint")
            .unwrap();
        assert_eq!(
            finance.failing_since.as_deref(),
            Some(first_finance.checked_at.as_str()),
            "failing since the first round"
        );

        // The app starts again: the history on disk still knows.
        let relaunched = HealthRounds::kept_in(dirs.path(), dirs.path());
        let third = relaunched
            .run(&client, whose, &scope, |_| {})
            .await
            .unwrap();
        assert_eq!(kinds(&third), []);
        relaunched.clear_history().unwrap();
        let fourth = relaunched
            .run(&client, whose, &scope, |_| {})
            .await
            .unwrap();
        assert_eq!(
            kinds(&fourth),
            kinds(&first),
            "a cleared history hears it all again"
        );
    }

    #[tokio::test]
    async fn recorded_expiry_dates_warn_fail_and_recover() {
        let (_sb, client) = signed_in("hana").await;
        let me = current_user(&client).await.unwrap();
        let whose = Whose::User {
            me: &me,
            selections: None,
        };
        let dirs = tempfile::tempdir().unwrap();
        let rounds = HealthRounds::kept_in(dirs.path(), dirs.path());
        let scope = Scope::default();
        let gmail = "hana@contoso.example";
        let first = rounds.run(&client, whose, &scope, |_| {}).await.unwrap();
        let row = first
            .results
            .iter()
            .find(|r| r.connection.name == gmail)
            .unwrap();
        assert_eq!(row.status, FailureStatus::Healthy, "{row:?}");
        assert_eq!(row.connection.secret_expires_at, None);
        let id = row.connection.id.clone();

        let recorded = rounds.recorded(&client).unwrap();
        let soon = (chrono::Utc::now() + chrono::Duration::days(10))
            .format("%Y-%m-%d")
            .to_string();
        recorded.record(&id, Some(&soon)).unwrap();
        let warned = rounds.run(&client, whose, &scope, |_| {}).await.unwrap();
        assert_eq!(kinds(&warned), [(gmail, ChangeKind::Expiring)]);
        let notice = &warned.notices()[0];
        assert!(notice.title.contains(&soon), "{notice:?}");
        assert_eq!(notice.connection_id.as_deref(), Some(id.as_str()));

        recorded.record(&id, Some("2020-01-31")).unwrap();
        let lapsed = rounds.run(&client, whose, &scope, |_| {}).await.unwrap();
        assert_eq!(kinds(&lapsed), [(gmail, ChangeKind::Failed)]);

        recorded.record(&id, None).unwrap();
        let back = rounds.run(&client, whose, &scope, |_| {}).await.unwrap();
        assert_eq!(kinds(&back), [(gmail, ChangeKind::Recovered)]);
        assert_eq!(back.badge(), lapsed.badge() - 1);
    }

    #[tokio::test]
    async fn in_memory_rounds_compare_with_the_previous_round_for_everyone() {
        let (_sb, client) = signed_in("hana").await;
        let rounds = HealthRounds::in_memory();
        let scope = Scope {
            folder: Some("Finance".into()),
            concurrency: 2,
            ..Scope::default()
        };
        let mut started = None;
        let first = rounds
            .run(&client, Whose::Everyone, &scope, |e| {
                if let HealthEvent::Started { total } = e {
                    started = Some(total);
                }
            })
            .await
            .unwrap();
        assert_eq!(started, Some(first.results.len()));
        assert!(
            first
                .results
                .iter()
                .all(|r| r.connection.folder.path.starts_with("Finance"))
        );
        assert!(first.results.iter().all(|r| r.previous_status.is_none()));
        assert!(first.results.iter().all(|r| r.failing_since.is_none()));
        assert!(
            rounds.recorded(&client).is_err(),
            "nothing recorded by a CLI"
        );
        let second = rounds
            .run(&client, Whose::Everyone, &scope, |_| {})
            .await
            .unwrap();
        assert!(
            second
                .results
                .iter()
                .all(|r| r.previous_status == Some(r.status))
        );
        assert_eq!(kinds(&second), []);
    }
}
