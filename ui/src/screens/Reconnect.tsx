// Reconnecting a connection in place, from its details: the provider's consent
// page opens in a window of its own (or the system browser: the default for
// providers that refuse embedded browsers, and for connectors the user chose);
// the outcome panel shows the scope difference before the user consents, asks
// before another account replaces the connection's, and explains a failure.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError, type ApiError, type Backend, type ConnectionRow, type ReconnectProgress } from "../backend";
import { ConsentOutcome } from "./ConsentOutcome";
import { systemBrowserFor, useSettings, withSystemBrowser } from "./settingsContext";

/** Providers known to refuse sign-in in embedded browsers (Google's `disallowed_useragent`). */
export function prefersSystemBrowser(connectorKey: string): boolean {
  return connectorKey.startsWith("uipath-google-");
}

/** The "in the system browser" toggle and its "always for this connector" companion. */
export function BrowserChoice({
  connectorKey,
  connectorName,
  system,
  onSystem,
}: {
  connectorKey: string;
  connectorName: string;
  system: boolean;
  onSystem: (system: boolean) => void;
}) {
  const { t } = useTranslation();
  const { settings, save } = useSettings();
  const always = systemBrowserFor(settings, connectorKey, false);
  return (
    <>
      <label className="toggle">
        <input type="checkbox" id="reconnect-system-browser" checked={system} onChange={(e) => onSystem(e.target.checked)} />
        {t("reconnect.systemBrowser")}
      </label>
      <label className="toggle">
        <input
          type="checkbox"
          id="system-browser-always"
          checked={always}
          onChange={(e) => {
            onSystem(e.target.checked || prefersSystemBrowser(connectorKey));
            void save(withSystemBrowser(settings, connectorKey, e.target.checked));
          }}
        />
        {t("reconnect.always", { connector: connectorName })}
      </label>
    </>
  );
}

export function Reconnect({ backend, row, onChanged }: { backend: Backend; row: ConnectionRow; onChanged: () => void }) {
  const { t } = useTranslation();
  const { settings } = useSettings();
  const [system, setSystem] = useState(systemBrowserFor(settings, row.connectorKey, prefersSystemBrowser(row.connectorKey)));
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ReconnectProgress | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // Nobody signs in to an app-only connection (decided in Rust: `authKind`).
  const signsIn = row.authKind === "delegated" || row.authKind === "bringYourOwnApp" || row.authType === null;
  if (!signsIn) return null;

  const finish = (p: ReconnectProgress) => {
    setProgress(p);
    if (p.status === "completed") onChanged();
  };
  const run = async (step: () => Promise<ReconnectProgress>) => {
    setRunning(true);
    setError(null);
    try {
      finish(await step());
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setRunning(false);
    }
  };
  const start = () => {
    setProgress(null);
    void run(() => backend.reconnectConnection(row.id, row.folder.key, system, setProgress));
  };
  const confirm = (accept: boolean) => {
    if (progress) void run(() => backend.confirmReconnect(row.id, progress.sessionId, accept));
  };

  return (
    <div className="reconnect" id="reconnect">
      <div className="reconnect-actions">
        <button type="button" className="primary narrow" id="reconnect-start" onClick={start} disabled={running}>
          {row.state === "Enabled" ? t("reconnect.reconnect") : t("reconnect.reconnectNow")}
        </button>
        <BrowserChoice connectorKey={row.connectorKey} connectorName={row.connectorName} system={system} onSystem={setSystem} />
      </div>
      <ConsentOutcome
        progress={progress}
        running={running}
        purpose="reconnect"
        system={system}
        error={error}
        done={(p) => (p.identity ? t("reconnect.doneAs", { identity: p.identity }) : t("reconnect.done"))}
        onConfirm={confirm}
      />
    </div>
  );
}
