//! Gathering the audit's facts from a tenant: every visible folder's processes
//! (Releases), triggers (ProcessSchedules), robots and recent jobs, each
//! process's connection requirements (GetResources), and the connection
//! listing across folders. Calls run with bounded concurrency; what cannot be
//! read (a folder without permission, a process whose requirements fail) is
//! reported next to the results instead of failing the audit.

use std::collections::HashMap;

use std::future::Future;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use ts_rs::TS;

use super::model::{
    AuditInput, Binding, BindingMode, Configurability, NO_CONNECTION_BOUND, Process, RunIdentity,
    RunModes,
};
use crate::connections::{self, FolderSummary, ListOptions};
use crate::error::ApiError;
use crate::rate_budget::RateBudget;
use crate::tenant_client::{TenantClient, TenantError};

/// Requests in flight at once; requirements are one request per process, so
/// a tenant with thousands of processes needs more than the listing's 8.
pub const DEFAULT_CONCURRENCY: usize = 64;
/// Recent jobs read per folder to learn how its processes are run.
const RECENT_JOBS: usize = 200;

#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// A folder path: audit the processes of that folder and its subfolders.
    pub folder: Option<String>,
    /// 0 means [`DEFAULT_CONCURRENCY`].
    pub concurrency: usize,
    /// The run's budget for listing jobs (Orchestrator's documented limit);
    /// share one between runs against the same tenant.
    pub jobs_budget: std::sync::Arc<RateBudget>,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            folder: None,
            concurrency: 0,
            jobs_budget: std::sync::Arc::new(RateBudget::jobs()),
        }
    }
}

/// Something the audit could not read; its findings may be incomplete there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AuditProblem {
    pub folder: String,
    pub process: Option<String>,
    pub error: ApiError,
}

#[derive(Debug, Default)]
pub struct Gathered {
    pub input: AuditInput,
    pub problems: Vec<AuditProblem>,
}

