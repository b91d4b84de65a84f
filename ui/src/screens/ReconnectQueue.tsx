// Reconnecting many connections in one sitting: one consent after another in
// the embedded window (or the system browser, per connector), with Retry and
// Skip on a failure, Stop (the one in progress finishes), a confirmation
// when another account consented, and a summary at the end.
import { useEffect, useRef, useState } from "react";
import { toApiError, type Backend, type ReconnectProgress } from "../backend";
import { prefersSystemBrowser } from "./Reconnect";
import { advance, ended, started, skip, stop, summary, type Queue } from "./queueState";
import { systemBrowserFor, useSettings } from "./settingsContext";

export function ReconnectQueue({ backend, queue, onQueue, onClose }: { backend: Backend; queue: Queue; onQueue: (q: Queue) => void; onClose: () => void }) {
  const { settings } = useSettings();
  const [confirming, setConfirming] = useState<ReconnectProgress | null>(null);
  const latest = useRef(queue);
  latest.current = queue;
  const item = queue.current === null ? null : queue.items[queue.current];

  const outcome = (p: ReconnectProgress) => {
    if (p.status === "completed") {
      onQueue(advance(ended(latest.current, "done", p.identity ? `as ${p.identity}` : null)));
    } else if (p.status === "needs_confirmation") {
      setConfirming(p);
      onQueue(ended(latest.current, "confirm", `${p.identity} consented, not ${p.previousIdentity}`));
    } else {
      onQueue(ended(latest.current, "failed", p.failure ? `${p.failure.cause} ${p.failure.fix}` : "The consent did not finish."));
    }
  };

  // Runs the item in hand when it is waiting.
  useEffect(() => {
    if (!item || item.state !== "waiting") return;
    onQueue(started(latest.current));
    const system = systemBrowserFor(settings, item.connectorKey, prefersSystemBrowser(item.connectorKey));
    backend
      .reconnectConnection(item.id, item.folderKey, system, () => {})
      .then(outcome, (e) => onQueue(ended(latest.current, "failed", toApiError(e).message)));
  }, [item?.id, item?.state]);

  const confirm = async (accept: boolean) => {
    if (!item || !confirming) return;
    setConfirming(null);
    try {
      outcome(await backend.confirmReconnect(item.id, confirming.sessionId, accept));
    } catch (e) {
      onQueue(ended(latest.current, "failed", toApiError(e).message));
    }
  };
  const retry = () => {
    if (queue.current === null) return;
    onQueue({ ...queue, items: queue.items.map((it, i) => (i === queue.current ? { ...it, state: "waiting", note: null } : it)) });
  };

  const s = summary(queue);
  const position = queue.current === null ? queue.items.length : queue.current + 1;
  return (
    <section className="queue" aria-label="Reconnect queue" id="queue">
      <h2>
        Reconnecting {position} of {queue.items.length}
        {queue.stopping && queue.current !== null && " (stopping after this one)"}
      </h2>
      <ol>
        {queue.items.map((it) => (
          <li key={it.id} data-id={it.id} data-state={it.state} className={`queue-${it.state}`}>
            <b>{it.name}</b> — {QUEUE_LABELS[it.state]}
            {it.note && <span className="muted"> {it.note}</span>}
          </li>
        ))}
      </ol>
      {item?.state === "confirm" && confirming && (
        <div className="banner banner-invalid_input" role="alert" id="queue-confirm">
          <p>
            The consent was given by <b>{confirming.identity}</b>, but {item.name} acted as <b>{confirming.previousIdentity}</b>.
          </p>
          <button type="button" className="secondary narrow" id="queue-accept" onClick={() => void confirm(true)}>
            Use {confirming.identity}
          </button>{" "}
          <button type="button" className="secondary narrow" id="queue-reject" onClick={() => void confirm(false)}>
            Keep it as it was
          </button>
        </div>
      )}
      <div className="reconnect-actions">
        {item?.state === "failed" && (
          <>
            <button type="button" className="primary narrow" id="queue-retry" onClick={retry}>
              Retry
            </button>
            <button type="button" className="secondary narrow" id="queue-skip" onClick={() => onQueue(skip(queue))}>
              Skip
            </button>
          </>
        )}
        {queue.current !== null && !queue.stopping && (
          <button type="button" className="secondary narrow" id="queue-stop" onClick={() => onQueue(item?.state === "failed" ? advance(stop(queue)) : stop(queue))}>
            Stop
          </button>
        )}
        {queue.current === null && (
          <>
            <p id="queue-summary">
              Done: {s.done} reconnected, {s.failed} failed, {s.skipped} skipped.
            </p>
            <button type="button" className="secondary narrow" id="queue-close" onClick={onClose}>
              Close
            </button>
          </>
        )}
      </div>
    </section>
  );
}

const QUEUE_LABELS: Record<string, string> = {
  waiting: "waiting",
  running: "consent in progress…",
  confirm: "another account consented: confirm",
  done: "reconnected",
  failed: "failed",
  skipped: "skipped",
};
