//! Who is signed in: a person (with their email and personal workspace) or
//! an application acting as itself. Read from Orchestrator's
//! `Users/…GetCurrentUserExtended?$expand=PersonalWorkspace`, which the
//! official `uipath` CLI and UiPathOrch call (not in the public swagger), and
//! `…GetCurrentUser` (in it) when that fails.

use serde::Deserialize;

use crate::tenant_client::{TenantClient, TenantError};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CurrentUser {
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    surname: String,
    #[serde(default)]
    email_address: Option<String>,
    #[serde(default, rename = "Type")]
    kind: Option<String>,
    #[serde(default)]
    personal_workspace: Option<Workspace>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Workspace {
    key: String,
}

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    /// "Alex Attended <alex@contoso.example>", or the application's name.
    pub display: String,
    pub email: Option<String>,
    /// Their personal workspace folder's key, when they have one.
    pub personal_workspace: Option<String>,
    /// An external application signed in as itself (client credentials).
    pub application: bool,
}

impl Me {
    /// Whose connections are this account's ([`crate::mine::Mine`]), with
    /// the ids they chose for attended processes.
    pub fn mine(&self, chosen: impl IntoIterator<Item = String>) -> crate::mine::Mine {
        if self.application {
            return crate::mine::Mine::nobody();
        }
        crate::mine::Mine::new(self.email.clone(), self.personal_workspace.clone(), chosen)
    }
}

const EXTENDED: &str =
    "orchestrator_/odata/Users/UiPath.Server.Configuration.OData.GetCurrentUserExtended";
const PLAIN: &str = "orchestrator_/odata/Users/UiPath.Server.Configuration.OData.GetCurrentUser";

pub async fn current_user(client: &TenantClient) -> Result<Me, TenantError> {
    let query = [("$expand", "PersonalWorkspace".to_owned())];
    let me: CurrentUser = match client.get_json(EXTENDED, &query, None).await {
        Ok(me) => me,
        Err(e @ TenantError::Unauthorized { .. }) => return Err(e),
        Err(e) => {
            tracing::debug!(error = %e, "GetCurrentUserExtended failed; asking GetCurrentUser");
            client.get_json(PLAIN, &[], None).await?
        }
    };
    let full = format!("{} {}", me.name, me.surname).trim().to_owned();
    let name = if full.is_empty() { me.user_name } else { full };
    let email = me.email_address.filter(|e| !e.is_empty());
    Ok(Me {
        display: match &email {
            Some(email) => format!("{name} <{email}>"),
            None => name,
        },
        email,
        personal_workspace: me.personal_workspace.map(|w| w.key),
        application: me
            .kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("DirectoryExternalApplication")),
    })
}
