//! Generates the Tauri context and the ACL manifest for our own commands.
//! Declaring the commands here turns each into a permission
//! (`allow-check-tenant-url`, …) that only `capabilities/main.json` grants, so a
//! window without that capability (the consent windows) can invoke none of them.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "check_tenant_url",
        "connect_tenant",
        "start_sandbox",
        "list_connections",
        "sign_out",
        "run_audit",
        "list_selections",
        "choose_connection",
        "tenant_capabilities",
        "reconnect_connection",
        "confirm_reconnect",
        "list_connectors",
        "list_create_folders",
        "create_connection",
        "get_settings",
        "save_settings",
        "check_health",
        "stop_health",
        "export_health",
        "clear_health_history",
        "list_recorded_expiries",
        "record_secret_expiry",
        "watch_health",
        "app_version",
        "check_for_update",
        "install_update",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))?;
    Ok(())
}
