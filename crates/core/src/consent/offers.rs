//! What a tenant offers that changes how a consent or a creation runs,
//! decided once from the capability probe (the app keeps one per session)
//! or asked of the tenant's version endpoint (the CLI, one request).

use std::time::Duration;

use super::FlowOptions;
use crate::capabilities::{self, Capabilities, FeatureId, extension};
use crate::tenant_client::TenantClient;

/// How often a consent's progress is asked of the tenant, whichever shell
/// drives it (a hand-off reads the folder at its own pace,
/// [`super::handoff::POLL_EVERY`]).
pub const POLL_EVERY: Duration = Duration::from_millis(500);

/// The tenant's answers that shape the flows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Offers {
    /// It reports consent sessions' progress and can cancel them (the
    /// sandbox's extended profile).
    pub session_status: bool,
    /// It creates connections through its API; else the user is handed to
    /// the tenant's own page.
    pub create_in_app: bool,
}

impl Offers {
    /// From a capability probe already made.
    pub fn from_capabilities(c: &Capabilities) -> Self {
        Self {
            session_status: c.has(FeatureId::ConsentSessionStatus),
            create_in_app: c.has(FeatureId::CreateInApp),
        }
    }

    /// Asked of the tenant now (its version endpoint alone).
    pub async fn ask(client: &TenantClient) -> Self {
        let served = capabilities::extensions(client).await;
        let serves = |name: &str| served.iter().any(|e| e == name);
        Self {
            session_status: serves(extension::CONSENT_SESSION_STATUS),
            create_in_app: serves(extension::CREATE_CONNECTION),
        }
    }

    /// The options of a consent on this tenant: `timeout` for the user,
    /// `title` for the window where there is one.
    pub fn flow_options(self, timeout: Duration, title: &str) -> FlowOptions {
        FlowOptions {
            timeout,
            poll_every: POLL_EVERY,
            session_status: self.session_status,
            title: title.to_owned(),
        }
    }
}
