//! What the CLI says about itself: each command's examples (the end of its
//! `--help`, and of the man page), shell completions and the manual page. All
//! three are generated from the one clap definition, so they cannot drift from
//! what the parser accepts; a test parses every example line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::CommandFactory;

use crate::exit;

pub const CHECK_URL: &str = "\
Examples:
  connassist check-url cloud.uipath.com/acme/DefaultTenant/orchestrator_/
  connassist check-url http://example.com --format json";

pub const LOGIN: &str = "\
Examples:
  connassist login --url https://cloud.uipath.com/acme/DefaultTenant --client-id $APP_ID
  connassist login --client-id $APP_ID --browser none   # the tenant from CONNASSIST_URL";

pub const LOGOUT: &str = "\
Examples:
  connassist logout --url https://cloud.uipath.com/acme/DefaultTenant
  CONNASSIST_URL=https://cloud.uipath.com/acme/DefaultTenant connassist logout";

pub const CONNECTIONS: &str = "\
Examples:
  connassist connections --sandbox
  connassist connections --url https://cloud.uipath.com/acme/DefaultTenant --state expired
  connassist connections --url https://cloud.uipath.com/acme/DefaultTenant --format json > all.json";

pub const AUDIT: &str = "\
Examples:
  connassist --sandbox audit
  connassist audit --url https://cloud.uipath.com/acme/DefaultTenant --format sarif > audit.sarif
  connassist audit --folder Finance --fail-on warning   # the tenant from CONNASSIST_URL";

pub const AUDIT_PACKAGE: &str = "\
Examples:
  connassist audit-package MyProcess.1.0.4.nupkg --run unattended
  connassist audit-package ./MyProcess --connections connections.json --fail-on warning";

pub const RECONNECT: &str = "\
Examples:
  connassist --url https://cloud.uipath.com/acme/DefaultTenant reconnect $CONNECTION_ID
  connassist reconnect $CONNECTION_ID --browser none --format json";

pub const HEALTH: &str = "\
Examples:
  connassist --sandbox health
  connassist health --url https://cloud.uipath.com/acme/DefaultTenant --format csv > health.csv
  connassist health --every 15m --fail-on expiring   # the tenant from CONNASSIST_URL";

pub const CREATE: &str = "\
Examples:
  connassist --sandbox create --connector uipath-microsoft-onedrive --folder Shared
  connassist create --connector uipath-microsoft-outlook365 --folder HR --auth client-credentials";

pub const CONNECTORS: &str = "\
Examples:
  connassist connectors --sandbox
  connassist connectors --url https://cloud.uipath.com/acme/DefaultTenant --format json";

pub const BENCH: &str = "\
Examples:
  connassist bench
  connassist bench --folders 40 --connections 400 --processes 160 --latency-ms 20";

pub const DOCTOR: &str = "\
Examples:
  connassist --sandbox doctor
  connassist doctor --url https://cloud.uipath.com/acme/DefaultTenant --format json";

pub const SANDBOX: &str = "\
Examples:
  connassist sandbox
  connassist sandbox --profile extended
  connassist sandbox --scenario large --faults rate=0.1,kinds=429+503,seed=7";

pub const COMPLETIONS: &str = "\
Examples:
  connassist completions bash > ~/.local/share/bash-completion/completions/connassist
  connassist completions zsh > ~/.zfunc/_connassist
  connassist completions powershell >> $PROFILE";

/// Writes the completion script for `shell` to stdout.
pub fn completions<C: CommandFactory>(shell: clap_complete::Shell) -> ExitCode {
    let mut command = C::command();
    let name = command.get_name().to_owned();
    clap_complete::generate(shell, &mut command, name, &mut std::io::stdout());
    exit::code(exit::OK)
}

/// Writes the manual pages into `dir`: connassist(1), and one page per
/// command (connassist-health(1), …) that the first one lists.
pub fn man_pages<C: CommandFactory>(dir: &Path) -> ExitCode {
    match write_man_pages(C::command(), dir) {
        Ok(pages) => {
            for page in pages {
                crate::output::line(&page.display().to_string());
            }
            exit::code(exit::OK)
        }
        Err(e) => {
            eprintln!(
                "connassist: cannot write the manual pages to {}: {e}",
                dir.display()
            );
            exit::code(exit::USAGE)
        }
    }
}

