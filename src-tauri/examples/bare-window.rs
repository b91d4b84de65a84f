//! A bare Tauri window: the same Tauri and WebKitGTK as the app, one window of the
//! app's default size showing a static page, no plugins, no commands. The baseline
//! `scripts/bench-ui --app` measures the app's cold start and memory against.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!(
        "examples/bare-window/tauri.conf.json"
    )) {
        eprintln!("bare-window: {e}");
        std::process::exit(1);
    }
}
