import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { toApiError, type Backend, type ConnectionRow, type ConnectionState, type ListEvent, type SessionInfo } from "../backend";
import { useTranslation } from "react-i18next";
import { dateTime, since } from "../i18n/format";
import { ConnectionDetails, type AttendedChoice } from "./ConnectionDetails";
import type { CheckedStatus } from "../signedInState";
import { ConnectorIcon } from "./ConnectorIcon";
import {
  brokenCount,
  connectorOptions,
  folderPaths,
  initialState,
  owners,
  reduce,
  visibleItems,
  visibleRows,
  type SortKey,
} from "./connectionsState";

// Fixed column widths (table-layout: fixed): filtering never makes columns jump,
// and long values end in an ellipsis instead of breaking mid-word. A width of
// null shares what is left. Headings are `list.col.<key>` in the catalogue.
const COLUMNS: { key: SortKey; width: string | null }[] = [
  { key: "state", width: "6.5rem" },
  { key: "name", width: null },
  { key: "connectorName", width: "16%" },
  { key: "identity", width: null },
  { key: "owner", width: "11%" },
  { key: "folder", width: "11%" },
  { key: "lastUsed", width: "6.75rem" },
];

/** The details pane's width: dragged or moved with the arrow keys on its separator, kept for the next launch. */
const PANE_KEY = "connassist.detailWidth";
const PANE_MIN = 240;
const PANE_DEFAULT = 280;
function paneMax(): number {
  return Math.max(PANE_MIN, Math.round((typeof window === "undefined" ? 1100 : window.innerWidth) * 0.5));
}
function clampPane(width: number): number {
  return Math.round(Math.min(paneMax(), Math.max(PANE_MIN, width)));
}
function savedPaneWidth(): number {
  try {
    const saved = Number(localStorage.getItem(PANE_KEY));
    return saved > 0 ? clampPane(saved) : PANE_DEFAULT;
  } catch {
    return PANE_DEFAULT;
  }
}
const STATES: ConnectionState[] = ["Enabled", "Expired", "Failed", "Disabled", "Unknown"];

