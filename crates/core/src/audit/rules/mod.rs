//! The audit's rules. Each rule is one file: a unit struct implementing
//! [`Rule`], a pure function of the gathered facts, with its own table tests.
//! Adding a rule means adding its file and one line to [`RULES`].
//!
//! Wording follows the platform's own guidance for unattended runs: one shared
//! folder connection granted to the unattended identity; split Dispatcher and
//! Performer so that only the part that needs a user's connection runs
//! attended; one process per machine as a last resort.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::finding::{ConnectionRef, Finding, ProcessRef, Severity};
use super::model::{AuditInput, Binding, BindingMode, Process};
use crate::connections::ConnectionRow;

mod binding_attended_ok;
mod bound_connection_unhealthy;
mod configurability_not_reported;
mod configurable_by_users_unattended;
mod connection_folder_not_visible;
mod delegated_owner_not_run_identity;
mod missing_scopes;
mod one_connection_many_machines;
mod personal_workspace_connection_in_shared_folder;

#[cfg(test)]
pub(crate) mod test_support;

/// A check over one process.
pub trait Rule: Sync {
    /// Stable id, kebab-case.
    fn id(&self) -> &'static str;
    /// The severity its findings usually carry (SARIF's default level).
    fn severity(&self) -> Severity;
    /// One sentence: what the rule looks for.
    fn summary(&self) -> &'static str;
    /// Appends this rule's findings for `cx.process`.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// Every rule, in the order their findings are listed.
pub static RULES: &[&dyn Rule] = &[
    &configurable_by_users_unattended::ConfigurableByUsersUnattended,
    &configurability_not_reported::ConfigurabilityNotReported,
    &personal_workspace_connection_in_shared_folder::PersonalWorkspaceConnectionInSharedFolder,
    &bound_connection_unhealthy::BoundConnectionUnhealthy,
    &connection_folder_not_visible::ConnectionFolderNotVisible,
    &delegated_owner_not_run_identity::DelegatedOwnerNotRunIdentity,
    &one_connection_many_machines::OneConnectionManyMachines,
    &missing_scopes::MissingScopes,
    &binding_attended_ok::BindingAttendedOk,
];

/// What a rule sees: one process and the facts around it.
#[derive(Debug)]
pub struct Context<'a> {
    pub input: &'a AuditInput,
    pub process: &'a Process,
    /// Connector names by key, from the listing ("Microsoft Outlook 365").
    pub connector_names: &'a HashMap<&'a str, &'a str>,
    /// Why the process is thought to run unattended (computed once, read by
    /// several rules); empty when it does not.
    pub evidence: Vec<String>,
    /// Each binding's connection, resolved once (rules ask many times).
    bounds: Vec<Option<Bound<'a>>>,
    /// What findings say of the process, made once and shared.
    process_ref: Arc<ProcessRef>,
}

