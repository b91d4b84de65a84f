//! Seeded tenants. `forum` reproduces the multi-machine case users ask about
//! most (the forum thread in shared/domain/sources): one Dispatcher+Performer
//! process, two unattended machines each with its own robot account, delegated
//! Outlook/OneDrive connections owned by different people, one expired, one
//! revoked, and a personal-workspace connection bound from a shared folder.
//! hana is the tenant's administrator (she may grant admin consent) in every
//! scenario; in `forum`, dana is an Automation User in Finance (she sees and
//! uses its connections but may not create any there). Every scenario also
//! gets the organisation's own app registration, [`BYO_CLIENT_ID`] with the
//! sample secret [`BYO_CLIENT_SECRET`] (registered at each start, see
//! `provisioning::register_client`, as its redirect URI holds the port).
//!
//! Keys are UUIDv5 of stable names, so every run of a scenario has the same ids
//! (tests, docs and screenshots can name them).

use chrono::{Duration, Utc};
use uuid::Uuid;

use crate::db::{Db, DbResult};
use crate::model::*;
use crate::secrets::{hash_secret, random_token};

mod forum;
mod large;

// The registered applications' ids, for the paths that named them here.
pub use crate::apps::{BYO_CLIENT_ID, BYO_CLIENT_SECRET, CI_CLIENT_ID, PUBLIC_CLIENT_ID};

/// Password of every seeded person; the sign-in page says so (it is a sandbox).
pub const SANDBOX_PASSWORD: &str = "sandbox";
/// The connector whose connections may read a shared mailbox.
pub const OUTLOOK: &str = "uipath-microsoft-outlook365";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    Forum,
    /// Generated from a seed: for benchmarks and scale tests.
    Large(LargeSpec),
}

/// The size of a generated tenant. hana (helpdesk) and both robots belong to
/// every folder; alex to every tenth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LargeSpec {
    pub folders: usize,
    pub connections: usize,
    pub processes: usize,
    /// Connection bindings per process.
    pub bindings: usize,
    pub seed: u64,
}

impl Default for LargeSpec {
    fn default() -> Self {
        Self {
            folders: 500,
            connections: 5000,
            processes: 2000,
            bindings: 10,
            seed: 1,
        }
    }
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Self::Forum => "forum",
            Self::Large(_) => "large",
        }
    }

    /// What the data folder records, so a restart with other settings is caught.
    pub fn fingerprint(self) -> String {
        match self {
            Self::Forum => "forum".to_owned(),
            Self::Large(l) => format!(
                "large:{}:{}:{}:{}:{}",
                l.folders, l.connections, l.processes, l.bindings, l.seed
            ),
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "forum" => Some(Self::Forum),
            "large" => Some(Self::Large(LargeSpec::default())),
            _ => None,
        }
    }
}

/// What seeding produced that exists nowhere else in plain text.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The confidential client's secret; only its hash is stored.
    pub ci_client_secret: String,
}

const NAMESPACE: Uuid = Uuid::from_u128(0x6c0e_7a1d_1f3b_4c55_9a0e_5c0d_2f55_a001);

