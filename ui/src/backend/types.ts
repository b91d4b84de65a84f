// The contract between the UI and whatever answers it: the desktop app over
// Tauri IPC, or the fake used in a plain browser. The commands and their
// types come from Rust (src/bindings: Commands.ts from the command table, the
// rest by ts-rs); every method rejects with an ApiError.
import type { ApiError } from "../bindings/ApiError";
import type { Commands } from "../bindings/Commands";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ListEvent } from "../bindings/ListEvent";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { TenantUrl } from "../bindings/TenantUrl";
import type { ConnectorInfo } from "../bindings/ConnectorInfo";
import type { CreateOutcome } from "../bindings/CreateOutcome";
import type { FolderChoice } from "../bindings/FolderChoice";
import type { NewConnection } from "../bindings/NewConnection";
import type { Settings } from "../bindings/Settings";
import type { HealthEvent } from "../bindings/HealthEvent";
import type { HealthSummary } from "../bindings/HealthSummary";
import type { OpenRequest } from "../bindings/OpenRequest";
import type { Capabilities } from "../bindings/Capabilities";
import type { Handoff } from "../bindings/Handoff";
import type { UpdateCheck } from "../bindings/UpdateCheck";

export type { ApiError, ListEvent, SessionInfo, TenantUrl };
export type { ConnectionRow } from "../bindings/ConnectionRow";
export type { ConnectionState } from "../bindings/ConnectionState";
export type { ErrorCode } from "../bindings/ErrorCode";
export type { FolderError } from "../bindings/FolderError";
export type { FolderSummary } from "../bindings/FolderSummary";
export type { AuditReport } from "../bindings/AuditReport";
export type { AuditProblem } from "../bindings/AuditProblem";
export type { Finding } from "../bindings/Finding";
export type { Severity } from "../bindings/Severity";
export type { Selection } from "../bindings/Selection";
export type { Selections } from "../bindings/Selections";
export type { SelectionStorage } from "../bindings/SelectionStorage";
export type { ReconnectProgress } from "../bindings/ReconnectProgress";
export type { ReconnectStatus } from "../bindings/ReconnectStatus";
export type { AuthKind } from "../bindings/AuthKind";
export type { Explanation } from "../bindings/Explanation";
export type { ConnectorInfo, CreateOutcome, FolderChoice, NewConnection, Settings, HealthEvent, HealthSummary, OpenRequest, UpdateCheck };
export type { HealthResult } from "../bindings/HealthResult";
export type { FailureStatus } from "../bindings/FailureStatus";
export type { Capabilities, Commands, ExportFormat, Handoff };
export type { Feature } from "../bindings/Feature";
export type { FeatureId } from "../bindings/FeatureId";

/**
 * What the screens call: every IPC command of the app (the interface
 * generated from src-tauri/src/command_table.rs, so a command added there
 * without its fake fails `tsc`), plus what only the UI composes.
 */
export interface Backend extends Commands {
  readonly kind: "tauri" | "fake";
  /**
   * Asks where to save the latest check's results (a save dialog), then
   * writes them there as CSV or JSON (`exportHealth`); null when the user
   * cancelled the dialog.
   */
  saveHealthExport(format: ExportFormat): Promise<{ path: string; rows: number } | null>;
}
