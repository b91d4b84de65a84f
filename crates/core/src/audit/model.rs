//! What the audit knows about a tenant (or a package), gathered once and then
//! read by every rule. Rules never fetch: keeping the facts separate from the
//! judgements is what makes the rules pure functions with table tests, and lets
//! the same rules judge a live tenant and an offline `.nupkg`.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use crate::connections::{ConnectionRow, ConnectionState};

/// Where a binding is declared, for SARIF and for "open the file" links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SourceLocation {
    /// Path of `bindings_v2.json` (inside a package, or on disk).
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// How a process's connection binding is resolved at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingMode {
    /// "Configurable by users": each attended user picks one of their own connections.
    ByUser,
    /// The package computes the connection id at run time: nothing to judge.
    Expression,
    /// Package Requirements fix one connection for every run.
    Fixed {
        /// `None` when nothing is bound (an empty requirement).
        connection_id: Option<String>,
        /// What the requirement itself says of the connection, for connections
        /// the auditing account cannot see (their row is not in the listing).
        name: Option<String>,
        folder_path: Option<String>,
        folder_personal: Option<bool>,
    },
}

/// How the audit knows whether a binding is fixed or left to users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Configurability {
    /// The package or the tenant says so (a package's metadata; the
    /// sandbox's extended profile).
    #[default]
    Reported,
    /// The tenant does not say, but attended runs picked their own
    /// connection for it (their jobs' `ResourceOverwrites`), this many times.
    ChosenByUsers { runs: usize },
    /// The tenant does not say, and no run showed it: no public API tells
    /// which bindings are configurable by users.
    NotReported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The resource key from `bindings_v2.json` / Package Requirements.
    pub key: String,
    pub connector: Option<String>,
    pub mode: BindingMode,
    /// Activities that use the binding ("For Each Email"), for scope checks.
    pub activities: Vec<String>,
    /// A shared mailbox the activities read, when the package names one.
    pub shared_mailbox: Option<String>,
    pub location: Option<SourceLocation>,
    /// How `mode` is known.
    pub configurability: Configurability,
}

/// An account an unattended run of the process uses: a robot and its machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunIdentity {
    /// The robot's user name (`robot-prod-01`, `CONTOSO\svc-rpa`, an e-mail).
    pub user_name: String,
    pub machine: Option<String>,
    /// Paths of the folders this robot may run in (among those the auditor sees).
    pub folders: Vec<String>,
}

/// How the process is run, from its release, triggers, robots and job history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunModes {
    /// The release requires user interaction (attended only).
    pub attended_only: bool,
    /// Said to run unattended by whoever asked for the audit (`--run unattended`).
    pub declared_unattended: bool,
    /// Enabled triggers that start it unattended, by name.
    pub unattended_triggers: Vec<String>,
    /// Unattended robots of the process's folder (they can run it unless it is attended only).
    pub unattended_robots: Vec<RunIdentity>,
    /// Recent jobs by type.
    pub unattended_jobs: usize,
    pub attended_jobs: usize,
    /// Recent unattended jobs that faulted, and what the first one said.
    pub failed_unattended_jobs: usize,
    pub failure_sample: Option<String>,
    /// Of those, the ones that had no connection to run with (the runtime's
    /// `DAP-RT-1002`, `ConnectionIdNull`): what a binding left to users does
    /// to an unattended run.
    pub unbound_failures: usize,
}

/// The runtime's code for an activity run without a connection bound.
pub const NO_CONNECTION_BOUND: &str = "DAP-RT-1002";

impl RunModes {
    /// Why we believe the process runs unattended, as short phrases; empty when it does not.
    pub fn unattended_evidence(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .unattended_triggers
            .iter()
            .map(|t| format!("trigger “{t}”"))
            .collect();
        if self.declared_unattended {
            out.push("it is to run unattended".to_owned());
        }
        if self.unattended_jobs > 0 {
            out.push(format!(
                "{} recent unattended job{}",
                self.unattended_jobs,
                if self.unattended_jobs == 1 { "" } else { "s" }
            ));
        }
        if !self.attended_only && !self.unattended_robots.is_empty() {
            let names: Vec<_> = self
                .unattended_robots
                .iter()
                .map(|r| r.user_name.as_str())
                .collect();
            out.push(format!(
                "unattended robot{} {}",
                plural(names.len()),
                names.join(", ")
            ));
        }
        out
    }

    /// The identities an unattended run may use: the folder's unattended robots.
    pub fn run_identities(&self) -> &[RunIdentity] {
        &self.unattended_robots
    }

    /// Distinct machines the unattended robots run on.
    pub fn machines(&self) -> Vec<&str> {
        let mut m: Vec<&str> = self
            .unattended_robots
            .iter()
            .filter_map(|r| r.machine.as_deref())
            .collect();
        m.sort_unstable();
        m.dedup();
        m
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A process (release) and its connection bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub key: String,
    /// The release id, when it comes from a tenant.
    pub id: Option<i64>,
    pub name: String,
    pub folder_key: Option<String>,
    pub folder_path: String,
    pub folder_personal: bool,
    pub runs: RunModes,
    pub bindings: Vec<Binding>,
}

/// Everything the rules read.
#[derive(Debug, Clone, Default)]
pub struct AuditInput {
    pub processes: Vec<Process>,
    /// Connections the auditing account can see, by id.
    pub connections: HashMap<String, ConnectionRow>,
    /// Paths of the folders the auditing account can see: a bound connection
    /// missing from `connections` is "missing" only if its folder is here.
    pub visible_folders: Vec<String>,
    /// Whether `connections` is the tenant's list; an offline package audit
    /// without a connections file knows none, and then judges no connection.
    pub connections_known: bool,
}

impl AuditInput {
    pub fn connection(&self, id: &str) -> Option<&ConnectionRow> {
        self.connections.get(id)
    }

    pub fn sees_folder(&self, path: &str) -> bool {
        self.visible_folders
            .iter()
            .any(|f| f.eq_ignore_ascii_case(path))
    }
}

/// Auth types that act as a person (their mailbox, their SharePoint rights).
pub fn is_delegated(auth_type: Option<&str>) -> bool {
    matches!(
        auth_type,
        Some("OAuth2AuthorizationCode" | "OAuth2BringYourOwnApp") | None
    )
}

/// States a run cannot use.
pub fn is_broken(state: ConnectionState) -> bool {
    matches!(
        state,
        ConnectionState::Expired | ConnectionState::Failed | ConnectionState::Disabled
    )
}
