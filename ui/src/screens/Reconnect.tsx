// Reconnecting a connection in place, from its details: the provider's consent
// page opens in a window of its own (or the system browser, the default for
// providers that refuse embedded browsers); this panel shows the scope
// difference before the user consents, asks before another account replaces
// the connection's, and explains a failure with its cause and fix.
import { useState } from "react";
import { toApiError, type ApiError, type Backend, type ConnectionRow, type ReconnectProgress } from "../backend";

/** Providers known to refuse sign-in in embedded browsers (Google's `disallowed_useragent`). */
export function prefersSystemBrowser(connectorKey: string): boolean {
  return connectorKey.startsWith("uipath-google-");
}

const RECONNECTABLE = new Set(["OAuth2AuthorizationCode", "OAuth2BringYourOwnApp"]);

export function Reconnect({ backend, row, onChanged }: { backend: Backend; row: ConnectionRow; onChanged: () => void }) {
  const [system, setSystem] = useState(prefersSystemBrowser(row.connectorKey));
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ReconnectProgress | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  if (row.authType !== null && !RECONNECTABLE.has(row.authType)) return null;

  const finish = (p: ReconnectProgress) => {
    setProgress(p);
    if (p.status === "completed") onChanged();
  };
  const start = async () => {
    setRunning(true);
    setError(null);
    setProgress(null);
    try {
      finish(await backend.reconnect(row.id, system, setProgress));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setRunning(false);
    }
  };
  const confirm = async (accept: boolean) => {
    if (!progress) return;
    setRunning(true);
    try {
      finish(await backend.confirmReconnect(row.id, progress.sessionId, accept));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setRunning(false);
    }
  };

  const scopes = progress?.scopes;
  return (
    <div className="reconnect" id="reconnect">
      <div className="reconnect-actions">
        <button type="button" className="primary narrow" id="reconnect-start" onClick={() => void start()} disabled={running}>
          {row.state === "Enabled" ? "Reconnect" : "Reconnect now"}
        </button>
        <label className="toggle">
          <input type="checkbox" id="reconnect-system-browser" checked={system} onChange={(e) => setSystem(e.target.checked)} />
          In the system browser
        </label>
      </div>
      <div aria-live="polite" id="reconnect-status">
        {running && progress?.status === "pending" && <p>Waiting for the consent {system ? "in your browser" : "in the window that opened"}…</p>}
        {scopes && (scopes.added.length > 0 || scopes.dropped.length > 0) && (
          <p className="scope-diff">
            {scopes.added.length > 0 && <>Asks for new permissions: {scopes.added.join(", ")}. </>}
            {scopes.dropped.length > 0 && <>No longer asks for: {scopes.dropped.join(", ")}.</>}
          </p>
        )}
        {progress?.status === "completed" && (
          <p className="reconnect-ok" id="reconnect-ok">
            Reconnected{progress.identity ? ` as ${progress.identity}` : ""}: same connection, folder and bindings.
          </p>
        )}
        {progress?.status === "needs_confirmation" && (
          <div className="banner banner-invalid_input" role="alert" id="reconnect-confirm">
            <p>
              The consent was given by <b>{progress.identity}</b>, but this connection acted as <b>{progress.previousIdentity}</b>. Processes that use it
              would act as {progress.identity} from now on.
            </p>
            <button type="button" className="secondary narrow" id="reconnect-accept" onClick={() => void confirm(true)} disabled={running}>
              Use {progress.identity}
            </button>{" "}
            <button type="button" className="secondary narrow" id="reconnect-reject" onClick={() => void confirm(false)} disabled={running}>
              Keep the connection as it was
            </button>
          </div>
        )}
        {(progress?.status === "failed" || progress?.status === "expired") && (
          <div className="banner banner-invalid_input" role="alert" id="reconnect-failed">
            <p>{progress.failure?.cause ?? "The reconnect did not finish."}</p>
            <p>{progress.failure?.fix ?? "Start it again."}</p>
          </div>
        )}
        {error && (
          <div className="banner banner-invalid_input" role="alert" id="reconnect-error">
            {error.message}
          </div>
        )}
      </div>
    </div>
  );
}