#[derive(Debug, Deserialize)]
struct OData<T> {
    value: Vec<T>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireRelease {
    id: i64,
    key: String,
    name: String,
    process_key: String,
    process_version: String,
    #[serde(default)]
    is_attended: Option<bool>,
    #[serde(default)]
    requires_user_interaction: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireSchedule {
    name: String,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    release_id: Option<i64>,
    #[serde(default)]
    release_key: Option<String>,
    #[serde(default)]
    runtime_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireRobot {
    #[serde(default)]
    id: i64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    machine_name: Option<String>,
    #[serde(default, rename = "Type")]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireJob {
    #[serde(default)]
    release_name: Option<String>,
    #[serde(default, rename = "Type")]
    kind: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    info: Option<String>,
    /// A JSON string keyed `"Connection.<binding key>"` (the swagger types it
    /// a string; a live capture in UiPath/skills shows the shape): the
    /// connections this run used instead of the package's.
    #[serde(default)]
    resource_overwrites: Option<serde_json::Value>,
}

impl WireRelease {
    /// The process says it needs a user at the keyboard.
    fn attended_only(&self) -> bool {
        self.requires_user_interaction
            .or(self.is_attended)
            .unwrap_or(false)
    }
}

impl WireSchedule {
    /// An enabled trigger that starts `release` on an unattended robot.
    fn starts_unattended(&self, release: &WireRelease) -> bool {
        self.enabled
            && (self.release_id == Some(release.id)
                || self.release_key.as_deref() == Some(release.key.as_str()))
            && !self.runtime_type.as_deref().is_some_and(attended_runtime)
    }
}

impl WireRobot {
    /// A robot of an unattended kind (its kind is known and not attended).
    fn unattended(&self) -> bool {
        !self.kind.as_deref().is_none_or(attended_runtime)
    }
}

impl WireJob {
    /// The binding keys this run overwrote with another connection.
    fn overwritten_bindings(&self) -> Vec<String> {
        let object = match &self.resource_overwrites {
            Some(serde_json::Value::String(text)) => serde_json::from_str(text).ok(),
            Some(v @ serde_json::Value::Object(_)) => Some(v.clone()),
            _ => None,
        };
        object
            .as_ref()
            .and_then(|o| o.as_object())
            .map(|o| {
                o.keys()
                    .filter_map(|k| k.strip_prefix("Connection."))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireProperty {
    name: String,
    #[serde(default)]
    value: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireMetadata {
    #[serde(default)]
    connector: Option<String>,
    #[serde(default)]
    sub_type: Option<String>,
    #[serde(default)]
    activity_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireResource {
    #[serde(default)]
    resource_type: String,
    #[serde(default)]
    resource_key: Option<String>,
    #[serde(default)]
    resource_id: Option<String>,
    #[serde(default)]
    resource_name: Option<String>,
    #[serde(default)]
    folder_fully_qualified_name: Option<String>,
    #[serde(default)]
    folder_type: Option<String>,
    /// Not a public field: the sandbox's model of "configurable by users"
    /// (`Fixed` | `ByUser`). A tenant that omits it is read as fixed.
    #[serde(default)]
    configurable: Option<String>,
    #[serde(default)]
    properties: Vec<WireProperty>,
    #[serde(default)]
    metadata: Option<WireMetadata>,
}

/// Runtime types that need a user at the machine; every other runtime a
/// trigger or job names (Unattended, NonProduction, Headless, Serverless…)
/// runs without one.
fn attended_runtime(runtime: &str) -> bool {
    matches!(
        runtime.to_ascii_lowercase().as_str(),
        "attended"
            | "development"
            | "studio"
            | "studiox"
            | "studiopro"
            | "rpadeveloper"
            | "rpadeveloperpro"
            | "citizendeveloper"
    )
}

fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Null | serde_json::Value::String(_) => None,
        other => Some(other.to_string()),
    }
}

fn binding(r: WireResource) -> Option<Binding> {
    if !r.resource_type.eq_ignore_ascii_case("connection") {
        return None;
    }
    let property = |name: &str| {
        r.properties
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .and_then(|p| p.value.as_ref().and_then(text))
    };
    let metadata = r.metadata.unwrap_or_default();
    // Only the sandbox's extended profile says; no public API does.
    let configurability = if r.configurable.is_some() {
        Configurability::Reported
    } else {
        Configurability::NotReported
    };
    let connector = metadata
        .connector
        .or(metadata.sub_type)
        .or_else(|| property("Connector"));
    let mode = if r.configurable.as_deref() == Some("ByUser") {
        BindingMode::ByUser
    } else {
        BindingMode::Fixed {
            connection_id: r.resource_id.clone().or_else(|| property("ConnectionId")),
            name: r.resource_name,
            folder_personal: r.folder_type.as_deref().map(|t| t == "Personal"),
            folder_path: r.folder_fully_qualified_name,
        }
    };
    Some(Binding {
        key: r.resource_key.unwrap_or_default(),
        connector,
        mode,
        activities: metadata
            .activity_name
            .map(|a| {
                a.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        shared_mailbox: property("SharedMailbox"),
        location: None,
        configurability,
    })
}

/// What one folder's Orchestrator calls say about its processes, with each
/// process's requirements (or why they could not be read).
#[derive(Debug)]
struct FolderFacts {
    folder: FolderSummary,
    releases: Vec<(WireRelease, Result<Vec<Binding>, TenantError>)>,
    schedules: Vec<WireSchedule>,
    robots: Vec<WireRobot>,
    jobs: Vec<WireJob>,
}

/// Runs `request` once a permit is free: every request of the audit shares
/// one bound, so no phase waits for another (a folder's requirements start as
/// soon as its processes are known).
async fn limited<T>(permits: &Semaphore, request: impl Future<Output = T>) -> T {
    // The semaphore is never closed; without a permit the request still runs.
    let _permit = permits.acquire().await.ok();
    request.await
}

async fn list<T: serde::de::DeserializeOwned>(
    client: &TenantClient,
    permits: &Semaphore,
    entity: &str,
    query: &[(&str, String)],
    folder: &FolderSummary,
) -> Result<Vec<T>, TenantError> {
    let path = format!("orchestrator_/odata/{entity}");
    let page: OData<T> = limited(permits, client.get_json(&path, query, Some(&folder.key))).await?;
    Ok(page.value)
}

/// Whether a folder's recent jobs can tell more than its triggers, robots
/// and requirements already do: for a process that may run unattended, when
/// nothing else says it does (its run mode is open), or when the tenant does
/// not say which of its bindings users configure (only jobs show that). Jobs
/// are the one rate-limited read, so they are asked for only then.
fn jobs_needed(
    releases: &[(WireRelease, Result<Vec<Binding>, TenantError>)],
    schedules: &[WireSchedule],
    robots: &[WireRobot],
) -> bool {
    releases.iter().any(|(r, bindings)| {
        if r.attended_only() {
            return false;
        }
        let triggered = schedules.iter().any(|s| s.starts_unattended(r));
        let robots = robots.iter().any(WireRobot::unattended);
        let open_run_mode = !triggered && !robots;
        let unreported = bindings.as_ref().is_ok_and(|b| {
            b.iter()
                .any(|b| b.configurability == Configurability::NotReported)
        });
        open_run_mode || unreported
    })
}

/// A folder's processes, how they run, and their requirements. Robots and
/// jobs are optional knowledge: without them (no permission, an older
/// Orchestrator) the audit still judges triggers and requirements, and says
/// what it could not read.
async fn folder_facts(
    client: &TenantClient,
    permits: &Semaphore,
    jobs_budget: &RateBudget,
    folder: FolderSummary,
    problems: &mut Vec<AuditProblem>,
) -> Result<FolderFacts, TenantError> {
    let releases: Vec<WireRelease> = list(client, permits, "Releases", &[], &folder).await?;
    if releases.is_empty() {
        return Ok(FolderFacts {
            folder,
            releases: vec![],
            schedules: vec![],
            robots: vec![],
            jobs: vec![],
        });
    }
    let f = &folder;
    let requirements = futures::future::join_all(
        releases
            .iter()
            .map(|r| limited(permits, requirements(client, r, f))),
    );
    let (schedules, robots, requirements) = futures::join!(
        list::<WireSchedule>(client, permits, "ProcessSchedules", &[], f),
        list::<WireRobot>(client, permits, "Robots", &[], f),
        requirements,
    );
    let schedules = schedules?;
    let robots = optional(&f.path, "robots", robots, problems);
    let releases: Vec<_> = releases.into_iter().zip(requirements).collect();
    let jobs = if jobs_needed(&releases, &schedules, &robots) {
        let jobs_query = [
            ("$top", RECENT_JOBS.to_string()),
            ("$orderby", "CreationTime desc".to_owned()),
        ];
        let slot = jobs_budget.acquire().await;
        let jobs = list::<WireJob>(client, permits, "Jobs", &jobs_query, f).await;
        drop(slot);
        optional(&f.path, "jobs", jobs, problems)
    } else {
        vec![]
    };
    Ok(FolderFacts {
        releases,
        schedules,
        robots,
        jobs,
        folder,
    })
}

/// What a folder call gave, or nothing and a problem saying what is missing.
fn optional<T>(
    folder: &str,
    what: &str,
    outcome: Result<Vec<T>, TenantError>,
    problems: &mut Vec<AuditProblem>,
) -> Vec<T> {
    outcome.unwrap_or_else(|e| {
        problems.push(AuditProblem {
            folder: folder.to_owned(),
            process: None,
            error: ApiError::new(
                e.code(),
                format!(
                    "Could not read the folder's {what}, so unattended runs may be missed: {e}"
                ),
            ),
        });
        vec![]
    })
}

fn run_modes(
    release: &WireRelease,
    facts: &FolderFacts,
    robot_folders: &HashMap<i64, Vec<String>>,
) -> RunModes {
    let attended_only = release.attended_only();
    let unattended_triggers = facts
        .schedules
        .iter()
        .filter(|s| s.starts_unattended(release))
        .map(|s| s.name.clone())
        .collect();
    let unattended_robots = facts
        .robots
        .iter()
        .filter(|r| r.unattended())
        .map(|r| RunIdentity {
            user_name: r
                .username
                .clone()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| r.name.clone()),
            machine: r.machine_name.clone(),
            folders: robot_folders.get(&r.id).cloned().unwrap_or_default(),
        })
        .collect();
    let (mut unattended_jobs, mut attended_jobs) = (0, 0);
    let (mut failed_unattended_jobs, mut failure_sample, mut unbound_failures) = (0, None, 0);
    for job in jobs_of(release, facts) {
        match job.kind.as_deref() {
            Some(kind) if attended_runtime(kind) => attended_jobs += 1,
            Some(_) => {
                unattended_jobs += 1;
                if job
                    .state
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("Faulted"))
                {
                    failed_unattended_jobs += 1;
                    if failure_sample.is_none() {
                        failure_sample = job.info.as_deref().map(first_line);
                    }
                    if job
                        .info
                        .as_deref()
                        .is_some_and(|i| i.contains(NO_CONNECTION_BOUND))
                    {
                        unbound_failures += 1;
                    }
                }
            }
            None => {}
        }
    }
    RunModes {
        attended_only,
        declared_unattended: false,
        unattended_triggers,
        unattended_robots,
        unattended_jobs,
        attended_jobs,
        failed_unattended_jobs,
        failure_sample,
        unbound_failures,
    }
}

fn jobs_of<'f>(release: &WireRelease, facts: &'f FolderFacts) -> impl Iterator<Item = &'f WireJob> {
    let name = release.name.clone();
    facts
        .jobs
        .iter()
        .filter(move |j| j.release_name.as_deref() == Some(name.as_str()))
}

/// A job's message up to its first line break (the stack trace follows).
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

/// Where the tenant does not say which bindings users configure, a binding
/// that attended runs overwrote with their own connection is one.
fn infer_configurable(bindings: &mut [Binding], release: &WireRelease, facts: &FolderFacts) {
    let mut runs: HashMap<String, usize> = HashMap::new();
    for job in jobs_of(release, facts) {
        for key in job.overwritten_bindings() {
            *runs.entry(key.to_lowercase()).or_default() += 1;
        }
    }
    for b in bindings {
        if b.configurability != Configurability::NotReported {
            continue;
        }
        if let Some(&n) = runs.get(&b.key.to_lowercase()) {
            b.mode = BindingMode::ByUser;
            b.configurability = Configurability::ChosenByUsers { runs: n };
        }
    }
}

async fn requirements(
    client: &TenantClient,
    release: &WireRelease,
    folder: &FolderSummary,
) -> Result<Vec<Binding>, TenantError> {
    let path = format!(
        "orchestrator_/odata/Releases({})/UiPath.Server.Configuration.OData.GetResources(processKey='{}:{}')",
        release.id,
        release.process_key.replace('\'', "''"),
        release.process_version.replace('\'', "''"),
    );
    let page: OData<WireResource> = client.get_json(&path, &[], Some(&folder.key)).await?;
    Ok(page.value.into_iter().filter_map(binding).collect())
}

/// Reads everything the rules need; `on_progress(folders done, folders)`.
/// Fails as a whole only when the folders or the connection listing cannot be
/// read at all.
pub async fn gather(
    client: &TenantClient,
    options: &AuditOptions,
    mut on_progress: impl FnMut(usize, usize),
) -> Result<Gathered, TenantError> {
    // 0 is the default; more than a semaphore can count is as good as its maximum.
    let concurrency = if options.concurrency == 0 {
        DEFAULT_CONCURRENCY
    } else {
        options.concurrency.min(Semaphore::MAX_PERMITS)
    };
    let visible = connections::folders(client).await?;
    let audited: Vec<FolderSummary> = match &options.folder {
        Some(path) => {
            let chosen: Vec<_> = visible
                .iter()
                .filter(|f| connections::in_folder(f, path))
                .cloned()
                .collect();
            if chosen.is_empty() {
                let names: Vec<_> = visible.iter().map(|f| f.path.as_str()).collect();
                return Err(TenantError::NotFound {
                    message: format!(
                        "no folder {path:?} among the {} you can see ({}).",
                        visible.len(),
                        names.join(", ")
                    ),
                });
            }
            chosen
        }
        None => visible.clone(),
    };

    // The listing runs beside the folders with its own (smaller) bound.
    let listing_options = ListOptions {
        concurrency,
        ..ListOptions::default()
    };
    let listing = connections::list(client, &listing_options, |_| {});

    let permits = Semaphore::new(concurrency);
    let permits = &permits;
    let jobs_budget = &options.jobs_budget;
    let total = audited.len();
    let mut done = 0;
    on_progress(0, total);
    let facts = futures::stream::iter(audited.clone())
        .map(|folder| async move {
            let mut problems = vec![];
            let path = folder.path.clone();
            let outcome = folder_facts(client, permits, jobs_budget, folder, &mut problems).await;
            (path, outcome, problems)
        })
        .buffer_unordered(concurrency)
        .inspect(|_| {
            done += 1;
            on_progress(done, total);
        })
        .collect::<Vec<_>>();
    let (listing, facts) = futures::join!(listing, facts);
    let listing = listing?;

    let mut problems = vec![];
    let mut folders_facts = vec![];
    for (path, outcome, mut more) in facts {
        problems.append(&mut more);
        match outcome {
            Ok(f) => folders_facts.push(f),
            Err(e) => problems.push(AuditProblem {
                folder: path,
                process: None,
                error: e.into(),
            }),
        }
    }
    for e in &listing.errors {
        problems.push(AuditProblem {
            folder: e.folder.path.clone(),
            process: None,
            error: e.error.clone(),
        });
    }

    // Where each robot may run: the folders whose robot list names it.
    let mut robot_folders: HashMap<i64, Vec<String>> = HashMap::new();
    for f in &folders_facts {
        for r in &f.robots {
            robot_folders
                .entry(r.id)
                .or_default()
                .push(f.folder.path.clone());
        }
    }

    let mut processes = vec![];
    for f in &folders_facts {
        for (release, outcome) in &f.releases {
            let mut bindings = match outcome {
                Ok(b) => b.clone(),
                Err(e) => {
                    problems.push(AuditProblem {
                        folder: f.folder.path.clone(),
                        process: Some(release.name.clone()),
                        error: ApiError::new(
                            e.code(),
                            format!("Could not read the process's connection requirements: {e}"),
                        ),
                    });
                    continue;
                }
            };
            infer_configurable(&mut bindings, release, f);
            processes.push(Process {
                key: release.key.clone(),
                id: Some(release.id),
                name: release.name.clone(),
                folder_key: Some(f.folder.key.clone()),
                folder_path: f.folder.path.clone(),
                folder_personal: f.folder.personal,
                runs: run_modes(release, f, &robot_folders),
                bindings,
            });
        }
    }
    processes.sort_by(|a, b| (&a.folder_path, &a.name).cmp(&(&b.folder_path, &b.name)));
    problems.sort_by(|a, b| (&a.folder, &a.process).cmp(&(&b.folder, &b.process)));

    Ok(Gathered {
        input: AuditInput {
            processes,
            connections: listing
                .connections
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
            visible_folders: visible.iter().map(|f| f.path.clone()).collect(),
            connections_known: true,
        },
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_become_bindings() {
        let json = r#"{"value":[
          {"ResourceType":"Connection","ResourceKey":"k1","ResourceId":"c1","ResourceName":"alex@x",
           "FolderFullyQualifiedName":"Alex's Workspace","FolderType":"Personal","Configurable":"Fixed",
           "Properties":[{"Name":"ConnectionId","Value":"c1"}],
           "Metadata":{"Connector":"uipath-microsoft-outlook365","ActivityName":"For Each Email, Move Email"}},
          {"ResourceType":"Connection","ResourceKey":"k2","ResourceId":null,"Configurable":"ByUser","Properties":[]},
          {"ResourceType":"Connection","ResourceKey":"k3","Properties":[{"Name":"ConnectionId","Value":"c3"}]},
          {"ResourceType":"Asset","ResourceKey":"a1"}]}"#;
        let page: OData<WireResource> = serde_json::from_str(json).unwrap();
        let bindings: Vec<Binding> = page.value.into_iter().filter_map(binding).collect();
        assert_eq!(bindings.len(), 3);
        assert_eq!(bindings[0].activities, ["For Each Email", "Move Email"]);
        assert_eq!(
            bindings[0].mode,
            BindingMode::Fixed {
                connection_id: Some("c1".into()),
                name: Some("alex@x".into()),
                folder_path: Some("Alex's Workspace".into()),
                folder_personal: Some(true),
            }
        );
        assert_eq!(bindings[1].mode, BindingMode::ByUser);
        assert!(matches!(
            &bindings[2].mode,
            BindingMode::Fixed { connection_id: Some(id), .. } if id == "c3"
        ));
    }

    #[test]
    fn runtimes_that_need_a_user_are_told_apart() {
        for attended in ["Attended", "development", "StudioX"] {
            assert!(attended_runtime(attended), "{attended}");
        }
        for unattended in ["Unattended", "NonProduction", "Headless", "Serverless"] {
            assert!(!attended_runtime(unattended), "{unattended}");
        }
    }
}
