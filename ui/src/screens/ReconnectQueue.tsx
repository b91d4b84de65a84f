// Reconnecting many connections in one sitting: one consent after another in
// the embedded window (or the system browser, per connector), with Retry and
// Skip on a failure, Stop (the one in progress finishes), a confirmation
// when another account consented, and a summary at the end.
import { useEffect, useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { toApiError, type Backend, type ReconnectProgress } from "../backend";
import { prefersSystemBrowser } from "./Reconnect";
import { advance, ended, started, skip, stop, summary, type Queue } from "./queueState";
import { systemBrowserFor, useSettings } from "./settingsContext";

export function ReconnectQueue({ backend, queue, onQueue, onClose }: { backend: Backend; queue: Queue; onQueue: (q: Queue) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const { settings } = useSettings();
  const [confirming, setConfirming] = useState<ReconnectProgress | null>(null);
  const latest = useRef(queue);
  latest.current = queue;
  const item = queue.current === null ? null : queue.items[queue.current];

  const outcome = (p: ReconnectProgress) => {
    if (p.status === "completed") {
      onQueue(advance(ended(latest.current, "done", p.identity ? t("queue.as", { identity: p.identity }) : null)));
    } else if (p.status === "needs_confirmation") {
      setConfirming(p);
      onQueue(ended(latest.current, "confirm", t("queue.otherConsented", { identity: p.identity, previous: p.previousIdentity })));
    } else {
      onQueue(ended(latest.current, "failed", p.failure ? `${p.failure.cause} ${p.failure.fix}` : t("consent.didNotFinish")));
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
    <section className="queue" aria-label={t("queue.label")} id="queue">
      <h2>
        {t("queue.position", { position, total: queue.items.length })}
        {queue.stopping && queue.current !== null && t("queue.stopping")}
      </h2>
      <ol>
        {queue.items.map((it) => (
          <li key={it.id} data-id={it.id} data-state={it.state} className={`queue-${it.state}`}>
            <b>{it.name}</b> — {t(`queue.state.${it.state}`)}
            {it.note && <span className="muted"> {it.note}</span>}
          </li>
        ))}
      </ol>
      {item?.state === "confirm" && confirming && (
        <div className="banner banner-invalid_input" role="alert" id="queue-confirm">
          <p>
            <Trans
              i18nKey="queue.confirm"
              values={{ identity: confirming.identity, name: item.name, previous: confirming.previousIdentity }}
              components={{ b: <b /> }}
            />
          </p>
          <button type="button" className="secondary narrow" id="queue-accept" onClick={() => void confirm(true)}>
            {t("queue.use", { identity: confirming.identity })}
          </button>{" "}
          <button type="button" className="secondary narrow" id="queue-reject" onClick={() => void confirm(false)}>
            {t("queue.keep")}
          </button>
        </div>
      )}
      <div className="reconnect-actions">
        {item?.state === "failed" && (
          <>
            <button type="button" className="primary narrow" id="queue-retry" onClick={retry}>
              {t("queue.retry")}
            </button>
            <button type="button" className="secondary narrow" id="queue-skip" onClick={() => onQueue(skip(queue))}>
              {t("queue.skip")}
            </button>
          </>
        )}
        {queue.current !== null && !queue.stopping && (
          <button type="button" className="secondary narrow" id="queue-stop" onClick={() => onQueue(item?.state === "failed" ? advance(stop(queue)) : stop(queue))}>
            {t("queue.stop")}
          </button>
        )}
        {queue.current === null && (
          <>
            <p id="queue-summary">
              {t("queue.summary", { done: s.done, failed: s.failed, skipped: s.skipped })}
            </p>
            <button type="button" className="secondary narrow" id="queue-close" onClick={onClose}>
              {t("queue.close")}
            </button>
          </>
        )}
      </div>
    </section>
  );
}
