//! `connassist login --browser none` into a [`Keychain`], with the test as
//! the person: the address the CLI prints is opened and the sandbox's form
//! filled in ([`crate::sign_in::sign_in_to_loopback`]), and the redirect
//! reaches the CLI's one-shot loopback listener.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use connassist_sandbox::{PUBLIC_CLIENT_ID, Sandbox};

use crate::keychain::Keychain;

/// What `login` prints before the address.
const ADDRESS_LINE: &str = "Open this address to sign in: ";

/// A running `connassist login` that has printed its address.
#[derive(Debug)]
pub struct CliLogin {
    child: Child,
    /// The address it asks the person to open.
    pub authorize: String,
    lines: mpsc::Receiver<String>,
}

impl CliLogin {
    /// Starts `cli login` for the sandbox `sb` with `keychain`, and waits
    /// (up to 30 s) for the address it prints.
    pub async fn start(cli: &Path, sb: &Sandbox, keychain: &Keychain) -> Self {
        let mut child = keychain
            .command(cli)
            .args([
                "login",
                "--url",
                &sb.base_url,
                "--client-id",
                PUBLIC_CLIENT_ID,
                "--browser",
                "none",
                "--timeout-secs",
                "60",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("connassist runs");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let (authorize, lines) = tokio::task::spawn_blocking(move || {
            loop {
                let line = rx
                    .recv_timeout(Duration::from_secs(30))
                    .expect("login printed no address within 30 s");
                if let Some(url) = line.strip_prefix(ADDRESS_LINE) {
                    return (url.to_owned(), rx);
                }
            }
        })
        .await
        .unwrap();
        Self {
            child,
            authorize,
            lines,
        }
    }

    /// Waits for `login` to end; asserts it signed in. What it said after
    /// the address.
    pub async fn finish(self) -> Vec<String> {
        let Self {
            mut child, lines, ..
        } = self;
        tokio::task::spawn_blocking(move || {
            let status = child.wait().unwrap();
            let said: Vec<String> =
                std::iter::from_fn(|| lines.recv_timeout(Duration::from_secs(5)).ok()).collect();
            assert!(status.success(), "login failed: {said:?}");
            said
        })
        .await
        .unwrap()
    }
}

/// `connassist login` as `user` through the sandbox's form: the session
/// lands in the keychain. What `login` said after the address.
pub async fn login(cli: &Path, sb: &Sandbox, keychain: &Keychain, user: &str) -> Vec<String> {
    let login = CliLogin::start(cli, sb, keychain).await;
    crate::sign_in::sign_in_to_loopback(&login.authorize, user).await;
    login.finish().await
}
