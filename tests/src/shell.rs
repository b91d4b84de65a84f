//! The desktop shell around the app, for the tray and notification specs:
//! a real notification daemon (Debian's `dunst`, on the test's display and
//! bus) whose rule script logs every notification it shows, and a tray host
//! played by the test over D-Bus, as a desktop panel does: it owns
//! `org.kde.StatusNotifierWatcher`, takes the app's AppIndicator when it
//! registers, reads its properties and clicks its menu through
//! `com.canonical.dbusmenu`.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::sync::watch;
use zbus::zvariant::{OwnedValue, Value};

use crate::{Desktop, Result, eventually};
use connassist_testkit::process::{Service, wait_for_bus_name};

const NOTIFICATIONS: &str = "org.freedesktop.Notifications";
const NOTIFICATIONS_PATH: &str = "/org/freedesktop/Notifications";

/// One notification dunst showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub id: u32,
    pub summary: String,
    pub body: String,
}

/// dunst on a desktop; see [`Desktop::start_notifications`].
#[derive(Debug)]
pub struct Notifications {
    log: PathBuf,
    bus: String,
}

impl Desktop {
    /// Starts dunst (notifications stay until acted on) and returns once it
    /// answers on the bus; it stops with the desktop.
    pub fn start_notifications(&self) -> Result<Notifications> {
        let dir = self.dirs.path().join("dunst");
        std::fs::create_dir_all(&dir)?;
        let log = dir.join("shown.tsv");
        let script = dir.join("log.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\t%s\\t%s\\n' \"$DUNST_ID\" \"$2\" \"$3\" >> '{}'\n",
                log.display()
            ),
        )?;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
        let config = dir.join("dunstrc");
        std::fs::write(
            &config,
            format!(
                "[urgency_low]\n    timeout = 0\n[urgency_normal]\n    timeout = 0\n[urgency_critical]\n    timeout = 0\n[log]\n    summary = \"*\"\n    script = {}\n",
                script.display()
            ),
        )?;
        let dunst = Service::spawn(
            "dunst",
            self.command(std::path::Path::new("dunst"))
                .arg("-config")
                .arg(&config)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        self.keep(dunst);
        wait_for_bus_name(&self.bus_address, NOTIFICATIONS, "dunst")?;
        Ok(Notifications {
            log,
            bus: self.bus_address.clone(),
        })
    }
}

async fn connect(address: &str) -> Result<zbus::Connection> {
    Ok(zbus::connection::Builder::address(address)?.build().await?)
}

impl Notifications {
    /// Every notification shown so far, oldest first.
    pub fn shown(&self) -> Vec<Shown> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .filter_map(|line| {
                let mut f = line.splitn(3, '\t');
                Some(Shown {
                    id: f.next()?.parse().ok()?,
                    summary: f.next()?.to_owned(),
                    body: f.next().unwrap_or_default().to_owned(),
                })
            })
            .collect()
    }

    /// The first notification whose summary starts with `summary`, once shown.
    pub async fn wait_for(&self, summary: &str, within: Duration) -> Result<Shown> {
        eventually(within, summary, || async {
            Ok(self
                .shown()
                .into_iter()
                .find(|n| n.summary.starts_with(summary)))
        })
        .await
    }

    /// Clicks `target` as a user would (dunst invokes its default action):
    /// the others are closed first so that it is the one on top.
    pub async fn click(&self, target: &Shown) -> Result<()> {
        let bus = connect(&self.bus).await?;
        for other in self.shown().iter().filter(|n| n.id != target.id) {
            bus.call_method(
                Some(NOTIFICATIONS),
                NOTIFICATIONS_PATH,
                Some(NOTIFICATIONS),
                "CloseNotification",
                &(other.id),
            )
            .await?;
        }
        bus.call_method(
            Some(NOTIFICATIONS),
            NOTIFICATIONS_PATH,
            Some("org.dunstproject.cmd0"),
            "NotificationAction",
            &(0u32),
        )
        .await?;
        Ok(())
    }
}

/// Where an item registered: its bus name and object path.
type Item = Option<(String, String)>;

