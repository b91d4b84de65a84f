//! Judging a package before it is deployed: the bindings a `.nupkg` or a
//! Studio project declares, how it will run (`--run attended|unattended`),
//! and optionally the tenant's connections saved by `connassist connections
//! --format json`. Without that file, rules that need to see a connection
//! (its state, owner, folder or scopes) stay silent rather than guess.

use std::collections::HashMap;

use serde::Deserialize;

use super::model::{
    AuditInput, Binding, BindingMode, Configurability, Process, RunModes, SourceLocation,
};
use crate::connections::{ConnectionRow, Listing};
use crate::error::{ApiError, ErrorCode};
use crate::package::{ConnectionBinding, PackageBindings};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    Attended,
    Unattended,
}

/// A connections file: `connassist connections --format json` output, or a
/// bare array of its rows.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ConnectionsFile {
    Listing(Listing),
    Rows(Vec<ConnectionRow>),
}

/// The largest connections file read: 100,000 connections saved by
/// `connassist connections --format json` take about 60 MiB.
pub const MAX_CONNECTIONS_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads and parses a connections file. Only a regular file is opened (a
/// FIFO would block, a device may never end) and at most
/// [`MAX_CONNECTIONS_FILE_BYTES`] are read, whatever its size claims.
pub fn read_connections_file(path: &std::path::Path) -> Result<Vec<ConnectionRow>, ApiError> {
    use std::io::Read;
    let name = path.display().to_string();
    let unreadable = |e: std::io::Error| {
        ApiError::new(ErrorCode::InvalidInput, format!("Cannot read {name}: {e}."))
    };
    let too_large = || {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "{name} is larger than {} MiB, more than any saved list of connections; give the file `connassist connections --format json` saved.",
                MAX_CONNECTIONS_FILE_BYTES / (1024 * 1024)
            ),
        )
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "{name} is not a regular file (it is a pipe, a device or a socket), so it was not read. Save the connections with `connassist connections --format json > connections.json` and give that file."
            ),
        ));
    }
    if meta.len() > MAX_CONNECTIONS_FILE_BYTES {
        return Err(too_large());
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .map_err(unreadable)?
        .take(MAX_CONNECTIONS_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(unreadable)?;
    if text.len() as u64 > MAX_CONNECTIONS_FILE_BYTES {
        return Err(too_large());
    }
    parse_connections(&name, &text)
}

/// Reads a connections file's text; `name` is used in the error message.
pub fn parse_connections(name: &str, text: &str) -> Result<Vec<ConnectionRow>, ApiError> {
    match serde_json::from_str::<ConnectionsFile>(text) {
        Ok(ConnectionsFile::Listing(l)) => Ok(l.connections),
        Ok(ConnectionsFile::Rows(r)) => Ok(r),
        Err(e) => Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "{name} is not a connections file ({e}). Save one with `connassist connections --format json > {name}`."
            ),
        )),
    }
}

fn binding(c: &ConnectionBinding, file: &str) -> Binding {
    let mode = if c.configurable_by_users {
        BindingMode::ByUser
    } else if c.is_expression {
        BindingMode::Expression
    } else {
        BindingMode::Fixed {
            connection_id: c.default_connection_id.clone(),
            name: c.display_name.clone(),
            folder_path: None,
            folder_personal: None,
        }
    };
    let shared_mailbox = c
        .properties
        .iter()
        .find(|(name, _)| {
            let n = name.to_ascii_lowercase();
            n == "sharedmailbox" || n == "mailbox" || n == "sharedmailboxaddress"
        })
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty());
    Binding {
        key: c.key.clone(),
        connector: c.connector.clone(),
        mode,
        activities: c.activities.clone(),
        shared_mailbox,
        location: Some(SourceLocation {
            file: file.to_owned(),
            line: c.line,
            column: c.column,
        }),
        configurability: Configurability::Reported,
    }
}

/// The audit input for one package. `bindings_path` is the path to report
/// for `bindings_v2.json` (a file on disk, or the entry inside the package).
pub fn input_from_package(
    package: &PackageBindings,
    bindings_path: &str,
    run: RunMode,
    connections: Option<Vec<ConnectionRow>>,
) -> AuditInput {
    let runs = match run {
        RunMode::Attended => RunModes {
            attended_only: true,
            ..RunModes::default()
        },
        RunMode::Unattended => RunModes {
            declared_unattended: true,
            ..RunModes::default()
        },
    };
    let name = std::path::Path::new(&package.source)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| package.source.clone());
    let process = Process {
        key: package.source.clone(),
        id: None,
        name,
        folder_key: None,
        folder_path: "(package)".to_owned(),
        folder_personal: false,
        runs,
        bindings: package
            .connections
            .iter()
            .map(|c| binding(c, bindings_path))
            .collect(),
    };
    let connections_known = connections.is_some();
    let connections: HashMap<String, ConnectionRow> = connections
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let mut visible: Vec<String> = connections
        .values()
        .map(|c| c.folder.path.clone())
        .collect();
    visible.sort();
    visible.dedup();
    AuditInput {
        processes: vec![process],
        connections,
        visible_folders: visible,
        connections_known,
    }
}
