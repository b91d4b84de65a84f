//! What a rule reports. Part of the CLI's JSON schema and of the IPC contract:
//! add fields, never rename or remove them. Rule ids are stable strings that
//! scripts and SARIF viewers key on.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::SourceLocation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }

    /// Whether a finding of this severity reaches a `--fail-on` threshold.
    pub fn reaches(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ProcessRef {
    pub key: String,
    pub name: String,
    pub folder_path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionRef {
    pub id: Option<String>,
    pub name: Option<String>,
    pub folder_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable rule id, e.g. `configurable-by-users-unattended`.
    #[ts(as = "String")]
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    /// Shared by every finding of the process (a large tenant has many).
    #[ts(as = "ProcessRef")]
    pub process: Arc<ProcessRef>,
    /// The binding's resource key, when the finding is about one binding.
    pub binding: Option<String>,
    pub connector: Option<String>,
    pub connection: Option<ConnectionRef>,
    /// One line naming what is wrong with what.
    pub title: String,
    /// Why it matters: one paragraph. (`Cow`: many rules' texts are fixed,
    /// and a large tenant has tens of thousands of findings.)
    #[ts(as = "String")]
    pub explanation: Cow<'static, str>,
    /// What to do, as the platform's own guidance gives it.
    #[ts(as = "String")]
    pub fix: Cow<'static, str>,
    pub location: Option<SourceLocation>,
}
