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
        Scenario::Forum => seed_forum(db)?,
        Scenario::Large(spec) => seed_large(db, spec)?,
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

fn seed_large(db: &mut Db, spec: LargeSpec) -> DbResult<Seeded> {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let now = Utc::now();
    let secret = random_token();
    let people = [
        person(11, "alex", "Alex", "Attended"),
        User {
            tenant_admin: true,
            ..person(12, "hana", "Hana", "Helpdesk")
        },
        person(13, "dana", "Dana", "Developer"),
    ];
    let robots = [
        robot_account(21, "robot-prod-01"),
        robot_account(22, "robot-prod-02"),
    ];
    let app = ci_app();
    let [alex, hana, dana] = &people;
    let owners: Vec<&User> = people.iter().chain(robots.iter()).collect();

    let folders: Vec<Folder> = (0..spec.folders)
        .map(|i| {
            // Every fifth folder starts a region; the others are its teams.
            let region = i / 5;
            let name = if i % 5 == 0 {
                format!("Region {region:03}")
            } else {
                format!("Region {region:03}/Team {:02}", i % 5)
            };
            let mut members = vec![hana.key, dana.key, robots[0].key, robots[1].key, app.key];
            if i % 10 == 0 {
                members.push(alex.key);
            }
            let parent_key = name
                .split_once('/')
                .map(|(parent, _)| key(&format!("large/folder/{parent}")));
            Folder {
                key: key(&format!("large/folder/{name}")),
                id: i64::try_from(i).unwrap_or_default() + 1,
                display_name: name.rsplit('/').next().unwrap_or(&name).to_owned(),
                fully_qualified_name: name,
                folder_type: FolderType::Standard,
                parent_key,
                owner: None,
                members,
                automation_users: vec![],
            }
        })
        .collect();
    let connectors = connectors();
    const STATES: [(ConnectionState, u32); 4] = [
        (ConnectionState::Enabled, 85),
        (ConnectionState::Expired, 7),
        (ConnectionState::Failed, 5),
        (ConnectionState::Disabled, 3),
    ];
    let connections: Vec<Connection> = (0..spec.connections)
        .map(|i| {
            let folder = &folders[i % folders.len().max(1)];
            let owner = owners[rng.random_range(0..owners.len())];
            let connector = &connectors[rng.random_range(0..connectors.len())];
            let mut roll = rng.random_range(0..100u32);
            let state = STATES
                .iter()
                .find(|(_, p)| {
                    if roll < *p {
                        true
                    } else {
                        roll -= p;
                        false
                    }
                })
                .map_or(ConnectionState::Enabled, |(s, _)| *s);
            let idle_days = rng.random_range(0..120);
            Connection {
                id: key(&format!("large/connection/{i}")),
                name: format!("{} {:05}", connector.name, i),
                connector: connector.key.clone(),
                folder: folder.key,
                owner: owner.key,
                identity: owner.email.clone(),
                auth_type: AuthType::Delegated,
                state,
                failure: (state != ConnectionState::Enabled).then(|| Failure {
                    code: "CNS1008".into(),
                    provider_code: None,
                    message: "The connection is not authorized.".into(),
                }),
                is_default: i < folders.len(),
                element_instance_id: 200_000 + i64::try_from(i).unwrap_or_default(),
                scopes: MAIL_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
                shared_mailbox: None,
                secret_expires_at: None,
                created: now - Duration::days(300),
                updated: now - Duration::days(idle_days),
                last_used: Some(now - Duration::days(idle_days)),
            }
        })
        .collect();
    let releases: Vec<Release> = (0..spec.processes)
        .map(|i| {
            let folder = &folders[i % folders.len().max(1)];
            let in_folder: Vec<&Connection> = connections
                .iter()
                .filter(|c| c.folder == folder.key)
                .take(3)
                .collect();
            let bindings = (0..spec.bindings)
                .map(|b| {
                    let fixed = in_folder
                        .get(b % in_folder.len().max(1))
                        .filter(|_| b % 4 != 3);
                    Binding {
                        key: key(&format!("large/binding/{i}/{b}")),
                        connector: fixed.map_or_else(
                            || connectors[b % connectors.len()].key.clone(),
                            |c| c.connector.clone(),
                        ),
                        mode: fixed.map_or(BindingMode::ByUser, |c| BindingMode::Fixed {
                            connection: c.id,
                        }),
                        activities: vec!["Send Email".into()],
                    }
                })
                .collect();
            Release {
                key: key(&format!("large/release/{i}")),
                id: i64::try_from(i).unwrap_or_default() + 1,
                name: format!("Process {i:05}"),
                description: String::new(),
                process_key: format!("Process.{i:05}"),
                process_version: "1.0.0".into(),
                folder: folder.key,
                is_attended: i % 3 == 0,
                bindings,
            }
        })
        .collect();
    let schedules: Vec<Schedule> = releases
        .iter()
        .filter(|r| !r.is_attended)
        .enumerate()
        .map(|(i, r)| Schedule {
            key: key(&format!("large/schedule/{i}")),
            id: i64::try_from(i).unwrap_or_default() + 1,
            name: format!("{} schedule", r.name),
            release: r.key,
            folder: r.folder,
            enabled: true,
            runtime_type: RobotType::Unattended,
            cron: Some("0 0 * * * ?".into()),
            queue: None,
        })
        .collect();

    // Both robot accounts run unattended in every folder, each on its own machine.
    let machines: Vec<Machine> = (1..=2)
        .map(|n| Machine {
            key: key(&format!("large/machine/{n}")),
            id: n,
            name: format!("PROD-VM-{n:02}"),
            unattended_slots: 1,
        })
        .collect();
    let unattended: Vec<Robot> = robots
        .iter()
        .zip(&machines)
        .enumerate()
        .map(|(i, (account, machine))| Robot {
            key: key(&format!("large/robot/{}", account.user_name)),
            id: i64::try_from(i).unwrap_or_default() + 1,
            name: account.user_name.clone(),
            user: account.key,
            machine: Some(machine.key),
            robot_type: RobotType::Unattended,
            folders: folders.iter().map(|f| f.key).collect(),
        })
        .collect();

    db.transaction(|db| {
        db.put_all(people.iter().chain(robots.iter()).chain([&app]))?;
        db.put_all(&folders)?;
        for f in people
            .iter()
            .enumerate()
            .map(|(i, p)| workspace(1_000_000 + i64::try_from(i).unwrap_or_default(), p))
        {
            db.put(&f)?;
        }
        db.put_all(&connectors)?;
        db.put_all(&connections)?;
        db.put_all(&releases)?;
        db.put_all(&schedules)?;
        db.put_all(&machines)?;
        db.put_all(&unattended)?;
        db.put_all(&clients(&secret, &app))?;
        Ok(())
    })?;
    Ok(Seeded {
        ci_client_secret: secret,
    })
}

