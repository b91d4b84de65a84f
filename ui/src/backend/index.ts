// Picks the backend once: Tauri IPC inside the desktop app, the fake in a
// plain browser. Screens receive it as a prop so tests can pass their own.
import { fakeBackend } from "./fake";
import { inTauri, tauriBackend } from "./tauri";
import type { Backend } from "./types";

export type {
  ApiError,
  AuthKind,
  Capabilities,
  Handoff,
  ConnectorInfo,
  CreateOutcome,
  Explanation,
  FolderChoice,
  FailureStatus,
  HealthEvent,
  HealthResult,
  HealthSummary,
  NewConnection,
  Settings,
  AuditProblem,
  AuditReport,
  Finding,
  ReconnectProgress,
  ReconnectStatus,
  Selection,
  Selections,
  SelectionStorage,
  Severity,
  Backend,
  ConnectionRow,
  ConnectionState,
  ErrorCode,
  FolderError,
  FolderSummary,
  ListEvent,
  SessionInfo,
  TenantUrl,
  UpdateCheck,
} from "./types";
export { toApiError } from "./errors";

export const backend: Backend = inTauri() ? tauriBackend : fakeBackend;
