//! Harness for end-to-end tests against the real desktop window.
//!
//! Each [`Desktop`] starts, and on drop stops, everything a test needs so that no
//! manual set-up is involved and nothing outlives the test: a virtual display
//! (Xvfb), a private D-Bus session bus, private XDG folders (the app's data,
//! config, logs and window state go there, not under the user's home), and
//! `tauri-driver` with Debian's `WebKitWebDriver`. [`Desktop::open_app`] then
//! launches the built app through WebDriver and returns a client for its window.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub mod shell;

// The processes, the keychain and the built binaries are the test kit's,
// shared with the CLI's tests; re-exported under the names tests use here.
pub use connassist_testkit::keychain::Keychain;
use connassist_testkit::keychain::spawn_keyring;
use connassist_testkit::process::{START_TIMEOUT, Service, private_dirs, spawn_bus};
pub use connassist_testkit::process::{Signal, app_binary, cli_binary};
pub use connassist_testkit::{Error, Result};
use fantoccini::{Client, ClientBuilder};
use nix::unistd::Pid;
/// `identifier` in src-tauri/tauri.conf.json: names the app's folders.
pub const APP_IDENTIFIER: &str = "io.connassist.desktop";

/// A private desktop session with tauri-driver listening on loopback.
#[derive(Debug)]
pub struct Desktop {
    // Dropped in declaration order: driver (and the app), services a test
    // added (a notification daemon), keyring, bus, display, folders.
    driver: Service,
    extras: std::sync::Mutex<Vec<Service>>,
    _keyring: Service,
    _bus: Service,
    _display: Service,
    pub dirs: tempfile::TempDir,
    pub display: String,
    bus_address: String,
    webdriver_url: String,
}

/// The environment of this private session: display, bus, XDG folders.
fn session_env<'c>(cmd: &'c mut Command, display: &str, bus: &str, dirs: &Path) -> &'c mut Command {
    cmd.env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env("GDK_BACKEND", "x11")
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        // No accessibility bus: it would outlive the test.
        .env("NO_AT_BRIDGE", "1")
        .env("XDG_DATA_HOME", dirs.join("data"))
        .env("XDG_CONFIG_HOME", dirs.join("config"))
        .env("XDG_CACHE_HOME", dirs.join("cache"))
        .env("XDG_RUNTIME_DIR", dirs.join("runtime"))
        // The in-app sandbox keeps its state in a temporary folder: here, so a
        // test can read it (and nothing is left in the machine's /tmp).
        .env("TMPDIR", dirs.join("tmp"))
}

impl Desktop {
    pub fn start() -> Result<Self> {
        Self::start_with_env(&[])
    }

