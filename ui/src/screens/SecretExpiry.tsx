// When an app-only (or own-app) connection's secret or certificate expires:
// shown when the tenant reports it, otherwise recorded here by hand (a real
// tenant does not know it: it lives in the app registration), so "Check all"
// can warn 30, 14 and 7 days ahead.
import { useEffect, useState } from "react";
import { toApiError, type ApiError, type Backend, type ConnectionRow } from "../backend";

const APP_SECRETS = new Set(["OAuth2ClientCredentials", "OAuth2ClientCertificate", "OAuth2BringYourOwnApp"]);

export function SecretExpiry({ backend, row }: { backend: Backend; row: ConnectionRow }) {
  const [date, setDate] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const relevant = row.authType !== null && APP_SECRETS.has(row.authType);

  useEffect(() => {
    if (!relevant || row.secretExpiresAt) return;
    let live = true;
    backend.listRecordedExpiries().then(
      (all) => live && setDate(all[row.id] ?? ""),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [backend, row.id, row.secretExpiresAt, relevant]);

  if (!relevant) return null;
  if (row.secretExpiresAt) {
    return (
      <p className="secret-expiry" id="secret-expiry-reported">
        The app's secret expires on {row.secretExpiresAt.slice(0, 10)} (reported by the tenant).
      </p>
    );
  }
  const save = async () => {
    setSaved(null);
    setError(null);
    try {
      await backend.recordSecretExpiry(row.id, date === "" ? null : date);
      setSaved(date === "" ? "Forgotten." : "Saved: Check all warns 30, 14 and 7 days before.");
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <form
      className="secret-expiry"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label htmlFor="secret-expiry">The tenant does not say when this app's secret expires. Its date, from the app registration:</label>
      <div className="copy-row">
        <input id="secret-expiry" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        <button type="submit" className="secondary narrow" id="secret-expiry-save">
          Save
        </button>
      </div>
      {saved && <p id="secret-expiry-saved">{saved}</p>}
      {error && (
        <div className={`banner banner-${error.code}`} role="alert">
          {error.message}
        </div>
      )}
    </form>
  );
}
