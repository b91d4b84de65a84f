//! The sandbox tenant: an emulator of the UiPath platform APIs the app uses
//! (Identity, Orchestrator, Integration Service), faithful to their wire shapes
//! (see shared/domain/uipath-api.md; where that and the official Python client
//! disagree, the client wins). It is the app's embedded default, so anyone can
//! try the app without an account, and the backend of every test.
//!
//! It serves over HTTP on 127.0.0.1 only. Its base URL is
//! `http://127.0.0.1:PORT/sandbox/DefaultTenant`, the `/{org}/{tenant}` shape
//! clients expect; the identity server is at `http://127.0.0.1:PORT/identity_`,
//! and the pages a reconnect or a new connection opens in a browser at
//! `/provisioning_`.
//!
//! Connections can be reconnected (`provisioning`), created (`provisioning/
//! create.rs`: delegated and bring-your-own-app through a consent session,
//! client credentials checked at the provider, certificates read from PEM),
//! and their tokens handed out and refreshed single-flight with rotation
//! (`tokens`). The identity server stands in for the organisation's provider,
//! with consent, an admin-consent wall and an administrator's admin-consent
//! page (`consent`, `admin_consent`).

mod admin_consent;
pub mod apps;
mod certificate;
mod consent;
pub mod db;
mod error;
mod faults;
mod html;
mod http;
mod identity;
mod integration;
pub mod model;
mod oauth_client;
mod odata;
mod orchestrator;
mod portal;
pub mod profile;
pub mod providers;
mod provisioning;
mod rate_limit;
mod runtime;
pub mod scenario;
mod secrets;
mod selections;
mod tokens;
mod vault;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{Fault, FaultSpec, FaultTarget};
pub use profile::{Extension, Profile};
pub use providers::{CONNECTORS_CLIENT_ID, ProviderOverride, ProviderSource};
pub use provisioning::Provisioning;
pub use scenario::{
    BYO_CLIENT_ID, BYO_CLIENT_SECRET, CI_CLIENT_ID, LargeSpec, PUBLIC_CLIENT_ID, SANDBOX_PASSWORD,
    Scenario,
};

pub const ORGANIZATION: &str = "sandbox";
pub const TENANT: &str = "DefaultTenant";

#[derive(Debug, Clone)]
pub struct Config {
    /// 0 picks a free port.
    pub port: u16,
    /// Where the SQLite state lives; `None`: a temporary folder removed on shutdown.
    pub data_dir: Option<PathBuf>,
    pub scenario: Scenario,
    /// Added to every response.
    pub latency: Duration,
    /// Failures injected into API responses.
    pub faults: FaultSpec,
    /// How long access tokens live; short values exercise clients' refresh.
    pub access_token_lifetime: Duration,
    /// What the sandbox serves: only what public sources document (the
    /// default), or that plus its inventions ([`Profile::Extended`]).
    pub profile: Profile,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 0,
            data_dir: None,
            scenario: Scenario::Forum,
            latency: Duration::ZERO,
            faults: FaultSpec::default(),
            access_token_lifetime: Duration::from_secs(3600),
            profile: Profile::Documented,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot create the sandbox's data folder: {0}")]
    DataDir(std::io::Error),
    #[error("cannot remove the sandbox's kept state: {0}")]
    Wipe(std::io::Error),
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(
        "the data folder {dir} holds the {found:?} scenario, not {wanted:?}: use another --data folder or --scenario {found}"
    )]
    ScenarioMismatch {
        dir: PathBuf,
        found: String,
        wanted: String,
    },
    #[error("there is no sandbox person {0:?}; the people are alex, hana and dana")]
    UnknownUser(String),
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("cannot use the connectors' identity provider: {0}")]
    Provider(String),
}

/// A running sandbox; shut down on drop.
#[derive(Debug)]
pub struct Sandbox {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// The tenant's base URL, `http://127.0.0.1:PORT/sandbox/DefaultTenant`.
    pub base_url: String,
    /// Set when this start seeded a fresh database: the confidential client's
    /// secret exists only here (the database keeps its hash).
    pub ci_client_secret: Option<String>,
    pub data_dir: PathBuf,
    state: http::Shared,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    _temp: Option<tempfile::TempDir>,
}

impl Sandbox {
    pub async fn start(config: Config) -> Result<Self, SandboxError> {
        Self::start_with(config, Provisioning::default()).await
    }

