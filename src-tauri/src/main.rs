//! Entry point of the desktop app; everything else is in the library so that
//! it can be tested without starting a window.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    connassist_app::run()
}
