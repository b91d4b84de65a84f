//! The binding audit: which processes an unattended run would reject, or that
//! would fail at their first connector activity, found before they run.
//!
//! Facts are gathered once ([`fetch`] from a tenant, [`offline`] from a
//! package), then judged by pure [`rules`]; the results render as a table,
//! JSON or SARIF ([`sarif`]) in the CLI and as the Audit view in the app.

pub mod fetch;
pub mod finding;
pub mod model;
pub mod offline;
pub mod report;
pub mod rules;
pub mod sarif;
pub mod scopes;

pub use finding::{ConnectionRef, Finding, ProcessRef, Severity};
pub use model::AuditInput;
pub use report::{AuditReport, AuditSummary};
pub use rules::{RULES, Rule, evaluate};
