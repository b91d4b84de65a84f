import { expect, it } from "vitest";
import type { AuditReport, ConnectionRow, Finding } from "../backend";
import { attendedBindings, auditBadge, bindingsFor, chosen } from "./attendedState";

function finding(rule: string, severity: Finding["severity"], connection: string | null, connector = "outlook"): Finding {
  return {
    rule,
    severity,
    process: { key: `p-${rule}`, name: `Process ${rule}`, folderPath: "Shared" },
    binding: `b-${rule}`,
    connector,
    connection: connection === null ? null : { id: connection, name: null, folderPath: "Shared" },
    title: "t",
    explanation: "e",
    fix: "f",
    location: null,
  };
}

function report(findings: Finding[]): AuditReport {
  const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
  return { findings, usage: [], problems: [], summary: { processes: 3, errors: count("error"), warnings: count("warning"), infos: count("info") } } as unknown as AuditReport;
}

function row(id: string, mine: boolean, connectorKey = "outlook"): ConnectionRow {
  return { id, mine, connectorKey } as ConnectionRow;
}

it("offers a user's own connection for the attended processes of its connector only", () => {
  const all = attendedBindings(report([finding("binding-attended-ok", "info", null), finding("missing-scopes", "warning", "c9")]));
  expect(all.map((b) => b.process)).toEqual(["Process binding-attended-ok"]);
  expect(bindingsFor(all, row("c1", true))).toHaveLength(1);
  expect(bindingsFor(all, row("c1", true, "gmail"))).toHaveLength(0);
  expect(bindingsFor(all, row("c2", false)), "someone else's connection").toHaveLength(0);
  const b = all[0]!;
  expect(chosen({ storage: "tenant", selections: [{ releaseKey: b.releaseKey, bindingKey: b.bindingKey, connectionId: "c1" }] }, b)).toBe("c1");
  expect(chosen(null, b)).toBeNull();
});

it("shows an attended user the count without an alert when no finding is his to fix", () => {
  const r = report([
    finding("bound-connection-unhealthy", "error", "robot"),
    finding("personal-workspace-connection-in-shared-folder", "error", "alex-outlook"),
    finding("delegated-owner-not-run-identity", "warning", "alex-outlook"),
    finding("missing-scopes", "warning", "c1"),
    finding("binding-attended-ok", "info", null),
  ]);
  // alex's connection is bound by someone else's process: moving the binding is not his to do.
  expect(auditBadge(r, [row("alex-outlook", true)])).toEqual({ count: 4, alert: false });
  // c1 lacks permissions: its owner reconnects it.
  expect(auditBadge(r, [row("c1", true)])).toEqual({ count: 4, alert: true });
  expect(auditBadge(null, [])).toEqual({ count: 0, alert: false });
});
