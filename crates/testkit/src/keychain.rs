//! The real OS keychain, isolated: a private D-Bus session bus with GNOME
//! Keyring answering as the Secret Service, in fresh XDG folders, so that a
//! test keeps sessions where the app and the CLI really keep them and
//! nothing of the user's is seen or touched. The CLI's tests and the e2e
//! harness (which adds a display and WebDriver) start it the same way.
//! Everything started here is stopped when the [`Keychain`] is dropped.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::Result;
use crate::process::{Service, private_dirs, spawn_bus, wait_for_bus_name};

/// GNOME Keyring as the Secret Service on `bus_address`, its keyring created
/// and unlocked under `dir/data`; returns once the service answers on the bus.
pub fn spawn_keyring(bus_address: &str, dir: &Path) -> Result<Service> {
    let mut keyring = Service::spawn(
        "gnome-keyring-daemon",
        Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("XDG_RUNTIME_DIR", dir.join("runtime"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )?;
    // The keyring's password, then end of input: it creates and unlocks the login keyring.
    if let Some(mut stdin) = keyring.child.stdin.take() {
        stdin.write_all(b"test-keyring-password")?;
    }
    wait_for_bus_name(
        bus_address,
        "org.freedesktop.secrets",
        "gnome-keyring-daemon",
    )?;
    Ok(keyring)
}

/// A private D-Bus session and an unlocked GNOME Keyring on it.
#[derive(Debug)]
pub struct Keychain {
    // Dropped in this order: the keyring, then its bus, then the folders.
    _keyring: Service,
    _bus: Service,
    pub dirs: tempfile::TempDir,
    bus_address: String,
}

impl Keychain {
    pub fn start() -> Result<Self> {
        let dirs = private_dirs("connassist-keychain-")?;
        let (bus, bus_address) = spawn_bus(dirs.path())?;
        let keyring = spawn_keyring(&bus_address, dirs.path())?;
        Ok(Self {
            _keyring: keyring,
            _bus: bus,
            dirs,
            bus_address,
        })
    }

    /// `program` seeing this keychain and these folders, nothing of the
    /// user's: no tenant, client or secret from the environment, no stdin.
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
