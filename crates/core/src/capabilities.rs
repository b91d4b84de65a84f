//! What this tenant offers, found out instead of assumed. A real tenant and
//! the sandbox differ exactly where the product depends on them (see
//! `docs/platform-evidence.md`), so after sign-in (and on demand: `connassist
//! doctor`, Settings › This tenant) a handful of cheap, side-effect-free
//! requests say which features can work here. A feature that cannot is
//! switched off with a sentence saying what is missing and what to do instead;
//! nothing is judged on a field the tenant does not send.
//!
//! Evidence, in the order it is read:
//! - the anonymous `orchestrator_/api/status/version` (what the official
//!   `uipath` CLI reads): Automation Suite says `deployment: "ServiceFabric"`,
//!   Automation Cloud builds carry an `-s<build>` suffix; the sandbox adds the
//!   list of its inventions it serves (`sandbox.extensions`), the only way an
//!   invented route or field is ever used;
//! - who is signed in ([`crate::account`]): a person or an application;
//! - the folders that account sees;
//! - one folder's connections (readable at all? does a row carry `owner`?),
//!   the connector catalogue, one folder's processes and triggers, robots.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::account::{Me, current_user};
use crate::connections::{self, FolderSummary};
use crate::error::ApiError;
use crate::tenant_client::{TenantClient, TenantError};

/// The names of the sandbox's inventions a client may use where a tenant
/// declares them, as `docs/platform-evidence.md` and the sandbox's
/// `Extension::name` give them.
pub mod extension {
    pub const CONSENT_SESSION_STATUS: &str = "consent-session-status";
    pub const CREATE_CONNECTION: &str = "create-connection";
    pub const CONFIGURABLE_FIELD: &str = "configurable-field";
    pub const ATTENDED_SELECTIONS: &str = "attended-selections";
    pub const CONNECTION_AUTH_DETAILS: &str = "connection-auth-details";
    /// Every name above.
    pub const ALL: [&str; 5] = [
        CONSENT_SESSION_STATUS,
        CREATE_CONNECTION,
        CONFIGURABLE_FIELD,
        ATTENDED_SELECTIONS,
        CONNECTION_AUTH_DETAILS,
    ];
}

/// Which platform the tenant runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub enum Flavour {
    AutomationCloud,
    AutomationSuite,
    /// The built-in sandbox tenant.
    Sandbox,
    Unknown,
}

impl Flavour {
    /// As people read it: "Automation Cloud", "the sandbox tenant".
    pub fn label(self) -> &'static str {
        match self {
            Self::AutomationCloud => "Automation Cloud",
            Self::AutomationSuite => "Automation Suite",
            Self::Sandbox => "the sandbox tenant",
            Self::Unknown => "an unknown platform",
        }
    }
}

/// The features whose availability depends on the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub enum FeatureId {
    Folders,
    Connections,
    ConnectionOwners,
    Health,
    Reconnect,
    ConsentSessionStatus,
    CreateInApp,
    Audit,
    ConfigurableBindings,
    AttendedChoices,
    SecretExpiry,
}

/// One line of the feature table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Feature {
    pub id: FeatureId,
    pub name: String,
    pub on: bool,
    /// What was found: why it is on or off.
    pub why: String,
    /// What to do instead, when it is off (or works in a lesser way).
    pub fix: Option<String>,
    /// Whether the user needs it for the app to be of use (`doctor` exits
    /// non-zero when one of these is off).
    pub needed: bool,
}

/// What a tenant offers, and when that was found out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    pub tenant: String,
    /// When the probe ran (RFC 3339).
    pub probed_at: String,
    pub flavour: Flavour,
    /// The platform as people read it ([`Flavour::label`]), so no front end
    /// names it again.
    pub platform: String,
    pub version: Option<String>,
    /// The signed-in account, as shown to people.
    pub signed_in_as: String,
    /// An application signed in as itself (client credentials).
    pub application: bool,
    /// The sandbox's inventions this tenant serves (none on a real tenant).
    pub extensions: Vec<String>,
    pub features: Vec<Feature>,
}

impl Capabilities {
    pub fn feature(&self, id: FeatureId) -> Option<&Feature> {
        self.features.iter().find(|f| f.id == id)
    }

