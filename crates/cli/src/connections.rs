//! `connassist connections`: every connection the account can see, across
//! folders. Partial results are still printed when some folders fail; the
//! failures go to stderr and the exit code is 4.
//!
//! JSON schema (stable; fields are only ever added):
//! `{"connections": [ConnectionRow], "errors": [{"folder": Folder, "error": {"code", "message"}}]}`
//! where ConnectionRow is `{id, name, connectorKey, connectorName, identity,
//! owner, ownerReported, mine, folder: {key, path, personal, id}, state,
//! isDefault, authType, lastUsed, updated, scopes, sharedMailbox,
//! secretExpiresAt, authKind, authLabel, ownerLabel, canReconnect}` and
//! `state` is one of Enabled, Disabled, Expired, Failed, Unknown; `authKind`
//! is `authType` typed (delegated, bringYourOwnApp, clientCredentials,
//! clientCertificate, or null) and `authLabel` its display name, the words
//! the app shows. `owner` is empty with `ownerReported: false` where the tenant
//! does not report owners (to external applications, it does not); `mine`
//! says the connection acts as the signed-in person, is in their personal
//! workspace, or is owned by them.
//! CSV has one row per connection with the columns of [`CSV_COLUMNS`].

use std::process::ExitCode;

use comfy_table::{ContentArrangement, Table, presets::UTF8_BORDERS_ONLY};
use connassist_core::connections::{ConnectionRow, ConnectionState, ListOptions, Listing, list};

use crate::exit;
use crate::output::{self, ListFormat};
use crate::tenant::{TenantArgs, fail};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this folder (full path) and its subfolders.
    #[arg(long)]
    folder: Option<String>,
    /// Only this connector, e.g. uipath-microsoft-outlook365.
    #[arg(long)]
    connector: Option<String>,
    /// Only connections in this state.
    #[arg(long, value_parser = parse_state)]
    state: Option<ConnectionState>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
    /// Folders listed at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
}

fn parse_state(text: &str) -> Result<ConnectionState, String> {
    match ConnectionState::parse(text) {
        ConnectionState::Unknown => Err(format!(
            "unknown state {text:?}; the states are Enabled, Disabled, Expired, Failed"
        )),
        state => Ok(state),
    }
}

pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "name",
    "connector_key",
    "connector_name",
    "identity",
    "owner",
    "folder_path",
    "personal_workspace",
    "state",
    "is_default",
    "auth_type",
    "last_used",
    "updated",
    "scopes",
    "shared_mailbox",
    "secret_expires_at",
    "owner_reported",
    "mine",
];

pub fn run(args: Args, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async {
        let tenant = match tenant.connect().await {
            Ok(t) => t,
            Err(e) => return exit::code(fail(&e)),
        };
        let options = ListOptions {
            folder: args.folder,
            connector: args.connector,
            state: args.state,
            concurrency: usize::from(args.concurrency),
            mine: tenant.mine().await,
        };
        let listing = match list(&tenant.client, &options, |_| {}).await {
            Ok(l) => l,
            Err(e) => return exit::code(fail(&e.into())),
        };
        print(&listing, args.format);
        for e in &listing.errors {
            eprintln!("error: folder {}: {}", e.folder.path, e.error.message);
        }
        exit::code(if listing.errors.is_empty() {
            exit::OK
        } else {
            exit::TENANT
        })
    })
}

fn print(listing: &Listing, format: ListFormat) {
    match format {
        ListFormat::Json => output::json(listing),
        ListFormat::Csv => output::text(&csv(&listing.connections)),
        ListFormat::Table => output::text(&table(&listing.connections)),
    }
}

fn folder_label(r: &ConnectionRow) -> String {
    if r.folder.personal {
        format!("{} (personal)", r.folder.path)
    } else {
        r.folder.path.clone()
    }
}

fn table(rows: &[ConnectionRow]) -> String {
    if rows.is_empty() {
        return "No connections.\n".to_owned();
    }
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header([
        "State",
        "Name",
        "Connector",
        "Identity",
        "Owner",
        "Folder",
        "Default",
    ]);
    for r in rows {
        t.add_row([
            r.state.name().to_owned(),
            r.name.clone(),
            connector_label(r),
            r.identity.clone(),
            r.owner_label().to_owned(),
            folder_label(r),
            if r.is_default {
                "yes".into()
            } else {
                String::new()
            },
        ]);
    }
    format!(
        "{t}\n{} connection{}\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}

/// The connector with how it authenticates, in the app's words ("Microsoft
/// Outlook 365 (delegated)"); the tenant's own name for a type core does not know.
fn connector_label(r: &ConnectionRow) -> String {
    match (r.auth_kind, r.auth_type.as_deref()) {
        (Some(kind), _) => format!("{} ({})", r.connector_name, kind.short_label()),
        (None, Some(other)) if !other.is_empty() => format!("{} ({other})", r.connector_name),
        _ => r.connector_name.clone(),
    }
}

fn csv(rows: &[ConnectionRow]) -> String {
    let mut w = csv::Writer::from_writer(vec![]);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    // Writing to a Vec cannot fail; a failure would be a bug in csv, so say so.
    let mut write = |record: Vec<String>| {
        if let Err(e) = w.write_record(&record) {
            eprintln!("connassist: cannot write CSV: {e}");
        }
    };
    write(CSV_COLUMNS.iter().map(|c| (*c).to_owned()).collect());
    for r in rows {
        write(vec![
            r.id.clone(),
            r.name.clone(),
            r.connector_key.clone(),
            r.connector_name.clone(),
            r.identity.clone(),
            r.owner.clone(),
            r.folder.path.clone(),
            r.folder.personal.to_string(),
            r.state.name().to_owned(),
            r.is_default.to_string(),
            opt(&r.auth_type),
            opt(&r.last_used),
            opt(&r.updated),
            r.scopes.as_deref().map(|s| s.join(" ")).unwrap_or_default(),
            opt(&r.shared_mailbox),
            opt(&r.secret_expires_at),
            r.owner_reported.to_string(),
            r.mine.to_string(),
        ]);
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
