//! The tray icon: the app's mark, with a red badge and the number beside it
//! while any of the signed-in user's connections is broken (counted by core's
//! `health::watch`). Its menu says the same in words and opens the health
//! view, the window, a check right now, or quits. On Linux the icon is an
//! AppIndicator (StatusNotifierItem over D-Bus): the number is its label, the
//! menu its only click. A desktop without a tray loses the icon, nothing else.

use connassist_core::health::watch::badge_text;
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::watch;

const TRAY_ID: &str = "main";

/// The menu entry that says how many connections are broken.
struct StatusItem<R: Runtime>(MenuItem<R>);

/// Creates the tray icon; logs and carries on where the desktop has no tray.
pub fn create<R: Runtime>(app: &AppHandle<R>) {
    if let Err(e) = try_create(app) {
        tracing::warn!(error = %e, "no tray icon on this desktop");
    }
}

fn try_create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, "status", NOT_SIGNED_IN, true, None::<&str>)?;
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
            "status" => watch::open(app, None, true),
            "open" => watch::open(app, None, false),
            "check-now" => watch::check_now(app),
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
                watch::open(tray.app_handle(), None, false);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(StatusItem(status));
    Ok(())
}

/// Shows `broken` (the user's broken connections) on the icon and in the menu.
pub fn show_badge<R: Runtime>(app: &AppHandle<R>, broken: usize) {
    show(app, broken, &badge_text(broken));
}

const NOT_SIGNED_IN: &str = "Not signed in";

/// No badge, and the menu says nobody is signed in (nothing is checked).
pub fn show_signed_out<R: Runtime>(app: &AppHandle<R>) {
    show(app, 0, NOT_SIGNED_IN);
}

/// Signed in, no check finished yet.
pub fn show_unchecked<R: Runtime>(app: &AppHandle<R>) {
    show(app, 0, "Your connections are not checked yet");
}

fn show<R: Runtime>(app: &AppHandle<R>, broken: usize, text: &str) {
    if let Some(item) = app.try_state::<StatusItem<R>>()
        && let Err(e) = item.0.set_text(text)
    {
        tracing::warn!(error = %e, "tray menu not updated");
    }
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let icon = app.default_window_icon().map(|base| {
        if broken > 0 {
            badged(base)
        } else {
            base.clone().to_owned()
        }
    });
    let label = (broken > 0).then(|| broken.to_string());
    let updated = tray
        .set_icon(icon)
        .and_then(|()| tray.set_title(label))
        .and_then(|()| tray.set_tooltip(Some(format!("Connections Assistant: {text}"))));
    if let Err(e) = updated {
        tracing::warn!(error = %e, "tray icon not updated");
    }
}

/// `base` with a red dot, ringed in white, in its top-right corner.
fn badged(base: &Image<'_>) -> Image<'static> {
    let (w, h) = (base.width(), base.height());
    let mut rgba = base.rgba().to_vec();
    let size = f64::from(w.min(h));
    let radius = size * 0.28;
    let ring = (size / 16.0).max(1.0);
    let (cx, cy) = (f64::from(w) - radius - 0.5, radius + 0.5);
    for y in 0..h {
        for x in 0..w {
            let d = (f64::from(x) + 0.5 - cx).hypot(f64::from(y) + 0.5 - cy);
            let colour = if d <= radius - ring {
                [0xd1, 0x24, 0x2f, 0xff]
            } else if d <= radius {
                [0xff, 0xff, 0xff, 0xff]
            } else {
                continue;
            };
            // u32 → usize widens on every platform Tauri supports.
            let i = (y as usize * w as usize + x as usize) * 4;
            if let Some(px) = rgba.get_mut(i..i + 4) {
                px.copy_from_slice(&colour);
            }
        }
    }
    Image::new_owned(rgba, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_is_a_red_dot_in_the_corner_and_leaves_the_rest() {
        let base = Image::new_owned(vec![0x10; 32 * 32 * 4], 32, 32);
        let badge = badged(&base);
        let px = |x: usize, y: usize| badge.rgba()[(y * 32 + x) * 4..(y * 32 + x) * 4 + 4].to_vec();
        assert_eq!(px(23, 8), [0xd1, 0x24, 0x2f, 0xff], "red in the top right");
        assert_eq!(px(4, 28), [0x10; 4], "the mark elsewhere is untouched");
        assert_eq!((badge.width(), badge.height()), (32, 32));
    }
}