    /// [`Sandbox::start`] with reconnect settings: the provider every
    /// connector signs in at (default: the sandbox's own identity server)
    /// and how long a reconnect session lives. Apart from `Config` so that
    /// code building a `Config` field by field keeps compiling.
    pub async fn start_with(
        config: Config,
        provisioning: Provisioning,
    ) -> Result<Self, SandboxError> {
        let (data_dir, temp) = match &config.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(SandboxError::DataDir)?;
                (dir.clone(), None)
            }
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("connassist-sandbox-")
                    .tempdir()
                    .map_err(SandboxError::DataDir)?;
                (temp.path().to_owned(), Some(temp))
            }
        };
        let mut db = db::Db::open(&data_dir)?;
        db.set_access_token_seconds(
            i64::try_from(config.access_token_lifetime.as_secs()).unwrap_or(i64::MAX),
        );
        let ci_client_secret = match db.meta("scenario")? {
            Some(found) if found == config.scenario.name() => None,
            Some(found) => {
                return Err(SandboxError::ScenarioMismatch {
                    dir: data_dir,
                    found,
                    wanted: config.scenario.name().to_owned(),
                });
            }
            None => Some(scenario::seed(&mut db, config.scenario)?.ci_client_secret),
        };

        let listener = listen(config.port).map_err(|source| SandboxError::Bind {
            port: config.port,
            source,
        })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            port: config.port,
            source,
        })?;
        let origin = format!("http://{addr}");
        apps::register(&db)?;
        let connectors_secret = provisioning::register_client(&db, &origin)?;
        let runtime = provisioning::Runtime::prepare(&provisioning, &origin, connectors_secret)
            .await
            .map_err(SandboxError::Provider)?;
        let state = Arc::new(http::State::new(
            db,
            config.latency,
            config.faults.clone(),
            origin.clone(),
            runtime,
            config.profile,
        ));
        let (tx, rx) = oneshot::channel::<()>();
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = served.await {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        tracing::info!(%origin, scenario = config.scenario.name(), profile = %config.profile, data = %data_dir.display(), "sandbox tenant listening");
        Ok(Self {
            addr,
            base_url: format!("{origin}/{ORGANIZATION}/{TENANT}"),
            origin,
            ci_client_secret,
            data_dir,
            state,
            shutdown: Some(tx),
            task: Some(task),
            _temp: temp,
        })
    }

    /// The profile this sandbox serves.
    pub fn profile(&self) -> Profile {
        self.state.profile
    }

    /// Stops serving and waits for in-flight requests.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Wipes the state kept in `dir` (a stopped sandbox's data folder), so
    /// that the next start there seeds its scenario afresh. Answers the ids of
    /// the connections it held, for callers that kept something about them
    /// (the app's health history). A folder with no state answers none; a
    /// database too old to read is wiped all the same (that is its fix).
    pub fn wipe(dir: &Path) -> Result<Vec<String>, SandboxError> {
        let file = dir.join(db::FILE);
        if !file.exists() {
            return Ok(vec![]);
        }
        let ids = match db::Db::open(dir) {
            Ok(db) => db
                .all::<model::Connection>()?
                .into_iter()
                .map(|c| c.id.to_string())
                .collect(),
            Err(db::DbError::OldSchema) => vec![],
            Err(e) => return Err(e.into()),
        };
        for suffix in ["", "-wal", "-shm"] {
            let path = dir.join(format!("{}{suffix}", db::FILE));
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(SandboxError::Wipe(e)),
            }
        }
        Ok(ids)
    }

    /// Signs a seeded person in without the sign-in page, issuing tokens exactly
    /// as the token endpoint does. Only for a sandbox running in this process
    /// (the CLI's `--sandbox`): the caller already holds the whole tenant.
    pub fn sign_in_as(&self, user_name: &str, scope: &str) -> Result<Tokens, SandboxError> {
        self.issue(model::UserKind::User, PUBLIC_CLIENT_ID, user_name, scope)
    }

    /// Tokens for a seeded person through the platform's own client (the
    /// official `uipath` CLI's), as `uipath auth` gets them: for driving the
    /// official SDKs, which the external-application rules do not bind.
    pub fn sign_in_first_party(
        &self,
        user_name: &str,
        scope: &str,
    ) -> Result<Tokens, SandboxError> {
        self.issue(
            model::UserKind::User,
            apps::UIPATH_CLI_CLIENT_ID,
            user_name,
            scope,
        )
    }

    /// Tokens for a robot account (`robot-prod-01`…), as the platform's own
    /// robot service holds them while it runs a job. For tests of what a
    /// running job may do (a connection's token).
    pub fn sign_in_as_robot(&self, robot: &str, scope: &str) -> Result<Tokens, SandboxError> {
        self.issue(
            model::UserKind::Robot,
            apps::UIPATH_CLI_CLIENT_ID,
            robot,
            scope,
        )
    }

    fn issue(
        &self,
        kind: model::UserKind,
        client_id: &str,
        user_name: &str,
        scope: &str,
    ) -> Result<Tokens, SandboxError> {
        let mut db = self.state.db();
        let user = db
            .all::<model::User>()?
            .into_iter()
            .find(|u| u.kind == kind && u.user_name.eq_ignore_ascii_case(user_name))
            .ok_or_else(|| SandboxError::UnknownUser(user_name.to_owned()))?;
        let body = db.transaction(|db| {
            identity::issue_tokens(
                db,
                client_id,
                user.key,
                scope,
                &uuid::Uuid::new_v4().to_string(),
            )
        })?;
        Ok(Tokens {
            access_token: body["access_token"].as_str().unwrap_or_default().to_owned(),
            refresh_token: body["refresh_token"].as_str().map(str::to_owned),
        })
    }

    /// Changes the latency added to every response (`Config::latency`) from
    /// now on: tests widen the window in which requests overlap, demos slow
    /// a running sandbox down.
    pub fn set_latency(&self, latency: Duration) {
        self.state.set_latency(latency);
    }

    /// How many requests the identity server's token endpoint received with
    /// `grant_type` (`authorization_code`, `refresh_token`,
    /// `client_credentials`), answered or refused, since this start. For
    /// tests: a connection's refresh must reach its provider once, however
    /// many callers ask at the same time.
    pub fn token_requests(&self, grant_type: &str) -> u64 {
        self.state.token_requests(grant_type)
    }
}

