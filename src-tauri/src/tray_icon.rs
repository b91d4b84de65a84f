//! Drawing the tray icon: the app's mark, with a red badge and the number
//! beside it while any of the signed-in user's connections is broken, and
//! the menu's first entry in words. What to draw is decided above
//! (`host::TrayLook`); the icon and its menu are made by `tray`. Imports no
//! module of this crate.

use tauri::image::Image;
use tauri::menu::MenuItem;
use tauri::{AppHandle, Manager, Runtime};

pub const TRAY_ID: &str = "main";

/// The menu entry that says how many connections are broken.
pub struct StatusItem<R: Runtime>(pub MenuItem<R>);

/// Shows `broken` (the user's broken connections) as a badge on the icon,
/// and `text` in the menu's first entry and the tooltip.
pub fn show<R: Runtime>(app: &AppHandle<R>, broken: usize, text: &str) {
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
