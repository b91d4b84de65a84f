// Reconnecting a connection in place, from its details: the provider's consent
// page opens in a window of its own (or the system browser: the default for
// providers that refuse embedded browsers, and for connectors the user chose);
// the outcome panel shows the scope difference before the user consents, asks
// before another account replaces the connection's, and explains a failure.
import { useState } from "react";
import { toApiError, type ApiError, type Backend, type ConnectionRow, type ReconnectProgress } from "../backend";
import { ConsentOutcome } from "./ConsentOutcome";
import { systemBrowserFor, useSettings, withSystemBrowser } from "./settingsContext";

/** Providers known to refuse sign-in in embedded browsers (Google's `disallowed_useragent`). */
export function prefersSystemBrowser(connectorKey: string): boolean {
  return connectorKey.startsWith("uipath-google-");
}

const RECONNECTABLE = new Set(["OAuth2AuthorizationCode", "OAuth2BringYourOwnApp"]);

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
  const { settings, save } = useSettings();
  const always = systemBrowserFor(settings, connectorKey, false);
  return (
    <>
      <label className="toggle">
        <input type="checkbox" id="reconnect-system-browser" checked={system} onChange={(e) => onSystem(e.target.checked)} />
        In the system browser
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
        Always for {connectorName}
      </label>
    </>
  );
}

export function Reconnect({ backend, row, onChanged }: { backend: Backend; row: ConnectionRow; onChanged: () => void }) {
  const { settings } = useSettings();
  const [system, setSystem] = useState(systemBrowserFor(settings, row.connectorKey, prefersSystemBrowser(row.connectorKey)));
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ReconnectProgress | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  if (row.authType !== null && !RECONNECTABLE.has(row.authType)) return null;

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
          {row.state === "Enabled" ? "Reconnect" : "Reconnect now"}
        </button>
        <BrowserChoice connectorKey={row.connectorKey} connectorName={row.connectorName} system={system} onSystem={setSystem} />
      </div>
      <ConsentOutcome
        progress={progress}
        running={running}
        waitingWhere={system ? "in your browser" : "in the window that opened"}
        error={error}
        done={(p) => `Reconnected${p.identity ? ` as ${p.identity}` : ""}: same connection, folder and bindings.`}
        onConfirm={confirm}
      />
    </div>
  );
}
