// The reconnect queue's bookkeeping: which connections are waiting, which one
// runs, how each ended, and the summary at the end. Pure, so the walk (next,
// retry, skip, stop) is tested without a window.
import type { HealthResult } from "../backend";
import { t } from "../i18n";

export type QueueItemState = "waiting" | "running" | "confirm" | "done" | "failed" | "skipped";

export interface QueueItem {
  id: string;
  name: string;
  connectorKey: string;
  /** The folder it lives in (the tenant wants it named). */
  folderKey: string | null;
  state: QueueItemState;
  /** Why it failed, or who it acts as now. */
  note: string | null;
}

export interface Queue {
  items: QueueItem[];
  /** Index of the item in hand, or null when the queue has ended. */
  current: number | null;
  stopping: boolean;
}

export function newQueue(rows: { id: string; name: string; connectorKey: string; folderKey?: string | null }[]): Queue {
  return {
    items: rows.map((r) => ({ ...r, folderKey: r.folderKey ?? null, state: "waiting", note: null })),
    current: rows.length > 0 ? 0 : null,
    stopping: false,
  };
}

function set(q: Queue, index: number, state: QueueItemState, note: string | null): Queue {
  return { ...q, items: q.items.map((it, i) => (i === index ? { ...it, state, note } : it)) };
}

/** The item in hand starts. */
export function started(q: Queue): Queue {
  return q.current === null ? q : set(q, q.current, "running", null);
}

/** The item in hand ended (done, failed, or waiting for a confirmation). */
export function ended(q: Queue, state: "done" | "failed" | "confirm", note: string | null): Queue {
  return q.current === null ? q : set(q, q.current, state, note);
}

/** On to the next waiting item; the rest are skipped when stopping. */
export function advance(q: Queue): Queue {
  if (q.current === null) return q;
  if (q.stopping) {
    return { ...q, current: null, items: q.items.map((it) => (it.state === "waiting" ? { ...it, state: "skipped" } : it)) };
  }
  const next = q.items.findIndex((it, i) => i > (q.current ?? -1) && it.state === "waiting");
  return { ...q, current: next < 0 ? null : next };
}

/** Skips the item in hand and moves on. */
export function skip(q: Queue): Queue {
  return q.current === null ? q : advance(set(q, q.current, "skipped", null));
}

export function stop(q: Queue): Queue {
  return { ...q, stopping: true };
}

export function summary(q: Queue): { done: number; failed: number; skipped: number } {
  const count = (s: QueueItemState) => q.items.filter((it) => it.state === s).length;
  return { done: count("done"), failed: count("failed"), skipped: count("skipped") };
}

/**
 * Whether the signed-in user can fix `r` by reconnecting: the row says
 * whether it is theirs to reconnect (`canReconnect`, decided in Rust: a
 * delegated connection of theirs, or one that acts as nobody yet), and the
 * failure whether reconnecting helps. Others would act as the user from then
 * on, so the person it acts as is asked.
 */
export function canReconnect(r: HealthResult): boolean {
  return r.connection.canReconnect && r.explanation.reconnectHelps;
}

/** Who must act on `r`, and a message to send them. */
export function whoMustAct(r: HealthResult): { who: string; message: string } {
  const c = r.connection;
  // An app-only connection acts as the app: its owner looks after the secret.
  const appOnly = c.authKind === "clientCredentials" || c.authKind === "clientCertificate";
  const person = appOnly ? (c.ownerReported ? c.owner : "") : c.identity || c.owner;
  const who = r.explanation.needsAdmin ? t("ask.admin") : person || t("ask.owner");
  // The cause already names the day it lapses (health::judge).
  const message = t("ask.message", { name: c.name, connector: c.connectorName, folder: c.folder.path, cause: r.explanation.cause, fix: r.explanation.fix });
  return { who, message };
}
