//! `connassist doctor`: what this tenant offers Connections Assistant, as a
//! table of features, each on or off with why and what to do instead (the
//! capability probe of `connassist-core`). Run it first against a new tenant.
//!
//! Exit codes: 0 every feature you need is on; 1 one of them is off (the
//! table says which and what to do); 3 sign-in failed; 4 tenant or network.
//! `--format json` prints the `Capabilities` shape (`crates/core/src/
//! capabilities.rs`).

use std::process::ExitCode;

use comfy_table::{ContentArrangement, Table, presets::UTF8_BORDERS_ONLY};
use connassist_core::capabilities::{Capabilities, probe_tenant};

use crate::exit;
use crate::output::{self, Format};
use crate::tenant::{TenantArgs, fail};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args, tenant: &TenantArgs) -> ExitCode {
    crate::runtime::block_on(async {
        let tenant = match tenant.connect().await {
            Ok(t) => t,
            Err(e) => return exit::code(fail(&e)),
        };
        let found = match probe_tenant(&tenant.client).await {
            Ok(c) => c,
            Err(e) => return exit::code(fail(&e)),
        };
        match args.format {
            Format::Json => output::json(&found),
            Format::Text => output::text(&table(&found)),
        }
        exit::code(if found.usable() {
            exit::OK
        } else {
            exit::FINDINGS
        })
    })
}

fn table(c: &Capabilities) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // Not a terminal (a pipe, a file): wrap at a width people read.
    if t.width().is_none() {
        t.set_width(120);
    }
    t.set_header(["Feature", "", "Why", "What to do"]);
    for f in &c.features {
        t.add_row([
            f.name.clone(),
            if f.on { "on" } else { "off" }.to_owned(),
            f.why.clone(),
            f.fix.clone().unwrap_or_default(),
        ]);
    }
    let missing: Vec<&str> = c
        .features
        .iter()
        .filter(|f| f.needed && !f.on)
        .map(|f| f.name.as_str())
        .collect();
    let verdict = if missing.is_empty() {
        "Everything you need is on.".to_owned()
    } else {
        format!("Off, and needed: {}.", missing.join(", "))
    };
    format!(
        "{} ({}{}), signed in as {}; checked {}.\n{t}\n{verdict}\n",
        c.tenant,
        c.platform,
        c.version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default(),
        c.signed_in_as,
        c.probed_at
    )
}