    pub fn has(&self, id: FeatureId) -> bool {
        self.feature(id).is_some_and(|f| f.on)
    }

    /// Every feature the user needs is on.
    pub fn usable(&self) -> bool {
        self.features.iter().all(|f| f.on || !f.needed)
    }
}

#[derive(Debug, Default, Deserialize)]
struct Version {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    deployment: Option<String>,
    #[serde(default)]
    sandbox: Option<SandboxMarker>,
}

#[derive(Debug, Default, Deserialize)]
struct SandboxMarker {
    #[serde(default)]
    extensions: Vec<String>,
}

fn flavour(host: &str, v: &Version) -> Flavour {
    if v.sandbox.is_some() {
        return Flavour::Sandbox;
    }
    if host == "uipath.com" || host.ends_with(".uipath.com") || host.ends_with(".uipath.us") {
        return Flavour::AutomationCloud;
    }
    match (v.deployment.as_deref(), v.version.as_deref()) {
        (Some(d), _) if d.eq_ignore_ascii_case("ServiceFabric") => Flavour::AutomationSuite,
        (_, Some(version)) if version.contains("-s") => Flavour::AutomationCloud,
        _ => Flavour::Unknown,
    }
}

/// A request's outcome, reduced to what the table needs.
enum Probe {
    Ok,
    /// Refused for want of a scope or a permission (403), with the message.
    Forbidden(String),
    /// Anything else that went wrong.
    Failed(String),
}

fn probe<T>(result: Result<T, TenantError>) -> (Probe, Option<T>) {
    match result {
        Ok(v) => (Probe::Ok, Some(v)),
        Err(TenantError::Forbidden { message }) => (Probe::Forbidden(message), None),
        Err(e) => (Probe::Failed(e.to_string()), None),
    }
}

const ADMIN_APPS: &str = "Admin › External Applications";

/// The anonymous version endpoint's answer; empty when it does not answer.
async fn version(client: &TenantClient) -> Version {
    client
        .get_json("orchestrator_/api/status/version", &[], None)
        .await
        .unwrap_or_default()
}

/// The sandbox's inventions the tenant serves, from the anonymous version
/// endpoint alone (one request): empty for a real tenant, and when the
/// endpoint does not answer.
pub async fn extensions(client: &TenantClient) -> Vec<String> {
    version(client)
        .await
        .sandbox
        .map(|s| s.extensions)
        .unwrap_or_default()
}

/// Whether the tenant serves the sandbox's invention `name` (one of
/// [`extension`]'s), asked of the version endpoint alone.
pub async fn tenant_serves(client: &TenantClient, name: &str) -> bool {
    extensions(client).await.iter().any(|e| e == name)
}

/// A feature that exists only where the tenant serves one of the sandbox's
/// inventions: what is true with it, what without, and what to do then.
fn by_extension(
    id: FeatureId,
    name: &str,
    on: bool,
    with_it: &str,
    without_it: &str,
    instead: &str,
) -> Feature {
    Feature {
        id,
        name: name.into(),
        on,
        why: if on { with_it } else { without_it }.into(),
        fix: (!on).then(|| instead.into()),
        needed: false,
    }
}