pub fn key(name: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

fn person(id: i64, user_name: &str, name: &str, surname: &str) -> User {
    User {
        key: key(&format!("user/{user_name}")),
        id,
        user_name: user_name.to_owned(),
        email: format!("{user_name}@contoso.example"),
        name: name.to_owned(),
        surname: surname.to_owned(),
        kind: UserKind::User,
        password_hash: Some(hash_secret(SANDBOX_PASSWORD)),
        tenant_admin: false,
    }
}

fn robot_account(id: i64, user_name: &str) -> User {
    User {
        key: key(&format!("user/{user_name}")),
        id,
        user_name: user_name.to_owned(),
        email: format!("{user_name}@contoso.example"),
        name: user_name.to_owned(),
        surname: String::new(),
        kind: UserKind::Robot,
        password_hash: None,
        tenant_admin: false,
    }
}

fn folder(id: i64, name: &str, members: &[&User]) -> Folder {
    Folder {
        key: key(&format!("folder/{name}")),
        id,
        display_name: name.to_owned(),
        fully_qualified_name: name.to_owned(),
        folder_type: FolderType::Standard,
        parent_key: None,
        owner: None,
        members: members.iter().map(|u| u.key).collect(),
        automation_users: vec![],
    }
}

fn workspace(id: i64, owner: &User) -> Folder {
    let name = format!("{} {}'s workspace", owner.name, owner.surname);
    Folder {
        key: key(&format!("folder/personal/{}", owner.user_name)),
        id,
        display_name: name.clone(),
        fully_qualified_name: name,
        folder_type: FolderType::Personal,
        parent_key: None,
        owner: Some(owner.key),
        members: vec![],
        automation_users: vec![],
    }
}

fn connectors() -> Vec<Connector> {
    use AuthType::*;
    let c = |id, key: &str, name: &str, desc: &str, auth: Vec<AuthType>, api: &str| Connector {
        id,
        key: key.to_owned(),
        name: name.to_owned(),
        description: desc.to_owned(),
        auth_types: auth,
        api_base_uri: api.to_owned(),
        has_events: true,
        supports_shared_mailbox: key == OUTLOOK,
        // Google refuses sign-in in embedded webviews (disallowed_useragent).
        prefer_system_browser: key.starts_with("uipath-google-"),
    };
    // Microsoft Graph connectors: as a person (delegated, or through the
    // organisation's own app registration) or as the app itself.
    let graph = || {
        vec![
            Delegated,
            BringYourOwnApp,
            ClientCredentials,
            ClientCertificate,
        ]
    };
    vec![
        c(
            7074,
            "uipath-microsoft-outlook365",
            "Microsoft Outlook 365",
            "Email, calendar and contacts through Microsoft Graph.",
            graph(),
            "https://graph.microsoft.com/v1.0",
        ),
        c(
            7075,
            "uipath-microsoft-onedrive",
            "Microsoft OneDrive & SharePoint",
            "Files, folders and lists in OneDrive and SharePoint.",
            graph(),
            "https://graph.microsoft.com/v1.0",
        ),
        c(
            7076,
            "uipath-microsoft-teams",
            "Microsoft Teams",
            "Channels, chats and meetings.",
            graph(),
            "https://graph.microsoft.com/v1.0",
        ),
        c(
            7077,
            "uipath-microsoft-azureactivedirectory",
            "Microsoft Entra ID",
            "Users, groups and app registrations.",
            vec![Delegated, ClientCredentials, ClientCertificate],
            "https://graph.microsoft.com/v1.0",
        ),
        c(
            7080,
            "uipath-google-gmail",
            "Gmail",
            "Google mail for Workspace accounts.",
            vec![Delegated, BringYourOwnApp],
            "https://gmail.googleapis.com",
        ),
        c(
            7090,
            "uipath-salesforce-sfdc",
            "Salesforce",
            "Records, queries and reports.",
            vec![Delegated, BringYourOwnApp],
            "https://login.salesforce.com",
        ),
        c(
            7095,
            "uipath-salesforce-slack",
            "Slack",
            "Messages and channels.",
            vec![Delegated],
            "https://slack.com/api",
        ),
    ]
}

const MAIL_SCOPES: &[&str] = &[
    "openid",
    "offline_access",
    "User.Read",
    "Mail.ReadWrite",
    "Mail.Send",
];
const FILE_SCOPES: &[&str] = &[
    "openid",
    "offline_access",
    "User.Read",
    "Files.ReadWrite.All",
    "Sites.Read.All",
];

/// Seeds `scenario` into an empty database, in one transaction.
pub fn seed(db: &mut Db, scenario: Scenario) -> DbResult<Seeded> {
    let seeded = match scenario {
        Scenario::Forum => forum::seed_forum(db)?,
        Scenario::Large(spec) => large::seed_large(db, spec)?,
    };
    // What people consented to for the connectors' client (see consent.rs).
    db.transaction(crate::consent::seed)?;
    db.set_meta("scenario", &scenario.fingerprint())?;
    Ok(seeded)
}

/// The clients every scenario has: the app's public client and the CI app
/// (registered as they are registered at every start: `apps::register`).
fn clients(secret: &str, app: &User) -> [Client; 2] {
    [
        Client {
            client_id: PUBLIC_CLIENT_ID.into(),
            name: "Connections Assistant".into(),
            secret_hash: None,
            redirect_uris: crate::apps::app_redirect_uris(),
            app_user: None,
            kind: ClientKind::ExternalApp,
            scopes: None,
        },
        Client {
            client_id: CI_CLIENT_ID.into(),
            name: "Connections Assistant CI".into(),
            secret_hash: Some(hash_secret(secret)),
            redirect_uris: vec![],
            app_user: Some(app.key),
            kind: ClientKind::ExternalApp,
            scopes: None,
        },
    ]
}

fn ci_app() -> User {
    User {
        key: key("user/app/connassist-ci"),
        id: 31,
        user_name: CI_CLIENT_ID.to_owned(),
        email: String::new(),
        name: "Connections Assistant CI".to_owned(),
        surname: String::new(),
        kind: UserKind::App,
        password_hash: None,
        tenant_admin: false,
    }
}
