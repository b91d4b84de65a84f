// The health view's state: results arrive in batches from the backend and are
// kept by connection id (a second check replaces the first), so the view
// re-renders a few times a second, not once per row. Sorting and filtering
// happen here, not in the DOM.
import type { ApiError, FolderError, HealthEvent, HealthResult, HealthSummary } from "../backend";

export interface HealthState {
  running: boolean;
  total: number | null;
  results: Map<string, HealthResult>;
  folderErrors: FolderError[];
  error: ApiError | null;
  onlyProblems: boolean;
}

export const initialHealth: HealthState = { running: false, total: null, results: new Map(), folderErrors: [], error: null, onlyProblems: true };

export type HealthAction =
  | { type: "start" }
  | { type: "event"; event: HealthEvent }
  | { type: "finished" }
  | { type: "failed"; error: ApiError }
  | { type: "onlyProblems"; value: boolean };

export function reduceHealth(state: HealthState, action: HealthAction): HealthState {
  switch (action.type) {
    case "start":
      return { ...state, running: true, total: null, folderErrors: [], error: null };
    case "event": {
      const e = action.event;
      if (e.event === "started") return { ...state, total: e.data.total, results: new Map() };
      if (e.event === "folderFailed") return { ...state, folderErrors: [...state.folderErrors, e.data] };
      const results = new Map(state.results);
      for (const r of e.data) results.set(r.connection.id, r);
      return { ...state, results };
    }
    case "finished":
      return { ...state, running: false };
    case "failed":
      return { ...state, running: false, error: action.error };
    case "onlyProblems":
      return { ...state, onlyProblems: action.value };
  }
}

/** Broken: it does not work now (anything but healthy or only expiring soon), as in core. */
export function isBroken(status: HealthResult["status"]): boolean {
  return status !== "healthy" && status !== "expiring_soon";
}

/** Broken first, then expiring soon, then healthy; by folder and name within. */
export function rankOf(r: HealthResult): number {
  return r.status === "healthy" ? 2 : r.status === "expiring_soon" ? 1 : 0;
}

export function shownResults(state: HealthState): HealthResult[] {
  return [...state.results.values()]
    .filter((r) => !state.onlyProblems || r.status !== "healthy")
    .sort(
      (a, b) =>
        rankOf(a) - rankOf(b) ||
        a.connection.folder.path.localeCompare(b.connection.folder.path) ||
        a.connection.name.localeCompare(b.connection.name),
    );
}

export function summarize(state: HealthState): HealthSummary {
  const s: HealthSummary = { checked: 0, healthy: 0, expiringSoon: 0, broken: 0, unpinged: 0 };
  for (const r of state.results.values()) {
    s.checked += 1;
    if (isBroken(r.status)) s.broken += 1;
    else if (r.status === "healthy") s.healthy += 1;
    else s.expiringSoon += 1;
    if (r.evidence === "state") s.unpinged += 1;
  }
  return s;
}
