// The attended choice where attended users look: the processes that let each
// person pick their own connection (the audit's `binding-attended-ok`
// findings), which of them a connection could serve, what the user chose, and
// whether the audit's count in the navigation is theirs to act on. Pure, so
// Vitest covers it.
import type { AuditReport, ConnectionRow, Selections } from "../backend";

/** One binding a user picks their own connection for. */
export interface AttendedBinding {
  releaseKey: string;
  bindingKey: string;
  process: string;
  folderPath: string;
  /** The connector it needs; null when the package does not say. */
  connector: string | null;
}

/** Every binding of the tenant's attended processes that users configure. */
export function attendedBindings(report: AuditReport | null): AttendedBinding[] {
  return (report?.findings ?? []).flatMap((f) =>
    f.rule === "binding-attended-ok" && f.binding !== null
      ? [{ releaseKey: f.process.key, bindingKey: f.binding, process: f.process.name, folderPath: f.process.folderPath, connector: f.connector }]
      : [],
  );
}

/** The bindings `row` could serve: its connector's, and only if it is the user's. */
export function bindingsFor(all: AttendedBinding[], row: ConnectionRow): AttendedBinding[] {
  if (!row.mine) return [];
  return all.filter((b) => b.connector === null || b.connector === row.connectorKey);
}

/** The connection the user chose for `b`, if any. */
export function chosen(selections: Selections | null, b: AttendedBinding): string | null {
  return selections?.selections.find((s) => s.releaseKey === b.releaseKey && s.bindingKey === b.bindingKey)?.connectionId ?? null;
}

/**
 * Rules whose fix the owner of the connection carries out by reconnecting it
 * (a broken connection; permissions it lacks). The other rules' fixes change
 * a process, its binding or a folder: the work of whoever maintains the
 * processes, not of an attended user whose connection they bound.
 */
const FIXED_BY_RECONNECTING = new Set(["bound-connection-unhealthy", "missing-scopes"]);

/**
 * The audit's count in the navigation: findings that need action, and
 * whether the user can act on any (only then an alert): one about their own
 * connection that reconnecting it fixes. An attended user is not first
 * greeted by a red count of errors only a process developer or an
 * administrator can fix.
 */
export function auditBadge(report: AuditReport | null, own: ConnectionRow[]): { count: number; alert: boolean } {
  if (!report) return { count: 0, alert: false };
  const mine = new Set(own.map((r) => r.id));
  const needAction = report.findings.filter((f) => f.severity !== "info");
  return {
    count: needAction.length,
    alert: needAction.some((f) => FIXED_BY_RECONNECTING.has(f.rule) && f.connection?.id != null && mine.has(f.connection.id)),
  };
}
