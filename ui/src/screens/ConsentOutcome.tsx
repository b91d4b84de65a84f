// How a consent stands, for a reconnect and for a new connection alike: the
// scope difference before the user consents, the wait, the success, the
// question when another account consented, and a failure with its cause and
// fix. When only an administrator can consent, the admin-consent link is
// shown ready to copy and send. Words from the catalogue (src/i18n).
import { useEffect, useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { ApiError, ReconnectProgress } from "../backend";
import { scopeLines, type ConsentPurpose } from "./consentText";

export function AdminConsent({ url }: { url: string | null }) {
  const { t } = useTranslation();
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
      <p id="admin-consent-none">{t("consent.adminNone")}</p>
    );
  }
  return (
    <div className="admin-consent" id="admin-consent">
      <label htmlFor="admin-consent-url">{t("consent.adminLink")}</label>
      <div className="copy-row">
        <input id="admin-consent-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="secondary narrow" id="admin-consent-copy" onClick={() => void copy()}>
          {copied ? t("consent.copied") : t("consent.copy")}
        </button>
      </div>
    </div>
  );
}

export function ConsentOutcome({
  progress,
  purpose,
  running,
  system,
  error,
  done,
  onConfirm,
}: {
  progress: ReconnectProgress | null;
  /** Reconnecting an existing connection, or creating a new one. */
  purpose: ConsentPurpose;
  running: boolean;
  /** The consent runs in the system browser (else in a window of the app). */
  system: boolean;
  error: ApiError | null;
  /** What success means, shown when the consent completed. */
  done: (p: ReconnectProgress) => string;
  onConfirm?: (accept: boolean) => void;
}) {
  const { t } = useTranslation();
  const scopes = scopeLines(progress, purpose);
  const b = { b: <b /> };
  // The question and a failure can appear below the fold of a short details
  // pane: they are scrolled into view, and the question's safe answer (keep
  // the connection as it was) takes the focus.
  const asking = progress?.status === "needs_confirmation" && onConfirm !== undefined;
  const failed = progress?.status === "failed" || progress?.status === "expired";
  const keep = useRef<HTMLButtonElement>(null);
  const failure = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!asking) return;
    keep.current?.scrollIntoView({ block: "nearest" });
    keep.current?.focus();
  }, [asking]);
  useEffect(() => {
    if (failed) failure.current?.scrollIntoView({ block: "nearest" });
  }, [failed]);
  return (
    <div aria-live="polite" id="reconnect-status">
      {running && progress?.status === "pending" && <p>{t("consent.waiting", { where: t(system ? "consent.inBrowser" : "consent.inWindow") })}</p>}
      {scopes.length > 0 && (
        <p className="scope-diff" id="scope-diff">
          {scopes.join(" ")}
        </p>
      )}
      {progress?.status === "completed" && (
        <p className="reconnect-ok" id="reconnect-ok">
          {done(progress)}
        </p>
      )}
      {progress?.status === "completed" && progress.otherAccount && (
        <div className="banner banner-invalid_input" role="alert" id="reconnect-other-account">
          <Trans i18nKey="consent.otherAccount" values={{ identity: progress.identity, previous: progress.previousIdentity }} components={b} />
        </div>
      )}
      {asking && (
        <div className="banner banner-invalid_input" role="alert" id="reconnect-confirm">
          <p>
            <Trans i18nKey="consent.confirm" values={{ identity: progress.identity, previous: progress.previousIdentity }} components={b} />
          </p>
          <button type="button" className="secondary narrow" id="reconnect-accept" onClick={() => onConfirm?.(true)} disabled={running}>
            {t("consent.use", { identity: progress.identity })}
          </button>{" "}
          <button type="button" className="secondary narrow" id="reconnect-reject" ref={keep} onClick={() => onConfirm?.(false)} disabled={running}>
            {t("consent.keep")}
          </button>
        </div>
      )}
      {failed && (
        <div className="banner banner-invalid_input" role="alert" id="reconnect-failed" ref={failure}>
          <p>{progress.failure?.cause ?? t("consent.didNotFinish")}</p>
          <p>{progress.failure?.fix ?? t("consent.startAgain")}</p>
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