fn write_man_pages(command: clap::Command, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    std::fs::create_dir_all(dir)?;
    let mut pages = vec![command.clone()];
    pages.extend(
        command
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .cloned(),
    );
    let mut written = Vec::new();
    for page in pages {
        let man = clap_mangen::Man::new(page.clone());
        let mut roff = Vec::new();
        man.render_title(&mut roff)?;
        man.render_name_section(&mut roff)?;
        man.render_synopsis_section(&mut roff)?;
        man.render_description_section(&mut roff)?;
        man.render_options_section(&mut roff)?;
        if page.has_subcommands() {
            man.render_subcommands_section(&mut roff)?;
        }
        if let Some(after) = page.get_after_help() {
            after_help_section(&mut roff, &after.to_string())?;
        }
        if page.get_version().is_some() {
            man.render_version_section(&mut roff)?;
        }
        let path = dir.join(man.get_filename());
        std::fs::write(&path, roff)?;
        written.push(path);
    }
    Ok(written)
}

/// A command's `after_help` as a section of its own, line by line (clap_mangen
/// would fill the lines into one paragraph): EXAMPLES, one command line each
/// and never wrapped, or NOTES for the rest.
fn after_help_section(roff: &mut Vec<u8>, text: &str) -> std::io::Result<()> {
    let (heading, body, between) = match text.strip_prefix("Examples:\n") {
        Some(examples) => ("EXAMPLES", examples, ""),
        None => ("NOTES", text, ".br\n"),
    };
    writeln!(roff, ".SH {heading}")?;
    if between.is_empty() {
        writeln!(roff, ".nf")?;
    }
    for line in body.lines() {
        // Roff: a backslash and a hyphen are escaped; a leading dot is not a request.
        let line = line.trim_start().replace('\\', "\\e").replace('-', "\\-");
        write!(roff, "\\&{line}\n{between}")?;
    }
    if between.is_empty() {
        writeln!(roff, ".fi")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use crate::Cli;

    /// The command lines of an `Examples:` block: each line's words after the
    /// environment assignments, up to a shell redirection.
    fn example_lines(after_help: &str) -> Vec<Vec<String>> {
        after_help
            .lines()
            .filter_map(|line| {
                let words: Vec<&str> = line.split_whitespace().collect();
                let start = words.iter().position(|w| *w == "connassist")?;
                let end = words
                    .iter()
                    .position(|w| w.starts_with('>') || w.starts_with('#'))
                    .unwrap_or(words.len());
                Some(words[start..end].iter().map(|w| (*w).to_owned()).collect())
            })
            .collect()
    }

    #[test]
    fn every_visible_command_ends_its_help_with_examples_that_parse() {
        let command = Cli::command();
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            let name = sub.get_name();
            let after = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(after.starts_with("Examples:\n"), "{name} has no examples");
            let examples = example_lines(&after);
            assert!(
                (2..=3).contains(&examples.len()),
                "{name}: {} examples",
                examples.len()
            );
            for line in after.lines() {
                assert!(line.len() <= 100, "{name}: an example wraps: {line}");
            }
            for words in examples {
                assert!(
                    words.iter().any(|w| w == name),
                    "{name}: an example runs another command: {words:?}"
                );
                if let Err(e) = Cli::try_parse_from(&words) {
                    panic!("{name}: the example {words:?} does not parse: {e}");
                }
            }
        }
    }

    #[test]
    fn example_lines_skip_environment_redirections_and_comments() {
        assert_eq!(
            example_lines("Examples:\n  A=1 connassist health --format csv > out.csv"),
            vec![vec!["connassist", "health", "--format", "csv"]]
        );
        assert_eq!(
            example_lines("Examples:\n  connassist audit   # the tenant from CONNASSIST_URL"),
            vec![vec!["connassist", "audit"]]
        );
    }
}
