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
// shown, and the new connection is picked up when it appears.
import { useEffect, useMemo, useState } from "react";
import {
  toApiError,
  type ApiError,
  type AuthKind,
  type Backend,
  type ConnectorInfo,
  type FolderChoice,
  type NewConnection as NewConnectionRequest,
  type Handoff,
  type ReconnectProgress,
} from "../backend";
import { ConnectorIcon } from "./ConnectorIcon";
import { ConsentOutcome } from "./ConsentOutcome";
import { BrowserChoice } from "./Reconnect";
import { systemBrowserFor, useSettings } from "./settingsContext";

const AUTH_TEXT: Record<AuthKind, [string, string]> = {
  delegated: ["Sign in (delegated)", "Acts as the account that signs in: its mailbox, its files and its rights."],
  bringYourOwnApp: ["Sign in with your organisation's app", "Like delegated, but through an app registration your organisation controls."],
  clientCredentials: ["App-only, client secret", "The app acts as itself; nobody signs in. Needs application permissions."],
  clientCertificate: ["App-only, certificate", "The app acts as itself with a certificate instead of a secret."],
};

/** Connectors whose name, key or description contains every word typed. */
export function searchConnectors(all: ConnectorInfo[], query: string): ConnectorInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return all.filter((c) => {
    const text = `${c.name} ${c.key} ${c.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

interface Form {
  folderKey: string;
  name: string;
  auth: AuthKind;
  sharedMailbox: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  secretExpiresAt: string;
  certificate: string;
}

const EMPTY: Form = {
  folderKey: "",
  name: "",
  auth: "delegated",
  sharedMailbox: "",
  clientId: "",
  clientSecret: "",
  tenantId: "",
  secretExpiresAt: "",
  certificate: "",
};

function request(connector: ConnectorInfo, form: Form): NewConnectionRequest {
  const text = (v: string) => (v.trim() === "" ? null : v.trim());
  const app = form.auth === "bringYourOwnApp" || form.auth === "clientCredentials";
  return {
    connectorKey: connector.key,
    folderKey: form.folderKey,
    name: text(form.name),
    auth: form.auth,
    sharedMailbox: connector.supportsSharedMailbox ? text(form.sharedMailbox) : null,
    clientId: app ? text(form.clientId) : null,
    clientSecret: app ? text(form.clientSecret) : null,
    tenantId: app ? text(form.tenantId) : null,
    secretExpiresAt: app ? text(form.secretExpiresAt) : null,
    certificate: form.auth === "clientCertificate" ? text(form.certificate) : null,
  };
}

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
  const { settings } = useSettings();
  const [connectors, setConnectors] = useState<ConnectorInfo[] | null>(null);
  const [folders, setFolders] = useState<FolderChoice[]>([]);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [query, setQuery] = useState("");
  const [connector, setConnector] = useState<ConnectorInfo | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [system, setSystem] = useState(false);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ReconnectProgress | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [createdId, setCreatedId] = useState<string | null>(null);
  const [handoff, setHandoff] = useState<Handoff | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([backend.listConnectors(), backend.listCreateFolders()])
      .then(([c, f]) => {
        if (!live) return;
        setConnectors(c);
        setFolders(f);
        const first = f.find((x) => x.canCreate !== false);
        setForm((old) => ({ ...old, folderKey: old.folderKey || first?.folder.key || "" }));
      })
      .catch((e) => live && setLoadError(toApiError(e)));
    return () => {
      live = false;
    };
  }, [backend]);

  const shown = useMemo(() => searchConnectors(connectors ?? [], query), [connectors, query]);
  const folder = folders.find((f) => f.folder.key === form.folderKey)?.folder ?? null;
  const set = (patch: Partial<Form>) => setForm((old) => ({ ...old, ...patch }));

  const pick = (c: ConnectorInfo) => {
    setConnector(c);
    set({ auth: c.authTypes[0] ?? "delegated", sharedMailbox: "" });
    setSystem(systemBrowserFor(settings, c.key, c.preferSystemBrowser));
    setProgress(null);
    setError(null);
    setCreatedId(null);
    setHandoff(null);
  };

  const create = async () => {
    if (!connector) return;
    setRunning(true);
    setError(null);
    setProgress(null);
    setCreatedId(null);
    setHandoff(null);
    try {
      const outcome = await backend.createConnection(request(connector, form), system, setProgress, setHandoff);
      if (outcome.kind === "created") {
        setCreatedId(outcome.connection.id);
        onCreated(outcome.connection.folder.path || folder?.path || "", outcome.connection.id, false);
      } else {
        setProgress(outcome.progress);
        if (outcome.progress.status === "completed") {
          setCreatedId(outcome.connectionId);
          onCreated(folder?.path ?? "", outcome.connectionId, false);
        }
      }
      // Secrets are not kept once used.
      set({ clientSecret: "", certificate: "" });
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setRunning(false);
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
          <h1 id="new-title">New connection</h1>
          <p className="lead">Pick a connector, where the connection lives, and how it signs in.</p>
        </div>
      </div>
      {loadError && (
        <div className={`banner banner-${loadError.code}`} role="alert" id="new-load-error">
          {loadError.message}
        </div>
      )}
      {connectors === null && !loadError && <p>Loading the connector catalogue…</p>}
      {connectors !== null && (
        <section aria-label="Connectors">
          <input
            id="connector-search"
            type="search"
            placeholder="Search connectors"
            aria-label="Search connectors"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <div className="catalogue" role="listbox" aria-label="Connector catalogue">
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
                title={createInApp && c.authTypes.length === 0 ? "This app cannot create this connector's connections" : c.description}
              >
                <ConnectorIcon connectorKey={c.key} name={c.name} />
                <span className="connector-name">{c.name}</span>
              </button>
            ))}
            {shown.length === 0 && <p id="connector-none">No connector matches “{query}”.</p>}
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
          <label htmlFor="new-folder">Folder</label>
          <select id="new-folder" value={form.folderKey} onChange={(e) => set({ folderKey: e.target.value })}>
            {folders.map((f) => (
              <option key={f.folder.key} value={f.folder.key} disabled={f.canCreate === false}>
                {f.folder.path}
                {f.folder.personal ? " (your workspace)" : ""}
                {f.canCreate === false ? " (you may not create here)" : ""}
              </option>
            ))}
          </select>
          {folder && !folder.personal && (
            <p className="hint">Everyone who can see {folder.path} can bind processes to it; a delegated connection acts as you.</p>
          )}
          {!createInApp && (
            <HandoffPanel connector={connector} running={running} handoff={handoff} system={system} onSystem={setSystem} disabled={form.folderKey === ""} />
          )}
          {createInApp && (
            <>
          <label htmlFor="new-name">Name (optional)</label>
          <input id="new-name" value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="Named after the account when empty" />
          <fieldset>
            <legend>How it signs in</legend>
            {connector.authTypes.map((kind) => (
              <label key={kind} className="radio">
                <input type="radio" name="auth" id={`auth-${kind}`} checked={form.auth === kind} onChange={() => set({ auth: kind })} />
                <span>
                  <b>{AUTH_TEXT[kind][0]}</b> — {AUTH_TEXT[kind][1]}
                </span>
              </label>
            ))}
          </fieldset>
          {connector.supportsSharedMailbox && (
            <>
              <label htmlFor="new-shared-mailbox">Shared mailbox (optional)</label>
              <input
                id="new-shared-mailbox"
                type="email"
                value={form.sharedMailbox}
                onChange={(e) => set({ sharedMailbox: e.target.value })}
                placeholder="ap@contoso.com: read this mailbox instead of your own"
              />
            </>
          )}
          {appFields && (
            <>
              <label htmlFor="new-client-id">Client (application) ID</label>
              <input id="new-client-id" value={form.clientId} onChange={(e) => set({ clientId: e.target.value })} autoComplete="off" />
              <label htmlFor="new-client-secret">Client secret</label>
              <input
                id="new-client-secret"
                type="password"
                value={form.clientSecret}
                onChange={(e) => set({ clientSecret: e.target.value })}
                autoComplete="off"
              />
              <label htmlFor="new-tenant-id">Directory (tenant) ID (optional)</label>
              <input id="new-tenant-id" value={form.tenantId} onChange={(e) => set({ tenantId: e.target.value })} autoComplete="off" />
              <label htmlFor="new-secret-expires">Secret expires on (optional, for early warnings)</label>
              <input id="new-secret-expires" type="date" value={form.secretExpiresAt} onChange={(e) => set({ secretExpiresAt: e.target.value })} />
            </>
          )}
          {form.auth === "clientCertificate" && (
            <>
              <label htmlFor="new-certificate">Certificate and private key (PEM)</label>
              <textarea
                id="new-certificate"
                rows={6}
                value={form.certificate}
                onChange={(e) => set({ certificate: e.target.value })}
                placeholder="-----BEGIN CERTIFICATE-----"
                spellCheck={false}
              />
              <input type="file" accept=".pem,.crt,.key" aria-label="Read the PEM from a file" onChange={(e) => readCertificate(e.target.files?.[0])} />
            </>
          )}
          <div className="reconnect-actions">
            <button type="submit" className="primary narrow" id="create-start" disabled={running || form.folderKey === ""}>
              {signsIn ? "Sign in and create" : "Create"}
            </button>
            {signsIn && <BrowserChoice connectorKey={connector.key} connectorName={connector.name} system={system} onSystem={setSystem} />}
          </div>
            </>
          )}
          <ConsentOutcome
            progress={progress}
            running={running}
            waitingWhere={system ? "in your browser" : "in the window that opened"}
            error={error}
            done={(p) => `Created${p.identity ? ` as ${p.identity}` : ""} in ${folder?.path ?? "the folder"}.`}
          />
          {createdId !== null && (
            <p className="reconnect-ok" id="create-ok">
              {progress === null && `Created in ${folder?.path ?? "the folder"}. `}
              {handoff !== null && "The app picked it up from the tenant. "}
              <button type="button" className="secondary narrow" id="create-show" onClick={() => onCreated(folder?.path ?? "", createdId, true)}>
                Show it in the list
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
  return (
    <div className="handoff" id="handoff">
      <p className="hint" id="handoff-why">
        This tenant offers no way for apps to create connections: you create it on the tenant's own page (Orchestrator), and this app picks it up as
        soon as it is ready.
      </p>
      <div className="reconnect-actions">
        <button type="submit" className="primary narrow" id="create-start" disabled={running || disabled}>
          Open the tenant's page
        </button>
        <BrowserChoice connectorKey={connector.key} connectorName={connector.name} system={system} onSystem={onSystem} />
      </div>
      {handoff && running && (
        <div aria-live="polite" id="handoff-steps">
          <p>{handoff.steps}</p>
          <p className="muted">
            Page: <code>{handoff.url}</code>
          </p>
          <p>Waiting for the new connection…</p>
        </div>
      )}
    </div>
  );
}
