//! The `large` scenario: a generated tenant of any size (folders, connections,
//! processes, robots), the same for the same spec, for the benchmarks and
//! the scale tests.

use super::*;

pub(super) fn seed_large(db: &mut Db, spec: LargeSpec) -> DbResult<Seeded> {
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
