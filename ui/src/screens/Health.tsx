// "Check all" for helpdesk staff: every visible connection pinged through the
// tenant, with a progress bar, a stop button, and the results as they come
// (in batches): what is broken or about to break, why, and what to do. A row
// opens the connection in the list, where it can be reconnected.
import { useEffect, useReducer, useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError, type ApiError, type AuditReport, type Backend, type HealthResult } from "../backend";
import { t as translate } from "../i18n";
import { dateTime, day } from "../i18n/format";
import { initialHealth, isBroken, reduceHealth, shownResults, summarize } from "./healthState";
import { canReconnect, newQueue, whoMustAct, type Queue } from "./queueState";
import { ReconnectQueue } from "./ReconnectQueue";

/** The "ask them" message with its copy button. */
function Ask({ who, message }: { who: string; message: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState(false);
  return (
    <div className="ask">
      <button type="button" className="link ask-toggle" onClick={() => setOpen(!open)}>
        {t("health.mustAct", { who })}
      </button>
      {open && (
        <div className="copy-row">
          <textarea className="ask-message" readOnly rows={3} value={message} onFocus={(e) => e.currentTarget.select()} />
          <button
            type="button"
            className="secondary narrow"
            onClick={() =>
              void navigator.clipboard.writeText(message).then(
                () => setCopied(true),
                () => {},
              )
            }
          >
            {copied ? t("consent.copied") : t("consent.copy")}
          </button>
        </div>
      )}
    </div>
  );
}

/** "Used by 3 processes, 2 unattended", from the audit's bindings. */
export function impact(usage: AuditReport["usage"] | undefined, id: string): string | null {
  const processes = usage?.find((u) => u.connectionId === id)?.processes ?? [];
  if (processes.length === 0) return null;
  const unattended = processes.filter((p) => p.unattended).length;
  const folders = [...new Set(processes.map((p) => p.folderPath))];
  const used = translate("health.usedBy", { count: processes.length });
  return unattended > 0
    ? translate("health.usedByUnattended", { used, unattended, folders: folders.join(", ") })
    : translate("health.usedByIn", { used, folders: folders.join(", ") });
}

export function Health({
  backend,
  usage,
  onShowConnection,
  onResults,
}: {
  backend: Backend;
  /** Told the latest results whenever they change (the list shows the checked status). */
  onResults?: (results: HealthResult[]) => void;
  /** Which processes bind each connection (from the audit), when known. */
  usage?: AuditReport["usage"];
  onShowConnection: (id: string) => void;
}) {
  const { t } = useTranslation();
  const [state, dispatch] = useReducer(reduceHealth, initialHealth);
  const [exported, setExported] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [queue, setQueue] = useState<Queue | null>(null);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const summary = summarize(state);
  useEffect(() => {
    if (state.results.size > 0) onResults?.([...state.results.values()]);
  }, [state.results, onResults]);
  const exportAs = async (format: "csv" | "json") => {
    setExported(null);
    setExportError(null);
    try {
      const done = await backend.saveHealthExport(format);
      if (done) setExported(t("health.saved", { rows: done.rows, path: done.path }));
    } catch (e) {
      setExportError(toApiError(e));
    }
  };
  const rows = shownResults(state);

  const check = async () => {
    dispatch({ type: "start" });
    try {
      await backend.checkHealth((event) => dispatch({ type: "event", event }));
      dispatch({ type: "finished" });
    } catch (e) {
      dispatch({ type: "failed", error: toApiError(e) });
    }
  };

  return (
    <main className="health" aria-labelledby="health-title">
      <div className="header">
        <div>
          <h1 id="health-title">{t("health.title")}</h1>
          <p className="lead">{t("health.lead")}</p>
        </div>
        <div className="reconnect-actions">
          {state.running ? (
            <button type="button" className="secondary narrow" id="health-stop" onClick={() => void backend.stopHealth()}>
              {t("health.stop")}
            </button>
          ) : (
            <button type="button" className="primary narrow" id="health-check" onClick={() => void check()}>
              {state.total === null ? t("health.checkAll") : t("health.checkAgain")}
            </button>
          )}
          {summary.checked > 0 && !state.running && (
            <>
              <button type="button" className="secondary narrow" id="health-export-csv" onClick={() => void exportAs("csv")}>
                {t("health.exportCsv")}
              </button>
              <button type="button" className="secondary narrow" id="health-export-json" onClick={() => void exportAs("json")}>
                {t("health.exportJson")}
              </button>
            </>
          )}
        </div>
      </div>
      {state.total !== null && (
        <div className="health-progress" aria-live="polite">
          <progress id="health-progress" max={Math.max(state.total, 1)} value={summary.checked} />
          <span id="health-counts">
            {t("health.counts", { checked: summary.checked, total: state.total, broken: summary.broken, expiringSoon: summary.expiringSoon, healthy: summary.healthy })}
            {summary.unpinged > 0 && t("health.unpinged", { count: summary.unpinged })}
          </span>
        </div>
      )}
      {exported && <p id="health-exported">{exported}</p>}
      {summary.checked > 0 && !state.running && (
        <button
          type="button"
          className="link"
          id="health-clear-history"
          onClick={() =>
            void backend.clearHealthHistory().then(
              () => setExported(t("health.forgotten")),
              (e) => setExportError(toApiError(e)),
            )
          }
        >
          {t("health.forget")}
        </button>
      )}
      {exportError && (
        <div className={`banner banner-${exportError.code}`} role="alert" id="health-export-error">
          {exportError.message}
        </div>
      )}
      {state.error && (
        <div className={`banner banner-${state.error.code === "cancelled" ? "invalid_input" : state.error.code}`} role="alert" id="health-error">
          {state.error.message}
        </div>
      )}
      {state.folderErrors.map((e) => (
        <div key={e.folder.key} className="banner banner-forbidden" role="alert">
          {t("health.folderNotChecked", { path: e.folder.path, message: e.error.message })}
        </div>
      ))}
      {state.total !== null && (
        <label className="toggle">
          <input type="checkbox" id="health-only-problems" checked={state.onlyProblems} onChange={(e) => dispatch({ type: "onlyProblems", value: e.target.checked })} />
          {t("health.onlyProblems")}
        </label>
      )}
      {queue && (
        <ReconnectQueue
          backend={backend}
          queue={queue}
          onQueue={setQueue}
          onClose={() => {
            setQueue(null);
            setPicked(new Set());
          }}
        />
      )}
      {!queue && picked.size > 0 && (
        <button
          type="button"
          className="primary narrow"
          id="queue-start"
          onClick={() =>
            setQueue(
              newQueue(
                rows
                  .filter((r) => picked.has(r.connection.id))
                  .map((r) => ({ id: r.connection.id, name: r.connection.name, connectorKey: r.connection.connectorKey, folderKey: r.connection.folder.key })),
              ),
            )
          }
        >
          {t("health.reconnectSelected", { count: picked.size })}
        </button>
      )}
      {rows.length > 0 && (
        <table className="grid health-grid" id="health-results">
          <thead>
            <tr>
              <th scope="col" title={t("health.colSelectHint")}>
                {t("health.colSelect")}
              </th>
              <th scope="col">{t("health.colStatus")}</th>
              <th scope="col">{t("health.colConnection")}</th>
              <th scope="col">{t("health.colFolder")}</th>
              <th scope="col">{t("health.colOwner")}</th>
              <th scope="col">{t("health.colWhy")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.connection.id} data-id={r.connection.id} data-status={r.status}>
                <td>
                  {r.status !== "healthy" && canReconnect(r) && (
                    <input
                      type="checkbox"
                      className="health-select"
                      aria-label={t("health.reconnectOne", { name: r.connection.name })}
                      checked={picked.has(r.connection.id)}
                      disabled={queue !== null}
                      onChange={(e) => {
                        const next = new Set(picked);
                        if (e.target.checked) next.add(r.connection.id);
                        else next.delete(r.connection.id);
                        setPicked(next);
                      }}
                    />
                  )}
                </td>
                <td>
                  <span className={`badge health-${r.status}`}>{t(`status.${r.status}`)}</span>
                  {r.lapsesOn && <div className="muted lapses-on">{t("health.lapsesOn", { day: day(r.lapsesOn) })}</div>}
                </td>
                <td>
                  <button type="button" className="link" onClick={() => onShowConnection(r.connection.id)}>
                    {r.connection.name}
                  </button>
                  <div className="muted">{r.connection.connectorName}</div>
                  {impact(usage, r.connection.id) && (
                    <div className="impact" title={usage?.find((u) => u.connectionId === r.connection.id)?.processes.map((p) => p.process).join(", ")}>
                      {impact(usage, r.connection.id)}
                    </div>
                  )}
                </td>
                <td>{r.connection.folder.path}</td>
                <td>{r.connection.ownerLabel}</td>
                <td>
                  {r.failingSince && (
                    <p className="failing-since">
                      {t("health.failingSince", { when: dateTime(r.failingSince) })}
                      {r.previousStatus !== null && !isBroken(r.previousStatus) && (
                        <span className="tag new-failure">{t("health.newSinceLast")}</span>
                      )}
                    </p>
                  )}
                  <p className="why">{r.explanation.cause}</p>
                  <p className="fix">{r.explanation.fix}</p>
                  {r.status !== "healthy" && !canReconnect(r) && <Ask {...whoMustAct(r)} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {state.total !== null && !state.running && rows.length === 0 && !state.error && <p id="health-all-good">{t("health.allGood")}</p>}
    </main>
  );
}