/// Asks the tenant what it offers. Fails only when nobody is signed in.
pub async fn probe_tenant(client: &TenantClient) -> Result<Capabilities, ApiError> {
    let me: Me = current_user(client).await?;
    let version = version(client).await;
    let extensions = version
        .sandbox
        .as_ref()
        .map(|s| s.extensions.clone())
        .unwrap_or_default();
    let has_ext = |name: &str| extensions.iter().any(|e| e == name);

    let mut features = vec![];
    let (folders_probe, folders) = probe(connections::folders(client).await);
    let folders: Vec<FolderSummary> = folders.unwrap_or_default();
    features.push(match &folders_probe {
        Probe::Ok if !folders.is_empty() => Feature {
            id: FeatureId::Folders,
            name: "Folders".into(),
            on: true,
            why: format!("{} folders are visible to this account.", folders.len()),
            fix: None,
            needed: true,
        },
        other => Feature {
            id: FeatureId::Folders,
            name: "Folders".into(),
            on: false,
            why: match other {
                Probe::Forbidden(m) => format!("The tenant refused to list folders: {m}"),
                Probe::Failed(m) => format!("Folders could not be listed: {m}"),
                Probe::Ok => "No folder is visible to this account.".into(),
            },
            fix: Some(if me.application {
                "Assign the external application to the folders it should read (Orchestrator › Folders › Assign account/group), with OR.Folders.Read among its application scopes.".into()
            } else {
                format!("Ask an administrator to assign you to a folder, and check that the external application has the OR.Folders.Read scope ({ADMIN_APPS}).")
            }),
            needed: true,
        },
    });

    // One folder's connections: readable, and do rows carry their owner?
    let first = folders.iter().find(|f| !f.personal).or(folders.first());
    let (connections_probe, sample) = match first {
        Some(f) => probe(connections::sample(client, f).await),
        None => (Probe::Failed("no folder to look in".into()), None),
    };
    let connections_on = matches!(connections_probe, Probe::Ok);
    let missing_is_scope = |what: &str| match &connections_probe {
        Probe::Forbidden(m) => format!("The tenant refused to {what}: {m}"),
        Probe::Failed(m) => format!("Could not {what}: {m}"),
        Probe::Ok => String::new(),
    };
    let is_fix = connections::read_scope_fix(me.application);
    features.push(Feature {
        id: FeatureId::Connections,
        name: "List connections".into(),
        on: connections_on,
        why: if connections_on {
            "Connections are read folder by folder (X-UIPATH-FolderKey), as the API guide asks of external applications.".into()
        } else {
            missing_is_scope("list connections")
        },
        fix: (!connections_on).then(|| is_fix.to_owned()),
        needed: true,
    });
    let owners = sample
        .as_ref()
        .and_then(|rows| rows.first())
        .map(|r| r.owner_reported);
    features.push(Feature {
        id: FeatureId::ConnectionOwners,
        name: "Connection owners".into(),
        on: owners == Some(true),
        why: match owners {
            Some(true) => "The tenant reports who created each connection.".into(),
            Some(false) => "The tenant does not report connection owners to external applications (as its API guide says): rows say \"owner not reported\", and your connections are told by the account they act as, your personal workspace and your own choices.".into(),
            None => "No connection was visible to check.".into(),
        },
        fix: (owners != Some(true)).then(|| "Nothing to do here; the owner is shown in Orchestrator › Integration Service › Connections.".to_owned()),
        needed: false,
    });
    features.push(Feature {
        id: FeatureId::Health,
        name: "Health checks".into(),
        on: connections_on,
        why: if connections_on {
            "Each connection is pinged through the tenant (GET Connections/{id}/ping).".into()
        } else {
            missing_is_scope("read connections")
        },
        fix: (!connections_on).then(|| is_fix.to_owned()),
        needed: true,
    });
    let session_status = has_ext(extension::CONSENT_SESSION_STATUS);
    features.push(Feature {
        id: FeatureId::Reconnect,
        name: "Reconnect in the app".into(),
        on: connections_on && !me.application,
        why: if me.application {
            "Reconnecting needs a person to consent, and this session is an application's.".into()
        } else if connections_on {
            "The tenant starts the consent (POST Connections/{id}/auth); the app waits until the connection is Enabled again with a new update time, then compares the account it acts as.".into()
        } else {
            missing_is_scope("read connections")
        },
        fix: if me.application {
            Some("Sign in as a person: the consent must be theirs.".into())
        } else {
            (!connections_on).then(|| is_fix.to_owned())
        },
        needed: false,
    });
    features.push(by_extension(
        FeatureId::ConsentSessionStatus,
        "Consent progress from the tenant",
        session_status,
        "The tenant reports each consent session's progress and failure (an invention of the sandbox's extended profile).",
        "The tenant publishes no way to follow a consent session: the app learns the outcome from the connection itself, and from the consent window's last page.",
        "Nothing to do. A declined consent is seen in the app's window; in the system browser, press Cancel when you are done.",
    ));
    let create_api = has_ext(extension::CREATE_CONNECTION);
    features.push(by_extension(
        FeatureId::CreateInApp,
        "Create connections in the app",
        create_api,
        "The tenant creates connections through its API (an invention of the sandbox's extended profile).",
        "This tenant offers no public API to create connections.",
        "New connection opens the tenant's own page for that connector and folder, and the app picks the new connection up when it appears.",
    ));
    let (audit_probe, _) = match first {
        Some(f) => probe(
            client
                .get_json::<serde_json::Value>(
                    "orchestrator_/odata/Releases",
                    &[("$top", "1".to_owned())],
                    Some(&f.key),
                )
                .await,
        ),
        None => (Probe::Failed("no folder to look in".into()), None),
    };
    let audit_on = matches!(audit_probe, Probe::Ok);
    features.push(Feature {
        id: FeatureId::Audit,
        name: "Binding audit".into(),
        on: audit_on,
        why: match &audit_probe {
            Probe::Ok => "Processes, triggers, robots, recent jobs and package requirements can be read.".into(),
            Probe::Forbidden(m) => format!("The tenant refused to list processes: {m}"),
            Probe::Failed(m) => format!("Processes could not be listed: {m}"),
        },
        fix: (!audit_on).then(|| format!("Add OR.Execution.Read, OR.Jobs.Read and OR.Robots.Read to the external application ({ADMIN_APPS}), then sign in again.")),
        needed: true,
    });
    let configurable = has_ext(extension::CONFIGURABLE_FIELD);
    features.push(by_extension(
        FeatureId::ConfigurableBindings,
        "\"Configurable by users\" bindings",
        configurable,
        "The tenant says which bindings are configurable by users (an invention of the sandbox's extended profile).",
        "No public API says which bindings are configurable by users: the audit infers it from job history (attended runs that chose their own connection, unattended runs that failed without one), and otherwise says it cannot tell.",
        "Check Package Requirements in Orchestrator for the processes the audit names.",
    ));
    let choices = has_ext(extension::ATTENDED_SELECTIONS);
    features.push(by_extension(
        FeatureId::AttendedChoices,
        "Your connection for attended processes",
        choices,
        "The tenant keeps each user's choice (an invention of the sandbox's extended profile).",
        "No public API holds the UiPath Assistant's connection choices: a choice made here is kept on this computer only, and the Assistant does not see it.",
        "Choose the connection in the UiPath Assistant as well (the process's settings).",
    ));
    let auth_details = has_ext(extension::CONNECTION_AUTH_DETAILS);
    features.push(by_extension(
        FeatureId::SecretExpiry,
        "App secret expiry dates",
        auth_details,
        "The tenant reports when an app connection's secret or certificate expires.",
        "The tenant does not report when an app connection's secret or certificate expires, nor its authentication type and permissions.",
        "Record the expiry date in the connection's details: health checks then warn 30, 14 and 7 days ahead.",
    ));

    let flavour = flavour(&client.tenant().host, &version);
    Ok(Capabilities {
        tenant: client.tenant().url.clone(),
        probed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        flavour,
        platform: flavour.label().to_owned(),
        version: version.version,
        signed_in_as: me.display,
        application: me.application,
        extensions,
        features,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flavour_comes_from_the_host_then_the_version() {
        let v = |version: &str, deployment: Option<&str>| Version {
            version: Some(version.into()),
            deployment: deployment.map(Into::into),
            sandbox: None,
        };
        assert_eq!(
            flavour("cloud.uipath.com", &Version::default()),
            Flavour::AutomationCloud
        );
        assert_eq!(
            flavour("acme.dedicated.uipath.com", &Version::default()),
            Flavour::AutomationCloud
        );
        assert_eq!(
            flavour(
                "uipath.contoso.example",
                &v("25.10.1", Some("ServiceFabric"))
            ),
            Flavour::AutomationSuite
        );
        assert_eq!(
            flavour("rpa.contoso.example", &v("26.3.0-s188.574", None)),
            Flavour::AutomationCloud
        );
        assert_eq!(
            flavour("rpa.contoso.example", &v("25.10.1", None)),
            Flavour::Unknown
        );
        let sandbox = Version {
            sandbox: Some(SandboxMarker::default()),
            ..Version::default()
        };
        assert_eq!(flavour("127.0.0.1", &sandbox), Flavour::Sandbox);
    }
}
