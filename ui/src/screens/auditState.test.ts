import { describe, expect, it } from "vitest";
import type { AuditReport, Finding } from "../backend";
import { folderOptions, groupFindings } from "./auditState";

function finding(rule: string, severity: Finding["severity"], process: string, folderPath: string): Finding {
  return {
    rule,
    severity,
    process: { key: `${folderPath}/${process}`, name: process, folderPath },
    binding: null,
    connector: null,
    connection: null,
    title: rule,
    explanation: "",
    fix: "",
    location: null,
  };
}

const findings = [
  finding("binding-attended-ok", "info", "Triage", "Shared"),
  finding("configurable-by-users-unattended", "error", "Invoices", "Shared"),
  finding("bound-connection-unhealthy", "error", "Vendor Sync", "Finance"),
  finding("delegated-owner-not-run-identity", "warning", "Invoices", "Shared"),
  finding("one-connection-many-machines", "error", "Invoices", "Shared"),
];
const report: AuditReport = { summary: { processes: 4, errors: 3, warnings: 1, infos: 1 }, findings, problems: [], usage: [] };

describe("audit view state", () => {
  it("groups errors first, then warnings, then notes, by process", () => {
    const groups = groupFindings(findings, "all");
    expect(groups.map((g) => [g.severity, g.count])).toEqual([
      ["error", 3],
      ["warning", 1],
      ["info", 1],
    ]);
    const errors = groups[0]!;
    expect(errors.processes.map((p) => p.name)).toEqual(["Vendor Sync", "Invoices"]);
    expect(errors.processes[1]!.findings.map((f) => f.rule)).toEqual(["configurable-by-users-unattended", "one-connection-many-machines"]);
  });

  it("filters by folder and drops empty groups", () => {
    const groups = groupFindings(findings, "Finance");
    expect(groups.map((g) => g.severity)).toEqual(["error"]);
    expect(groups[0]!.processes.map((p) => p.name)).toEqual(["Vendor Sync"]);
  });

  it("offers the folders that have findings", () => {
    expect(folderOptions(report)).toEqual(["Finance", "Shared"]);
  });
});
