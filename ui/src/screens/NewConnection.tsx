// Creating a connection: pick a connector from the tenant's catalogue (search,
// marks), a folder the user may create in, and one of the connector's
// authentication types. Types a person signs in to open the provider's consent
// in a window of its own (or the system browser) and the connection exists
// once the provider has answered; app-only types are checked by the tenant at
// once. Secrets typed here go to the backend only, never into the page's
// storage, and the form keeps what was typed when creating fails.
//
// A tenant that offers no API to create connections (every real one) gets the
// hand-off instead: the tenant's own page opens on the folder, the steps are
// shown, and the new connection is picked up when it appears. State lives in
// newConnectionState.ts (a reducer); words in the catalogue (src/i18n).
import { useEffect, useMemo, useReducer } from "react";
import { useTranslation } from "react-i18next";
import { toApiError, type Backend, type ConnectorInfo, type Handoff } from "../backend";
import { ConnectorIcon } from "./ConnectorIcon";
import { ConsentOutcome } from "./ConsentOutcome";
import { chosenFolder, initialNewConnection, reduceNewConnection, request, searchConnectors, type Form } from "./newConnectionState";
import { BrowserChoice } from "./Reconnect";
import { systemBrowserFor, useSettings } from "./settingsContext";

export { searchConnectors };

