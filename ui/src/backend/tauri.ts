// The only module that imports @tauri-apps/*: the desktop app's IPC.
// Commands and their arguments mirror src-tauri/src/commands.rs.
import { Channel, invoke } from "@tauri-apps/api/core";
import { save } from "@tauri-apps/plugin-dialog";
import { toApiError } from "./errors";
import type { AuditReport, Backend, Capabilities, ConnectorInfo, CreateOutcome, FolderChoice, Handoff, HealthEvent, HealthSummary, ListEvent, OpenRequest, ReconnectProgress, Selections, SessionInfo, Settings, TenantUrl, UpdateCheck } from "./types";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const tauriBackend: Backend = {
  kind: "tauri",
  checkTenantUrl: (url) => call<TenantUrl>("check_tenant_url", { url }),
  connectTenant: (url, clientId) => call<SessionInfo>("connect_tenant", { url, clientId }),
  startSandbox: () => call<SessionInfo>("start_sandbox"),
  listConnections: (onEvent, folder) => {
    const channel = new Channel<ListEvent>();
    channel.onmessage = onEvent;
    return call<void>("list_connections", { onEvent: channel, folder: folder ?? null });
  },
  runAudit: (folder) => call<AuditReport>("run_audit", { folder: folder ?? null }),
  listSelections: () => call<Selections>("list_selections"),
  chooseConnection: (releaseKey, bindingKey, connectionId) =>
    call<void>("choose_connection", { releaseKey, bindingKey, connectionId }),
  reconnect: (id, folderKey, systemBrowser, onProgress) => {
    const channel = new Channel<ReconnectProgress>();
    channel.onmessage = onProgress;
    return call<ReconnectProgress>("reconnect_connection", { id, folderKey, systemBrowser, onProgress: channel });
  },
  confirmReconnect: (id, sessionId, accept) => call<ReconnectProgress>("confirm_reconnect", { id, sessionId, accept }),
  listConnectors: () => call<ConnectorInfo[]>("list_connectors"),
  listCreateFolders: () => call<FolderChoice[]>("list_create_folders"),
  createConnection: (request, systemBrowser, onProgress, onHandoff) => {
    const channel = new Channel<ReconnectProgress>();
    channel.onmessage = onProgress;
    const handoff = new Channel<Handoff>();
    handoff.onmessage = onHandoff;
    return call<CreateOutcome>("create_connection", { new: request, systemBrowser, onProgress: channel, onHandoff: handoff });
  },
  tenantCapabilities: (refresh) => call<Capabilities>("tenant_capabilities", { refresh }),
  getSettings: () => call<Settings>("get_settings"),
  saveSettings: (settings) => call<Settings>("save_settings", { settings }),
  watchHealth: (onOpen) => {
    const channel = new Channel<OpenRequest>();
    channel.onmessage = onOpen;
    return call<void>("watch_health", { onOpen: channel });
  },
  checkHealth: (onEvent, folder) => {
    const channel = new Channel<HealthEvent>();
    channel.onmessage = onEvent;
    return call<HealthSummary>("check_health", { onEvent: channel, folder: folder ?? null });
  },
  stopHealth: () => call<boolean>("stop_health"),
  clearHealthHistory: () => call<void>("clear_health_history"),
  listRecordedExpiries: () => call<Record<string, string>>("list_recorded_expiries"),
  recordSecretExpiry: (id, date) => call<void>("record_secret_expiry", { id, date }),
  exportHealth: async (format) => {
    const path = await save({
      defaultPath: `connections-health.${format}`,
      filters: [{ name: format === "csv" ? "CSV" : "JSON", extensions: [format] }],
    });
    if (path === null) return null;
    const rows = await call<number>("export_health", { path, format });
    return { path, rows };
  },
  signOut: () => call<void>("sign_out"),
  appVersion: () => call<string>("app_version"),
  checkForUpdate: () => call<UpdateCheck>("check_for_update"),
  installUpdate: () => call<void>("install_update"),
};

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
