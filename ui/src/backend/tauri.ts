// The only module that imports @tauri-apps/*: the desktop app's IPC.
// Commands and their arguments mirror src-tauri/src/commands.rs.
import { Channel, invoke } from "@tauri-apps/api/core";
import { toApiError } from "./errors";
import type { AuditReport, Backend, ListEvent, ReconnectProgress, Selections, SessionInfo, TenantUrl } from "./types";

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
  reconnect: (id, systemBrowser, onProgress) => {
    const channel = new Channel<ReconnectProgress>();
    channel.onmessage = onProgress;
    return call<ReconnectProgress>("reconnect_connection", { id, systemBrowser, onProgress: channel });
  },
  confirmReconnect: (id, sessionId, accept) => call<ReconnectProgress>("confirm_reconnect", { id, sessionId, accept }),
  signOut: () => call<void>("sign_out"),
};

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
