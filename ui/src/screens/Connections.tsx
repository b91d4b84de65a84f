import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useReducer, useRef } from "react";
import { toApiError, type Backend, type ConnectionRow, type ConnectionState, type SessionInfo } from "../backend";
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

/** The columns, in order; their headings are `list.col.<key>` in the catalogue. */
const COLUMNS: { key: SortKey }[] = [{ key: "state" }, { key: "name" }, { key: "connectorName" }, { key: "identity" }, { key: "owner" }, { key: "folder" }, { key: "lastUsed" }];
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
  const rows = visibleRows(state);
  const items = visibleItems(state);
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
      try {
        await backend.listConnections((event) => dispatch({ type: "event", event }), folder);
        dispatch({ type: "finished" });
      } catch (e) {
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

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      dispatch({ type: "move", by: e.key === "ArrowDown" ? 1 : -1 });
    } else if (e.key === "Escape") {
      dispatch({ type: "select", id: null });
    }
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
          {folderPaths(state).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <select aria-label={t("list.connectorLabel")} id="connector-filter" value={state.connectorFilter} onChange={(e) => dispatch({ type: "connectorFilter", value: e.target.value })}>
          <option value="all">{t("list.allConnectors")}</option>
          {connectorOptions(state).map((c) => (
            <option key={c.key} value={c.key}>
              {c.name}
            </option>
          ))}
        </select>
        <select aria-label={t("list.ownerLabel")} id="owner-filter" value={state.ownerFilter} onChange={(e) => dispatch({ type: "ownerFilter", value: e.target.value })}>
          <option value="all">{t("list.allOwners")}</option>
          {owners(state).map((o) => (
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
            {brokenCount(state) > 0 && t("list.needAttention", { count: brokenCount(state) })}
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
                    <th colSpan={COLUMNS.length} scope="rowgroup">
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
                tabIndex={0}
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
                <td className="name">
                  {r.name}
                  {r.isDefault && <span className="tag">{t("list.default")}</span>}
                  {chosenFor[r.id] && <span className="tag chosen">{t("list.yourChoice")}</span>}
                </td>
                <td>
                  <span className="connector">
                    <ConnectorIcon connectorKey={r.connectorKey} name={r.connectorName} />
                    <span>
                      {r.connectorName}
                      {r.authType && <span className="tag">{r.authKind ? t(`auth.short.${r.authKind}`) : r.authLabel}</span>}
                    </span>
                  </span>
                </td>
                <td>{r.identity}</td>
                {r.ownerReported ? (
                  <td>{r.owner}</td>
                ) : (
                  <td className="muted" title={r.ownerLabel}>
                    {t("list.notReported")}
                  </td>
                )}
                <td>
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
          <ConnectionDetails
            row={selected}
            chosenFor={chosenFor[selected.id] ?? []}
            backend={backend}
            onChanged={() => void load(selected.folder.path)}
            attended={attended}
            checked={checked[selected.id]}
          />
        )}
      </div>
    </section>
  );
}
