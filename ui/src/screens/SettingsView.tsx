// The few settings there are: how long a consent window may stay open, and
// the connectors whose consent always opens in the system browser (policy,
// or providers that refuse embedded browsers). Saved by the backend, which
// refuses values that cannot work.
import { useState } from "react";
import { toApiError, type ApiError } from "../backend";
import { useSettings, withSystemBrowser } from "./settingsContext";

export function SettingsView() {
  const { settings, save } = useSettings();
  const [timeout, setTimeoutText] = useState(String(settings.consentTimeoutSecs / 60));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const store = async (minutes: string) => {
    setSaved(false);
    setError(null);
    const value = Number(minutes.replace(",", "."));
    try {
      if (!Number.isFinite(value)) throw { code: "invalid_input", message: `"${minutes}" is not a number of minutes.` };
      await save({ ...settings, consentTimeoutSecs: Math.round(value * 60) });
      setSaved(true);
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <main className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void store(timeout);
        }}
      >
        <label htmlFor="consent-timeout">A consent or sign-in window gives up after (minutes)</label>
        <div className="copy-row">
          <input id="consent-timeout" inputMode="decimal" value={timeout} onChange={(e) => setTimeoutText(e.target.value)} />
          <button type="submit" className="secondary narrow" id="settings-save">
            Save
          </button>
        </div>
        {saved && <p id="settings-saved">Saved.</p>}
        {error && (
          <div className={`banner banner-${error.code}`} role="alert" id="settings-error">
            {error.message}
          </div>
        )}
      </form>
      <h2>Always in the system browser</h2>
      {settings.systemBrowserConnectors.length === 0 ? (
        <p>No connector yet. Tick “Always for …” next to a reconnect or a new connection to add one.</p>
      ) : (
        <ul id="system-browser-connectors">
          {settings.systemBrowserConnectors.map((key) => (
            <li key={key}>
              <code>{key}</code>{" "}
              <button type="button" className="secondary narrow" onClick={() => void save(withSystemBrowser(settings, key, false))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
