// "Check all" for helpdesk staff: every visible connection pinged through the
// tenant, with a progress bar, a stop button, and the results as they come
// (in batches): what is broken or about to break, why, and what to do. A row
// opens the connection in the list, where it can be reconnected.
import { useReducer, useState } from "react";
import { toApiError, type ApiError, type AuditReport, type Backend } from "../backend";
import { initialHealth, isBroken, reduceHealth, shownResults, STATUS_LABELS, summarize } from "./healthState";
import { canReconnect, newQueue, whoMustAct, type Queue } from "./queueState";
import { ReconnectQueue } from "./ReconnectQueue";

/** The "ask them" message with its copy button. */
function Ask({ who, message }: { who: string; message: string }) {
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState(false);
  return (
    <div className="ask">
      <button type="button" className="link ask-toggle" onClick={() => setOpen(!open)}>
        {who} must act: message to send
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
            {copied ? "Copied" : "Copy"}
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
  return `Used by ${processes.length} process${processes.length === 1 ? "" : "es"}${unattended > 0 ? `, ${unattended} unattended` : ""} in ${folders.join(", ")}`;
}

export function Health({
  backend,
  usage,
  onShowConnection,
}: {
  backend: Backend;
  /** Which processes bind each connection (from the audit), when known. */
  usage?: AuditReport["usage"];
  onShowConnection: (id: string) => void;
}) {
  const [state, dispatch] = useReducer(reduceHealth, initialHealth);
  const [exported, setExported] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [queue, setQueue] = useState<Queue | null>(null);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const summary = summarize(state);
  const exportAs = async (format: "csv" | "json") => {
    setExported(null);
    setExportError(null);
    try {
      const done = await backend.saveHealthExport(format);
      if (done) setExported(`Saved ${done.rows} connections to ${done.path}.`);
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
          <h1 id="health-title">Health</h1>
          <p className="lead">Pings every connection you can see: what is broken or about to break, why, and what to do.</p>
        </div>
        <div className="reconnect-actions">
          {state.running ? (
            <button type="button" className="secondary narrow" id="health-stop" onClick={() => void backend.stopHealth()}>
              Stop
            </button>
          ) : (
            <button type="button" className="primary narrow" id="health-check" onClick={() => void check()}>
              {state.total === null ? "Check all" : "Check again"}
            </button>
          )}
          {summary.checked > 0 && !state.running && (
            <>
              <button type="button" className="secondary narrow" id="health-export-csv" onClick={() => void exportAs("csv")}>
                Export CSV
              </button>
              <button type="button" className="secondary narrow" id="health-export-json" onClick={() => void exportAs("json")}>
                Export JSON
              </button>
            </>
          )}
        </div>
      </div>
      {state.total !== null && (
        <div className="health-progress" aria-live="polite">
          <progress id="health-progress" max={Math.max(state.total, 1)} value={summary.checked} />
          <span id="health-counts">
            {summary.checked} of {state.total} checked: {summary.broken} broken, {summary.expiringSoon} expiring soon, {summary.healthy} healthy
            {summary.unpinged > 0 && ` (${summary.unpinged} could not be pinged: judged from their recorded state)`}
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
              () => setExported("Earlier checks forgotten: “failing since” starts with the next check."),
              (e) => setExportError(toApiError(e)),
            )
          }
        >
          Forget earlier checks
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
          {e.folder.path} was not checked: {e.error.message}
        </div>
      ))}
      {state.total !== null && (
        <label className="toggle">
          <input type="checkbox" id="health-only-problems" checked={state.onlyProblems} onChange={(e) => dispatch({ type: "onlyProblems", value: e.target.checked })} />
          Only connections that need action
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
          Reconnect {picked.size} selected
        </button>
      )}
      {rows.length > 0 && (
        <table className="grid health-grid" id="health-results">
          <thead>
            <tr>
              <th aria-label="Select" />
              <th>Status</th>
              <th>Connection</th>
              <th>Folder</th>
              <th>Owner</th>
              <th>Why, and what to do</th>
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
                      aria-label={`Reconnect ${r.connection.name}`}
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
                  <span className={`badge health-${r.status}`}>{STATUS_LABELS[r.status]}</span>
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
                <td>{r.connection.owner}</td>
                <td>
                  {r.failingSince && (
                    <p className="failing-since">
                      Failing since {new Date(r.failingSince).toLocaleString()}
                      {r.previousStatus !== null && !isBroken(r.previousStatus) && (
                        <span className="tag new-failure">new since the last check</span>
                      )}
                    </p>
                  )}
                  <p className="why">
                    {r.explanation.cause}
                    {r.lapsesOn && <b> Lapses on {r.lapsesOn}.</b>}
                  </p>
                  <p className="fix">{r.explanation.fix}</p>
                  {r.status !== "healthy" && !canReconnect(r) && <Ask {...whoMustAct(r)} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {state.total !== null && !state.running && rows.length === 0 && !state.error && <p id="health-all-good">Every connection checked is healthy.</p>}
    </main>
  );
}
