// The signed-in app's state as a pure reducer, like the screens': which view
// shows, a connection another view asked to show, the audit run once at
// sign-in, the listed rows (the audit offers the user's own for attended
// choices), the user's attended choices and the settings. Its rules are
// tested without a browser: asking to show a connection switches to the list;
// a failed choice keeps the rest; the user's own rows are the ones Rust
// marked `mine`, never re-decided here.
import type { ApiError, AuditReport, ConnectionRow, HealthResult, Selections, Settings } from "./backend";
import { DEFAULT_SETTINGS } from "./screens/settingsContext";

export type View = "connections" | "audit" | "health" | "new" | "settings";

export interface SignedInState {
  view: View;
  /** A connection to select in the list; a new object each time. */
  focus: { id: string } | null;
  report: AuditReport | null;
  auditing: boolean;
  failure: ApiError | null;
  rows: ConnectionRow[];
  selections: Selections | null;
  choiceError: ApiError | null;
  settings: Settings;
  /** A folder to list again (a connection was created there); a new object each time. */
  reload: { folder: string } | null;
  /** The latest check of each connection, by id: the list shows its status. */
  checked: Record<string, CheckedStatus>;
}

/** What the list shows of a connection's latest check: one status word, and its cause. */
export interface CheckedStatus {
  status: HealthResult["status"];
  cause: string;
  checkedAt: string;
}

export const initialSignedIn: SignedInState = {
  view: "connections",
  focus: null,
  report: null,
  auditing: true,
  failure: null,
  rows: [],
  selections: null,
  choiceError: null,
  settings: DEFAULT_SETTINGS,
  reload: null,
  checked: {},
};

export type SignedInAction =
  | { type: "show"; view: View }
  | { type: "showConnection"; id: string }
  | { type: "auditStarted" }
  | { type: "audited"; report: AuditReport }
  | { type: "auditFailed"; error: ApiError }
  | { type: "rows"; rows: ConnectionRow[] }
  | { type: "selections"; selections: Selections }
  | { type: "choosing" }
  | { type: "choiceFailed"; error: ApiError }
  | { type: "settings"; settings: Settings }
  | { type: "created"; folder: string; id: string; show: boolean }
  | { type: "checked"; results: HealthResult[] };

export function reduceSignedIn(state: SignedInState, action: SignedInAction): SignedInState {
  switch (action.type) {
    case "show":
      return { ...state, view: action.view };
    case "showConnection":
      return { ...state, view: "connections", focus: { id: action.id } };
    case "auditStarted":
      return { ...state, auditing: true, failure: null };
    case "audited":
      return { ...state, auditing: false, report: action.report };
    case "auditFailed":
      return { ...state, auditing: false, failure: action.error };
    case "rows":
      return { ...state, rows: action.rows };
    case "selections":
      return { ...state, selections: action.selections };
    case "choosing":
      return { ...state, choiceError: null };
    case "choiceFailed":
      return { ...state, choiceError: action.error };
    case "settings":
      return { ...state, settings: action.settings };
    case "checked": {
      const checked = { ...state.checked };
      for (const r of action.results) checked[r.connection.id] = { status: r.status, cause: r.explanation.cause, checkedAt: r.checkedAt };
      return { ...state, checked };
    }
    case "created": {
      const listed = { ...state, reload: { folder: action.folder } };
      return action.show ? { ...listed, view: "connections", focus: { id: action.id } } : listed;
    }
  }
}

/** The user's own connections, as Rust marked them. */
export function ownRows(state: SignedInState): ConnectionRow[] {
  return state.rows.filter((r) => r.mine);
}

/** Which processes each connection was chosen for, for the list's details. */
export function chosenFor(state: SignedInState): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of state.selections?.selections ?? []) {
    const name = state.report?.findings.find((f) => f.process.key === s.releaseKey)?.process.name ?? s.releaseKey;
    (out[s.connectionId] ??= []).push(name);
  }
  return out;
}
