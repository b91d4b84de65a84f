import { useCallback, useEffect, useReducer, useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError, type Backend, type SessionInfo } from "../backend";
import { fieldMessage, initialState, normalizedHint, reduce, type Action } from "./chooseTenantState";

const CHECK_DELAY_MS = 250;

async function check(backend: Backend, input: string, dispatch: (a: Action) => void) {
  dispatch({ type: "checkStarted", input });
  try {
    const tenant = await backend.checkTenantUrl(input);
    dispatch({ type: "checked", input, result: { ok: true, tenant } });
    return true;
  } catch (e) {
    dispatch({ type: "checked", input, result: { ok: false, error: toApiError(e) } });
    return false;
  }
}

export function ChooseTenant({ backend, onSignedIn }: { backend: Backend; onSignedIn: (session: SessionInfo) => void }) {
  const { t } = useTranslation();
  const [state, dispatch] = useReducer(reduce, initialState);
  const [clientId, setClientId] = useState("");
  const message = fieldMessage(state);
  const hint = normalizedHint(state);
  const busy = state.pending !== "none";

  // Validate as the user types, after a short pause.
  useEffect(() => {
    if (state.input.trim() === "") return;
    const timer = setTimeout(() => void check(backend, state.input, dispatch), CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [backend, state.input]);

  const signIn = useCallback(
    async (event: React.FormEvent) => {
      event.preventDefault();
      dispatch({ type: "submitted", pending: "signIn" });
      if (!(await check(backend, state.input, dispatch))) {
        dispatch({ type: "finished" });
        return;
      }
      try {
        const session = await backend.connectTenant(state.input, clientId);
        dispatch({ type: "finished" });
        onSignedIn(session);
      } catch (e) {
        dispatch({ type: "failed", error: toApiError(e) });
      }
    },
    [backend, state.input, clientId, onSignedIn],
  );

  const trySandbox = useCallback(async () => {
    dispatch({ type: "submitted", pending: "sandbox" });
    try {
      const session = await backend.startSandbox();
      dispatch({ type: "finished" });
      onSignedIn(session);
    } catch (e) {
      dispatch({ type: "failed", error: toApiError(e) });
    }
  }, [backend, onSignedIn]);

  return (
    <section className="card" aria-labelledby="choose-tenant-title">
      <h1 id="choose-tenant-title">{t("chooseTenant.title")}</h1>
      <p className="lead">{t("chooseTenant.lead")}</p>
      <form onSubmit={signIn} noValidate>
        <label htmlFor="tenant-url">{t("chooseTenant.url")}</label>
        <input
          id="tenant-url"
          name="tenant-url"
          type="text"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          autoFocus
          placeholder={t("chooseTenant.urlPlaceholder")}
          value={state.input}
          aria-invalid={message !== null}
          aria-describedby="tenant-url-message"
          onChange={(e) => dispatch({ type: "edited", input: e.target.value })}
          onBlur={() => dispatch({ type: "left" })}
          disabled={busy}
        />
        <p id="tenant-url-message" className={message ? "field-error" : "field-hint"} aria-live="polite">
          {message ?? (hint ? t("chooseTenant.signsInTo", { tenant: hint }) : t("chooseTenant.urlHint"))}
        </p>
        <label htmlFor="client-id">{t("chooseTenant.clientId")}</label>
        <input
          id="client-id"
          name="client-id"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder={t("chooseTenant.clientIdPlaceholder")}
          value={clientId}
          onChange={(e) => setClientId(e.target.value)}
          disabled={busy}
        />
        <p className="field-hint">{t("chooseTenant.clientIdHint")}</p>
        <button id="sign-in" type="submit" className="primary" disabled={busy}>
          {state.pending === "signIn" ? t("chooseTenant.waiting") : t("chooseTenant.signIn")}
        </button>
      </form>
      <div className="divider" aria-hidden="true">
        <span>{t("chooseTenant.or")}</span>
      </div>
      <button id="try-sandbox" type="button" className="secondary" onClick={trySandbox} disabled={busy}>
        {state.pending === "sandbox" ? t("chooseTenant.waiting") : t("chooseTenant.trySandbox")}
      </button>
      <p className="field-hint">
        {state.pending === "sandbox"
          ? t("chooseTenant.sandboxSignIn")
          : t("chooseTenant.sandboxHint")}
      </p>
      {state.failure && (
        <div id="failure" className={`banner banner-${state.failure.code}`} role="alert">
          {state.failure.message}
        </div>
      )}
    </section>
  );
}
