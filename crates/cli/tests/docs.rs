//! What the CLI says about itself, as a user meets it: `--version` naming the
//! build's commit, each command's `--help` ending with examples, completion
//! scripts that a shell really completes with, and the manual pages that
//! `man` renders.

use std::process::Command as Process;

use assert_cmd::Command;

fn connassist() -> Command {
    Command::cargo_bin("connassist").expect("the connassist binary is built by cargo test")
}

fn stdout_of(args: &[&str]) -> String {
    let out = connassist()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("UTF-8")
}

/// `git log -1` in this checkout, as build.rs reads it; `None` outside git.
fn head_commit() -> Option<String> {
    let out = Process::new("git")
        .args(["log", "-1", "--abbrev=12", "--format=%h %cs"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|c| !c.is_empty())
}

#[test]
fn version_names_the_version_and_the_commit_it_was_built_from() {
    let version = stdout_of(&["--version"]);
    let expected = match (std::env::var("CONNASSIST_COMMIT"), head_commit()) {
        (Ok(commit), _) if !commit.is_empty() => {
            format!("connassist {} ({commit})\n", env!("CARGO_PKG_VERSION"))
        }
        (_, Some(commit)) => format!("connassist {} ({commit})\n", env!("CARGO_PKG_VERSION")),
        _ => format!("connassist {}\n", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(version, expected);
}

#[test]
fn each_command_help_ends_with_examples_of_that_command() {
    for command in [
        "connections",
        "audit",
        "health",
        "reconnect",
        "create",
        "completions",
    ] {
        let help = stdout_of(&[command, "--help"]);
        let (_, examples) = help
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("{command} --help has no examples:\n{help}"));
        let lines: Vec<&str> = examples.lines().collect();
        assert!((2..=3).contains(&lines.len()), "{command}: {examples}");
        for line in lines {
            assert!(line.starts_with("  "), "{command}: {line:?}");
            let words: Vec<&str> = line.split_whitespace().collect();
            assert!(
                words.contains(&"connassist") && words.contains(&command),
                "{command}: {line}"
            );
        }
    }
}

#[test]
fn bash_completes_commands_and_options_with_the_generated_script() {
    let script = stdout_of(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("connassist.bash");
    std::fs::write(&file, script).unwrap();
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        let out = Process::new("bash")
            .arg("-c")
            .arg(
                r#"source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                   _connassist connassist "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"; printf '%s\n' "${COMPREPLY[@]}""#,
            )
            .arg("_")
            .arg(&file)
            .args(&words)
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("man prints UTF-8")
    };
    assert_eq!(complete("connassist conn"), "connections\nconnectors\n");
    let options = complete("connassist health --form");
    assert_eq!(options, "--format\n", "{options}");
}

#[test]
fn completions_exist_for_zsh_fish_and_powershell() {
    assert!(stdout_of(&["completions", "zsh"]).starts_with("#compdef connassist"));
    assert!(stdout_of(&["completions", "fish"]).contains("complete -c connassist"));
    assert!(stdout_of(&["completions", "powershell"]).contains("Register-ArgumentCompleter"));
    connassist()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("possible values: bash"));
}

fn rendered(page: &std::path::Path) -> String {
    let out = Process::new("man")
        .arg("-l")
        .arg(page)
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .output()
        .expect("man (man-db) is installed by scripts/install-deps");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("man prints UTF-8")
}

#[test]
fn man_pages_render_with_every_command_and_its_examples() {
    let dir = tempfile::tempdir().unwrap();
    let listed = stdout_of(&["man", dir.path().to_str().unwrap()]);
    assert_eq!(listed.lines().count(), 15, "{listed}");

    let main = rendered(&dir.path().join("connassist.1"));
    assert!(
        main.contains("connassist - connassist: Connections Assistant"),
        "{main}"
    );
    for command in [
        "connassist-connections(1)",
        "connassist-health(1)",
        "connassist-completions(1)",
        "connassist-doctor(1)",
    ] {
        assert!(main.contains(command), "{command} missing:\n{main}");
    }
    // man justifies paragraphs, so compare words, not spacing.
    let words = main.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("Exit codes: 0 ok"), "{main}");
    assert!(
        !main.contains("connassist-man"),
        "the hidden command is documented"
    );

    let health = rendered(&dir.path().join("connassist-health.1"));
    assert!(health.contains("--every <DURATION>"), "{health}");
    let examples = health
        .split_once("EXAMPLES\n")
        .expect("an EXAMPLES section")
        .1;
    assert!(
        examples.starts_with("       connassist --sandbox health\n       connassist health --url"),
        "{examples}"
    );
}
