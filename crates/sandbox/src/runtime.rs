//! The running sandbox's state, below everything that serves a request
//! (`http`, the identity server, the APIs): the database, latency and
//! faults, the profile, the jobs rate limit, and what reconnects need (the
//! connectors' provider, the token vault, one refresh at a time per
//! connection). It knows no route.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use uuid::Uuid;

use crate::db::{Db, DbError};
use crate::oauth_client::StepError;
use crate::providers::Provider;
use crate::vault::Vault;

#[derive(Debug)]
pub struct State {
    db: Mutex<Db>,
    /// Added to every response, in microseconds ([`State::latency`]).
    latency_us: AtomicU64,
    pub faults: crate::faults::Injector,
    /// `http://127.0.0.1:PORT`, the issuer's origin.
    pub origin: String,
    /// The connectors' provider, the token vault and the outbound HTTP client.
    pub provisioning: Runtime,
    /// Requests the identity server's token endpoint received, by grant type
    /// (for tests: a refresh must reach the provider once, however many ask).
    token_requests: Mutex<HashMap<String, u64>>,
    /// What the sandbox serves beyond the documented platform.
    pub profile: crate::profile::Profile,
    /// The tenant's rate limit on listing jobs.
    pub jobs_limit: crate::rate_limit::JobsLimit,
}

pub type Shared = Arc<State>;

impl State {
    pub fn new(
        db: Db,
        latency: Duration,
        faults: crate::faults::FaultSpec,
        origin: String,
        provisioning: Runtime,
        profile: crate::profile::Profile,
    ) -> Self {
        Self {
            db: Mutex::new(db),
            latency_us: AtomicU64::new(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX)),
            faults: crate::faults::Injector::new(faults),
            origin,
            provisioning,
            token_requests: Mutex::new(HashMap::new()),
            profile,
            jobs_limit: crate::rate_limit::JobsLimit::default(),
        }
    }

    pub fn latency(&self) -> Duration {
        Duration::from_micros(self.latency_us.load(Ordering::Relaxed))
    }

    pub fn set_latency(&self, latency: Duration) {
        self.latency_us.store(
            u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub fn count_token_request(&self, grant_type: &str) {
        let mut counts = self
            .token_requests
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *counts.entry(grant_type.to_owned()).or_default() += 1;
    }

    pub fn token_requests(&self, grant_type: &str) -> u64 {
        self.token_requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(grant_type)
            .copied()
            .unwrap_or_default()
    }

    /// The database; a poisoned lock (a panic mid-request) is still usable:
    /// every write is a single statement or a transaction.
    pub fn db(&self) -> MutexGuard<'_, Db> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn issuer(&self) -> String {
        format!("{}/identity_", self.origin)
    }
}

/// What the running sandbox needs for reconnects.
#[derive(Debug)]
pub struct Runtime {
    pub provider: Provider,
    /// The provider is the sandbox's own identity server (no override).
    pub builtin: bool,
    pub vault: Vault,
    pub http: reqwest::Client,
    pub session_lifetime: Duration,
    /// Per-connection single-flight refreshes (`tokens.rs`).
    pub flights: Flights,
}

/// Why a connection has no usable token now.
#[derive(Debug, Clone)]
pub(crate) enum RefreshError {
    /// The connection is not Enabled (or became Expired/Failed refreshing):
    /// its recorded failure says why.
    Broken,
    /// Its tokens were sealed by an earlier run of the sandbox (the key is gone).
    Unreadable,
    /// The provider could not be asked, or answered something unexpected;
    /// the connection is unchanged.
    Provider(StepError),
    Db(String),
}

impl From<DbError> for RefreshError {
    fn from(e: DbError) -> Self {
        Self::Db(e.to_string())
    }
}

/// One connection's refresh: at most one at a time, its outcome shared.
#[derive(Debug, Default)]
pub struct Flight {
    /// Refreshes finished so far.
    pub(crate) finished: AtomicU64,
    /// Held while refreshing; holds the last refresh's failure (`None`: it
    /// succeeded, and the tokens it stored are the answer).
    pub(crate) last: tokio::sync::Mutex<Option<RefreshError>>,
}

/// Every connection's [`Flight`], made on first use.
#[derive(Debug, Default)]
pub struct Flights {
    map: Mutex<HashMap<Uuid, Arc<Flight>>>,
}

impl Flights {
    /// Refreshes of `connection` finished so far (none if it never had a
    /// flight), without making one: most connections never need one.
    pub(crate) fn finished(&self, connection: Uuid) -> u64 {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&connection)
            .map_or(0, |f| f.finished.load(Ordering::SeqCst))
    }

    pub(crate) fn get(&self, connection: Uuid) -> Arc<Flight> {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(connection)
            .or_default()
            .clone()
    }
}
