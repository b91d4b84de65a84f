//! Puts the commit the binary was built from into `connassist --version`, so a
//! bug report names the exact build. The commit comes from `CONNASSIST_COMMIT`
//! when a release pipeline builds from a source archive, else from git; outside
//! a git checkout (or without git) the version stands alone. Only HEAD and the
//! ref it points to trigger a rebuild, not every file in the repository.

use std::path::Path;
use std::process::Command;

/// `git ARGS` in this package's folder, trimmed; `None` on any failure.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Rebuild when HEAD moves: HEAD itself, the branch it names, packed refs,
/// and HEAD's reflog (written on every commit, also when the branch is packed).
fn watch_head() {
    let mut files = vec![
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["rev-parse", "--git-path", "logs/HEAD"]),
    ];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        files.push(git(&["rev-parse", "--git-path", &branch]));
    }
    files.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    // A path that does not exist would make cargo rerun this on every build.
    for file in files.into_iter().flatten() {
        if Path::new(&file).exists() {
            println!("cargo:rerun-if-changed={file}");
        }
    }
}

fn main() {
    println!("cargo:rerun-if-env-changed=CONNASSIST_COMMIT");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = match std::env::var("CONNASSIST_COMMIT") {
        Ok(commit) if !commit.trim().is_empty() => Some(commit.trim().to_owned()),
        _ => {
            watch_head();
            // "<12-digit hash> <commit date>", the shape of `rustc --version`.
            git(&["log", "-1", "--abbrev=12", "--format=%h %cs"])
        }
    };
    let full = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=CONNASSIST_VERSION={full}");
}
