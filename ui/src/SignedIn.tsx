// The signed-in app: navigation between the connections list, the audit, a
// new connection and the settings. The list and the audit stay mounted
// (hidden when not shown) so switching keeps the list and its filters; the
// audit runs once on sign-in so its count is in the navigation from the start.
// The settings are loaded once and shared through a context.
import { useCallback, useEffect, useMemo, useState } from "react";
import { toApiError, type ApiError, type AuditReport, type Backend, type ConnectionRow, type Selections, type SessionInfo, type Settings } from "./backend";
import { Audit } from "./screens/Audit";
import { actionCount } from "./screens/auditState";
import { Connections } from "./screens/Connections";
import { Health } from "./screens/Health";
import { NewConnection } from "./screens/NewConnection";
import { DEFAULT_SETTINGS, SettingsContext } from "./screens/settingsContext";
import { SettingsView } from "./screens/SettingsView";

type View = "connections" | "audit" | "health" | "new" | "settings";

export function SignedIn({ backend, session, onSignOut }: { backend: Backend; session: SessionInfo; onSignOut: () => void }) {
  const [view, setView] = useState<View>("connections");
  const [focus, setFocus] = useState<{ id: string } | null>(null);
  const [report, setReport] = useState<AuditReport | null>(null);
  const [auditing, setAuditing] = useState(true);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [rows, setRows] = useState<ConnectionRow[]>([]);
  const [selections, setSelections] = useState<Selections | null>(null);
  const [choiceError, setChoiceError] = useState<ApiError | null>(null);
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const [reload, setReload] = useState<{ folder: string } | null>(null);

  useEffect(() => {
    // Defaults stand until they load; a damaged file is reported when saving.
    backend.getSettings().then(setSettings, () => {});
  }, [backend]);
  const settingsHandle = useMemo(
    () => ({
      settings,
      save: async (next: Settings) => setSettings(await backend.saveSettings(next)),
    }),
    [backend, settings],
  );

  const loadSelections = useCallback(async () => {
    try {
      setSelections(await backend.listSelections());
    } catch (e) {
      setChoiceError(toApiError(e));
    }
  }, [backend]);

  useEffect(() => {
    void loadSelections();
  }, [loadSelections]);

  // Background checks; a click on a notification or the tray lands here.
  useEffect(() => {
    backend
      .watchHealth((request) => {
        if (request.connectionId !== null) {
          setFocus({ id: request.connectionId });
          setView("connections");
        } else {
          setView("health");
        }
      })
      // Signed out meanwhile: nothing to watch.
      .catch(() => {});
  }, [backend]);

  const choose = async (releaseKey: string, bindingKey: string, connectionId: string | null) => {
    setChoiceError(null);
    try {
      await backend.chooseConnection(releaseKey, bindingKey, connectionId);
    } catch (e) {
      setChoiceError(toApiError(e));
    }
    await loadSelections();
  };

  // The user's own connections (decided in Rust: acting as them, in their
  // workspace, or chosen by them): an attended run acts as them.
  const own = rows.filter((r) => r.mine);
  // Which processes each connection was chosen for, for the list's details.
  const chosenFor: Record<string, string[]> = {};
  for (const s of selections?.selections ?? []) {
    const name = report?.findings.find((f) => f.process.key === s.releaseKey)?.process.name ?? s.releaseKey;
    (chosenFor[s.connectionId] ??= []).push(name);
  }

  const audit = useCallback(async () => {
    setAuditing(true);
    setFailure(null);
    try {
      setReport(await backend.runAudit());
    } catch (e) {
      setFailure(toApiError(e));
    } finally {
      setAuditing(false);
    }
  }, [backend]);

  useEffect(() => {
    void audit();
  }, [audit]);

  const count = actionCount(report);
  return (
    <SettingsContext.Provider value={settingsHandle}>
      <div className="signed-in">
        <nav className="views" aria-label="Views">
          <button type="button" id="nav-connections" aria-current={view === "connections" ? "page" : undefined} onClick={() => setView("connections")}>
            Connections
          </button>
          <button type="button" id="nav-audit" aria-current={view === "audit" ? "page" : undefined} onClick={() => setView("audit")}>
            Audit
            {!auditing && report && (
              <span className={count > 0 ? "count count-alert" : "count"} aria-label={`${count} findings need action`}>
                {count}
              </span>
            )}
          </button>
          <button type="button" id="nav-health" aria-current={view === "health" ? "page" : undefined} onClick={() => setView("health")}>
            Health
          </button>
          <button type="button" id="nav-new" aria-current={view === "new" ? "page" : undefined} onClick={() => setView("new")}>
            New connection
          </button>
          <button type="button" id="nav-settings" aria-current={view === "settings" ? "page" : undefined} onClick={() => setView("settings")}>
            Settings
          </button>
        </nav>
        <div hidden={view !== "connections"}>
          <Connections backend={backend} session={session} onSignOut={onSignOut} focus={focus} onRows={setRows} chosenFor={chosenFor} reload={reload} />
        </div>
        <div hidden={view !== "health"}>
          <Health
            backend={backend}
            usage={report?.usage}
            onShowConnection={(id) => {
              setFocus({ id });
              setView("connections");
            }}
          />
        </div>
        <div hidden={view !== "new"}>
          <NewConnection
            backend={backend}
            createInApp={session.capabilities.features.some((f) => f.id === "createInApp" && f.on)}
            onCreated={(folder, id, show) => {
              setReload({ folder });
              if (show) {
                setFocus({ id });
                setView("connections");
              }
            }}
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
            onChoose={(releaseKey, bindingKey, connectionId) => void choose(releaseKey, bindingKey, connectionId)}
            onShowConnection={(id) => {
              setFocus({ id });
              setView("connections");
            }}
          />
        </div>
      </div>
    </SettingsContext.Provider>
  );
}