export function NewConnection({
  backend,
  createInApp,
  onCreated,
}: {
  backend: Backend;
  /** The tenant creates connections through its API (else: its own page). */
  createInApp: boolean;
  onCreated: (folderPath: string, id: string, show: boolean) => void;
}) {
  const { t } = useTranslation();
  const { settings } = useSettings();
  const [state, dispatch] = useReducer(reduceNewConnection, initialNewConnection);
  const { connectors, folders, loadError, query, connector, form, system, running, progress, error, createdId, handoff } = state;

  useEffect(() => {
    let live = true;
    Promise.all([backend.listConnectors(), backend.listCreateFolders()])
      .then(([c, f]) => live && dispatch({ type: "loaded", connectors: c, folders: f }))
      .catch((e) => live && dispatch({ type: "loadFailed", error: toApiError(e) }));
    return () => {
      live = false;
    };
  }, [backend]);

  const shown = useMemo(() => searchConnectors(connectors ?? [], query), [connectors, query]);
  const folder = chosenFolder(state);
  const set = (patch: Partial<Form>) => dispatch({ type: "edit", patch });
  const setSystem = (value: boolean) => dispatch({ type: "system", value });

  const pick = (c: ConnectorInfo) => dispatch({ type: "pick", connector: c, system: systemBrowserFor(settings, c.key, c.preferSystemBrowser) });

  const create = async () => {
    if (!connector) return;
    dispatch({ type: "start" });
    try {
      const outcome = await backend.createConnection(
        request(connector, form),
        system,
        (progress) => dispatch({ type: "progress", progress }),
        (handoff) => dispatch({ type: "handoff", handoff }),
      );
      dispatch({ type: "outcome", outcome });
      if (outcome.kind === "created") {
        onCreated(outcome.connection.folder.path || folder?.path || "", outcome.connection.id, false);
      } else if (outcome.progress.status === "completed") {
        onCreated(folder?.path ?? "", outcome.connectionId, false);
      }
    } catch (e) {
      dispatch({ type: "failed", error: toApiError(e) });
    }
  };

  const readCertificate = (file: File | undefined) => {
    if (file) void file.text().then((certificate) => set({ certificate }));
  };

  const signsIn = form.auth === "delegated" || form.auth === "bringYourOwnApp";
  const appFields = form.auth === "bringYourOwnApp" || form.auth === "clientCredentials";
  return (
    <main className="new-connection" aria-labelledby="new-title">
      <div className="header">
        <div>
          <h1 id="new-title">{t("newConnection.title")}</h1>
          <p className="lead">{t("newConnection.lead")}</p>
        </div>
      </div>
      {loadError && (
        <div className={`banner banner-${loadError.code}`} role="alert" id="new-load-error">
          {loadError.message}
        </div>
      )}
      {connectors === null && !loadError && <p>{t("newConnection.loading")}</p>}
      {connectors !== null && (
        <section aria-label={t("newConnection.connectors")}>
          <input
            id="connector-search"
            type="search"
            placeholder={t("newConnection.search")}
            aria-label={t("newConnection.search")}
            value={query}
            onChange={(e) => dispatch({ type: "query", query: e.target.value })}
          />
          <div className="catalogue" role="listbox" aria-label={t("newConnection.catalogue")}>
            {shown.map((c) => (
              <button
                type="button"
                role="option"
                aria-selected={connector?.key === c.key}
                key={c.key}
                id={`connector-${c.key}`}
                className="connector-card"
                onClick={() => pick(c)}
                disabled={createInApp && c.authTypes.length === 0}
                title={createInApp && c.authTypes.length === 0 ? t("newConnection.cannotCreate") : c.description}
              >
                <ConnectorIcon connectorKey={c.key} name={c.name} />
                <span className="connector-name">{c.name}</span>
              </button>
            ))}
            {shown.length === 0 && <p id="connector-none">{t("newConnection.noMatch", { query })}</p>}
          </div>
        </section>
      )}
      {connector && (
        <form
          className="new-form"
          id="new-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <h2>
            <ConnectorIcon connectorKey={connector.key} name={connector.name} /> {connector.name}
          </h2>
          <label htmlFor="new-folder">{t("newConnection.folder")}</label>
          <select id="new-folder" value={form.folderKey} onChange={(e) => set({ folderKey: e.target.value })}>
            {folders.map((f) => (
              <option key={f.folder.key} value={f.folder.key} disabled={f.canCreate === false}>
                {f.canCreate === false
                  ? t("newConnection.mayNotCreate", { path: f.folder.path })
                  : f.folder.personal
                    ? t("newConnection.yourWorkspace", { path: f.folder.path })
                    : f.folder.path}
              </option>
            ))}
          </select>
          {folder && !folder.personal && (
            <p className="hint">{t("newConnection.sharedHint", { path: folder.path })}</p>
          )}
          {!createInApp && (
            <HandoffPanel connector={connector} running={running} handoff={handoff} system={system} onSystem={setSystem} disabled={form.folderKey === ""} />
          )}
          {createInApp && (
            <>
          <label htmlFor="new-name">{t("newConnection.name")}</label>
          <input id="new-name" value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder={t("newConnection.namePlaceholder")} />
          <fieldset>
            <legend>{t("newConnection.howItSignsIn")}</legend>
            {connector.authTypes.map((kind) => (
              <label key={kind} className="radio">
                <input type="radio" name="auth" id={`auth-${kind}`} checked={form.auth === kind} onChange={() => set({ auth: kind })} />
                <span>
                  <b>{t(`newConnection.auth.${kind}.title`)}</b> — {t(`newConnection.auth.${kind}.description`)}
                </span>
              </label>
            ))}
          </fieldset>
          {connector.supportsSharedMailbox && (
            <>
              <label htmlFor="new-shared-mailbox">{t("newConnection.sharedMailbox")}</label>
              <input
                id="new-shared-mailbox"
                type="email"
                value={form.sharedMailbox}
                onChange={(e) => set({ sharedMailbox: e.target.value })}
                placeholder={t("newConnection.sharedMailboxPlaceholder")}
              />
            </>
          )}
          {appFields && (
            <>
              <label htmlFor="new-client-id">{t("newConnection.clientId")}</label>
              <input id="new-client-id" value={form.clientId} onChange={(e) => set({ clientId: e.target.value })} autoComplete="off" />
              <label htmlFor="new-client-secret">{t("newConnection.clientSecret")}</label>
              <input
                id="new-client-secret"
                type="password"
                value={form.clientSecret}
                onChange={(e) => set({ clientSecret: e.target.value })}
                autoComplete="off"
              />
              <label htmlFor="new-tenant-id">{t("newConnection.tenantId")}</label>
              <input id="new-tenant-id" value={form.tenantId} onChange={(e) => set({ tenantId: e.target.value })} autoComplete="off" />
              <label htmlFor="new-secret-expires">{t("newConnection.secretExpires")}</label>
              <input id="new-secret-expires" type="date" value={form.secretExpiresAt} onChange={(e) => set({ secretExpiresAt: e.target.value })} />
            </>
          )}
          {form.auth === "clientCertificate" && (
            <>
              <label htmlFor="new-certificate">{t("newConnection.certificate")}</label>
              <textarea
                id="new-certificate"
                rows={6}
                value={form.certificate}
                onChange={(e) => set({ certificate: e.target.value })}
                placeholder="-----BEGIN CERTIFICATE-----"
                spellCheck={false}
              />
              <input type="file" accept=".pem,.crt,.key" aria-label={t("newConnection.certificateFile")} onChange={(e) => readCertificate(e.target.files?.[0])} />
            </>
          )}
          <div className="reconnect-actions">
            <button type="submit" className="primary narrow" id="create-start" disabled={running || form.folderKey === ""}>
              {signsIn ? t("newConnection.signInAndCreate") : t("newConnection.create")}
            </button>
            {signsIn && <BrowserChoice connectorKey={connector.key} connectorName={connector.name} system={system} onSystem={setSystem} />}
          </div>
            </>
          )}
          <ConsentOutcome
            progress={progress}
            purpose="create"
            running={running}
            system={system}
            error={error}
            done={(p) => {
              const where = folder?.path ?? t("newConnection.theFolder");
              return p.identity ? t("newConnection.createdAs", { identity: p.identity, folder: where }) : t("newConnection.created", { folder: where });
            }}
          />
          {createdId !== null && (
            <p className="reconnect-ok" id="create-ok">
              {progress === null && `${t("newConnection.created", { folder: folder?.path ?? t("newConnection.theFolder") })} `}
              {handoff !== null && `${t("newConnection.pickedUp")} `}
              <button type="button" className="secondary narrow" id="create-show" onClick={() => onCreated(folder?.path ?? "", createdId, true)}>
                {t("newConnection.show")}
              </button>
            </p>
          )}
        </form>
      )}
    </main>
  );
}

/**
 * Where the tenant creates connections only on its own pages: open them on
 * the chosen folder, say what to click, and wait for the new connection.
 */
function HandoffPanel({
  connector,
  running,
  handoff,
  system,
  onSystem,
  disabled,
}: {
  connector: ConnectorInfo;
  running: boolean;
  handoff: Handoff | null;
  system: boolean;
  onSystem: (system: boolean) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="handoff" id="handoff">
      <p className="hint" id="handoff-why">
        {t("newConnection.handoffWhy")}
      </p>
      <div className="reconnect-actions">
        <button type="submit" className="primary narrow" id="create-start" disabled={running || disabled}>
          {t("newConnection.openTenantPage")}
        </button>
        <BrowserChoice connectorKey={connector.key} connectorName={connector.name} system={system} onSystem={onSystem} />
      </div>
      {handoff && running && (
        <div aria-live="polite" id="handoff-steps">
          <p>{handoff.steps}</p>
          <p className="muted">
            {t("newConnection.page")} <code>{handoff.url}</code>
          </p>
          <p>{t("newConnection.waitingForNew")}</p>
        </div>
      )}
    </div>
  );
}
