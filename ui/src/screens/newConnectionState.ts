// The "New connection" screen's state as a pure reducer, like the other
// screens: the catalogue and folders loading, the search, the picked
// connector and its form, and one creation run (its consent progress, the
// hand-off, the outcome). Its rules are tested without a browser: picking a
// connector resets the form's choices and the last outcome; secrets are
// dropped once used but kept when creating fails, so nothing typed is lost.
import type {
  ApiError,
  AuthKind,
  ConnectorInfo,
  CreateOutcome,
  FolderChoice,
  Handoff,
  NewConnection as NewConnectionRequest,
  ReconnectProgress,
} from "../backend";

export interface Form {
  folderKey: string;
  name: string;
  auth: AuthKind;
  sharedMailbox: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  secretExpiresAt: string;
  certificate: string;
}

export const EMPTY_FORM: Form = {
  folderKey: "",
  name: "",
  auth: "delegated",
  sharedMailbox: "",
  clientId: "",
  clientSecret: "",
  tenantId: "",
  secretExpiresAt: "",
  certificate: "",
};

export interface NewConnectionState {
  connectors: ConnectorInfo[] | null;
  folders: FolderChoice[];
  loadError: ApiError | null;
  query: string;
  connector: ConnectorInfo | null;
  form: Form;
  /** Consent in the system browser (else a window of the app). */
  system: boolean;
  running: boolean;
  progress: ReconnectProgress | null;
  error: ApiError | null;
  /** The connection made, once it exists. */
  createdId: string | null;
  handoff: Handoff | null;
}

export const initialNewConnection: NewConnectionState = {
  connectors: null,
  folders: [],
  loadError: null,
  query: "",
  connector: null,
  form: EMPTY_FORM,
  system: false,
  running: false,
  progress: null,
  error: null,
  createdId: null,
  handoff: null,
};

export type NewConnectionAction =
  | { type: "loaded"; connectors: ConnectorInfo[]; folders: FolderChoice[] }
  | { type: "loadFailed"; error: ApiError }
  | { type: "query"; query: string }
  | { type: "pick"; connector: ConnectorInfo; system: boolean }
  | { type: "edit"; patch: Partial<Form> }
  | { type: "system"; value: boolean }
  | { type: "start" }
  | { type: "progress"; progress: ReconnectProgress }
  | { type: "handoff"; handoff: Handoff }
  | { type: "outcome"; outcome: CreateOutcome }
  | { type: "failed"; error: ApiError };

const NO_OUTCOME = { progress: null, error: null, createdId: null, handoff: null } as const;

export function reduceNewConnection(state: NewConnectionState, action: NewConnectionAction): NewConnectionState {
  switch (action.type) {
    case "loaded": {
      // The first folder the user may create in is chosen unless one already is.
      const first = action.folders.find((f) => f.canCreate !== false);
      return {
        ...state,
        connectors: action.connectors,
        folders: action.folders,
        form: { ...state.form, folderKey: state.form.folderKey || first?.folder.key || "" },
      };
    }
    case "loadFailed":
      return { ...state, loadError: action.error };
    case "query":
      return { ...state, query: action.query };
    case "pick":
      return {
        ...state,
        ...NO_OUTCOME,
        connector: action.connector,
        system: action.system,
        form: { ...state.form, auth: action.connector.authTypes[0] ?? "delegated", sharedMailbox: "" },
      };
    case "edit":
      return { ...state, form: { ...state.form, ...action.patch } };
    case "system":
      return { ...state, system: action.value };
    case "start":
      return { ...state, ...NO_OUTCOME, running: true };
    case "progress":
      return { ...state, progress: action.progress };
    case "handoff":
      return { ...state, handoff: action.handoff };
    case "outcome": {
      const o = action.outcome;
      const createdId = o.kind === "created" ? o.connection.id : o.progress.status === "completed" ? o.connectionId : null;
      return {
        ...state,
        running: false,
        progress: o.kind === "consent" ? o.progress : state.progress,
        createdId,
        // Secrets are not kept once used.
        form: { ...state.form, clientSecret: "", certificate: "" },
      };
    }
    case "failed":
      return { ...state, running: false, error: action.error };
  }
}

/** Connectors whose name, key or description contains every word typed. */
export function searchConnectors(all: ConnectorInfo[], query: string): ConnectorInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return all.filter((c) => {
    const text = `${c.name} ${c.key} ${c.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The folder chosen in the form, if it is one of the folders offered. */
export function chosenFolder(state: NewConnectionState) {
  return state.folders.find((f) => f.folder.key === state.form.folderKey)?.folder ?? null;
}

/** What is sent to create: only the fields the chosen authentication uses, trimmed. */
export function request(connector: ConnectorInfo, form: Form): NewConnectionRequest {
  const text = (v: string) => (v.trim() === "" ? null : v.trim());
  const app = form.auth === "bringYourOwnApp" || form.auth === "clientCredentials";
  return {
    connectorKey: connector.key,
    folderKey: form.folderKey,
    name: text(form.name),
    auth: form.auth,
    sharedMailbox: connector.supportsSharedMailbox ? text(form.sharedMailbox) : null,
    clientId: app ? text(form.clientId) : null,
    clientSecret: app ? text(form.clientSecret) : null,
    tenantId: app ? text(form.tenantId) : null,
    secretExpiresAt: app ? text(form.secretExpiresAt) : null,
    certificate: form.auth === "clientCertificate" ? text(form.certificate) : null,
  };
}