/// Tokens from [`Sandbox::sign_in_as`]. Plain strings: the sandbox has no
/// keychain; callers wrap them in their own secret types at once.
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens([redacted])")
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Connections the kernel may hold for us before we accept them. A burst
/// (1,000 clients at once) larger than the backlog has its extra attempts
/// dropped, and each of those clients waits a second to retry; `bind`'s
/// default is 128. The kernel caps it at `net.core.somaxconn`.
const LISTEN_BACKLOG: u32 = 4096;

/// Listens on 127.0.0.1:`port` with [`LISTEN_BACKLOG`].
fn listen(port: u16) -> std::io::Result<TcpListener> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    // As std's and tokio's `bind` do on Unix: a restarted sandbox may take its
    // port back while old connections linger in TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
    socket.listen(LISTEN_BACKLOG)
}

fn router(state: http::Shared) -> Router {
    use axum::routing::{delete, post};
    use profile::Extension::*;
    // Invented routes are only routed in the extended profile: the
    // documented profile answers them as it answers any unknown path.
    let only = |extension: Extension, route: axum::routing::MethodRouter<http::Shared>| {
        if state.profile.has(extension) {
            route
        } else {
            axum::routing::any(http::not_served)
        }
    };
    let orchestrator = Router::new()
        .route(
            "/api/Folders/GetAllForCurrentUser",
            get(orchestrator::folders_for_current_user),
        )
        .route(
            "/api/FoldersNavigation/GetFoldersForCurrentUser",
            get(orchestrator::folders_navigation),
        )
        .route("/api/status/version", get(orchestrator::status_version))
        // The tenant's web page for adding a connection (the hand-off target).
        .route("/", get(portal::page).post(portal::add))
        .route(
            "/api/AttendedSelections",
            only(
                AttendedSelections,
                get(selections::list).put(selections::choose),
            ),
        )
        .route("/odata/{*path}", get(orchestrator::odata_route));
    let connections_route = if state.profile.has(CreateConnection) {
        get(integration::connections).post(provisioning::create)
    } else {
        get(integration::connections).post(http::not_served)
    };
    let connections = Router::new()
        .route("/Connectors", get(integration::connectors))
        .route("/Connectors/{key}", get(integration::connector))
        .route("/Connections", connections_route)
        .route("/Connections/{id}", get(integration::connection))
        .route("/Connections/{id}/ping", get(tokens::ping))
        .route("/Connections/{id}/token", get(tokens::token))
        .route("/Connections/{id}/auth", post(provisioning::start_session))
        .route(
            "/Connections/{id}/auth/{session}",
            if state.profile.has(ConsentSessionStatus) {
                let status = get(provisioning::session);
                if state.profile.has(ConsentSessionCancel) {
                    status.merge(delete(provisioning::cancel))
                } else {
                    status
                }
            } else {
                axum::routing::any(http::not_served)
            },
        )
        .route(
            "/Connections/{id}/auth/{session}/confirm",
            only(ConsentConfirmation, post(provisioning::confirm)),
        );
    let provisioning = Router::new()
        .route("/start", get(provisioning::browser_start))
        .route("/callback", get(provisioning::callback))
        .route("/done", only(ConsentDonePage, get(provisioning::done)))
        .route("/admin-consented", get(provisioning::admin_consented));
    let identity = Router::new()
        .route(
            "/connect/authorize",
            get(identity::authorize_page).post(identity::authorize_submit),
        )
        .route("/connect/token", axum::routing::post(identity::token))
        // Entra's admin-consent endpoint, for the admin-consent wall.
        .route(
            "/adminconsent",
            get(admin_consent::page).post(admin_consent::submit),
        )
        .route(
            "/connect/revocation",
            axum::routing::post(identity::revocation),
        )
        .route(
            "/connect/userinfo",
            get(identity::userinfo).post(identity::userinfo),
        )
        .route(
            "/.well-known/openid-configuration",
            get(identity::openid_configuration),
        )
        .route("/web/", get(identity::web_error_page));
    Router::new()
        .nest("/identity_", identity)
        .nest("/provisioning_", provisioning)
        .route(
            "/orchestrator_/api/status/version",
            get(orchestrator::status_version),
        )
        .route(
            &format!("/{ORGANIZATION}/{TENANT}/orchestrator_/"),
            get(portal::page).post(portal::add),
        )
        .nest(
            &format!("/{ORGANIZATION}/{TENANT}/orchestrator_"),
            orchestrator,
        )
        .nest(
            &format!("/{ORGANIZATION}/{TENANT}/connections_/api/v1"),
            connections,
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::latency_and_faults,
        ))
        .with_state(state)
}
