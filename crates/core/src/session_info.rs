//! Who is signed in where, as the app shows it: above sign-in and the
//! capability probe, which it sums up, so neither needs the other.

use serde::Serialize;
use ts_rs::TS;

use crate::capabilities::Capabilities;
use crate::tenant_url::TenantUrl;

/// Who is signed in where, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub tenant: TenantUrl,
    /// The signed-in account's name and email, e.g. "Alex Attended <alex@contoso.example>".
    pub user: String,
    /// Its email alone, to tell its own connections from others'.
    pub email: Option<String>,
    /// The built-in sandbox tenant rather than a real one.
    pub sandbox: bool,
    /// What the tenant offers (the capability probe at sign-in).
    pub capabilities: Capabilities,
}
