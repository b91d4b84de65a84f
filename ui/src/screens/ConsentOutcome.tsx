// How a consent stands, for a reconnect and for a new connection alike: the
// scope difference before the user consents, the wait, the success, the
// question when another account consented, and a failure with its cause and
// fix. When only an administrator can consent, the admin-consent link is
// shown ready to copy and send.
import { useState } from "react";
import type { ApiError, ReconnectProgress } from "../backend";

export function AdminConsent({ url }: { url: string | null }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (url === null) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      document.querySelector<HTMLInputElement>("#admin-consent-url")?.select();
    }
  };
  if (url === null) {
    return (
      <p id="admin-consent-none">
        Ask an administrator of your organisation to grant consent for the app in the Microsoft Entra admin center (Enterprise applications →
        Permissions → Grant admin consent), then try again.
      </p>
    );
  }
  return (
    <div className="admin-consent" id="admin-consent">
      <label htmlFor="admin-consent-url">Send this link to an administrator; once they have granted consent, try again:</label>
      <div className="copy-row">
        <input id="admin-consent-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="secondary narrow" id="admin-consent-copy" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

export function ConsentOutcome({
  progress,
  running,
  waitingWhere,
  error,
  done,
  onConfirm,
}: {
  progress: ReconnectProgress | null;
  running: boolean;
  /** "in your browser" or "in the window that opened". */
  waitingWhere: string;
  error: ApiError | null;
  /** What success means, shown when the consent completed. */
  done: (p: ReconnectProgress) => string;
  onConfirm?: (accept: boolean) => void;
}) {
  const scopes = progress?.scopes;
  return (
    <div aria-live="polite" id="reconnect-status">
      {running && progress?.status === "pending" && <p>Waiting for the consent {waitingWhere}…</p>}
      {scopes && (scopes.added.length > 0 || scopes.dropped.length > 0) && (
        <p className="scope-diff" id="scope-diff">
          {scopes.added.length > 0 && <>Asks for new permissions: {scopes.added.join(", ")}. </>}
          {scopes.dropped.length > 0 && <>No longer asks for: {scopes.dropped.join(", ")}.</>}
        </p>
      )}
      {progress?.status === "completed" && (
        <p className="reconnect-ok" id="reconnect-ok">
          {done(progress)}
        </p>
      )}
      {progress?.status === "completed" && progress.otherAccount && (
        <div className="banner banner-invalid_input" role="alert" id="reconnect-other-account">
          It now acts as <b>{progress.identity}</b> instead of <b>{progress.previousIdentity}</b>: processes that use it act as {progress.identity} from
          now on. If that is not what you meant, reconnect again and sign in as {progress.previousIdentity}.
        </div>
      )}
      {progress?.status === "needs_confirmation" && onConfirm && (
        <div className="banner banner-invalid_input" role="alert" id="reconnect-confirm">
          <p>
            The consent was given by <b>{progress.identity}</b>, but this connection acted as <b>{progress.previousIdentity}</b>. Processes that use it would
            act as {progress.identity} from now on.
          </p>
          <button type="button" className="secondary narrow" id="reconnect-accept" onClick={() => onConfirm(true)} disabled={running}>
            Use {progress.identity}
          </button>{" "}
          <button type="button" className="secondary narrow" id="reconnect-reject" onClick={() => onConfirm(false)} disabled={running}>
            Keep the connection as it was
          </button>
        </div>
      )}
      {(progress?.status === "failed" || progress?.status === "expired") && (
        <div className="banner banner-invalid_input" role="alert" id="reconnect-failed">
          <p>{progress.failure?.cause ?? "The consent did not finish."}</p>
          <p>{progress.failure?.fix ?? "Start it again."}</p>
          {(progress.failure?.needsAdmin || progress.adminConsentUrl !== null) && <AdminConsent url={progress.adminConsentUrl} />}
        </div>
      )}
      {error && (
        <div className={`banner banner-${error.code === "cancelled" ? "invalid_input" : error.code}`} role="alert" id="reconnect-error">
          {error.message}
        </div>
      )}
    </div>
  );
}
