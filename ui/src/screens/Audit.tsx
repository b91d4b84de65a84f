// The Audit view: every process's connection bindings judged by the audit's
// rules (crates/core/src/audit), grouped by severity then process. Each
// finding opens to say why it matters and what to do, and links to the
// connection it is about.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError, AuditReport, ConnectionRow, Finding, Selections } from "../backend";
import { attendedBindings, chosen, type AttendedBinding } from "./attendedState";
import { folderOptions, groupFindings } from "./auditState";

const MARKS = { error: "✖", warning: "▲", info: "●" } as const;

/** For a binding configurable by users: which of the user's own connections it runs with. */
function ChooseConnection({
  binding,
  own,
  selections,
  onChoose,
  className,
}: {
  binding: AttendedBinding;
  own: ConnectionRow[];
  selections: Selections | null;
  onChoose: (releaseKey: string, bindingKey: string, connectionId: string | null) => void;
  className: string;
}) {
  const { t } = useTranslation();
  const options = own.filter((c) => binding.connector === null || c.connectorKey === binding.connector);
  const current = chosen(selections, binding) ?? "";
  return (
    <div className="choose-connection">
      <label>
        {t("attended.control")}
        <select className={className} value={current} onChange={(e) => onChoose(binding.releaseKey, binding.bindingKey, e.target.value === "" ? null : e.target.value)}>
          <option value="">{t("attended.notChosen")}</option>
          {options.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} · {c.folder.path}
            </option>
          ))}
        </select>
      </label>
      {options.length === 0 && <p className="muted">{t("attended.noneOfYours")}</p>}
      {selections?.storage === "thisComputer" && <p className="muted">{t("attended.thisComputer")}</p>}
    </div>
  );
}

/** "Your attended processes": the choices an attended user makes, first and open. */
function AttendedProcesses({
  bindings,
  own,
  selections,
  onChoose,
}: {
  bindings: AttendedBinding[];
  own: ConnectionRow[];
  selections: Selections | null;
  onChoose: (releaseKey: string, bindingKey: string, connectionId: string | null) => void;
}) {
  const { t } = useTranslation();
  if (bindings.length === 0) return null;
  return (
    <section className="attended-processes" id="attended-processes" aria-labelledby="attended-title">
      <h2 id="attended-title">{t("attended.title")}</h2>
      <p className="lead">{t("attended.lead")}</p>
      {bindings.map((b) => (
        <article key={`${b.releaseKey}/${b.bindingKey}`} className="attended-process" data-process={b.process}>
          <h3>
            <span className="muted">{b.folderPath} › </span>
            {b.process}
          </h3>
          <ChooseConnection binding={b} own={own} selections={selections} onChoose={onChoose} className="attended-select" />
        </article>
      ))}
    </section>
  );
}

/** One finding: its summary opens to why and what to do, and says so. */
function FindingRow({ f, children }: { f: Finding; children: React.ReactNode }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <details className="finding" data-rule={f.rule} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary title={t("audit.opens")}>
        <span className="finding-opens" aria-hidden="true">
          {open ? "▾" : "▸"}
        </span>
        <span className={`mark mark-${f.severity}`} aria-hidden="true">
          {MARKS[f.severity]}
        </span>
        <span className="finding-title">{f.title}</span>
        <span className="tag">{t(`rule.${f.rule}`, { defaultValue: f.rule })}</span>
      </summary>
      {children}
    </details>
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
  const { t } = useTranslation();
  const [folder, setFolder] = useState("all");
  const attended = attendedBindings(report);
  const groups = report ? groupFindings(report.findings, folder) : [];
  const s = report?.summary;
  return (
    <section className="audit" aria-labelledby="audit-title">
      <div className="session-bar">
        <div>
          <h1 id="audit-title">{t("audit.title")}</h1>
          <p className="lead">{t("audit.lead")}</p>
        </div>
      </div>
      <div className="toolbar">
        <select aria-label={t("audit.folder")} id="audit-folder" value={folder} onChange={(e) => setFolder(e.target.value)}>
          <option value="all">{t("audit.allFolders")}</option>
          {folderOptions(report).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <button type="button" className="secondary narrow" id="audit-refresh" onClick={onRefresh} disabled={loading}>
          {t("audit.again")}
        </button>
      </div>
      <div className="status-line" aria-live="polite" id="audit-status">
        {loading ? (
          <span>{t("audit.running")}</span>
        ) : s ? (
          <span>{t("audit.summary", { processes: s.processes, errors: s.errors, warnings: s.warnings, infos: s.infos })}</span>
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
      {report && !loading && groups.length === 0 && <p className="empty-note">{t("audit.none")}</p>}
      <AttendedProcesses bindings={attended} own={own} selections={selections} onChoose={onChoose} />
      {groups.map((g) => (
        <section key={g.severity} className={`severity-group severity-${g.severity}`} data-severity={g.severity} aria-label={t(`audit.severity.${g.severity}`)}>
          <h2>
            {t(`audit.severity.${g.severity}`)} <span className="count">{g.count}</span>
          </h2>
          {g.processes.map((p) => (
            <article key={p.key} className="process-findings" data-process={p.name}>
              <h3>
                <span className="muted">{p.folderPath} › </span>
                {p.name}
              </h3>
              {p.findings.map((f, i) => (
                <FindingRow key={`${f.rule}/${f.binding ?? i}`} f={f}>
                  <p className="why">
                    <b>{t("audit.why")}</b>
                    {f.explanation}
                  </p>
                  <p className="fix">
                    <b>{t("audit.fix")}</b>
                    {f.fix}
                  </p>
                  {f.rule === "binding-attended-ok" && f.binding !== null && (
                    <ChooseConnection
                      binding={{ releaseKey: f.process.key, bindingKey: f.binding, process: f.process.name, folderPath: f.process.folderPath, connector: f.connector }}
                      own={own}
                      selections={selections}
                      onChoose={onChoose}
                      className="choose-connection-select"
                    />
                  )}
                  {f.connection?.id && (
                    <button type="button" className="secondary narrow show-connection" onClick={() => onShowConnection(f.connection!.id!)}>
                      {f.connection.name ? t("audit.showNamed", { name: f.connection.name }) : t("audit.show")}
                    </button>
                  )}
                </FindingRow>
              ))}
            </article>
          ))}
        </section>
      ))}
    </section>
  );
}
