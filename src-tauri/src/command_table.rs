// The app's IPC contract, declared once: every command the main window may
// call, with its arguments and what it answers. From this table come the
// handler list (`lib.rs`), each command's ACL permission and the main
// window's grants (`build.rs`, which `include!`s this file and writes
// `capabilities/main.json`), and the typed TypeScript client
// `ui/src/bindings/Commands.ts` (`ipc_client.rs`'s test), which the UI's
// Tauri and fake backends implement. A command added here without its
// TypeScript side fails `tsc`; one missing here cannot be called at all.
//
// An entry is `module::command(argument: Kind<Type>, …) -> Answer;` where
// `Kind` is `Arg` (a value the window sends; a trailing `Option` may be left
// out in TypeScript) or `Channel` (a callback the command streams messages
// to). Arguments are listed in the order the TypeScript method takes them;
// Tauri matches them by name, so that order is free. The function's other
// parameters (`AppHandle`, `State`) are Tauri's, not the window's. Answers
// are the `Ok` type; every command may reject with `{code, message}`.
// Plain `//` comments: `build.rs` includes this file as items.

/// Calls `$then!` with the command table.
macro_rules! with_commands {
    ($then:ident) => {
        $then! {
            /// Validates and normalizes a tenant URL; rejects with `invalid_input`.
            commands::check_tenant_url(url: Arg<String>) -> TenantUrl;
            /// Signs in to the tenant at `url` as the external application `clientId` (a kept session if there is one, else in a sign-in window).
            commands::connect_tenant(url: Arg<String>, client_id: Arg<String>) -> SessionInfo;
            /// Starts the built-in sandbox tenant (its state kept in the app's data folder) and signs in to it (a sign-in window opens).
            commands::start_sandbox() -> SessionInfo;
            /// Lists every connection the session can see; `onEvent` gets each folder's result as it completes. `folder` narrows to one folder path (a retry).
            commands::list_connections(on_event: Channel<ListEvent>, folder: Arg<Option<String>>) -> ();
            /// Forgets the session.
            commands::sign_out() -> ();
            /// Audits the connection bindings of every process the session can see (or of one folder and its subfolders): what an unattended run would reject.
            commands::run_audit(folder: Arg<Option<String>>) -> AuditReport;
            /// The signed-in user's attended connection choices, and where they are kept.
            commands::list_selections() -> Selections;
            /// Picks the connection a binding configurable by users runs with for the signed-in user, or forgets the choice (`connectionId` null).
            commands::choose_connection(release_key: Arg<String>, binding_key: Arg<String>, connection_id: Arg<Option<String>>) -> ();
            /// What the signed-in tenant offers (the probe at sign-in; `refresh` asks again).
            commands::tenant_capabilities(refresh: Arg<bool>) -> Capabilities;
            /// Reconnects a connection (in the folder `folderKey`) in place: consent in an embedded window (or the system browser). `onProgress` first hears the start. Resolves with the outcome, which may be `needs_confirmation` (a tenant that asks when another account consented) or completed with `otherAccount` set (one that does not).
            consent::reconnect_connection(id: Arg<String>, folder_key: Arg<Option<String>>, system_browser: Arg<bool>, on_progress: Channel<ReconnectProgress>) -> ReconnectProgress;
            /// Accepts or rejects the other account that consented.
            consent::confirm_reconnect(id: Arg<String>, session_id: Arg<String>, accept: Arg<bool>) -> ReconnectProgress;
            /// The connector catalogue, by name.
            consent::list_connectors() -> Vec<ConnectorInfo>;
            /// Folders a new connection may go to (personal workspace first), with whether the user may create there.
            consent::list_create_folders() -> Vec<FolderChoice>;
            /// Creates a connection. Where the tenant creates through its API, types a person signs in to run their consent like a reconnect (`onProgress` as there) and the others come back created. Where it does not (every real tenant), its own page opens and `onHandoff` hears where and what to click; the new connection comes back once it appears.
            consent::create_connection(new: Arg<NewConnection>, system_browser: Arg<bool>, on_progress: Channel<ReconnectProgress>, on_handoff: Channel<Handoff>) -> CreateOutcome;
            /// The user's settings (defaults when none were saved).
            consent::get_settings() -> Settings;
            /// Saves the settings; rejects with `invalid_input` for values that cannot work.
            consent::save_settings(settings: Arg<Settings>) -> Settings;
            /// Pings every visible connection (or one folder's); `onEvent` gets the total, then results in batches. Rejects with `cancelled` when stopped.
            health::check_health(on_event: Channel<HealthEvent>, folder: Arg<Option<String>>) -> HealthSummary;
            /// Stops the health check in progress (its results so far stay); false when none runs.
            health::stop_health() -> bool;
            /// Writes the latest check's results to `path` as CSV or JSON; answers how many connections were written.
            health::export_health(path: Arg<String>, format: Arg<ExportFormat>) -> usize;
            /// Forgets earlier checks ("failing since" starts again).
            health::clear_health_history() -> ();
            /// Secret expiry dates recorded on this computer for the tenant, by connection id.
            health::list_recorded_expiries() -> BTreeMap<String, String>;
            /// Records when a connection's app secret expires (`null` forgets it); rejects a date that is not YYYY-MM-DD.
            health::record_secret_expiry(id: Arg<String>, date: Arg<Option<String>>) -> ();
            /// Starts the background checks of the user's own connections (tray badge, desktop notifications); `onOpen` is called when a notification or the tray asks to show a connection or the health view.
            watch::watch_health(on_open: Channel<OpenRequest>) -> ();
            /// Puts the sandbox tenant back to its first state: its kept state and its connections' health history are wiped, and a signed-in sandbox session ends.
            commands::reset_sandbox() -> ();
            /// The version the user runs.
            updates::app_version() -> String;
            /// Looks for a newer version; a newer one is downloaded and its signature verified before it is offered (`available`), or dropped (`refused`). Rejects with `unreachable` when the update server cannot be reached.
            updates::check_for_update() -> UpdateCheck;
            /// Installs the update last offered and restarts into it (only on the user's click).
            updates::install_update() -> ();
        }
    };
}
