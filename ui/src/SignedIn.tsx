// The signed-in app: navigation between the connections list, the audit, a
// new connection and the settings. The list and the audit stay mounted
// (hidden when not shown) so switching keeps the list and its filters; the
// audit runs once on sign-in so its count is in the navigation from the start
// (an alert only when a finding is about the user's own connections). The
// settings are loaded once and shared through a context. State lives in
// signedInState.ts (a reducer); words in the catalogue (src/i18n).
import { useCallback, useEffect, useMemo, useReducer } from "react";
import { useTranslation } from "react-i18next";
import { toApiError, type Backend, type HealthResult, type SessionInfo, type Settings } from "./backend";
import { Audit } from "./screens/Audit";
import { attendedBindings, auditBadge } from "./screens/attendedState";
import { Connections } from "./screens/Connections";
import { Health } from "./screens/Health";
import { NewConnection } from "./screens/NewConnection";
import { SettingsContext } from "./screens/settingsContext";
import { SettingsView } from "./screens/SettingsView";
import { chosenFor, initialSignedIn, ownRows, reduceSignedIn, type View } from "./signedInState";

const VIEWS: View[] = ["connections", "audit", "health", "new", "settings"];

export function SignedIn({ backend, session, onSignOut }: { backend: Backend; session: SessionInfo; onSignOut: () => void }) {
  const { t } = useTranslation();
  const [state, dispatch] = useReducer(reduceSignedIn, initialSignedIn);
  const { view, focus, report, auditing, failure, selections, choiceError, settings, reload } = state;

  useEffect(() => {
    // Defaults stand until they load; a damaged file is reported when saving.
    backend.getSettings().then((s) => dispatch({ type: "settings", settings: s }), () => {});
  }, [backend]);
  const settingsHandle = useMemo(
    () => ({
      settings,
      save: async (next: Settings) => dispatch({ type: "settings", settings: await backend.saveSettings(next) }),
    }),
    [backend, settings],
  );

  const loadSelections = useCallback(async () => {
    try {
      dispatch({ type: "selections", selections: await backend.listSelections() });
    } catch (e) {
      dispatch({ type: "choiceFailed", error: toApiError(e) });
    }
  }, [backend]);

  useEffect(() => {
    void loadSelections();
  }, [loadSelections]);

  // Background checks; a click on a notification or the tray lands here.
  useEffect(() => {
    backend
      .watchHealth((request) => {
        if (request.connectionId !== null) dispatch({ type: "showConnection", id: request.connectionId });
        else dispatch({ type: "show", view: "health" });
      })
      // Signed out meanwhile: nothing to watch.
      .catch(() => {});
  }, [backend]);

  const choose = async (releaseKey: string, bindingKey: string, connectionId: string | null) => {
    dispatch({ type: "choosing" });
    try {
      await backend.chooseConnection(releaseKey, bindingKey, connectionId);
    } catch (e) {
      dispatch({ type: "choiceFailed", error: toApiError(e) });
    }
    await loadSelections();
  };
  const onChoose = (releaseKey: string, bindingKey: string, connectionId: string | null) => void choose(releaseKey, bindingKey, connectionId);

  const audit = useCallback(async () => {
    dispatch({ type: "auditStarted" });
    try {
      dispatch({ type: "audited", report: await backend.runAudit() });
    } catch (e) {
      dispatch({ type: "auditFailed", error: toApiError(e) });
    }
  }, [backend]);

  useEffect(() => {
    void audit();
  }, [audit]);

  const onResults = useCallback((results: HealthResult[]) => dispatch({ type: "checked", results }), []);
  const onRows = useCallback((rows: Parameters<typeof ownRows>[0]["rows"]) => dispatch({ type: "rows", rows }), []);
  const showConnection = (id: string) => dispatch({ type: "showConnection", id });
  const own = ownRows(state);
  const bindings = useMemo(() => attendedBindings(report), [report]);
  const badge = auditBadge(report, own);
  return (
    <SettingsContext.Provider value={settingsHandle}>
      <div className="signed-in">
        <nav className="views" aria-label={t("nav.label")}>
          {VIEWS.map((v) => (
            <button key={v} type="button" id={`nav-${v}`} aria-current={view === v ? "page" : undefined} onClick={() => dispatch({ type: "show", view: v })}>
              {t(`nav.${v}`)}
              {v === "audit" && !auditing && report && (
                <span
                  className={badge.alert ? "count count-alert" : "count"}
                  aria-label={t(badge.alert ? "nav.auditCountAlert" : "nav.auditCount", { count: badge.count })}
                >
                  {badge.count}
                </span>
              )}
            </button>
          ))}
        </nav>
        <div hidden={view !== "connections"}>
          <Connections
            backend={backend}
            session={session}
            onSignOut={onSignOut}
            focus={focus}
            onRows={onRows}
            chosenFor={chosenFor(state)}
            reload={reload}
            attended={{ bindings, selections, own, onChoose }}
            checked={state.checked}
          />
        </div>
        <div hidden={view !== "health"}>
          <Health backend={backend} usage={report?.usage} onShowConnection={showConnection} onResults={onResults} />
        </div>
        <div hidden={view !== "new"}>
          <NewConnection
            backend={backend}
            createInApp={session.capabilities.features.some((f) => f.id === "createInApp" && f.on)}
            onCreated={(folder, id, show) => dispatch({ type: "created", folder, id, show })}
          />
        </div>
        {view === "settings" && <SettingsView backend={backend} initial={session.capabilities} onResetSignedOut={session.sandbox ? onSignOut : undefined} />}
        <div hidden={view !== "audit"}>
          <Audit
            report={report}
            loading={auditing}
            failure={failure}
            onRefresh={() => void audit()}
            own={own}
            selections={selections}
            choiceError={choiceError}
            onChoose={onChoose}
            onShowConnection={showConnection}
          />
        </div>
      </div>
    </SettingsContext.Provider>
  );
}