    /// [`Desktop::start`], with `env` added to the environment of every app
    /// launched through WebDriver (say, where it looks for updates).
    pub fn start_with_env(env: &[(&str, &str)]) -> Result<Self> {
        // Already installed by an earlier test in this process: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dirs = private_dirs("connassist-e2e-")?;

        let mut display = Service::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args([
                    "-displayfd",
                    "1",
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )?;
        let display_name = format!(":{}", display.first_line()?);

        let (bus, bus_address) = spawn_bus(dirs.path())?;
        // The app keeps real tenants' sessions in the keychain: give it one.
        let keyring = spawn_keyring(&bus_address, dirs.path())?;

        let port = free_port()?;
        let native_port = free_port()?;
        let driver = Service::spawn(
            "tauri-driver",
            session_env(
                Command::new(tauri_driver()).args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ]),
                &display_name,
                &bus_address,
                dirs.path(),
            )
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit()),
        )?;
        wait_for_port(port)?;

        Ok(Self {
            driver,
            extras: std::sync::Mutex::default(),
            _keyring: keyring,
            bus_address,
            _bus: bus,
            _display: display,
            dirs,
            display: display_name,
            webdriver_url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// Keeps `service` running until the desktop stops.
    fn keep(&self, service: Service) {
        self.extras
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(service);
    }

    /// A command that runs `program` in this session, outside WebDriver (a
    /// second launch of the app, say).
    pub fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        session_env(&mut cmd, &self.display, &self.bus_address, self.dirs.path());
        cmd
    }

    /// Every folder the app may write to: data (logs), config, cache, runtime
    /// and temporary files (the in-app sandbox's state).
    pub fn app_dirs(&self) -> Vec<PathBuf> {
        ["data", "config", "cache", "runtime", "tmp"]
            .iter()
            .map(|d| self.dirs.path().join(d))
            .collect()
    }

    /// The app's private configuration folder (window state, settings).
    pub fn app_config_dir(&self) -> PathBuf {
        self.dirs.path().join("config").join(APP_IDENTIFIER)
    }

    /// Process ids of the app processes started through this desktop's driver
    /// (they share its process group).
    pub fn app_pids(&self) -> Vec<i32> {
        let Ok(group) = i32::try_from(self.driver.child.id()) else {
            return vec![];
        };
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return vec![];
        };
        entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| {
                // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces.
                let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                    return false;
                };
                let Some((head, tail)) = stat.rsplit_once(')') else {
                    return false;
                };
                let comm = head.split_once('(').map(|(_, c)| c).unwrap_or_default();
                let pgrp = tail
                    .split_whitespace()
                    .nth(2)
                    .and_then(|g| g.parse::<i32>().ok());
                comm == "connassist-app" && pgrp == Some(group)
            })
            .collect()
    }

    /// Sends `signal` to the running app and waits until it has exited.
    pub fn signal_app(&self, signal: Signal) -> Result<()> {
        let pids = self.app_pids();
        if pids.is_empty() {
            return Err("the app is not running".into());
        }
        for pid in &pids {
            nix::sys::signal::kill(Pid::from_raw(*pid), signal)?;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.app_pids().is_empty() {
            if Instant::now() > deadline {
                return Err(format!("the app did not exit within 10 s of {signal}").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// Launches the app binary through WebDriver; its main window is the current one.
    pub async fn open_app(&self, app: &Path) -> Result<Client> {
        if !app.exists() {
            return Err(format!(
                "the app is not built at {}: run `cargo build -p connassist-app` (scripts/test does)",
                app.display()
            )
            .into());
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app }),
        );
        let client = ClientBuilder::rustls()?
            .capabilities(caps)
            .connect(&self.webdriver_url)
            .await
            .map_err(|e| {
                format!(
                    "tauri-driver ({}) did not start the app: {e}",
                    self.driver.name
                )
            })?;
        Ok(client)
    }
}

/// `$TAURI_DRIVER`, else the copy scripts/test installs, else `tauri-driver` on PATH.
pub fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    if let Some(home) = std::env::var_os("HOME") {
        let cached = PathBuf::from(home).join(".cache/connassist/tools/bin/tauri-driver");
        if cached.exists() {
            return cached;
        }
    }
    PathBuf::from("tauri-driver")
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16) -> Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("tauri-driver did not listen on 127.0.0.1:{port} within {START_TIMEOUT:?}").into())
}

/// The current (main) window and the sign-in window the app opened beside it.
pub async fn find_sign_in_window(
    client: &Client,
) -> Result<(fantoccini::wd::WindowHandle, fantoccini::wd::WindowHandle)> {
    let main = client.window().await?;
    let sign_in = eventually(Duration::from_secs(20), "the sign-in window", || async {
        let handles = client.windows().await?;
        Ok(handles.into_iter().find(|h| *h != main))
    })
    .await?;
    Ok((main, sign_in))
}

/// Signs in through the sign-in window that the app just opened (the user
/// typing into the identity server's form), and returns to the main window
/// once the sign-in window has closed.
pub async fn sign_in_through_the_window(client: &Client, user: &str, password: &str) -> Result<()> {
    let (main, sign_in) = find_sign_in_window(client).await?;
    client.switch_to_window(sign_in).await?;
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(fantoccini::Locator::Id("username"))
        .await?;
    type_credentials(client, user, password).await?;
    // Leave the window before the app closes it: WebKitWebDriver can stall on
    // commands aimed at a window that is going away, so the page clicks itself.
    click_later(client, "sign-in").await?;
    client.switch_to_window(main.clone()).await?;
    let closed = eventually(
        Duration::from_secs(20),
        "the sign-in window to close",
        || async { Ok((client.windows().await?.len() == 1).then_some(())) },
    )
    .await;
    if let Err(e) = closed {
        // Say what the page shows, for whoever reads a failed run.
        let mut page = String::new();
        if let Some(other) = client.windows().await?.into_iter().find(|h| *h != main) {
            client.switch_to_window(other).await?;
            if let Ok(el) = client.find(fantoccini::Locator::Css("main")).await {
                page = el.text().await.unwrap_or_default();
            }
        }
        return Err(format!("{e}; the sign-in page shows: {page:?}").into());
    }
    Ok(())
}