export function Connections({
  backend,
  session,
  onSignOut,
  focus = null,
  onRows,
  chosenFor = {},
  reload = null,
  attended,
  checked = {},
}: {
  backend: Backend;
  session: SessionInfo;
  onSignOut: () => void;
  /** A connection to select (from the audit's "Show connection"); a new object each time. */
  focus?: { id: string } | null;
  /** Told the rows whenever they change (the audit offers the user's own). */
  onRows?: (rows: ConnectionRow[]) => void;
  /** Processes each connection was chosen for by this user (attended selections). */
  chosenFor?: Record<string, string[]>;
  /** List a folder again (a connection was created there); a new object each time. */
  reload?: { folder: string } | null;
  /** The attended processes the user's own connections could run with. */
  attended?: AttendedChoice;
  /** The latest check of each connection: one status word, with its cause, instead of the reported state. */
  checked?: Record<string, CheckedStatus>;
}) {
  const { t } = useTranslation();
  const [state, dispatch] = useReducer(reduce, initialState);
  const tableRef = useRef<HTMLTableSectionElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const paneRef = useRef<HTMLElement>(null);
  const [paneWidth, setPaneWidth] = useState(savedPaneWidth);
  const resizePane = (width: number) => {
    const next = clampPane(width);
    setPaneWidth(next);
    try {
      localStorage.setItem(PANE_KEY, String(next));
    } catch {
      // Not kept (storage refused): the width still applies to this session.
    }
  };
  const rows = visibleRows(state);
  const items = visibleItems(state);
  // What the filters offer and the counts, once per listing: a scroll renders this
  // screen, and 50,000 rows must not be walked for every frame.
  const folderChoices = useMemo(() => folderPaths({ ...initialState, rows: state.rows, errors: state.errors }), [state.rows, state.errors]);
  const connectorChoices = useMemo(() => connectorOptions({ ...initialState, rows: state.rows }), [state.rows]);
  const ownerChoices = useMemo(() => owners({ ...initialState, rows: state.rows }), [state.rows]);
  const broken = useMemo(() => brokenCount({ ...initialState, rows: state.rows }), [state.rows]);
  const selected = state.rows.find((r) => r.id === state.selected) ?? null;
  // Only the rows in view are in the DOM, so 10,000 connections scroll smoothly.
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 44,
    overscan: 12,
    getItemKey: (index) => {
      const item = items[index];
      return item === undefined ? index : item.kind === "row" ? item.row.id : `group:${item.path}`;
    },
  });
  const shown = virtualizer.getVirtualItems();
  const padTop = shown[0]?.start ?? 0;
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (shown[shown.length - 1]?.end ?? 0));

  const load = useCallback(
    async (folder?: string) => {
      dispatch({ type: "listing", folder });
      // A big tenant answers folder by folder (500 events for 500 folders); the
      // table is redrawn once per frame with what arrived, not once per folder.
      const pending: ListEvent[] = [];
      let scheduled = false;
      const flush = () => {
        scheduled = false;
        if (pending.length > 0) dispatch({ type: "events", events: pending.splice(0) });
      };
      try {
        await backend.listConnections((event) => {
          pending.push(event);
          if (!scheduled) {
            scheduled = true;
            requestAnimationFrame(flush);
          }
        }, folder);
        flush();
        dispatch({ type: "finished" });
      } catch (e) {
        flush();
        dispatch({ type: "failed", error: toApiError(e) });
      }
    },
    [backend],
  );

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (reload) void load(reload.folder || undefined);
  }, [reload, load]);

  useEffect(() => {
    onRows?.(state.rows);
  }, [onRows, state.rows]);

  // Select the connection another view asked for, once it is listed; filters
  // that would hide it are cleared.
  const focusListed = focus !== null && state.rows.some((r) => r.id === focus.id);
  useEffect(() => {
    if (!focus || !focusListed) return;
    dispatch({ type: "reveal", id: focus.id });
  }, [focus, focusListed]);
  const focusMissing = focus !== null && !focusListed && !state.loading;

  // Keep the selected row in view, and keyboard focus on it.
  const selectedIndex = items.findIndex((i) => i.kind === "row" && i.row.id === state.selected);
  useEffect(() => {
    if (selectedIndex < 0) return;
    const keyboard = document.activeElement?.closest("tbody") === tableRef.current;
    virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
    if (!keyboard) return;
    const focus = () =>
      tableRef.current?.querySelector<HTMLTableRowElement>(`tr[data-index="${selectedIndex}"]`)?.focus({ preventScroll: true });
    requestAnimationFrame(focus);
  }, [selectedIndex, virtualizer]);

  // The table is one Tab stop (roving tabindex): the selected row, else the first.
  const tabRow = rows.some((r) => r.id === state.selected) ? state.selected : (rows[0]?.id ?? null);
  const rowsPerPage = () => Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 440) / 44) - 1);
  const focusRow = (id: string | null) => {
    const index = items.findIndex((i) => i.kind === "row" && i.row.id === id);
    if (index < 0) return;
    virtualizer.scrollToIndex(index, { align: "auto" });
    requestAnimationFrame(() => tableRef.current?.querySelector<HTMLTableRowElement>(`tr[data-index="${index}"]`)?.focus({ preventScroll: true }));
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const first = rows[0]?.id ?? null;
    const last = rows[rows.length - 1]?.id ?? null;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp":
        dispatch({ type: "move", by: e.key === "ArrowDown" ? 1 : -1 });
        break;
      case "PageDown":
      case "PageUp":
        dispatch({ type: "move", by: (e.key === "PageDown" ? 1 : -1) * rowsPerPage() });
        break;
      case "Home":
        dispatch({ type: "select", id: first });
        break;
      case "End":
        dispatch({ type: "select", id: last });
        break;
      case "Enter":
        if (!selected) return;
        // Into the details pane; Escape there comes back to this row.
        requestAnimationFrame(() => paneRef.current?.focus());
        break;
      case "Escape":
        dispatch({ type: "select", id: null });
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const progress = state.folders > 0 ? Math.round((100 * state.done) / state.folders) : 0;
  return (
    <section className="connections" aria-labelledby="connections-title">
      <div className="session-bar">
        <div>
          <h1 id="connections-title">{t("list.title")}</h1>
          <p className="lead">
            {session.user} · {session.tenant.url}
            {session.sandbox && <span className="tag">{t("list.sandbox")}</span>}
          </p>
        </div>
        <button type="button" className="secondary narrow" id="sign-out" onClick={onSignOut}>
          {t("list.signOut")}
        </button>
      </div>

      <div className="toolbar" role="search">
        <input
          id="search"
          type="search"
          placeholder={t("list.searchPlaceholder")}
          aria-label={t("list.searchLabel")}
          value={state.query}
          onChange={(e) => dispatch({ type: "query", query: e.target.value })}
        />
        <select aria-label={t("list.stateLabel")} id="state-filter" value={state.stateFilter} onChange={(e) => dispatch({ type: "stateFilter", value: e.target.value as ConnectionState | "all" })}>
          <option value="all">{t("list.allStates")}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state.${s}`)}
            </option>
          ))}
        </select>
        <select aria-label={t("list.folderLabel")} id="folder-filter" value={state.folderFilter} onChange={(e) => dispatch({ type: "folderFilter", value: e.target.value })}>
          <option value="all">{t("list.allFolders")}</option>
          {folderChoices.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <select aria-label={t("list.connectorLabel")} id="connector-filter" value={state.connectorFilter} onChange={(e) => dispatch({ type: "connectorFilter", value: e.target.value })}>
          <option value="all">{t("list.allConnectors")}</option>
          {connectorChoices.map((c) => (
            <option key={c.key} value={c.key}>
              {c.name}
            </option>
          ))}
        </select>
        <select aria-label={t("list.ownerLabel")} id="owner-filter" value={state.ownerFilter} onChange={(e) => dispatch({ type: "ownerFilter", value: e.target.value })}>
          <option value="all">{t("list.allOwners")}</option>
          {ownerChoices.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <label className="toggle">
          <input type="checkbox" id="group-by-folder" checked={state.groupByFolder} onChange={(e) => dispatch({ type: "groupByFolder", value: e.target.checked })} />
          {t("list.groupByFolder")}
        </label>
        <button type="button" className="secondary narrow" id="refresh" onClick={() => void load()} disabled={state.loading}>
          {t("list.refresh")}
        </button>
      </div>

      <div className="status-line" aria-live="polite" id="list-status">
        {state.loading ? (
          <>
            <progress max={100} value={progress} aria-label={t("list.foldersListed")} />
            <span>{t("list.listing", { done: state.done, total: state.folders || "?" })}</span>
          </>
        ) : (
          <span>
            {t("list.counts", { rows: state.rows.length, folders: state.folders })}
            {broken > 0 && t("list.needAttention", { count: broken })}
            {rows.length !== state.rows.length && t("list.shown", { count: rows.length })}
          </span>
        )}
      </div>

      {focusMissing && (
        <div className="banner banner-invalid_input" role="alert" id="focus-missing">
          {t("list.focusMissing")}
        </div>
      )}
      {state.failure && (
        <div className="banner banner-internal" role="alert" id="list-failure">
          {state.failure.message}
        </div>
      )}
      {state.errors.map((e) => (
        <div key={e.folder.key} className="banner banner-invalid_input folder-error" role="alert">
          <span>
            <b>{e.folder.path}</b>: {e.error.message}
          </span>
          <button type="button" className="secondary narrow" onClick={() => void load(e.folder.path)} disabled={state.loading}>
            {t("list.retry")}
          </button>
        </div>
      ))}

      <div className="list-and-detail">
        <div className="grid-scroll" ref={scrollRef}>
        <table className="grid" aria-label={t("list.title")} aria-rowcount={rows.length + 1}>
          <colgroup>
            {COLUMNS.map((c) => (
              <col key={c.key} style={c.width ? { width: c.width } : undefined} />
            ))}
          </colgroup>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} scope="col" aria-sort={state.sort.key === c.key ? (state.sort.ascending ? "ascending" : "descending") : "none"}>
                  <button type="button" className="sort" onClick={() => dispatch({ type: "sort", key: c.key })}>
                    {t(`list.col.${c.key}`)}
                    {state.sort.key === c.key ? (state.sort.ascending ? " ▲" : " ▼") : ""}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody ref={tableRef} onKeyDown={onKeyDown}>
            {padTop > 0 && <tr aria-hidden="true" className="spacer" style={{ height: padTop }} />}
            {shown.map((item) => {
              const entry = items[item.index];
              if (!entry) return null;
              if (entry.kind === "group") {
                return (
                  <tr key={`group:${entry.path}`} data-index={item.index} ref={virtualizer.measureElement} className="group">
                    <th colSpan={COLUMNS.length} scope="rowgroup" title={entry.path}>
                      {entry.path}
                      {entry.personal && <span className="tag">{t("list.personal")}</span>}
                      <span className="count">{entry.count}</span>
                    </th>
                  </tr>
                );
              }
              const r = entry.row;
              return (
              <tr
                key={r.id}
                data-id={r.id}
                data-index={item.index}
                ref={virtualizer.measureElement}
                aria-rowindex={item.index + 2}
                tabIndex={r.id === tabRow ? 0 : -1}
                aria-selected={r.id === state.selected}
                onClick={() => dispatch({ type: "select", id: r.id })}
                onFocus={() => r.id !== state.selected && dispatch({ type: "select", id: r.id })}
              >
                <td>
                  {checked[r.id] ? (
                    <span className={`badge health-${checked[r.id]!.status}`} title={checked[r.id]!.cause} data-checked="true">
                      {t(`status.${checked[r.id]!.status}`)}
                    </span>
                  ) : (
                    <span className={`badge badge-${r.state}`}>{t(`state.${r.state}`)}</span>
                  )}
                </td>
                <td className="name" title={r.name}>
                  {r.name}
                  {r.isDefault && <span className="tag">{t("list.default")}</span>}
                  {chosenFor[r.id] && <span className="tag chosen">{t("list.yourChoice")}</span>}
                </td>
                <td title={`${r.connectorName} (${r.authLabel})`}>
                  <span className="connector">
                    <ConnectorIcon connectorKey={r.connectorKey} name={r.connectorName} />
                    <span>
                      {r.connectorName}
                      {r.authType && <span className="tag">{r.authKind ? t(`auth.short.${r.authKind}`) : r.authLabel}</span>}
                    </span>
                  </span>
                </td>
                <td title={r.identity}>{r.identity}</td>
                {r.ownerReported ? (
                  <td title={r.owner}>{r.owner}</td>
                ) : (
                  <td className="muted" title={r.ownerLabel}>
                    {t("list.notReported")}
                  </td>
                )}
                <td title={r.folder.path}>
                  {r.folder.path}
                  {r.folder.personal && <span className="tag">{t("list.personal")}</span>}
                </td>
                <td className="muted" title={dateTime(r.lastUsed)}>{since(r.lastUsed)}</td>
              </tr>
              );
            })}
            {padBottom > 0 && <tr aria-hidden="true" className="spacer" style={{ height: padBottom }} />}
            {!state.loading && rows.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length} className="empty">
                  {state.rows.length === 0 ? t("list.empty") : t("list.noMatch")}
                </td>
              </tr>
            )}
          </tbody>
        </table>
        </div>
        {selected && (
          <>
            <PaneSeparator width={paneWidth} onResize={resizePane} />
            <ConnectionDetails
              row={selected}
              chosenFor={chosenFor[selected.id] ?? []}
              backend={backend}
              onChanged={() => void load(selected.folder.path)}
              attended={attended}
              checked={checked[selected.id]}
              paneRef={paneRef}
              width={paneWidth}
              onBack={() => focusRow(selected.id)}
            />
          </>
        )}
      </div>
    </section>
  );
}

/** The handle between the table and the details pane: drag it, or focus it and use the arrow keys. */
function PaneSeparator({ width, onResize }: { width: number; onResize: (width: number) => void }) {
  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const startX = e.clientX;
    const startWidth = width;
    const move = (ev: PointerEvent) => onResize(startWidth + (startX - ev.clientX));
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      handle.removeEventListener("pointercancel", up);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    handle.addEventListener("pointercancel", up);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const step = e.shiftKey ? 80 : 20;
    if (e.key === "ArrowLeft") onResize(width + step);
    else if (e.key === "ArrowRight") onResize(width - step);
    else if (e.key === "Home") onResize(PANE_MIN);
    else if (e.key === "End") onResize(paneMax());
    else return;
    e.preventDefault();
  };
  return (
    <div
      className="pane-separator"
      id="detail-separator"
      role="separator"
      aria-orientation="vertical"
      aria-label="Width of the details pane"
      aria-controls="detail"
      aria-valuenow={width}
      aria-valuemin={PANE_MIN}
      aria-valuemax={paneMax()}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}
