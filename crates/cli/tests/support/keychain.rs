//! The real OS keychain for CLI tests, isolated: a private D-Bus session bus
//! with GNOME Keyring answering as the Secret Service, in fresh XDG folders
//! (the same set-up as the e2e harness in `tests/src/lib.rs`, without its
//! window and WebDriver parts, so the CLI's tests need no Tauri build).
//! Everything started here is stopped when the [`Keychain`] is dropped.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A daemon in its own process group, ended (group and all) on drop.
struct Daemon {
    child: Child,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // The group id is the child's pid (process_group(0)); `kill -TERM -PGID`.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(name: &str, cmd: &mut Command) -> Daemon {
    let child = cmd
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}; scripts/install-deps installs it"));
    Daemon { child }
}

/// A private D-Bus session and an unlocked GNOME Keyring on it.
pub struct Keychain {
    // Dropped in this order: the keyring, then its bus, then the folders.
    _keyring: Daemon,
    _bus: Daemon,
    pub dirs: tempfile::TempDir,
    bus_address: String,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keychain")
    }
}

impl Keychain {
    pub fn start() -> Self {
        let dirs = tempfile::Builder::new()
            .prefix("connassist-cli-keychain-")
            .tempdir()
            .unwrap();
        for sub in ["data", "config", "cache", "runtime", "bus"] {
            std::fs::create_dir_all(dirs.path().join(sub)).unwrap();
        }
        std::fs::set_permissions(
            dirs.path().join("runtime"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();

        let mut bus = spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
                .arg(format!(
                    "--address=unix:dir={}",
                    dirs.path().join("bus").display()
                ))
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let mut address = String::new();
        BufReader::new(bus.child.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let bus_address = address.trim().to_owned();
        assert!(!bus_address.is_empty(), "dbus-daemon printed no address");

        let mut keyring = spawn(
            "gnome-keyring-daemon",
            Command::new("gnome-keyring-daemon")
                .args(["--foreground", "--unlock", "--components=secrets"])
                .env("DBUS_SESSION_BUS_ADDRESS", &bus_address)
                .env("XDG_DATA_HOME", dirs.path().join("data"))
                .env("XDG_RUNTIME_DIR", dirs.path().join("runtime"))
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        // The password, then end of input: it creates and unlocks the login keyring.
        if let Some(mut stdin) = keyring.child.stdin.take() {
            stdin.write_all(b"test-keyring-password").unwrap();
        }
        wait_for_secret_service(&bus_address, dirs.path());
        Self {
            _keyring: keyring,
            _bus: bus,
            dirs,
            bus_address,
        }
    }

    /// `program` seeing this keychain and these folders, nothing of the user's.
    pub fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
            .env("XDG_DATA_HOME", self.dirs.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dirs.path().join("config"))
            .env("XDG_CACHE_HOME", self.dirs.path().join("cache"))
            .env("XDG_RUNTIME_DIR", self.dirs.path().join("runtime"))
            .env_remove("CONNASSIST_CLIENT_ID")
            .env_remove("CONNASSIST_CLIENT_SECRET")
            .env_remove("CONNASSIST_URL")
            .stdin(Stdio::null());
        cmd
    }
}

/// Returns once `org.freedesktop.secrets` is owned on the bus.
fn wait_for_secret_service(bus_address: &str, dir: &Path) {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        let owned = Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
            .env("XDG_RUNTIME_DIR", dir.join("runtime"))
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .expect("dbus-send runs");
        if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "gnome-keyring-daemon did not take org.freedesktop.secrets in time"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