/// A fixed binding's connection, as far as the auditor can tell.
#[derive(Debug, Clone, Copy)]
pub enum Bound<'a> {
    /// Visible in the listing.
    Known(&'a ConnectionRow),
    /// Named by the requirement, but in a folder the auditor cannot see.
    Unseen {
        id: &'a str,
        name: Option<&'a str>,
        folder_path: Option<&'a str>,
        folder_personal: Option<bool>,
    },
    /// Named, and not there although its folder is visible (or unknown): deleted.
    Missing { id: &'a str },
    /// Nothing bound.
    Nothing,
}

impl<'a> Context<'a> {
    pub fn new(
        input: &'a AuditInput,
        process: &'a Process,
        connector_names: &'a HashMap<&'a str, &'a str>,
    ) -> Self {
        Self {
            input,
            process,
            connector_names,
            evidence: process.runs.unattended_evidence(),
            process_ref: Arc::new(ProcessRef {
                key: process.key.clone(),
                name: process.name.clone(),
                folder_path: process.folder_path.clone(),
            }),
            bounds: process.bindings.iter().map(|b| resolve(input, b)).collect(),
        }
    }

    pub fn runs_unattended(&self) -> bool {
        !self.evidence.is_empty()
    }

    /// The connection a fixed binding of this process points at; `None` for
    /// "configurable by users", computed ids, and bindings of other processes.
    pub fn bound(&self, b: &Binding) -> Option<Bound<'a>> {
        self.process
            .bindings
            .iter()
            .position(|x| std::ptr::eq(x, b))
            .and_then(|i| self.bounds.get(i).copied().flatten())
    }

    /// A finding about this process, optionally about one binding.
    pub fn finding(
        &self,
        rule: &dyn Rule,
        severity: Severity,
        binding: Option<&Binding>,
        text: [Cow<'static, str>; 3],
    ) -> Finding {
        let [title, explanation, fix] = text;
        let title = title.into_owned();
        let connection = binding.and_then(|b| match self.bound(b)? {
            Bound::Known(c) => Some(ConnectionRef {
                id: Some(c.id.clone()),
                name: Some(c.name.clone()),
                folder_path: Some(c.folder.path.clone()),
            }),
            Bound::Unseen {
                id,
                name,
                folder_path,
                ..
            } => Some(ConnectionRef {
                id: Some(id.to_owned()),
                name: name.map(str::to_owned),
                folder_path: folder_path.map(str::to_owned),
            }),
            Bound::Missing { id } => Some(ConnectionRef {
                id: Some(id.to_owned()),
                name: None,
                folder_path: None,
            }),
            Bound::Nothing => None,
        });
        Finding {
            rule: Cow::Borrowed(rule.id()),
            severity,
            process: self.process_ref.clone(),
            binding: binding.map(|b| b.key.clone()),
            connector: binding.and_then(|b| b.connector.clone()),
            connection,
            title,
            explanation,
            fix,
            location: binding.and_then(|b| b.location.clone()),
        }
    }

    /// A binding's connector, readable: "Microsoft Outlook 365 binding".
    pub fn binding_label(&self, b: &Binding) -> String {
        match b.connector.as_deref() {
            Some(key) => match self.connector_names.get(key) {
                Some(name) => format!("{name} binding"),
                None => format!("{} binding", connector_label(key)),
            },
            None => "connection binding".to_owned(),
        }
    }
}

/// What a fixed binding points at, looked up in the listing.
fn resolve<'a>(input: &'a AuditInput, b: &'a Binding) -> Option<Bound<'a>> {
    let BindingMode::Fixed {
        connection_id,
        name,
        folder_path,
        folder_personal,
    } = &b.mode
    else {
        return None;
    };
    let Some(id) = connection_id.as_deref().filter(|id| !id.is_empty()) else {
        return Some(Bound::Nothing);
    };
    if let Some(row) = input.connection(id) {
        return Some(Bound::Known(row));
    }
    if !input.connections_known {
        return Some(Bound::Unseen {
            id,
            name: name.as_deref(),
            folder_path: folder_path.as_deref(),
            folder_personal: *folder_personal,
        });
    }
    match folder_path.as_deref() {
        Some(path) if !input.sees_folder(path) => Some(Bound::Unseen {
            id,
            name: name.as_deref(),
            folder_path: Some(path),
            folder_personal: *folder_personal,
        }),
        _ => Some(Bound::Missing { id }),
    }
}

/// Connector names by key, as the listing gives them.
pub fn connector_names(input: &AuditInput) -> HashMap<&str, &str> {
    input
        .connections
        .values()
        .filter(|c| !c.connector_name.is_empty())
        .map(|c| (c.connector_key.as_str(), c.connector_name.as_str()))
        .collect()
}

/// `uipath-microsoft-outlook365` → `Microsoft Outlook365`, for connectors no
/// listed connection names.
pub fn connector_label(key: &str) -> String {
    key.strip_prefix("uipath-")
        .unwrap_or(key)
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs every rule over every process: errors first, then warnings, then
/// notes, each in process order.
pub fn evaluate(input: &AuditInput) -> Vec<Finding> {
    let names = connector_names(input);
    let judge = |processes: &[Process]| {
        let mut out = Vec::with_capacity(processes.len() * 4);
        for process in processes {
            let cx = Context::new(input, process, &names);
            for rule in RULES {
                rule.check(&cx, &mut out);
            }
        }
        out
    };
    // Rules are pure, so large tenants are judged on every core; the order
    // of processes is kept by joining the chunks in order.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut out = if threads > 1 && input.processes.len() >= PARALLEL_ABOVE {
        let chunk = input.processes.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = input
                .processes
                .chunks(chunk)
                .map(|c| scope.spawn(move || judge(c)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| match h.join() {
                    Ok(findings) => findings,
                    // A rule panicked: a bug; re-raise it as the serial path would.
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
    } else {
        judge(&input.processes)
    };
    out.sort_by_key(|f| f.severity);
    out
}

/// Below this many processes one thread is faster than starting more.
const PARALLEL_ABOVE: usize = 256;
