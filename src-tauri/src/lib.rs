//! The desktop shell. It only adapts `connassist-core` to Tauri: commands are
//! thin wrappers (see [`commands`]), the window and plugins are configured
//! here, and no domain logic lives in this crate.

#[macro_use]
mod command_table;
mod commands;
mod consent;
mod display;
mod health;
mod host;
mod ipc_client;
mod sandbox_tenant;
mod shutdown;
mod sign_in_window;
mod state;
mod tauri_host;
mod tray;
mod tray_icon;
mod updates;
mod watch;

use std::process::ExitCode;

use tauri::Manager;

pub use host::MAIN_WINDOW;

/// Tauri's handler list, from the command table.
macro_rules! handler_list {
    ($( $(#[doc = $doc:literal])* $module:ident :: $name:ident ( $($arg:ident : $kind:ident < $t:ty >),* ) -> $answer:ty; )*) => {
        tauri::generate_handler![$($module::$name),*]
    };
}

/// Starts the app; returns when its last window closes.
pub fn run() -> ExitCode {
    let no_display = display::missing_display(|name| std::env::var_os(name))
        .or_else(display::unreachable_display);
    if let Some(message) = no_display {
        eprintln!("{message}");
        return ExitCode::from(1);
    }

    let built = tauri::Builder::default()
        // Must be the first plugin: a second launch focuses the running window and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
                // Best effort: a window manager may refuse focus; nothing to recover.
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        // Only the main window's state is kept; sign-in windows are throwaway.
        .plugin(tauri_plugin_window_state::Builder::default().with_filter(|label| label == MAIN_WINDOW).build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        // Only our commands use it (no capability grants its own); they check
        // and install when the user clicks, never on their own.
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(state::AppState::default())
        .manage(updates::Pending::default())
        .setup(|app| {
            let log_dir = app.path().app_log_dir()?;
            match connassist_core::logging::init("info", Some(&log_dir), "connassist-app") {
                Ok(guard) => {
                    tracing::info!(log_dir = %log_dir.display(), version = env!("CARGO_PKG_VERSION"), "Connections Assistant started");
                    app.manage(guard);
                }
                // The app stays usable without a log file; say why on stderr.
                Err(e) => eprintln!("connassist-app: logging to a file is off: {e}"),
            }
            shutdown::exit_cleanly_on_signals(app.handle().clone());
            tray::create(app.handle());
            Ok(())
        })
        .invoke_handler(with_commands!(handler_list))
        .build(tauri::generate_context!());

    match built {
        Ok(app) => {
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("connassist-app: cannot start the desktop app: {e}");
            ExitCode::from(1)
        }
    }
}
