// Generated from src-tauri/src/command_table.rs by `cargo test -p connassist-app --lib`: do not edit.
import type { AuditReport } from "./AuditReport";
import type { Capabilities } from "./Capabilities";
import type { ConnectorInfo } from "./ConnectorInfo";
import type { CreateOutcome } from "./CreateOutcome";
import type { ExportFormat } from "./ExportFormat";
import type { FolderChoice } from "./FolderChoice";
import type { Handoff } from "./Handoff";
import type { HealthEvent } from "./HealthEvent";
import type { HealthSummary } from "./HealthSummary";
import type { ListEvent } from "./ListEvent";
import type { NewConnection } from "./NewConnection";
import type { OpenRequest } from "./OpenRequest";
import type { ReconnectProgress } from "./ReconnectProgress";
import type { Selections } from "./Selections";
import type { SessionInfo } from "./SessionInfo";
import type { Settings } from "./Settings";
import type { TenantUrl } from "./TenantUrl";
import type { UpdateCheck } from "./UpdateCheck";

/** Every command the app's main window may call, with its arguments and answer; each rejects with an `ApiError`. */
export interface Commands {
  /** Validates and normalizes a tenant URL; rejects with `invalid_input`. */
  checkTenantUrl(url: string): Promise<TenantUrl>;
  /** Signs in to the tenant at `url` as the external application `clientId` (a kept session if there is one, else in a sign-in window). */
  connectTenant(url: string, clientId: string): Promise<SessionInfo>;
  /** Starts the built-in sandbox tenant (its state kept in the app's data folder) and signs in to it (a sign-in window opens). */
  startSandbox(): Promise<SessionInfo>;
  /** Lists every connection the session can see; `onEvent` gets each folder's result as it completes. `folder` narrows to one folder path (a retry). */
  listConnections(onEvent: (message: ListEvent) => void, folder?: string | null): Promise<void>;
  /** Forgets the session. */
  signOut(): Promise<void>;
  /** Audits the connection bindings of every process the session can see (or of one folder and its subfolders): what an unattended run would reject. */
  runAudit(folder?: string | null): Promise<AuditReport>;
  /** The signed-in user's attended connection choices, and where they are kept. */
  listSelections(): Promise<Selections>;
  /** Picks the connection a binding configurable by users runs with for the signed-in user, or forgets the choice (`connectionId` null). */
  chooseConnection(releaseKey: string, bindingKey: string, connectionId?: string | null): Promise<void>;
  /** What the signed-in tenant offers (the probe at sign-in; `refresh` asks again). */
  tenantCapabilities(refresh: boolean): Promise<Capabilities>;
  /** Reconnects a connection (in the folder `folderKey`) in place: consent in an embedded window (or the system browser). `onProgress` first hears the start. Resolves with the outcome, which may be `needs_confirmation` (a tenant that asks when another account consented) or completed with `otherAccount` set (one that does not). */
  reconnectConnection(id: string, folderKey: string | null, systemBrowser: boolean, onProgress: (message: ReconnectProgress) => void): Promise<ReconnectProgress>;
  /** Accepts or rejects the other account that consented. */
  confirmReconnect(id: string, sessionId: string, accept: boolean): Promise<ReconnectProgress>;
  /** The connector catalogue, by name. */
  listConnectors(): Promise<Array<ConnectorInfo>>;
  /** Folders a new connection may go to (personal workspace first), with whether the user may create there. */
  listCreateFolders(): Promise<Array<FolderChoice>>;
  /** Creates a connection. Where the tenant creates through its API, types a person signs in to run their consent like a reconnect (`onProgress` as there) and the others come back created. Where it does not (every real tenant), its own page opens and `onHandoff` hears where and what to click; the new connection comes back once it appears. */
  createConnection(newArg: NewConnection, systemBrowser: boolean, onProgress: (message: ReconnectProgress) => void, onHandoff: (message: Handoff) => void): Promise<CreateOutcome>;
  /** The user's settings (defaults when none were saved). */
  getSettings(): Promise<Settings>;
  /** Saves the settings; rejects with `invalid_input` for values that cannot work. */
  saveSettings(settings: Settings): Promise<Settings>;
  /** Pings every visible connection (or one folder's); `onEvent` gets the total, then results in batches. Rejects with `cancelled` when stopped. */
  checkHealth(onEvent: (message: HealthEvent) => void, folder?: string | null): Promise<HealthSummary>;
  /** Stops the health check in progress (its results so far stay); false when none runs. */
  stopHealth(): Promise<boolean>;
  /** Writes the latest check's results to `path` as CSV or JSON; answers how many connections were written. */
  exportHealth(path: string, format: ExportFormat): Promise<number>;
  /** Forgets earlier checks ("failing since" starts again). */
  clearHealthHistory(): Promise<void>;
  /** Secret expiry dates recorded on this computer for the tenant, by connection id. */
  listRecordedExpiries(): Promise<{ [key in string]: string }>;
  /** Records when a connection's app secret expires (`null` forgets it); rejects a date that is not YYYY-MM-DD. */
  recordSecretExpiry(id: string, date?: string | null): Promise<void>;
  /** Starts the background checks of the user's own connections (tray badge, desktop notifications); `onOpen` is called when a notification or the tray asks to show a connection or the health view. */
  watchHealth(onOpen: (message: OpenRequest) => void): Promise<void>;
  /** Puts the sandbox tenant back to its first state: its kept state and its connections' health history are wiped, and a signed-in sandbox session ends. */
  resetSandbox(): Promise<void>;
  /** The version the user runs. */
  appVersion(): Promise<string>;
  /** Looks for a newer version; a newer one is downloaded and its signature verified before it is offered (`available`), or dropped (`refused`). Rejects with `unreachable` when the update server cannot be reached. */
  checkForUpdate(): Promise<UpdateCheck>;
  /** Installs the update last offered and restarts into it (only on the user's click). */
  installUpdate(): Promise<void>;
}