struct Watcher {
    items: watch::Sender<Item>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // AppIndicators pass their object path; others their bus name.
        let item = if service.starts_with('/') {
            (sender, service.to_owned())
        } else {
            (service.to_owned(), "/StatusNotifierItem".to_owned())
        };
        self.items.send_replace(Some(item));
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items
            .borrow()
            .iter()
            .map(|(bus, path)| format!("{bus}{path}"))
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// The test as the desktop's panel: the tray host.
#[derive(Debug)]
pub struct Panel {
    bus: zbus::Connection,
    items: watch::Receiver<Item>,
}

const ITEM: &str = "org.kde.StatusNotifierItem";

impl Panel {
    /// Starts watching for tray items on `desktop`'s bus.
    pub async fn start(desktop: &Desktop) -> Result<Self> {
        let (tx, items) = watch::channel(None);
        let bus = zbus::connection::Builder::address(desktop.bus_address.as_str())?
            .serve_at("/StatusNotifierWatcher", Watcher { items: tx })?
            .name("org.kde.StatusNotifierWatcher")?
            .build()
            .await?;
        Ok(Self { bus, items })
    }

    /// The app's item, once it has registered.
    async fn item(&self) -> Result<(String, String)> {
        let mut items = self.items.clone();
        let found = tokio::time::timeout(Duration::from_secs(20), items.wait_for(Option::is_some))
            .await
            .map_err(|_| "no tray icon registered with the panel within 20 s")??;
        found.clone().ok_or_else(|| "no tray icon".into())
    }

    async fn property(&self, name: &str) -> Result<OwnedValue> {
        let (bus, path) = self.item().await?;
        let reply = self
            .bus
            .call_method(
                Some(bus.as_str()),
                path.as_str(),
                Some("org.freedesktop.DBus.Properties"),
                "Get",
                &(ITEM, name),
            )
            .await?;
        Ok(reply.body().deserialize::<OwnedValue>()?)
    }

    /// The text beside the icon (the badge's number), "" when none.
    pub async fn label(&self) -> Result<String> {
        Ok(String::try_from(self.property("XAyatanaLabel").await?)?)
    }

    /// The icon's file (AppIndicators name a PNG they wrote).
    pub async fn icon(&self) -> Result<String> {
        Ok(String::try_from(self.property("IconName").await?)?)
    }

    /// The menu's entries: id and label, top to bottom.
    pub async fn menu(&self) -> Result<Vec<(i32, String)>> {
        let (bus, _) = self.item().await?;
        let path = zbus::zvariant::OwnedObjectPath::try_from(self.property("Menu").await?)?;
        let reply = self
            .bus
            .call_method(
                Some(bus.as_str()),
                path.as_str(),
                Some("com.canonical.dbusmenu"),
                "GetLayout",
                &(0i32, -1i32, Vec::<String>::new()),
            )
            .await?;
        type Node = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);
        let (_revision, root): (u32, Node) = reply.body().deserialize()?;
        let mut out = vec![];
        for child in &root.2 {
            if let Value::Structure(s) = &**child
                && let [Value::I32(id), Value::Dict(props), ..] = s.fields()
            {
                let label: Option<String> = props.get(&"label")?;
                out.push((*id, label.unwrap_or_default()));
            }
        }
        Ok(out)
    }

    /// Clicks the menu entry whose label is `label`.
    pub async fn click(&self, label: &str) -> Result<()> {
        let (bus, _) = self.item().await?;
        let path = zbus::zvariant::OwnedObjectPath::try_from(self.property("Menu").await?)?;
        let id = self
            .menu()
            .await?
            .into_iter()
            .find(|(_, l)| l == label)
            .map(|(id, _)| id)
            .ok_or_else(|| format!("no menu entry {label:?}"))?;
        self.bus
            .call_method(
                Some(bus.as_str()),
                path.as_str(),
                Some("com.canonical.dbusmenu"),
                "Event",
                &(id, "clicked", Value::I32(0), 0u32),
            )
            .await?;
        Ok(())
    }
}
