//! Connections Assistant's core: everything the desktop app and the `connassist`
//! CLI have in common, with no dependency on Tauri or a display, so that it builds
//! and tests on a headless CI machine and can be driven by either front end.
//!
//! `src-tauri` and `crates/cli` only adapt these modules to IPC and to a terminal.
//!
//! The modules form layers, none importing one that imports it back
//! (ARCHITECTURE.md › Layers; `crates/layers` proves it in `cargo test`).

pub mod account;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod auth_kind;
pub mod capabilities;
pub mod connections;
pub mod consent;
pub mod create;
pub mod error;
pub mod failure;
pub mod health;
pub mod json_file;
pub mod keychain;
pub mod logging;
pub mod package;
pub mod rate_budget;
pub mod reconnect;
pub mod refresh_lock;
pub mod retry;
pub mod secret;
pub mod selections;
pub mod session_info;
pub mod settings;
pub mod tenant_client;
pub mod tenant_url;
pub mod updates;

// Whose row is whose lives beside the rows; its old path stays.
pub use connections::mine;
pub use error::{ApiError, ErrorCode};
pub use secret::Secret;
pub use tenant_url::{TenantUrl, TenantUrlError};
