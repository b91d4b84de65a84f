//! The `forum` scenario: the multi-machine case users ask about most (see the
//! parent module), seeded person by person, folder by folder.

use super::*;

pub(super) fn seed_forum(db: &mut Db) -> DbResult<Seeded> {
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
