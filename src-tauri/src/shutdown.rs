//! A desktop session ending (SIGTERM) or Ctrl+C in the terminal that started
//! the app (SIGINT) closes it the way its close button does, through Tauri's
//! exit path: tauri-plugin-window-state writes the window's size and position
//! only on that path, and the log file is flushed. Without this, every logout
//! forgot where the user had put the window.

use tauri::{AppHandle, Runtime};

pub fn exit_cleanly_on_signals<R: Runtime>(app: AppHandle<R>) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!(
                "cannot listen for SIGTERM/SIGINT; the window state is saved only when the window is closed"
            );
            return;
        };
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        tracing::info!(signal = name, "closing on request");
        app.exit(0);
    });
    #[cfg(not(unix))]
    let _ = app;
}
