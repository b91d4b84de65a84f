//! "Check for updates" in the real window, against an update server on
//! loopback that publishes like a release does: a key pair made a moment ago
//! with Tauri's own `tauri signer generate` (the private key exists only in
//! this test's temporary folder), a newer package signed with `tauri signer
//! sign --app-version`, and a static `latest.json` manifest.
//!
//! The user sees the version in Settings and nothing is fetched until they
//! click; a newer signed build is downloaded, verified and offered with an
//! Install button (which, in this copy built from source, explains that it
//! cannot install); a build altered after signing, and an older signed build
//! announced as a newer version, are refused with the reason and not offered.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::routing::get;
use connassist_e2e::{
    Desktop, Result, app_binary, click_id, eventually, save_scrolled_to, text_when_shown,
    try_the_sandbox_as, within,
};
use fantoccini::{Client, Locator};

const CURRENT: &str = env!("CARGO_PKG_VERSION");
const NEWER: &str = "0.99.0";
const PACKAGE: &str = "connections-assistant_0.99.0_amd64.deb";

/// What the update server publishes, and what it was asked for.
#[derive(Debug, Default)]
struct Published {
    manifest: serde_json::Value,
    package: Vec<u8>,
    requests: Vec<String>,
}

type Server = Arc<Mutex<Published>>;

async fn manifest(State(server): State<Server>) -> axum::Json<serde_json::Value> {
    let mut published = server.lock().unwrap_or_else(|p| p.into_inner());
    published.requests.push("latest.json".into());
    axum::Json(published.manifest.clone())
}

async fn package(
    State(server): State<Server>,
    UrlPath(name): UrlPath<String>,
) -> std::result::Result<Vec<u8>, StatusCode> {
    let mut published = server.lock().unwrap_or_else(|p| p.into_inner());
    published.requests.push(name.clone());
    if name == PACKAGE {
        Ok(published.package.clone())
    } else {
        Err(StatusCode::NOT_FOUND)
    }
}

/// Tauri's CLI from the UI's npm packages (scripts/install-deps installs it).
fn tauri_cli() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/.bin/tauri")
}

fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// A fresh key pair (no password), as a release owner makes one; returns the
/// private key's path and the public key as the app's config holds it.
fn key_pair(dir: &Path) -> Result<(PathBuf, String)> {
    let key = dir.join("update.key");
    run(Command::new(tauri_cli())
        .args([
            "signer",
            "generate",
            "--ci",
            "--password",
            "",
            "--write-keys",
        ])
        .arg(&key))?;
    let public = std::fs::read_to_string(dir.join("update.key.pub"))?;
    Ok((key, public.trim().to_owned()))
}

/// A newer build: a small but real Debian package of the app at `NEWER`.
fn newer_package(dir: &Path) -> Result<PathBuf> {
    let root = dir.join("pkg");
    std::fs::create_dir_all(root.join("DEBIAN"))?;
    std::fs::create_dir_all(root.join("usr/share/doc/connections-assistant"))?;
    std::fs::write(
        root.join("DEBIAN/control"),
        format!(
            "Package: connections-assistant\nVersion: {NEWER}\nArchitecture: amd64\n\
             Maintainer: Connections Assistant\nDescription: Connections Assistant (update test)\n"
        ),
    )?;
    std::fs::write(
        root.join("usr/share/doc/connections-assistant/README"),
        "The newer build the update test serves.\n",
    )?;
    let deb = dir.join(PACKAGE);
    run(Command::new("dpkg-deb")
        .args(["--build", "--root-owner-group"])
        .arg(&root)
        .arg(&deb))?;
    Ok(deb)
}

/// `tauri signer sign`: the signature (the .sig file's text) binding `version`.
fn sign(key: &Path, file: &Path, version: &str) -> Result<String> {
    run(Command::new(tauri_cli())
        .args(["signer", "sign", "--password", "", "--app-version", version])
        .arg("--private-key-path")
        .arg(key)
        .arg(file))?;
    let mut sig = file.as_os_str().to_owned();
    sig.push(".sig");
    Ok(std::fs::read_to_string(sig)?.trim().to_owned())
}

/// A static manifest announcing `version` with `signature`, for a build
/// without a bundle type (as `cargo build` makes): `linux-x86_64`.
fn manifest_for(base: &str, version: &str, signature: &str) -> serde_json::Value {
    serde_json::json!({
        "version": version,
        "notes": "Faster health checks.\nA fix for the tray on KDE.",
        "pub_date": "2026-12-01T09:00:00Z",
        "platforms": {
            "linux-x86_64": { "url": format!("{base}/download/{PACKAGE}"), "signature": signature }
        }
    })
}