/// In the consent window the app just opened for a reconnect: signs in to the
/// provider as `user`; then `consent` says what the consent page is answered
/// (accept or cancel), or `None` when the person has consented before and no
/// page comes. Returns to the main window before the app closes the consent
/// window (WebKitWebDriver can stall on a window that is going away). With
/// `shot`, the consent page is saved there as a PNG before it is answered.
pub async fn consent_in_the_window(
    client: &Client,
    user: &str,
    consent: Option<bool>,
    shot: Option<&Path>,
) -> Result<()> {
    let (main, window) = find_sign_in_window(client).await?;
    client.switch_to_window(window.clone()).await?;
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(fantoccini::Locator::Id("username"))
        .await?;
    type_credentials(client, user, "sandbox").await?;
    let last = match consent {
        None => "sign-in",
        Some(accept) => {
            client
                .find(fantoccini::Locator::Id("sign-in"))
                .await?
                .click()
                .await?;
            // Wait for the consent page itself: the sign-in page has a Cancel too.
            client
                .wait()
                .at_most(Duration::from_secs(20))
                .for_element(fantoccini::Locator::Id("consent-scopes"))
                .await?;
            if let Some(path) = shot {
                std::fs::write(path, client.screenshot().await?)?;
            }
            if accept { "accept" } else { "cancel" }
        }
    };
    // The last click ends at the tenant's "done" page, where the app closes the
    // window; a WebDriver command still running in a closing window stalls or
    // reports stale nodes. So the click is scheduled by the page itself, after
    // this command has returned, and the test is back in the main window when
    // it happens.
    click_and_leave(
        client,
        last,
        main,
        window,
        20,
        "the consent window to close",
    )
    .await
}

/// Plays the person on the tenant's own "Add connection" page, opened by the
/// app in its window (a tenant with no API to create connections): picks the
/// connector whose name starts with `connector`, says who they are, and signs
/// in at the identity server as `user` (who has consented before).
pub async fn add_on_the_tenant_page(client: &Client, connector: &str, user: &str) -> Result<()> {
    let (main, window) = find_sign_in_window(client).await?;
    client.switch_to_window(window.clone()).await?;
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(fantoccini::Locator::Id("portal-add"))
        .await?;
    let chosen = client
        .execute(
            "const s = document.getElementById('connector');
             const o = [...s.options].find(o => o.text.startsWith(arguments[0]));
             if (!o) return false;
             s.value = o.value;
             return true;",
            vec![serde_json::json!(connector)],
        )
        .await?;
    if chosen != serde_json::json!(true) {
        return Err(format!("no connector {connector} on the tenant's page").into());
    }
    type_credentials(client, user, "sandbox").await?;
    client
        .find(fantoccini::Locator::Id("portal-add"))
        .await?
        .click()
        .await?;
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(fantoccini::Locator::Id("sign-in"))
        .await?;
    type_credentials(client, user, "sandbox").await?;
    click_and_leave(
        client,
        "sign-in",
        main,
        window,
        30,
        "the tenant's window to close once the connection is there",
    )
    .await
}

/// Clicks `id` in `window` the way [`click_later`] does, goes back to `main`,
/// and waits up to `secs` for that window (not "every other window": a
/// queue opens the next at once) to close.
async fn click_and_leave(
    client: &Client,
    id: &str,
    main: fantoccini::wd::WindowHandle,
    window: fantoccini::wd::WindowHandle,
    secs: u64,
    what: &str,
) -> Result<()> {
    click_later(client, id).await?;
    client.switch_to_window(main).await?;
    eventually(Duration::from_secs(secs), what, || async {
        Ok((!client.windows().await?.contains(&window)).then_some(()))
    })
    .await
}

/// Has the page click the element with id `id` shortly after this command
/// returns, for clicks that close the window they happen in.
async fn click_later(client: &Client, id: &str) -> Result<()> {
    client
        .execute(
            "const id = arguments[0]; setTimeout(() => document.getElementById(id).click(), 200);",
            vec![serde_json::json!(id)],
        )
        .await?;
    Ok(())
}

