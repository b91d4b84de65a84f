//! The processes tests start beside themselves: daemons in their own process
//! group, ended group and all when dropped (so nothing outlives a test, not
//! even what a daemon started), a private D-Bus session bus, and the built
//! `connassist` and `connassist-app` binaries.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub use nix::sys::signal::Signal;
use nix::sys::signal::killpg;
use nix::unistd::Pid;

use crate::Result;

/// How long a daemon may take to be ready.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A child process in its own process group, killed with the group on drop.
#[derive(Debug)]
pub struct Service {
    pub name: &'static str,
    pub child: Child,
}

impl Service {
    /// Starts `cmd` as `name` in a process group of its own.
    pub fn spawn(name: &'static str, cmd: &mut Command) -> Result<Self> {
        let child = cmd.process_group(0).spawn().map_err(|e| {
            format!("cannot start {name} ({cmd:?}): {e}. Run scripts/test, which installs it.")
        })?;
        Ok(Self { name, child })
    }

    /// Reads the first line the service prints on stdout (a display number, a bus address).
    pub fn first_line(&mut self) -> Result<String> {
        let stdout = self
            .child
            .stdout
            .take()
            .ok_or_else(|| format!("{}: stdout is not piped", self.name))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(START_TIMEOUT)
            .map_err(|_| format!("{} printed nothing within {START_TIMEOUT:?}", self.name))?;
        let line = line.trim().to_owned();
        if line.is_empty() {
            return Err(format!("{} exited before it was ready", self.name).into());
        }
        Ok(line)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// Fresh private folders for a session: `data`, `config`, `cache`,
/// `runtime` (mode 0700, as the XDG spec asks), `bus` and `tmp`.
pub fn private_dirs(prefix: &str) -> Result<tempfile::TempDir> {
    let dirs = tempfile::Builder::new().prefix(prefix).tempdir()?;
    for sub in ["data", "config", "cache", "runtime", "bus", "tmp"] {
        std::fs::create_dir_all(dirs.path().join(sub))?;
    }
    std::fs::set_permissions(
        dirs.path().join("runtime"),
        std::fs::Permissions::from_mode(0o700),
    )?;
    Ok(dirs)
}

/// A private session bus whose socket lives in `dir/bus`, and its address.
pub fn spawn_bus(dir: &Path) -> Result<(Service, String)> {
    let mut bus = Service::spawn(
        "dbus-daemon",
        Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
            .arg(format!("--address=unix:dir={}", dir.join("bus").display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )?;
    let address = bus.first_line()?;
    Ok((bus, address))
}

/// Returns once `name` is owned on the bus at `bus_address` (`who` should
/// take it), or fails after [`START_TIMEOUT`].
pub fn wait_for_bus_name(bus_address: &str, name: &str, who: &str) -> Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        let owned = Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{name}"),
            ])
            .output()?;
        if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{who} did not take {name} on the bus in time").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends `signal` to `child`, as a person (`SIGINT`) or a service manager
/// (`SIGTERM`) does.
pub fn send_signal(child: &Child, signal: Signal) {
    let pid = i32::try_from(child.id()).expect("a pid fits in i32");
    nix::sys::signal::kill(Pid::from_raw(pid), signal).expect("the process is there to signal");
}

/// The folder of this build's binaries (`target/debug`): integration tests
/// run from `<target>/debug/deps/<test>-<hash>`.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The debug build of the desktop app in this workspace's target directory.
pub fn app_binary() -> PathBuf {
    profile_dir().join("connassist-app")
}

/// The debug build of the `connassist` CLI in this workspace's target
/// directory (cargo builds it for the CLI's own tests; others build it first).
pub fn cli_binary() -> PathBuf {
    profile_dir().join("connassist")
}

/// `connassist args` running, stdin empty, stdout and stderr piped.
pub fn connassist(args: &[&str]) -> Child {
    Command::new(cli_binary())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("connassist runs")
}

/// The first line `child` prints on stdout (a URL, a consent address),
/// trimmed, and the rest of its stdout to read later.
pub fn first_line(child: &mut Child) -> (String, BufReader<ChildStdout>) {
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("stdout is readable");
    (line.trim().to_owned(), stdout)
}

/// Waits for `child` to end: its exit code (`None` when a signal ended it),
/// the rest of `stdout` and all of its stderr (empty when not piped).
pub fn finish(child: &mut Child, mut stdout: impl Read) -> (Option<i32>, String, String) {
    let mut rest = String::new();
    stdout
        .read_to_string(&mut rest)
        .expect("stdout is readable");
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("stderr is readable");
    }
    let status = child.wait().expect("the process is ours to wait for");
    (status.code(), rest, stderr)
}