/// Clicks "Check for updates" and returns the answer shown: `id: text`.
async fn check(client: &Client) -> Result<String> {
    let answers = || async {
        let section = client.find(Locator::Id("updates")).await?;
        Ok::<_, connassist_e2e::Error>(section.attr("data-answers").await?.unwrap_or_default())
    };
    let before = answers().await?;
    click_id(client, "check-updates").await?;
    eventually(
        Duration::from_secs(30),
        "the update check's answer",
        || async {
            if answers().await? == before {
                return Ok(None);
            }
            for id in ["update-status", "update-refused", "update-error"] {
                if let Ok(el) = client.find(Locator::Id(id)).await {
                    return Ok(Some(format!("{id}: {}", el.text().await?)));
                }
            }
            Ok(None)
        },
    )
    .await
}

async fn install_offered(client: &Client) -> Result<bool> {
    Ok(client.find(Locator::Id("install-update")).await.is_ok())
}

#[tokio::test]
async fn settings_offers_a_newer_signed_build_and_refuses_altered_ones() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (key, public_key) = key_pair(dir.path())?;
    let deb = newer_package(dir.path())?;
    let signature = sign(&key, &deb, NEWER)?;
    let signed_bytes = std::fs::read(&deb)?;

    let server: Server = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = Router::new()
        .route("/latest.json", get(manifest))
        .route("/download/{name}", get(package))
        .with_state(server.clone());
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });
    // Published now: the current version only.
    server.lock().unwrap().manifest = manifest_for(&base, CURRENT, &signature);

    let endpoint = format!("{base}/latest.json");
    let outcome = within(150, "the update check", async {
        let desktop = Desktop::start_with_env(&[
            ("CONNASSIST_UPDATE_URL", &endpoint),
            ("CONNASSIST_UPDATE_PUBKEY", &public_key),
        ])?;
        let client = desktop.open_app(&app_binary()).await?;
        let result = async {
            try_the_sandbox_as(&client, "hana").await?;
            click_id(&client, "nav-settings").await?;
            let shown = eventually(Duration::from_secs(10), "the version", || async {
                let text = client
                    .find(Locator::Id("app-version"))
                    .await?
                    .text()
                    .await?;
                Ok((!text.contains('…')).then_some(text))
            })
            .await?;
            assert_eq!(shown, format!("Connections Assistant {CURRENT}"));
            assert!(
                server.lock().unwrap().requests.is_empty(),
                "the app asked the update server before the user clicked"
            );

            let answer = check(&client).await?;
            assert_eq!(
                answer,
                format!("update-status: You have the latest version ({CURRENT}).")
            );
            assert!(!install_offered(&client).await?);

            // A newer build, signed: downloaded, verified, offered.
            {
                let mut published = server.lock().unwrap_or_else(|p| p.into_inner());
                published.manifest = manifest_for(&base, NEWER, &signature);
                published.package = signed_bytes.clone();
                published.requests.clear();
            }
            let answer = check(&client).await?;
            assert!(
                answer.starts_with(&format!(
                    "update-status: Version {NEWER} is available (you have {CURRENT})."
                )),
                "{answer}"
            );
            assert_eq!(server.lock().unwrap().requests, ["latest.json", PACKAGE]);
            let notes = client
                .find(Locator::Css(".release-notes"))
                .await?
                .text()
                .await?;
            assert!(notes.contains("A fix for the tray on KDE."), "{notes}");
            let install = client
                .find(Locator::Id("install-update"))
                .await?
                .text()
                .await?;
            assert_eq!(install, format!("Install {NEWER} and restart"));
            save_scrolled_to(&client, "updates", "update-offer.png").await?;
            // This copy was built from source, not installed from a package: it
            // says so instead of overwriting itself.
            click_id(&client, "install-update").await?;
            let not_installed = text_when_shown(&client, "#update-error").await?;
            assert_eq!(
                not_installed,
                format!(
                    "This copy was not installed from a package, so it cannot update itself. \
                     Install version {NEWER} from the releases page."
                )
            );

            // The same build altered after signing (one byte): refused.
            {
                let mut published = server.lock().unwrap_or_else(|p| p.into_inner());
                let middle = published.package.len() / 2;
                published.package[middle] ^= 0x01;
            }
            let answer = check(&client).await?;
            assert!(
                answer.starts_with(&format!(
                    "update-refused: Version {NEWER} was found but refused."
                )),
                "{answer}"
            );
            assert!(
                answer.contains("its signature does not match the package"),
                "{answer}"
            );
            assert!(answer.ends_with("Nothing was installed."), "{answer}");
            assert!(
                !install_offered(&client).await?,
                "a refused build is offered"
            );
            save_scrolled_to(&client, "updates", "update-refused.png").await?;

            // A genuine signed build announced as a later version: refused.
            {
                let mut published = server.lock().unwrap_or_else(|p| p.into_inner());
                published.manifest = manifest_for(&base, "0.100.0", &signature);
                published.package = signed_bytes.clone();
            }
            let answer = check(&client).await?;
            assert!(answer.contains("signed as another version"), "{answer}");
            assert!(
                !install_offered(&client).await?,
                "a mislabelled build is offered"
            );
            Ok(())
        }
        .await;
        client.close().await?;
        result
    })
    .await;
    serving.abort();
    outcome
}
