// The Audit view's pure logic: grouping findings by severity, then by process,
// and the folder filter. Kept out of the component so Vitest covers it.
import type { AuditReport, Finding, Severity } from "../backend";
import { t } from "../i18n";

export const SEVERITIES: { severity: Severity; label: string }[] = (["error", "warning", "info"] as const).map((severity) => ({
  severity,
  label: t(`audit.severity.${severity}`),
}));

export interface ProcessFindings {
  key: string;
  name: string;
  folderPath: string;
  findings: Finding[];
}

export interface SeverityGroup {
  severity: Severity;
  label: string;
  count: number;
  processes: ProcessFindings[];
}

/** Folders that have findings, sorted, for the folder filter. */
export function folderOptions(report: AuditReport | null): string[] {
  if (!report) return [];
  return [...new Set(report.findings.map((f) => f.process.folderPath))].sort((a, b) => a.localeCompare(b));
}

/** Findings grouped by severity (errors first), then by process within each. */
export function groupFindings(findings: Finding[], folder: string): SeverityGroup[] {
  const shown = folder === "all" ? findings : findings.filter((f) => f.process.folderPath === folder);
  return SEVERITIES.map(({ severity, label }) => {
    const inGroup = shown.filter((f) => f.severity === severity);
    const byProcess = new Map<string, ProcessFindings>();
    for (const f of inGroup) {
      const entry = byProcess.get(f.process.key) ?? { key: f.process.key, name: f.process.name, folderPath: f.process.folderPath, findings: [] };
      entry.findings.push(f);
      byProcess.set(f.process.key, entry);
    }
    const processes = [...byProcess.values()].sort((a, b) => a.folderPath.localeCompare(b.folderPath) || a.name.localeCompare(b.name));
    return { severity, label, count: inGroup.length, processes };
  }).filter((g) => g.count > 0);
}
