//! Without a display, GTK aborts with a panic that tells a user nothing. On
//! Linux we check first and say what to do instead (run under a desktop session
//! or Xvfb, or use the CLI), then exit cleanly: [`missing_display`] catches
//! unset variables, [`unreachable_display`] a display that cannot be opened.

use std::ffi::OsString;

/// `Some(message)` when no graphical display can be reached.
pub fn missing_display(env: impl Fn(&str) -> Option<OsString>) -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        return None;
    }
    Some(
        "connassist-app: no graphical display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n\
         Start it from a desktop session, or under a virtual display: xvfb-run -a connassist-app.\n\
         Everything the app does is also available on the command line: connassist --help"
            .to_owned(),
    )
}

/// `Some(message)` when GTK cannot open the display it was pointed at.
/// Initializing GTK here is harmless: tao's own initialization accepts an
/// already-initialized GTK on the same (main) thread.
pub fn unreachable_display() -> Option<String> {
    #[cfg(target_os = "linux")]
    if gtk::init().is_err() {
        let shown = |name: &str| std::env::var(name).unwrap_or_default();
        return Some(format!(
            "connassist-app: cannot open the graphical display (DISPLAY={:?}, WAYLAND_DISPLAY={:?}).\n\
             Check that the X or Wayland server is running and that you may connect to it, or use the command-line tool: connassist --help",
            shown("DISPLAY"),
            shown("WAYLAND_DISPLAY")
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn no_display_variables_means_a_message_pointing_to_the_cli() {
        let msg = missing_display(|_| None).unwrap();
        assert!(msg.contains("no graphical display"));
        assert!(msg.contains("connassist --help"));
        let empty = missing_display(|_| Some(OsString::new()));
        assert!(empty.is_some());
    }

    #[test]
    fn either_x11_or_wayland_is_enough() {
        let x11 = |n: &str| (n == "DISPLAY").then(|| OsString::from(":0"));
        assert_eq!(missing_display(x11), None);
        let wl = |n: &str| (n == "WAYLAND_DISPLAY").then(|| OsString::from("wayland-0"));
        assert_eq!(missing_display(wl), None);
    }
}
