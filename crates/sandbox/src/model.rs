//! The sandbox tenant's entities, stored as documents (see [`crate::db`]).
//! Field names here are ours; the wire shapes of each API are built from them
//! in `orchestrator.rs` and `integration.rs`.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A kind of document: its table key and its Rust type (kept by [`crate::db::Db`]).
pub trait Document: Serialize + DeserializeOwned {
    const KIND: &'static str;
    fn id(&self) -> String;
    /// The folder key a document lives in, for `Db::all_in` (indexed).
    fn scope(&self) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserKind {
    /// A person who signs in interactively.
    User,
    /// The account an unattended robot runs as.
    Robot,
    /// A confidential external application (client credentials).
    App,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub key: Uuid,
    pub id: i64,
    pub user_name: String,
    pub email: String,
    pub name: String,
    pub surname: String,
    pub kind: UserKind,
    /// `salt$sha256(salt + password)`, hex; `None` for accounts that cannot sign in.
    pub password_hash: Option<String>,
    /// An administrator of the organisation's identity provider: may grant
    /// consent for everyone (`/identity_/adminconsent`). hana in seeded tenants.
    #[serde(default)]
    pub tenant_admin: bool,
}

impl Document for User {
    const KIND: &'static str = "user";
    fn id(&self) -> String {
        self.key.to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FolderType {
    Standard,
    Personal,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Folder {
    pub key: Uuid,
    pub id: i64,
    pub display_name: String,
    pub fully_qualified_name: String,
    pub folder_type: FolderType,
    pub parent_key: Option<Uuid>,
    /// The user a personal workspace belongs to.
    pub owner: Option<Uuid>,
    /// Users (people, robots, apps) assigned to the folder.
    pub members: Vec<Uuid>,
    /// Members whose role in this folder is Automation User, which lacks
    /// `Connections.Create` (the platform's governance docs): they see and
    /// use the folder's connections but may not create any there.
    #[serde(default)]
    pub automation_users: Vec<Uuid>,
}

impl Document for Folder {
    const KIND: &'static str = "folder";
    fn id(&self) -> String {
        self.key.to_string()
    }
}

impl Folder {
    pub fn is_personal(&self) -> bool {
        self.folder_type == FolderType::Personal
    }

    /// Folder permissions: members see a folder, and owners their workspace.
    pub fn visible_to(&self, user: Uuid) -> bool {
        self.owner == Some(user) || self.members.contains(&user)
    }

    /// Whether `user` may create connections here: a personal workspace's
    /// owner always may; a member unless their role is Automation User.
    pub fn may_create_connections(&self, user: Uuid) -> bool {
        self.owner == Some(user)
            || (self.members.contains(&user) && !self.automation_users.contains(&user))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    pub key: Uuid,
    pub id: i64,
    pub name: String,
    pub unattended_slots: u32,
}

impl Document for Machine {
    const KIND: &'static str = "machine";
    fn id(&self) -> String {
        self.key.to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RobotType {
    Unattended,
    Attended,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Robot {
    pub key: Uuid,
    pub id: i64,
    pub name: String,
    pub user: Uuid,
    pub machine: Option<Uuid>,
    pub robot_type: RobotType,
    /// Folders the robot may run in.
    pub folders: Vec<Uuid>,
}

impl Document for Robot {
    const KIND: &'static str = "robot";
    fn id(&self) -> String {
        self.key.to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthType {
    /// OAuth 2.0 authorization code, acting as the signed-in user.
    Delegated,
    /// Bring your own OAuth 2.0 app (still delegated, the customer's app registration).
    BringYourOwnApp,
    ClientCredentials,
    ClientCertificate,
}

impl AuthType {
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::Delegated => "OAuth2AuthorizationCode",
            Self::BringYourOwnApp => "OAuth2BringYourOwnApp",
            Self::ClientCredentials => "OAuth2ClientCredentials",
            Self::ClientCertificate => "OAuth2ClientCertificate",
        }
    }

    /// The type Integration Service's name stands for (case-insensitive).
    pub fn from_wire(name: &str) -> Option<Self> {
        [
            Self::Delegated,
            Self::BringYourOwnApp,
            Self::ClientCredentials,
            Self::ClientCertificate,
        ]
        .into_iter()
        .find(|a| a.wire_name().eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connector {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub description: String,
    pub auth_types: Vec<AuthType>,
    pub api_base_uri: String,
    pub has_events: bool,
    /// Connections may read a shared mailbox instead of the signer's own (Outlook).
    #[serde(default)]
    pub supports_shared_mailbox: bool,
    /// The provider refuses embedded webviews (Google's `disallowed_useragent`),
    /// so its consent belongs in the system browser.
    #[serde(default)]
    pub prefer_system_browser: bool,
}

impl Document for Connector {
    const KIND: &'static str = "connector";
    fn id(&self) -> String {
        self.key.clone()
    }
}

/// Integration Service connection states as the API sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionState {
    Enabled,
    Disabled,
    Expired,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    pub id: Uuid,
    pub name: String,
    pub connector: String,
    pub folder: Uuid,
    /// Who created it; delegated connections act as this user.
    pub owner: Uuid,
    pub identity: String,
    pub auth_type: AuthType,
    pub state: ConnectionState,
    /// Why a Failed/Disabled connection is broken, for the ping answer.
    pub failure: Option<Failure>,
    pub is_default: bool,
    pub element_instance_id: i64,
    pub scopes: Vec<String>,
    pub shared_mailbox: Option<String>,
    /// When the app's client secret or certificate expires (app-only and
    /// bring-your-own-app connections), when known.
    #[serde(default)]
    pub secret_expires_at: Option<DateTime<Utc>>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub last_used: Option<DateTime<Utc>>,
}

impl Document for Connection {
    const KIND: &'static str = "connection";
    fn id(&self) -> String {
        self.id.to_string()
    }
    fn scope(&self) -> Option<String> {
        Some(self.folder.to_string())
    }
}

/// A provider-side failure recorded on a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// `CNS1008`-style Connection Service code.
    pub code: String,
    /// The provider's own code, e.g. `AADSTS700082`.
    pub provider_code: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BindingMode {
    /// Package Requirements fix the connection for everybody.
    Fixed { connection: Uuid },
    /// "Configurable by users": the attended user picks one of theirs.
    ByUser,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Binding {
    /// The resource key from `bindings_v2.json`.
    pub key: Uuid,
    pub connector: String,
    pub mode: BindingMode,
    /// Activities using the binding, e.g. "For Each Email".
    pub activities: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Release {
    pub key: Uuid,
    pub id: i64,
    pub name: String,
    pub description: String,
    pub process_key: String,
    pub process_version: String,
    pub folder: Uuid,
    pub is_attended: bool,
    pub bindings: Vec<Binding>,
}

impl Document for Release {
    const KIND: &'static str = "release";
    fn id(&self) -> String {
        self.key.to_string()
    }
    fn scope(&self) -> Option<String> {
        Some(self.folder.to_string())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Schedule {
    pub key: Uuid,
    pub id: i64,
    pub name: String,
    pub release: Uuid,
    /// The release's folder, so a folder's triggers are read without the others.
    pub folder: Uuid,
    pub enabled: bool,
    pub runtime_type: RobotType,
    pub cron: Option<String>,
    pub queue: Option<String>,
}

impl Document for Schedule {
    const KIND: &'static str = "schedule";
    fn id(&self) -> String {
        self.key.to_string()
    }
    fn scope(&self) -> Option<String> {
        Some(self.folder.to_string())
    }
}

/// An OAuth client of the sandbox's identity server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Client {
    pub client_id: String,
    pub name: String,
    /// `salt$sha256` of the secret for confidential clients; `None` for public ones.
    pub secret_hash: Option<String>,
    /// Redirect URIs, matched exactly as registered (ports included), as
    /// UiPath Identity matches them; see [`crate::identity::redirect_allowed`].
    pub redirect_uris: Vec<String>,
    /// The identity a client-credentials token acts as.
    pub app_user: Option<Uuid>,
    /// Who the client is to the platform; decides what its tokens see.
    #[serde(default)]
    pub kind: ClientKind,
    /// The scopes registered for an external application: its tokens carry
    /// only these (of those it asks for). `None`: not restricted (the
    /// platform's own clients, and clients of the organisation's provider).
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}

/// What kind of client a token was issued to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ClientKind {
    /// Registered in Admin › External Applications (confidential or not):
    /// the Integration Service API guide's "external applications", which
    /// must name a folder and never see a connection's owner.
    #[default]
    ExternalApp,
    /// One of the platform's own clients (the official `uipath` CLI's).
    FirstParty,
    /// A client of the organisation's identity provider, which the sandbox's
    /// identity server also plays (the connectors' client, a customer's app).
    Provider,
}

impl Document for Client {
    const KIND: &'static str = "client";
    fn id(&self) -> String {
        self.client_id.clone()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobState {
    Successful,
    Faulted,
}

/// A past job: how a process was actually run (Orchestrator's `JobDto`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub key: Uuid,
    pub id: i64,
    pub release: Uuid,
    pub folder: Uuid,
    pub job_type: RobotType,
    pub state: JobState,
    pub robot: Option<Uuid>,
    pub created: DateTime<Utc>,
    pub info: String,
    /// The connections this run used instead of the package's (an attended
    /// user's choice): `ResourceOverwrites` on the job.
    #[serde(default)]
    pub overwrites: Vec<JobOverwrite>,
}

/// One binding a job ran with another connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobOverwrite {
    /// The binding's key in the package.
    pub binding: String,
    pub connection: Uuid,
    pub connection_name: String,
    pub folder: Uuid,
}

impl Document for Job {
    const KIND: &'static str = "job";
    fn id(&self) -> String {
        self.key.to_string()
    }
    fn scope(&self) -> Option<String> {
        Some(self.folder.to_string())
    }
}

/// An attended user's choice of connection for a binding configurable by
/// users (what the Assistant stores). Invented shape: no public API is known.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Selection {
    pub user: Uuid,
    pub release: Uuid,
    pub binding: Uuid,
    pub connection: Uuid,
    pub updated: DateTime<Utc>,
}

impl Document for Selection {
    const KIND: &'static str = "selection";
    fn id(&self) -> String {
        format!("{}/{}/{}", self.user, self.release, self.binding)
    }
    fn scope(&self) -> Option<String> {
        Some(self.user.to_string())
    }
}