fn seed_forum(db: &mut Db) -> DbResult<Seeded> {
    let now = Utc::now();
    let secret = random_token();
    db.transaction(|db| {
        let alex = person(11, "alex", "Alex", "Attended");
        // The tenant's administrator: she may grant admin consent.
        let hana = User { tenant_admin: true, ..person(12, "hana", "Hana", "Helpdesk") };
        let dana = person(13, "dana", "Dana", "Developer");
        let robot1 = robot_account(21, "robot-prod-01");
        let robot2 = robot_account(22, "robot-prod-02");
        let app = ci_app();

        let shared = folder(1, "Shared", &[&alex, &hana, &dana, &robot1, &robot2, &app]);
        // dana is an Automation User in Finance: she sees and uses its
        // connections but may not create any there.
        let finance = Folder { automation_users: vec![dana.key], ..folder(2, "Finance", &[&hana, &dana, &robot1, &app]) };
        let alex_ws = workspace(101, &alex);
        let hana_ws = workspace(102, &hana);
        let dana_ws = workspace(103, &dana);

        let vm1 = Machine { key: key("machine/PROD-VM-01"), id: 1, name: "PROD-VM-01".into(), unattended_slots: 1 };
        let vm2 = Machine { key: key("machine/PROD-VM-02"), id: 2, name: "PROD-VM-02".into(), unattended_slots: 1 };
        let laptop = Machine { key: key("machine/ALEX-LAPTOP"), id: 3, name: "ALEX-LAPTOP".into(), unattended_slots: 0 };
        let robots = [
            Robot { key: key("robot/robot-prod-01"), id: 1, name: "robot-prod-01".into(), user: robot1.key, machine: Some(vm1.key), robot_type: RobotType::Unattended, folders: vec![shared.key, finance.key] },
            Robot { key: key("robot/robot-prod-02"), id: 2, name: "robot-prod-02".into(), user: robot2.key, machine: Some(vm2.key), robot_type: RobotType::Unattended, folders: vec![shared.key] },
            Robot { key: key("robot/alex"), id: 3, name: "alex".into(), user: alex.key, machine: Some(laptop.key), robot_type: RobotType::Attended, folders: vec![shared.key] },
        ];

        let conn = |name: &str, connector: &str, folder: &Folder, owner: &User, auth: AuthType, scopes: &[&str]| Connection {
            id: key(&format!("connection/{name}")),
            name: name.to_owned(),
            connector: connector.to_owned(),
            folder: folder.key,
            owner: owner.key,
            identity: owner.email.clone(),
            auth_type: auth,
            state: ConnectionState::Enabled,
            failure: None,
            is_default: false,
            element_instance_id: 0,
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            shared_mailbox: None,
            secret_expires_at: None,
            created: now - Duration::days(200),
            updated: now - Duration::days(3),
            last_used: Some(now - Duration::hours(2)),
        };
        let outlook = OUTLOOK;
        let onedrive = "uipath-microsoft-onedrive";
        let mut connections = vec![
            Connection { is_default: true, ..conn("robot-prod-01@contoso.example", outlook, &shared, &robot1, AuthType::Delegated, MAIL_SCOPES) },
            Connection {
                state: ConnectionState::Expired,
                updated: now - Duration::days(95),
                last_used: Some(now - Duration::days(95)),
                failure: Some(Failure { code: "CNS1008".into(), provider_code: Some("AADSTS700082".into()), message: "The refresh token has expired due to inactivity (90 days).".into() }),
                ..conn("robot-prod-02@contoso.example", outlook, &shared, &robot2, AuthType::Delegated, MAIL_SCOPES)
            },
            Connection { is_default: true, ..conn("Dana's OneDrive", onedrive, &shared, &dana, AuthType::Delegated, FILE_SCOPES) },
            Connection {
                state: ConnectionState::Failed,
                updated: now - Duration::days(6),
                failure: Some(Failure { code: "CNS1008".into(), provider_code: Some("AADSTS50173".into()), message: "The grant was revoked: the owner's password changed.".into() }),
                ..conn("Finance SharePoint", onedrive, &finance, &hana, AuthType::Delegated, FILE_SCOPES)
            },
            Connection {
                shared_mailbox: Some("finance@contoso.example".into()),
                identity: "finance-mailbox-app".into(),
                // The app registration's secret runs out soon: an early warning.
                secret_expires_at: Some(now + Duration::days(12)),
                ..conn("Finance mailbox (app)", outlook, &finance, &dana, AuthType::ClientCredentials, &["https://graph.microsoft.com/.default"])
            },
            Connection { is_default: true, ..conn("alex@contoso.example", outlook, &alex_ws, &alex, AuthType::Delegated, MAIL_SCOPES) },
            Connection { is_default: true, ..conn("hana@contoso.example", "uipath-google-gmail", &hana_ws, &hana, AuthType::Delegated, &["openid", "email", "https://mail.google.com/"]) },
            Connection {
                state: ConnectionState::Disabled,
                failure: Some(Failure { code: "DAP-GE-3005".into(), provider_code: None, message: "Disabled by its owner.".into() }),
                ..conn("Dana's Teams (old)", "uipath-microsoft-teams", &dana_ws, &dana, AuthType::Delegated, &["openid", "offline_access", "ChannelMessage.Send"])
            },
            // Reads a shared mailbox with the user's own-mailbox permissions only.
            Connection {
                shared_mailbox: Some("ap@contoso.example".into()),
                // Unused for 80 days: Entra drops the sign-in at 90 (an early warning).
                updated: now - Duration::days(80),
                last_used: Some(now - Duration::days(80)),
                ..conn("Accounts payable mailbox", outlook, &finance, &hana, AuthType::Delegated, MAIL_SCOPES)
            },
        ];
        for (i, c) in connections.iter_mut().enumerate() {
            c.element_instance_id = 120_001 + i64::try_from(i).unwrap_or_default();
        }

        let release = |id: i64, name: &str, folder: &Folder, attended: bool, bindings: Vec<Binding>| Release {
            key: key(&format!("release/{name}")),
            id,
            name: name.to_owned(),
            description: String::new(),
            process_key: name.replace([' ', '+'], "."),
            process_version: "1.0.4".to_owned(),
            folder: folder.key,
            is_attended: attended,
            bindings,
        };
        let binding = |name: &str, connector: &str, mode: BindingMode, activities: &[&str]| Binding {
            key: key(&format!("binding/{name}")),
            connector: connector.to_owned(),
            mode,
            activities: activities.iter().map(|a| (*a).to_owned()).collect(),
        };
        let fixed = |c: &Connection| BindingMode::Fixed { connection: c.id };
        let releases = vec![
            Release {
                description: "Reads invoices from the mailbox, queues them and processes the queue (one package).".into(),
                ..release(1, "Invoice Dispatcher+Performer", &shared, false, vec![
                    binding("invoices/outlook", outlook, BindingMode::ByUser, &["For Each Email", "Move Email"]),
                    binding("invoices/onedrive", onedrive, fixed(&connections[2]), &["Upload File"]),
                ])
            },
            Release {
                description: "Sorts the user's own inbox while they watch.".into(),
                ..release(2, "Email Triage (Attended)", &shared, true, vec![
                    binding("triage/outlook", outlook, BindingMode::ByUser, &["For Each Email", "Reply to Email"]),
                ])
            },
            Release {
                description: "Mails the month-end report.".into(),
                ..release(3, "Month-End Report", &shared, false, vec![
                    binding("month-end/outlook", outlook, fixed(&connections[5]), &["Send Email"]),
                ])
            },
            Release {
                description: "Copies vendor files to SharePoint.".into(),
                ..release(4, "Vendor Sync", &finance, false, vec![
                    binding("vendor/onedrive", onedrive, fixed(&connections[3]), &["Upload File", "Get File List"]),
                ])
            },
            Release {
                description: "Files invoices from the accounts payable shared mailbox.".into(),
                ..release(5, "AP Invoice Intake", &finance, false, vec![
                    binding("ap/outlook", outlook, fixed(&connections[8]), &["For Each Email", "Move Email"]),
                ])
            },
        ];
        let schedules = vec![
            Schedule { key: key("schedule/invoices"), id: 1, name: "Invoices every 15 minutes".into(), release: releases[0].key, folder: releases[0].folder, enabled: true, runtime_type: RobotType::Unattended, cron: Some("0 0/15 * 1/1 * ? *".into()), queue: None },
            Schedule { key: key("schedule/month-end"), id: 2, name: "Month end".into(), release: releases[2].key, folder: releases[2].folder, enabled: true, runtime_type: RobotType::Unattended, cron: Some("0 0 6 L * ? *".into()), queue: None },
            Schedule { key: key("schedule/vendor"), id: 3, name: "New vendor files".into(), release: releases[3].key, folder: releases[3].folder, enabled: true, runtime_type: RobotType::Unattended, cron: None, queue: Some("VendorFiles".into()) },
            Schedule { key: key("schedule/ap"), id: 4, name: "AP intake hourly".into(), release: releases[4].key, folder: releases[4].folder, enabled: true, runtime_type: RobotType::Unattended, cron: Some("0 0 * ? * * *".into()), queue: None },
        ];
        let job = |id: i64, release: &Release, job_type: RobotType, state: JobState, robot: &Robot, hours_ago: i64, info: &str| Job {
            key: key(&format!("job/{id}")),
            id,
            release: release.key,
            folder: release.folder,
            job_type,
            state,
            robot: Some(robot.key),
            created: now - Duration::hours(hours_ago),
            info: info.to_owned(),
            overwrites: vec![],
        };
        // An attended run with the user's own connection for a binding
        // configurable by users: the job's `ResourceOverwrites`.
        let chose = |j: Job, binding: &str, c: &Connection| Job {
            overwrites: vec![JobOverwrite { binding: key(&format!("binding/{binding}")).to_string(), connection: c.id, connection_name: c.name.clone(), folder: c.folder }],
            ..j
        };
        // What an unattended run of a binding left to users meets: no
        // connection bound (the runtime's DAP-RT-1002, `ConnectionIdNull`, in
        // the message format of the platform's DAP errors; the exact text is
        // not public).
        let unbound = "No connection is bound to the activity: the connection is configurable by users and this run has none. Error code: DAP-RT-1002.\r\n\r\nin Main.xaml\n at ConnectorActivity \"For Each Email\"";
        let jobs = vec![
            job(1, &releases[0], RobotType::Unattended, JobState::Faulted, &robots[0], 1, unbound),
            job(2, &releases[0], RobotType::Unattended, JobState::Faulted, &robots[1], 2, unbound),
            chose(job(3, &releases[1], RobotType::Attended, JobState::Successful, &robots[2], 3, "Job completed."), "triage/outlook", &connections[5]),
            job(4, &releases[2], RobotType::Unattended, JobState::Faulted, &robots[0], 30, &format!("Connection '{}' is on a personal folder and can only be used by its owner. Error code: DAP-GE-3000.", connections[5].id)),
            job(5, &releases[3], RobotType::Unattended, JobState::Faulted, &robots[0], 4, "The connection is not authorized. Error code: CNS1008."),
            chose(job(6, &releases[0], RobotType::Attended, JobState::Successful, &robots[2], 26, "Job completed."), "invoices/outlook", &connections[5]),
        ];

        db.put_all([&alex, &hana, &dana, &robot1, &robot2, &app])?;
        db.put_all([&shared, &finance, &alex_ws, &hana_ws, &dana_ws])?;
        db.put_all([&vm1, &vm2, &laptop])?;
        db.put_all(&robots)?;
        db.put_all(&connectors())?;
        db.put_all(&connections)?;
        db.put_all(&releases)?;
        db.put_all(&schedules)?;
        db.put_all(&jobs)?;
        db.put_all(&clients(&secret, &app))?;
        Ok(())
    })?;
    Ok(Seeded {
        ci_client_secret: secret,
    })
}
