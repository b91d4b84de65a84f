// The few settings there are: how long a consent window may stay open, how
// often the app checks the user's own connections in the background (the
// tray badge and notifications; 0 turns it off), and the connectors whose
// consent always opens in the system browser (policy, or providers that
// refuse embedded browsers). Saved by the backend, which refuses values that
// cannot work. "This tenant" shows what the signed-in tenant offers (the
// capability probe): each feature on or off, why, and what to do instead.
// "Sandbox tenant" says that the sandbox keeps its state on this computer and
// offers "Reset the sandbox". Below them, the version and "Check for
// updates": nothing is checked, downloaded or installed unless the user clicks.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { dateTime, day } from "../i18n/format";
import { toApiError, type ApiError, type Backend, type Capabilities, type UpdateCheck } from "../backend";
import { useSettings, withSystemBrowser } from "./settingsContext";

/** What the tenant offers, as a table; "Check again" asks it anew. */
function ThisTenant({ backend, initial }: { backend: Backend; initial: Capabilities }) {
  const { t } = useTranslation();
  const [found, setFound] = useState(initial);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const again = async () => {
    setChecking(true);
    setError(null);
    try {
      setFound(await backend.tenantCapabilities(true));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setChecking(false);
    }
  };
  return (
    <section aria-labelledby="tenant-title" id="this-tenant">
      <h2 id="tenant-title">{t("settings.tenant.title")}</h2>
      <p>
        {t("settings.tenant.about", {
          tenant: found.tenant,
          platform: found.version ? `${found.platform} ${found.version}` : found.platform,
          user: found.signedInAs,
          when: dateTime(found.probedAt),
        })}{" "}
        <button type="button" className="secondary narrow" id="tenant-check" onClick={() => void again()} disabled={checking}>
          {checking ? t("settings.tenant.checking") : t("settings.tenant.again")}
        </button>
      </p>
      {error && (
        <div className={`banner banner-${error.code}`} role="alert">
          {error.message}
        </div>
      )}
      <table className="features" id="tenant-features">
        <thead>
          <tr>
            <th scope="col">{t("settings.tenant.feature")}</th>
            <th scope="col">{t("settings.tenant.state")}</th>
            <th scope="col">{t("settings.tenant.why")}</th>
            <th scope="col">{t("settings.tenant.fix")}</th>
          </tr>
        </thead>
        <tbody>
          {found.features.map((f) => (
            <tr key={f.id} id={`feature-${f.id}`} className={f.on ? "on" : "off"}>
              <th scope="row">{f.name}</th>
              <td>{f.on ? t("settings.tenant.on") : t("settings.tenant.off")}</td>
              <td>{f.why}</td>
              <td>{f.fix ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type ResetState = { phase: "idle" } | { phase: "confirming" } | { phase: "resetting" } | { phase: "done" };

/**
 * The sandbox keeps its state across launches; a reset puts it back as it was
 * first seeded. `onResetSignedOut` is given while the user is signed in to
 * the sandbox: the reset ends that session, and the app goes back to its
 * first screen.
 */
function SandboxState({ backend, onResetSignedOut }: { backend: Backend; onResetSignedOut?: () => void }) {
  const { t } = useTranslation();
  const [state, setState] = useState<ResetState>({ phase: "idle" });
  const [error, setError] = useState<ApiError | null>(null);
  const reset = async () => {
    setError(null);
    setState({ phase: "resetting" });
    try {
      await backend.resetSandbox();
      if (onResetSignedOut) onResetSignedOut();
      else setState({ phase: "done" });
    } catch (e) {
      setError(toApiError(e));
      setState({ phase: "idle" });
    }
  };
  return (
    <section aria-labelledby="sandbox-title" id="sandbox-state">
      <h2 id="sandbox-title">{t("settings.sandbox.title")}</h2>
      <p id="sandbox-kept">
        {t("settings.sandbox.kept")}
      </p>
      {state.phase === "confirming" ? (
        <div className="banner banner-invalid_input" role="alert" id="sandbox-reset-confirm">
          <p>
            {t("settings.sandbox.confirm")}
            {onResetSignedOut ? ` ${t("settings.sandbox.signedOut")}` : ""}
          </p>
          <button type="button" className="primary narrow" id="sandbox-reset-yes" onClick={() => void reset()}>
            {t("settings.sandbox.reset")}
          </button>{" "}
          <button type="button" className="secondary narrow" id="sandbox-reset-no" onClick={() => setState({ phase: "idle" })}>
            {t("settings.sandbox.keep")}
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="secondary narrow"
          id="sandbox-reset"
          disabled={state.phase === "resetting"}
          onClick={() => setState({ phase: "confirming" })}
        >
          {state.phase === "resetting" ? t("settings.sandbox.resetting") : t("settings.sandbox.reset")}
        </button>
      )}
      {state.phase === "done" && <p id="sandbox-reset-done">{t("settings.sandbox.done")}</p>}
      {error && (
        <div className={`banner banner-${error.code}`} role="alert" id="sandbox-reset-error">
          {error.message}
        </div>
      )}
    </section>
  );
}

export function SettingsView({ backend, initial, onResetSignedOut }: { backend: Backend; initial: Capabilities; onResetSignedOut?: () => void }) {
  const { t } = useTranslation();
  const { settings, save } = useSettings();
  const [timeout, setTimeoutText] = useState(String(settings.consentTimeoutSecs / 60));
  const [every, setEvery] = useState(String(settings.backgroundCheckMinutes));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const minutesIn = (text: string) => {
    const value = Number(text.replace(",", "."));
    if (text.trim() === "" || !Number.isFinite(value)) throw { code: "invalid_input", message: t("settings.notMinutes", { text }) };
    return value;
  };
  const store = async () => {
    setSaved(false);
    setError(null);
    try {
      await save({
        ...settings,
        consentTimeoutSecs: Math.round(minutesIn(timeout) * 60),
        backgroundCheckMinutes: Math.round(minutesIn(every)),
      });
      setSaved(true);
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <main className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{t("settings.title")}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void store();
        }}
      >
        <div className="setting">
          <label htmlFor="consent-timeout">{t("settings.consentTimeout")}</label>
          <input id="consent-timeout" inputMode="decimal" value={timeout} onChange={(e) => setTimeoutText(e.target.value)} />
        </div>
        <div className="setting">
          <label htmlFor="background-check">{t("settings.backgroundCheck")}</label>
          <input id="background-check" inputMode="numeric" value={every} onChange={(e) => setEvery(e.target.value)} />
          <p className="hint">{t("settings.backgroundHint")}</p>
        </div>
        <div className="setting">
          <label className="toggle">
            <input
              type="checkbox"
              id="extended-sandbox"
              checked={settings.extendedSandbox}
              onChange={(e) => void save({ ...settings, extendedSandbox: e.target.checked })}
            />
            {t("settings.extended")}
          </label>
          <p className="hint">{t("settings.extendedHint")}</p>
        </div>
        <button type="submit" className="secondary narrow" id="settings-save">
          {t("settings.save")}
        </button>
        {saved && <p id="settings-saved">{t("settings.saved")}</p>}
        {error && (
          <div className={`banner banner-${error.code}`} role="alert" id="settings-error">
            {error.message}
          </div>
        )}
      </form>
      <h2>{t("settings.systemBrowser")}</h2>
      {settings.systemBrowserConnectors.length === 0 ? (
        <p>{t("settings.noSystemBrowser")}</p>
      ) : (
        <ul id="system-browser-connectors">
          {settings.systemBrowserConnectors.map((key) => (
            <li key={key}>
              <code>{key}</code>{" "}
              <button type="button" className="secondary narrow" onClick={() => void save(withSystemBrowser(settings, key, false))}>
                {t("settings.remove")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ThisTenant backend={backend} initial={initial} />
      <SandboxState backend={backend} onResetSignedOut={onResetSignedOut} />
      <Updates backend={backend} />
    </main>
  );
}

type UpdateState = { phase: "idle" } | { phase: "checking" } | { phase: "checked"; result: UpdateCheck } | { phase: "installing"; version: string };

function Updates({ backend }: { backend: Backend }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState<string | null>(null);
  const [state, setState] = useState<UpdateState>({ phase: "idle" });
  const [error, setError] = useState<ApiError | null>(null);
  // Answers so far: lets a test (or a screen reader's live region) tell a new answer from the last one.
  const [answers, setAnswers] = useState(0);
  useEffect(() => {
    backend.appVersion().then(setVersion, (e) => setError(toApiError(e)));
  }, [backend]);
  const check = async () => {
    setError(null);
    setState({ phase: "checking" });
    try {
      setState({ phase: "checked", result: await backend.checkForUpdate() });
    } catch (e) {
      setError(toApiError(e));
      setState({ phase: "idle" });
    }
    setAnswers((n) => n + 1);
  };
  const install = async (next: string) => {
    setError(null);
    setState({ phase: "installing", version: next });
    try {
      await backend.installUpdate();
    } catch (e) {
      setError(toApiError(e));
      setState({ phase: "idle" });
    }
  };
  const result = state.phase === "checked" ? state.result : null;
  return (
    <section aria-labelledby="updates-title" id="updates" data-answers={answers}>
      <h2 id="updates-title">{t("settings.updates.title")}</h2>
      <p id="app-version">{t("settings.updates.version", { version: version ?? "…" })}</p>
      <button type="button" className="secondary narrow" id="check-updates" disabled={state.phase === "checking" || state.phase === "installing"} onClick={() => void check()}>
        {state.phase === "checking" ? t("settings.updates.checking") : t("settings.updates.check")}
      </button>
      {result?.status === "upToDate" && <p id="update-status">{t("settings.updates.upToDate", { version: result.currentVersion })}</p>}
      {result?.status === "available" && (
        <div id="update-offer">
          <p id="update-status">{t("settings.updates.available", { version: result.version, current: result.currentVersion })}</p>
          {result.published && <p className="hint">{t("settings.updates.published", { day: day(result.published) })}</p>}
          {result.notes && <pre className="release-notes">{result.notes}</pre>}
          <button type="button" id="install-update" className="primary narrow" onClick={() => void install(result.version)}>
            {t("settings.updates.install", { version: result.version })}
          </button>
        </div>
      )}
      {result?.status === "refused" && (
        <div className="banner banner-invalid_input" role="alert" id="update-refused">
          {t("settings.updates.refused", { version: result.version, reason: result.reason })}
        </div>
      )}
      {state.phase === "installing" && <p id="update-status">{t("settings.updates.installing", { version: state.version })}</p>}
      {error && (
        <div className={`banner banner-${error.code}`} role="alert" id="update-error">
          {error.message}
        </div>
      )}
    </section>
  );
}
