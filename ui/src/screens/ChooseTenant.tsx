import { useCallback, useEffect, useReducer, useState } from "react";
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
      <h1 id="choose-tenant-title">Choose a tenant</h1>
      <p className="lead">
        Sign in to the Automation Cloud or Automation Suite tenant whose connections you look after.
      </p>
      <form onSubmit={signIn} noValidate>
        <label htmlFor="tenant-url">Tenant URL</label>
        <input
          id="tenant-url"
          name="tenant-url"
          type="text"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          autoFocus
          placeholder="https://cloud.uipath.com/acme/DefaultTenant"
          value={state.input}
          aria-invalid={message !== null}
          aria-describedby="tenant-url-message"
          onChange={(e) => dispatch({ type: "edited", input: e.target.value })}
          onBlur={() => dispatch({ type: "left" })}
          disabled={busy}
        />
        <p id="tenant-url-message" className={message ? "field-error" : "field-hint"} aria-live="polite">
          {message ?? (hint ? `Signs in to ${hint}` : "Paste the address you use in the browser; anything after the tenant name is ignored.")}
        </p>
        <label htmlFor="client-id">External application ID</label>
        <input
          id="client-id"
          name="client-id"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="e.g. 6f3a…, from Admin › External applications"
          value={clientId}
          onChange={(e) => setClientId(e.target.value)}
          disabled={busy}
        />
        <p className="field-hint">A non-confidential application with the redirect URIs http://127.0.0.1:47611/callback, :47612/callback and :47613/callback. Your session is kept in the system keychain.</p>
        <button id="sign-in" type="submit" className="primary" disabled={busy}>
          {state.pending === "signIn" ? "Waiting for you to sign in…" : "Sign in"}
        </button>
      </form>
      <div className="divider" aria-hidden="true">
        <span>or</span>
      </div>
      <button id="try-sandbox" type="button" className="secondary" onClick={trySandbox} disabled={busy}>
        {state.pending === "sandbox" ? "Waiting for you to sign in…" : "Try the sandbox"}
      </button>
      <p className="field-hint">
        {state.pending === "sandbox"
          ? "Sign in in the window that opened: alex, hana or dana, password sandbox."
          : "A built-in demo tenant with realistic connections and processes. No account needed. What you do in it is kept on this computer until you reset it in Settings."}
      </p>
      {state.failure && (
        <div id="failure" className={`banner banner-${state.failure.code}`} role="alert">
          {state.failure.message}
        </div>
      )}
    </section>
  );
}
