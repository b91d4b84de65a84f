//! Small builders for the rules' table tests: a tenant with one process in
//! `Shared`, robots on machines, and connections in named folders.
#![allow(clippy::unwrap_used)]

use crate::audit::finding::Finding;
use crate::audit::model::*;
use crate::connections::{ConnectionRow, ConnectionState, FolderSummary};

use super::{Context, Rule};

pub fn robot(name: &str, machine: &str, folders: &[&str]) -> RunIdentity {
    RunIdentity {
        user_name: name.into(),
        machine: Some(machine.into()),
        folders: folders.iter().map(|f| (*f).to_owned()).collect(),
    }
}

pub fn conn(id: &str, folder: &str, owner: &str, state: ConnectionState) -> ConnectionRow {
    let mut row = crate::connections::sample_row(id, &format!("conn {id}"), state);
    row.connector_name = "Microsoft Outlook 365".into();
    row.identity = owner.into();
    row.owner = owner.into();
    row.folder = FolderSummary {
        key: format!("key-{folder}"),
        path: folder.into(),
        personal: folder.contains("Workspace"),
        id: None,
    };
    row
}

pub fn fixed(key: &str, connection: &str) -> Binding {
    Binding {
        key: key.into(),
        connector: Some("uipath-microsoft-outlook365".into()),
        mode: BindingMode::Fixed {
            connection_id: Some(connection.into()),
            name: None,
            folder_path: None,
            folder_personal: None,
        },
        activities: vec![],
        shared_mailbox: None,
        location: None,
        configurability: Default::default(),
    }
}

pub fn by_user(key: &str) -> Binding {
    Binding {
        mode: BindingMode::ByUser,
        ..fixed(key, "")
    }
}

pub fn process(runs: RunModes, bindings: Vec<Binding>) -> Process {
    Process {
        key: "p1".into(),
        id: Some(1),
        name: "Invoices".into(),
        folder_key: Some("key-Shared".into()),
        folder_path: "Shared".into(),
        folder_personal: false,
        runs,
        bindings,
    }
}

pub fn unattended(robots: Vec<RunIdentity>) -> RunModes {
    RunModes {
        unattended_triggers: vec!["Every 15 minutes".into()],
        unattended_robots: robots,
        ..RunModes::default()
    }
}

pub fn attended() -> RunModes {
    RunModes {
        attended_only: true,
        attended_jobs: 3,
        ..RunModes::default()
    }
}

pub fn input(process: Process, connections: Vec<ConnectionRow>) -> AuditInput {
    AuditInput {
        processes: vec![process],
        visible_folders: vec!["Shared".into(), "Finance".into(), "Alex's Workspace".into()],
        connections: connections.into_iter().map(|c| (c.id.clone(), c)).collect(),
        connections_known: true,
    }
}

/// The rule's findings on the input's only process.
pub fn run(rule: &dyn Rule, input: &AuditInput) -> Vec<Finding> {
    let names = super::connector_names(input);
    let cx = Context::new(input, &input.processes[0], &names);
    let mut out = vec![];
    rule.check(&cx, &mut out);
    for f in &out {
        assert_eq!(f.rule, rule.id());
        for text in [f.title.as_str(), &f.explanation, &f.fix] {
            assert!(!text.trim().is_empty(), "{f:?}");
        }
    }
    out
}
