//! The tray icon and its menu: the menu says in words how many of the
//! user's connections are broken (drawn by `tray_icon`) and opens the health
//! view, the window, a check right now, or quits. On Linux the icon is an
//! AppIndicator (StatusNotifierItem over D-Bus): the number is its label, the
//! menu its only click. A desktop without a tray loses the icon, nothing else.
//! The top of the shell: it drives `watch` through the real host.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::host::{Host, TrayLook};
use crate::tauri_host::TauriHost;
use crate::tray_icon::{StatusItem, TRAY_ID};
use crate::watch;

/// Creates the tray icon; logs and carries on where the desktop has no tray.
pub fn create<R: Runtime>(app: &AppHandle<R>) {
    if let Err(e) = try_create(app) {
        tracing::warn!(error = %e, "no tray icon on this desktop");
    }
}

fn try_create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let status = MenuItem::with_id(
        app,
        "status",
        TrayLook::SignedOut.text(),
        true,
        None::<&str>,
    )?;
    let menu = Menu::with_items(
        app,
        &[
            &status,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(
                app,
                "open",
                "Open Connections Assistant",
                true,
                None::<&str>,
            )?,
            &MenuItem::with_id(
                app,
                "check-now",
                "Check my connections now",
                true,
                None::<&str>,
            )?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Connections Assistant")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "status" => TauriHost(app.clone()).open_main(None, true),
            "open" => TauriHost(app.clone()).open_main(None, false),
            "check-now" => watch::check_now(&TauriHost(app.clone())),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                TauriHost(tray.app_handle().clone()).open_main(None, false);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(StatusItem(status));
    Ok(())
}