/// Types the user name and password into the identity server's form. Under
/// load WebKitWebDriver has lost keystrokes after `type_into`'s own check
/// (the form then answered "do not match"), so the values are read back from
/// the page once more and, if they differ, set directly: the form is plain
/// HTML, with no script that depends on key events.
async fn type_credentials(client: &Client, user: &str, password: &str) -> Result<()> {
    type_into(client, "username", user).await?;
    type_into(client, "password", password).await?;
    let fixed = client
        .execute(
            "const [u, p] = arguments; let fixed = false;
             for (const [id, v] of [['username', u], ['password', p]]) {
               const el = document.getElementById(id);
               if (el.value !== v) { el.value = v; fixed = true; }
             }
             return fixed;",
            vec![serde_json::json!(user), serde_json::json!(password)],
        )
        .await?;
    if fixed.as_bool() == Some(true) {
        eprintln!("note: keystrokes were lost in the sign-in form; its values were set directly");
    }
    Ok(())
}

/// Types `text` into the field with id `id` and checks it arrived, retyping
/// once if keystrokes were lost (as a person would who sees a wrong value).
async fn type_into(client: &Client, id: &str, text: &str) -> Result<()> {
    let field = client.find(fantoccini::Locator::Id(id)).await?;
    for _ in 0..2 {
        field.send_keys(text).await?;
        if field.prop("value").await?.as_deref() == Some(text) {
            return Ok(());
        }
        field.clear().await?;
    }
    Err(format!("the {id} field did not take the text typed into it").into())
}

/// "Try the sandbox" on the first screen, signed in as `user` through the
/// sign-in window; returns the list's status line once it has loaded.
pub async fn try_the_sandbox_as(client: &Client, user: &str) -> Result<String> {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(fantoccini::Locator::Id("try-sandbox"))
        .await?
        .click()
        .await?;
    sign_in_through_the_window(client, user, "sandbox").await?;
    listing_status(client).await
}

/// Runs `body` in a fresh app, signed in to its sandbox as `user` through the
/// sign-in window and with the list loaded, bounded like every real-window
/// test (150 s); the WebDriver session is closed whatever `body` returns.
pub async fn in_sandbox_app_as(
    test: &str,
    user: &str,
    body: impl AsyncFnOnce(&Client) -> Result<()>,
) -> Result<()> {
    in_prepared_sandbox_app_as(test, user, |_| Ok(()), async |client, _| body(client).await).await
}

/// [`in_sandbox_app_as`], with `prepare` run on the desktop before the app
/// starts (say, to write its settings) and the desktop handed to `body`.
pub async fn in_prepared_sandbox_app_as(
    test: &str,
    user: &str,
    prepare: impl FnOnce(&Desktop) -> Result<()>,
    body: impl AsyncFnOnce(&Client, &Desktop) -> Result<()>,
) -> Result<()> {
    within(150, test, async {
        let desktop = Desktop::start()?;
        prepare(&desktop)?;
        let client = desktop.open_app(&app_binary()).await?;
        let outcome = async {
            try_the_sandbox_as(&client, user).await?;
            body(&client, &desktop).await
        }
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        client.close().await?;
        outcome
    })
    .await
}

/// The text of what `css` selects, once it is on the page.
pub async fn text_when_shown(client: &Client, css: &str) -> Result<String> {
    eventually(Duration::from_secs(30), css, || async {
        Ok(match client.find(fantoccini::Locator::Css(css)).await {
            Ok(el) => Some(el.text().await?),
            Err(_) => None,
        })
    })
    .await
}

/// The list's status line once the listing has finished.
pub async fn listing_status(client: &Client) -> Result<String> {
    eventually(Duration::from_secs(20), "the listing to finish", || async {
        let text = client
            .find(fantoccini::Locator::Id("list-status"))
            .await?
            .text()
            .await?;
        Ok(text.contains("connections in").then_some(text))
    })
    .await
}

/// Fails a real-window test that has not finished within `secs`, instead of
/// letting a stalled WebDriver command hang the whole test run.
pub async fn within<T>(
    secs: u64,
    what: &str,
    test: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match tokio::time::timeout(Duration::from_secs(secs), test).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "{what} did not finish within {secs} s (a WebDriver command stalled?)"
        )
        .into()),
    }
}