/** Each command's name over IPC and its arguments' names, in the order its method takes them. */
export const COMMANDS: { readonly [K in keyof Commands]: { readonly command: string; readonly args: readonly string[] } } = {
  checkTenantUrl: { command: "check_tenant_url", args: ["url"] },
  connectTenant: { command: "connect_tenant", args: ["url", "clientId"] },
  startSandbox: { command: "start_sandbox", args: [] },
  listConnections: { command: "list_connections", args: ["onEvent", "folder"] },
  signOut: { command: "sign_out", args: [] },
  runAudit: { command: "run_audit", args: ["folder"] },
  listSelections: { command: "list_selections", args: [] },
  chooseConnection: { command: "choose_connection", args: ["releaseKey", "bindingKey", "connectionId"] },
  tenantCapabilities: { command: "tenant_capabilities", args: ["refresh"] },
  reconnectConnection: { command: "reconnect_connection", args: ["id", "folderKey", "systemBrowser", "onProgress"] },
  confirmReconnect: { command: "confirm_reconnect", args: ["id", "sessionId", "accept"] },
  listConnectors: { command: "list_connectors", args: [] },
  listCreateFolders: { command: "list_create_folders", args: [] },
  createConnection: { command: "create_connection", args: ["new", "systemBrowser", "onProgress", "onHandoff"] },
  getSettings: { command: "get_settings", args: [] },
  saveSettings: { command: "save_settings", args: ["settings"] },
  checkHealth: { command: "check_health", args: ["onEvent", "folder"] },
  stopHealth: { command: "stop_health", args: [] },
  exportHealth: { command: "export_health", args: ["path", "format"] },
  clearHealthHistory: { command: "clear_health_history", args: [] },
  listRecordedExpiries: { command: "list_recorded_expiries", args: [] },
  recordSecretExpiry: { command: "record_secret_expiry", args: ["id", "date"] },
  watchHealth: { command: "watch_health", args: ["onOpen"] },
  resetSandbox: { command: "reset_sandbox", args: [] },
  appVersion: { command: "app_version", args: [] },
  checkForUpdate: { command: "check_for_update", args: [] },
  installUpdate: { command: "install_update", args: [] },
};
