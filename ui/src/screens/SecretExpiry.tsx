// When an app-only (or own-app) connection's secret or certificate expires:
// shown when the tenant reports it, otherwise recorded here by hand (a real
// tenant does not know it: it lives in the app registration), so "Check all"
// can warn 30, 14 and 7 days ahead.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError, type ApiError, type Backend, type ConnectionRow } from "../backend";
import { day } from "../i18n/format";

export function SecretExpiry({ backend, row }: { backend: Backend; row: ConnectionRow }) {
  const { t } = useTranslation();
  const [date, setDate] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // An app's secret or certificate: app-only and own-app connections (the kind Rust typed).
  const relevant = row.authKind === "clientCredentials" || row.authKind === "clientCertificate" || row.authKind === "bringYourOwnApp";

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
        {t("secretExpiry.reported", { day: day(row.secretExpiresAt.slice(0, 10)) })}
      </p>
    );
  }
  const save = async () => {
    setSaved(null);
    setError(null);
    try {
      await backend.recordSecretExpiry(row.id, date === "" ? null : date);
      setSaved(date === "" ? t("secretExpiry.forgotten") : t("secretExpiry.saved"));
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
      <label htmlFor="secret-expiry">{t("secretExpiry.label")}</label>
      <div className="copy-row">
        <input id="secret-expiry" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        <button type="submit" className="secondary narrow" id="secret-expiry-save">
          {t("secretExpiry.save")}
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
