// The Audit view: every process's connection bindings judged by the audit's
// rules (crates/core/src/audit), grouped by severity then process. Each
// finding opens to say why it matters and what to do, and links to the
// connection it is about.
import { useState } from "react";
import type { ApiError, AuditReport, ConnectionRow, Finding, Selections } from "../backend";
import { folderOptions, groupFindings, ruleLabel } from "./auditState";

const MARKS = { error: "✖", warning: "▲", info: "●" } as const;

/** For a binding configurable by users: which of the user's own connections it runs with. */
function ChooseConnection({
  finding,
  own,
  selections,
  onChoose,
}: {
  finding: Finding;
  own: ConnectionRow[];
  selections: Selections | null;
  onChoose: (releaseKey: string, bindingKey: string, connectionId: string | null) => void;
}) {
  const binding = finding.binding;
  if (!binding) return null;
  const options = own.filter((c) => finding.connector === null || c.connectorKey === finding.connector);
  const chosen = selections?.selections.find((s) => s.releaseKey === finding.process.key && s.bindingKey === binding)?.connectionId ?? "";
  return (
    <div className="choose-connection">
      <label>
        Your connection for this process
        <select
          className="choose-connection-select"
          value={chosen}
          onChange={(e) => onChoose(finding.process.key, binding, e.target.value === "" ? null : e.target.value)}
        >
          <option value="">Not chosen (asked at run time)</option>
          {options.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} · {c.folder.path}
            </option>
          ))}
        </select>
      </label>
      {options.length === 0 && <p className="muted">You have no connection of this connector yet; create one in your workspace.</p>}
      {selections?.storage === "thisComputer" && (
        <p className="muted">Kept on this computer: the tenant offers no place for this choice, so the UiPath Assistant does not see it.</p>
      )}
    </div>
  );
}

export function Audit({
  report,
  loading,
  failure,
  onRefresh,
  onShowConnection,
  own = [],
  selections = null,
  choiceError = null,
  onChoose = () => undefined,
}: {
  report: AuditReport | null;
  loading: boolean;
  failure: ApiError | null;
  onRefresh: () => void;
  onShowConnection: (id: string) => void;
  own?: ConnectionRow[];
  selections?: Selections | null;
  choiceError?: ApiError | null;
  onChoose?: (releaseKey: string, bindingKey: string, connectionId: string | null) => void;
}) {
  const [folder, setFolder] = useState("all");
  const groups = report ? groupFindings(report.findings, folder) : [];
  const s = report?.summary;
  return (
    <section className="audit" aria-labelledby="audit-title">
      <div className="session-bar">
        <div>
          <h1 id="audit-title">Binding audit</h1>
          <p className="lead">What an unattended run would reject, or would fail on, found before it runs.</p>
        </div>
      </div>
      <div className="toolbar">
        <select aria-label="Folder" id="audit-folder" value={folder} onChange={(e) => setFolder(e.target.value)}>
          <option value="all">All folders</option>
          {folderOptions(report).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <button type="button" className="secondary narrow" id="audit-refresh" onClick={onRefresh} disabled={loading}>
          Audit again
        </button>
      </div>
      <div className="status-line" aria-live="polite" id="audit-status">
        {loading ? (
          <span>Auditing processes…</span>
        ) : s ? (
          <span>
            {s.processes} processes audited: {s.errors} errors, {s.warnings} warnings, {s.infos} notes
          </span>
        ) : null}
      </div>
      {failure && (
        <div className="banner banner-internal" role="alert" id="audit-failure">
          {failure.message}
        </div>
      )}
      {choiceError && (
        <div className="banner banner-invalid_input" role="alert" id="choice-error">
          {choiceError.message}
        </div>
      )}
      {report?.problems.map((p) => (
        <div key={`${p.folder}/${p.process ?? ""}`} className="banner banner-invalid_input" role="alert">
          <b>
            {p.folder}
            {p.process && ` › ${p.process}`}
          </b>
          : {p.error.message}
        </div>
      ))}
      {report && !loading && groups.length === 0 && <p className="empty-note">No findings: every binding here is fine for how its process runs.</p>}
      {groups.map((g) => (
        <section key={g.severity} className={`severity-group severity-${g.severity}`} data-severity={g.severity} aria-label={g.label}>
          <h2>
            {g.label} <span className="count">{g.count}</span>
          </h2>
          {g.processes.map((p) => (
            <article key={p.key} className="process-findings" data-process={p.name}>
              <h3>
                <span className="muted">{p.folderPath} › </span>
                {p.name}
              </h3>
              {p.findings.map((f, i) => (
                <details key={`${f.rule}/${f.binding ?? i}`} className="finding" data-rule={f.rule}>
                  <summary>
                    <span className={`mark mark-${f.severity}`} aria-hidden="true">
                      {MARKS[f.severity]}
                    </span>
                    <span className="finding-title">{f.title}</span>
                    <span className="tag">{ruleLabel(f.rule)}</span>
                  </summary>
                  <p className="why">
                    <b>Why: </b>
                    {f.explanation}
                  </p>
                  <p className="fix">
                    <b>Fix: </b>
                    {f.fix}
                  </p>
                  {f.rule === "binding-attended-ok" && <ChooseConnection finding={f} own={own} selections={selections} onChoose={onChoose} />}
                  {f.connection?.id && (
                    <button type="button" className="secondary narrow show-connection" onClick={() => onShowConnection(f.connection!.id!)}>
                      Show connection{f.connection.name ? ` “${f.connection.name}”` : ""}
                    </button>
                  )}
                </details>
              ))}
            </article>
          ))}
        </section>
      ))}
    </section>
  );
}