/// Polls `probe` until it returns `Some`, or fails after `timeout` with `what`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut probe: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    let mut last_error = None;
    loop {
        match probe().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
        if Instant::now() >= deadline {
            let cause = last_error
                .map(|e| format!(" (last error: {e})"))
                .unwrap_or_default();
            return Err(format!("timed out after {timeout:?} waiting for {what}{cause}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One app at a time for the consent specs: two windows with WebKit each on
/// two cores starve the consent windows' WebDriver commands (seen: stalls when
/// run in parallel).
pub static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Selects the row named `name` and returns its id (read first: the row may
/// re-render when it is selected).
pub async fn select_connection(client: &Client, name: &str) -> Result<String> {
    let row = format!(
        "//table[contains(@class,'grid')]//tr[@data-id][td[contains(@class,'name')][starts-with(normalize-space(.), \"{name}\")]]"
    );
    let id = eventually(Duration::from_secs(10), name, || async {
        Ok(client
            .find(fantoccini::Locator::XPath(&row))
            .await?
            .attr("data-id")
            .await?)
    })
    .await?;
    eventually(
        Duration::from_secs(10),
        "the row to be selected",
        || async {
            let cell = client
                .find(fantoccini::Locator::Css(&format!(
                    "tr[data-id='{id}'] td.name"
                )))
                .await?;
            // The table scrolls inside the page: bring the row into view first.
            client
                .execute(
                    "arguments[0].scrollIntoView({block: 'center'});",
                    vec![serde_json::to_value(&cell)?],
                )
                .await?;
            cell.click().await?;
            Ok(client
                .find(fantoccini::Locator::Id("reconnect-start"))
                .await
                .is_ok()
                .then_some(()))
        },
    )
    .await?;
    Ok(id)
}

/// The row's state badge; the list re-renders as folders reload, so a stale
/// element is read again rather than failing the test.
/// On the first screen (waited for up to `wait`): types the tenant's
/// address and the application's id, then signs in.
pub async fn connect_to_tenant(
    client: &Client,
    url: &str,
    client_id: &str,
    wait: Duration,
) -> Result<()> {
    client
        .wait()
        .at_most(wait)
        .for_element(fantoccini::Locator::Id("tenant-url"))
        .await?
        .send_keys(url)
        .await?;
    client
        .find(fantoccini::Locator::Id("client-id"))
        .await?
        .send_keys(client_id)
        .await?;
    client
        .find(fantoccini::Locator::Id("sign-in"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// A table cell's text as the page holds it. WebKitWebDriver's visible-text
/// rules read a cell cut to its column (one line, `overflow: hidden`, an
/// ellipsis) as empty even while its whole value shows, so the names in the
/// connections table are read from `textContent`.
pub async fn cell_text(cell: &fantoccini::elements::Element) -> Result<String> {
    Ok(cell
        .prop("textContent")
        .await?
        .unwrap_or_default()
        .trim()
        .to_owned())
}

pub async fn state_of(client: &Client, id: &str) -> Result<String> {
    eventually(Duration::from_secs(10), "the row's state", || async {
        let badge = client
            .find(fantoccini::Locator::Css(&format!(
                "tr[data-id='{id}'] .badge"
            )))
            .await?;
        Ok(Some(badge.text().await?))
    })
    .await
}

pub async fn start_reconnect(client: &Client) -> Result<()> {
    client
        .find(fantoccini::Locator::Id("reconnect-start"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// The README's screenshots, written by these specs.
pub fn screenshot_path(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

/// Saves the window, scrolled to the element `id`, as the screenshot `name`.
pub async fn save_scrolled_to(client: &Client, id: &str, name: &str) -> Result<()> {
    client
        .execute(
            "document.getElementById(arguments[0]).scrollIntoView({block: 'center'});",
            vec![serde_json::json!(id)],
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    std::fs::write(screenshot_path(name), client.screenshot().await?)?;
    Ok(())
}

/// Clicks the element with `id` once it is there and clickable.
pub async fn click_id(client: &Client, id: &str) -> Result<()> {
    eventually(Duration::from_secs(20), id, || async {
        let el = client.find(fantoccini::Locator::Id(id)).await?;
        Ok(el.click().await.ok())
    })
    .await
}
