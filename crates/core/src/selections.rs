//! Attended connection selections: for a process whose binding is
//! "configurable by users", which of their own connections the signed-in user
//! runs it with (what the UiPath Assistant asks them). The platform publishes
//! no API for this choice, so:
//! - on the sandbox tenant, the choice goes to its (invented) endpoint
//!   `orchestrator_/api/AttendedSelections`, which checks it like a tenant
//!   would (the binding is configurable, the connection is the user's own and
//!   of the right connector);
//! - on a real tenant it is kept on this computer, in a JSON file without
//!   secrets, and the app says so: the Assistant does not see it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ApiError;
use crate::json_file;
use crate::tenant_client::TenantClient;

const ENDPOINT: &str = "orchestrator_/api/AttendedSelections";

/// The file in the app's config folder that keeps choices made on this computer.
pub const LOCAL_FILE: &str = "selections.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    pub release_key: String,
    pub binding_key: String,
    pub connection_id: String,
}

/// Where choices are kept, for the UI to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub enum SelectionStorage {
    /// In the tenant, where attended runs use them.
    Tenant,
    /// In a file on this computer: the tenant offers no place for them.
    ThisComputer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Selections {
    pub storage: SelectionStorage,
    pub selections: Vec<Selection>,
}

#[derive(Debug, Clone)]
pub enum SelectionStore {
    Tenant,
    /// The file, and the tenant URL its entries are kept under.
    Local {
        file: PathBuf,
        tenant: String,
    },
}

#[derive(Debug, Deserialize)]
struct Page {
    value: Vec<Selection>,
}

type LocalFile = BTreeMap<String, Vec<Selection>>;

fn read_local(file: &Path) -> Result<LocalFile, ApiError> {
    json_file::read(file, "only connection choices")
}

fn write_local(file: &Path, all: &LocalFile) -> Result<(), ApiError> {
    json_file::write(file, all, "the choice")
}

impl SelectionStore {
    pub fn storage(&self) -> SelectionStorage {
        match self {
            Self::Tenant => SelectionStorage::Tenant,
            Self::Local { .. } => SelectionStorage::ThisComputer,
        }
    }

    /// The signed-in user's choices.
    pub async fn list(&self, client: &TenantClient) -> Result<Selections, ApiError> {
        let selections = match self {
            Self::Tenant => {
                let page: Page = client.get_json(ENDPOINT, &[], None).await?;
                page.value
            }
            Self::Local { file, tenant } => read_local(file)?.remove(tenant).unwrap_or_default(),
        };
        Ok(Selections {
            storage: self.storage(),
            selections,
        })
    }

    /// Forgets every choice kept on this computer for the tenant (the
    /// sandbox's reset); a tenant that keeps them itself forgets them with
    /// its own state.
    pub fn forget_local(&self) -> Result<(), ApiError> {
        match self {
            Self::Tenant => Ok(()),
            Self::Local { file, tenant } => {
                let mut all = read_local(file)?;
                if all.remove(tenant).is_some() {
                    write_local(file, &all)?;
                }
                Ok(())
            }
        }
    }

    /// Picks `connection_id` for a binding, or forgets the choice (`None`).
    pub async fn choose(
        &self,
        client: &TenantClient,
        release_key: &str,
        binding_key: &str,
        connection_id: Option<&str>,
    ) -> Result<(), ApiError> {
        match self {
            Self::Tenant => {
                let body = serde_json::json!({
                    "releaseKey": release_key,
                    "bindingKey": binding_key,
                    "connectionId": connection_id,
                });
                let _: serde_json::Value = client.put_json(ENDPOINT, &body).await?;
                Ok(())
            }
            Self::Local { file, tenant } => {
                let mut all = read_local(file)?;
                let mine = all.entry(tenant.clone()).or_default();
                mine.retain(|s| !(s.release_key == release_key && s.binding_key == binding_key));
                if let Some(id) = connection_id {
                    mine.push(Selection {
                        release_key: release_key.to_owned(),
                        binding_key: binding_key.to_owned(),
                        connection_id: id.to_owned(),
                    });
                }
                write_local(file, &all)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgetting_a_tenants_local_choices_keeps_the_other_tenants() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(LOCAL_FILE);
        let choice = |id: &str| Selection {
            release_key: "r".into(),
            binding_key: "b".into(),
            connection_id: id.into(),
        };
        let all: LocalFile = BTreeMap::from([
            (
                "http://127.0.0.1:1/sandbox/DefaultTenant".to_owned(),
                vec![choice("c1")],
            ),
            (
                "https://cloud.uipath.com/acme/DefaultTenant".to_owned(),
                vec![choice("c2")],
            ),
        ]);
        write_local(&file, &all).unwrap();
        let store = |tenant: &str| SelectionStore::Local {
            file: file.clone(),
            tenant: tenant.to_owned(),
        };
        store("http://127.0.0.1:1/sandbox/DefaultTenant")
            .forget_local()
            .unwrap();
        let left = read_local(&file).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(
            left["https://cloud.uipath.com/acme/DefaultTenant"],
            vec![choice("c2")]
        );
        // Nothing kept for a tenant: nothing to do, no error.
        store("http://127.0.0.1:2/sandbox/DefaultTenant")
            .forget_local()
            .unwrap();
        SelectionStore::Tenant.forget_local().unwrap();
    }
}
