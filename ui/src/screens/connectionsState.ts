// State of the connections list as a pure reducer, so its rules are tested
// without a browser: rows arrive folder by folder (a retry replaces that
// folder's rows and error), filters and sorting never lose rows, and the
// selection follows the keyboard within what is visible.
import type { ApiError, ConnectionRow, ConnectionState, FolderError, ListEvent } from "../backend";

export type SortKey = "state" | "name" | "connectorName" | "identity" | "owner" | "folder" | "lastUsed";

export interface State {
  rows: ConnectionRow[];
  errors: FolderError[];
  /** Folders in the current listing, and how many have answered. */
  folders: number;
  done: number;
  loading: boolean;
  /** What is being listed: everything, or one folder path being retried. */
  scope: "all" | string;
  /** The listing as a whole failed (no folders at all). */
  failure: ApiError | null;
  query: string;
  stateFilter: ConnectionState | "all";
  folderFilter: string | "all";
  connectorFilter: string | "all";
  ownerFilter: string | "all";
  groupByFolder: boolean;
  sort: { key: SortKey; ascending: boolean };
  selected: string | null;
}

export type Action =
  | { type: "listing"; folder?: string }
  | { type: "event"; event: ListEvent }
  /** Events that arrived within one frame, applied in order (one redraw for them all). */
  | { type: "events"; events: ListEvent[] }
  | { type: "finished" }
  | { type: "failed"; error: ApiError }
  | { type: "query"; query: string }
  | { type: "stateFilter"; value: ConnectionState | "all" }
  | { type: "folderFilter"; value: string | "all" }
  | { type: "connectorFilter"; value: string | "all" }
  | { type: "ownerFilter"; value: string | "all" }
  | { type: "groupByFolder"; value: boolean }
  | { type: "sort"; key: SortKey }
  | { type: "select"; id: string | null }
  /** Select a row and clear whatever filter hides it (a link from another view). */
  | { type: "reveal"; id: string }
  | { type: "move"; by: number };

export const initialState: State = {
  rows: [],
  errors: [],
  folders: 0,
  done: 0,
  // The screen lists on arrival: never show "0 connections" before asking.
  loading: true,
  scope: "all",
  failure: null,
  query: "",
  stateFilter: "all",
  folderFilter: "all",
  connectorFilter: "all",
  ownerFilter: "all",
  groupByFolder: false,
  sort: { key: "folder", ascending: true },
  selected: null,
};

function inFolder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

export function reduce(state: State, action: Action): State {
  switch (action.type) {
    case "listing":
      // A full listing starts over; a folder retry keeps the other folders.
      return action.folder === undefined
        ? { ...state, rows: [], errors: [], folders: 0, done: 0, loading: true, scope: "all", failure: null }
        : { ...state, loading: true, scope: action.folder, failure: null };
    case "event": {
      const e = action.event;
      // Progress counts the full listing only; a retry re-lists a counted folder.
      const counted = state.scope === "all" ? 1 : 0;
      switch (e.event) {
        case "started":
          return state.scope === "all" ? { ...state, folders: e.data.folders, done: 0 } : state;
        case "folder": {
          const key = e.data.folder.key;
          return {
            ...state,
            rows: [...state.rows.filter((r) => r.folder.key !== key), ...e.data.connections],
            errors: state.errors.filter((x) => x.folder.key !== key),
            done: state.done + counted,
          };
        }
        case "folderFailed": {
          const key = e.data.folder.key;
          return {
            ...state,
            rows: state.rows.filter((r) => r.folder.key !== key),
            errors: [...state.errors.filter((x) => x.folder.key !== key), e.data],
            done: state.done + counted,
          };
        }
      }
      return state;
    }
    case "events":
      return action.events.reduce((next, event) => reduce(next, { type: "event", event }), state);
    case "finished":
      return { ...state, loading: false };
    case "failed":
      return { ...state, loading: false, failure: action.error };
    case "query":
      return { ...state, query: action.query };
    case "stateFilter":
      return { ...state, stateFilter: action.value };
    case "folderFilter":
      return { ...state, folderFilter: action.value };
    case "connectorFilter":
      return { ...state, connectorFilter: action.value };
    case "ownerFilter":
      return { ...state, ownerFilter: action.value };
    case "groupByFolder":
      return { ...state, groupByFolder: action.value };
    case "sort":
      return {
        ...state,
        sort: { key: action.key, ascending: state.sort.key === action.key ? !state.sort.ascending : true },
      };
    case "select":
      return { ...state, selected: action.id };
    case "reveal": {
      const hidden = !visibleRows(state).some((r) => r.id === action.id);
      const cleared = hidden
        ? { query: "", stateFilter: "all" as const, folderFilter: "all", connectorFilter: "all", ownerFilter: "all" }
        : {};
      return { ...state, ...cleared, selected: action.id };
    }
    case "move": {
      const rows = visibleRows(state);
      if (rows.length === 0) return state;
      const at = rows.findIndex((r) => r.id === state.selected);
      const next = at < 0 ? (action.by > 0 ? 0 : rows.length - 1) : Math.max(0, Math.min(rows.length - 1, at + action.by));
      return { ...state, selected: rows[next]?.id ?? null };
    }
  }
}

const STATE_ORDER: Record<ConnectionState, number> = { Failed: 0, Expired: 1, Disabled: 2, Unknown: 3, Enabled: 4 };

function sortValue(r: ConnectionRow, key: SortKey): string | number {
  switch (key) {
    case "state":
      return STATE_ORDER[r.state];
    case "folder":
      return r.folder.path.toLowerCase();
    case "lastUsed":
      // Most recently used first when ascending; never used last.
      return r.lastUsed ? -new Date(r.lastUsed).getTime() : Number.MAX_SAFE_INTEGER;
    default:
      return r[key].toLowerCase();
  }
}

// localeCompare's order, with the collator built once instead of per call.
const collator = new Intl.Collator();

// Each row's lower-cased search text, computed once per row object (rows are
// replaced, never changed, so a listing of 50,000 is lower-cased once, not per keystroke).
const haystacks = new WeakMap<ConnectionRow, string>();
function haystack(r: ConnectionRow): string {
  let text = haystacks.get(r);
  if (text === undefined) {
    text = [r.name, r.identity, r.owner, r.connectorName, r.connectorKey, r.folder.path].join("\u0000").toLowerCase();
    haystacks.set(r, text);
  }
  return text;
}

// The last answer of visibleRows, by what it depends on: the screen asks on every
// render (a scroll renders), and a state that only moved the selection gives the same rows.
let memo: { inputs: unknown[]; rows: ConnectionRow[] } | null = null;

/** The rows to show: filtered by search, state and folder, then sorted (name breaks ties). */
export function visibleRows(state: State): ConnectionRow[] {
  const inputs = [state.rows, state.query, state.stateFilter, state.folderFilter, state.connectorFilter, state.ownerFilter, state.groupByFolder, state.sort.key, state.sort.ascending];
  if (memo && memo.inputs.every((v, i) => v === inputs[i])) return memo.rows;
  const q = state.query.trim().toLowerCase();
  const rows = state.rows.filter(
    (r) =>
      (state.stateFilter === "all" || r.state === state.stateFilter) &&
      (state.folderFilter === "all" || inFolder(r.folder.path, state.folderFilter)) &&
      (state.connectorFilter === "all" || r.connectorKey === state.connectorFilter) &&
      (state.ownerFilter === "all" || r.owner === state.ownerFilter) &&
      (q === "" || haystack(r).includes(q)),
  );
  const { key, ascending } = state.sort;
  const dir = ascending ? 1 : -1;
  // Sort keys computed once per row, not once per comparison.
  const keyed = rows.map((row) => ({ row, folder: state.groupByFolder ? row.folder.path.toLowerCase() : "", value: sortValue(row, key) }));
  keyed.sort((a, b) => {
    // Grouped, folders come first; the chosen column sorts within each folder.
    if (state.groupByFolder) {
      const byFolder = collator.compare(a.folder, b.folder);
      if (byFolder !== 0) return byFolder;
    }
    const [x, y] = [a.value, b.value];
    if (x < y) return -dir;
    if (x > y) return dir;
    return collator.compare(a.row.name, b.row.name);
  });
  const sorted = keyed.map((k) => k.row);
  memo = { inputs, rows: sorted };
  return sorted;
}

export type Item =
  | { kind: "group"; path: string; personal: boolean; count: number }
  | { kind: "row"; row: ConnectionRow };

let itemsMemo: { rows: ConnectionRow[]; items: Item[] } | null = null;

/** What the table shows, in order: rows, with a header before each folder when grouped. */
export function visibleItems(state: State): Item[] {
  const rows = visibleRows(state);
  if (itemsMemo?.rows === rows) return itemsMemo.items;
  const items = groupedItems(rows, state.groupByFolder);
  itemsMemo = { rows, items };
  return items;
}

function groupedItems(rows: ConnectionRow[], groupByFolder: boolean): Item[] {
  if (!groupByFolder) return rows.map((row) => ({ kind: "row", row }));
  const items: Item[] = [];
  let group: Extract<Item, { kind: "group" }> | null = null;
  for (const row of rows) {
    if (group === null || group.path !== row.folder.path) {
      group = { kind: "group", path: row.folder.path, personal: row.folder.personal, count: 0 };
      items.push(group);
    }
    group.count += 1;
    items.push({ kind: "row", row });
  }
  return items;
}

/** Connectors seen in this listing, for the connector filter. */
export function connectorOptions(state: State): { key: string; name: string }[] {
  const seen = new Map(state.rows.map((r) => [r.connectorKey, r.connectorName]));
  return [...seen].map(([key, name]) => ({ key, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Owners seen in this listing, for the owner filter. */
export function owners(state: State): string[] {
  return [...new Set(state.rows.map((r) => r.owner).filter((o) => o !== ""))].sort((a, b) => a.localeCompare(b));
}

/** Folder paths seen in this listing (rows or errors), for the folder filter. */
export function folderPaths(state: State): string[] {
  const paths = new Set([...state.rows.map((r) => r.folder.path), ...state.errors.map((e) => e.folder.path)]);
  return [...paths].sort((a, b) => a.localeCompare(b));
}

/** How many rows need attention: anything not Enabled. */
export function brokenCount(state: State): number {
  return state.rows.filter((r) => r.state !== "Enabled").length;
}
