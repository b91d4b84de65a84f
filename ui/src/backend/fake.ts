// A backend for the browser (dev server, Playwright specs). Its tenant-URL
// rules follow crates/core/src/tenant_url.rs; fake.test.ts runs it over the
// same case table as the Rust tests, so the two cannot drift apart silently.
import type {
  ApiError,
  AuditReport,
  Backend,
  Capabilities,
  ConnectionRow,
  ConnectorInfo,
  Feature,
  FeatureId,
  Finding,
  FolderSummary,
  HealthResult,
  HealthSummary,
  ListEvent,
  Selection,
  SessionInfo,
  Settings,
  TenantUrl,
} from "./types";

// Choices made in the browser preview, kept for the page's lifetime.
let fakeSelections: Selection[] = [];
let fakeSettings: Settings = { consentTimeoutSecs: 600, systemBrowserConnectors: [], backgroundCheckMinutes: 30, redirectPorts: [], extendedSandbox: false };
let created = 0;
let healthStopped = false;
const fakeExpiries: Record<string, string> = {};

function invalid(message: string): ApiError {
  return { code: "invalid_input", message };
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export function fakeCheckTenantUrl(input: string): TenantUrl {
  const text = input.trim();
  if (text === "") throw invalid("Enter your tenant's URL, for example https://cloud.uipath.com/acme/DefaultTenant.");
  const withScheme = text.includes("://") ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid("That is not a URL. Copy the address of your tenant from the browser.");
  }
  if (url.hostname === "") throw invalid("That is not a URL. Copy the address of your tenant from the browser.");
  const scheme = url.protocol.replace(/:$/, "");
  const loopback = isLoopback(url.hostname);
  if (scheme === "http" && !loopback) {
    throw invalid(
      "Use https:// for a tenant URL. Plain http:// is only accepted for a tenant on this computer (127.0.0.1 or localhost).",
    );
  }
  if (scheme !== "https" && scheme !== "http") throw invalid(`A tenant URL starts with https://, not ${scheme}://.`);
  if (url.username || url.password) {
    throw invalid("Remove the user name and password from the URL: you sign in on the next step, never in the address.");
  }
  const host = url.hostname.toLowerCase();
  let segments = url.pathname.split("/").filter((s) => s !== "");
  const service = segments.findIndex((s) => s.endsWith("_"));
  if (service >= 0) segments = segments.slice(0, service);
  if (host === "uipath.com" || host.endsWith(".uipath.com")) {
    const [org] = segments;
    if (org === undefined) throw invalid(`Add your organization and tenant to the address, for example https://${host}/acme/DefaultTenant.`);
    if (segments.length === 1) {
      throw invalid(`Add the tenant name after the organization, for example https://${host}/${org}/DefaultTenant.`);
    }
    segments = segments.slice(0, 2);
  }
  const base = `${scheme}://${url.host.toLowerCase()}`;
  return {
    url: [base, ...segments].join("/"),
    host,
    organization: segments[0] ?? null,
    tenant: segments[1] ?? null,
    loopback,
  };
}

export const fakeBackend: Backend = {
  kind: "fake",
  async checkTenantUrl(url) {
    return fakeCheckTenantUrl(url);
  },
  async connectTenant(url, clientId) {
    const tenant = fakeCheckTenantUrl(url);
    if (clientId.trim() === "") {
      throw invalid(
        "Enter the external application's ID: a non-confidential application registered in your tenant with the redirect URIs the README lists (http://127.0.0.1:47611/callback and the others).",
      );
    }
    return { ...fakeSession, tenant, sandbox: false };
  },
  async startSandbox() {
    return fakeSession;
  },
  async listConnections(onEvent, folder) {
    // `?rows=N` in the page address: a generated listing of N rows (scale
    // checks); `&folders=F` spreads them over F folders, each told on its own
    // task as the app's folders arrive (default 50, all at once).
    const params = new URLSearchParams(typeof location === "undefined" ? "" : location.search);
    const generated = Number(params.get("rows") ?? 0);
    if (generated > 0) return generatedListing(generated, Number(params.get("folders") ?? 0), onEvent);
    const folders = folder ? fakeFolders.filter((f) => f.path === folder) : fakeFolders;
    onEvent({ event: "started", data: { folders: folders.length } });
    for (const f of folders) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      // "Finance" fails on the first listing and works on a retry.
      if (f.path === "Finance" && !folder) {
        onEvent({
          event: "folderFailed",
          data: { folder: f, error: { code: "forbidden", message: "Not allowed: You do not have access to this folder." } },
        });
      } else {
        onEvent({ event: "folder", data: { folder: f, connections: fakeRows.filter((r) => r.folder.key === f.key) } });
      }
    }
  },
  async runAudit(folder) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    const findings = fakeFindings.filter((f) => !folder || f.process.folderPath === folder);
    const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
    const report: AuditReport = {
      summary: { processes: folder ? 2 : 4, errors: count("error"), warnings: count("warning"), infos: count("info") },
      findings,
      problems: [],
      usage: [{ connectionId: "c4", processes: [{ process: "Vendor Sync", folderPath: "Finance", unattended: true }] }],
    };
    return report;
  },
  async listSelections() {
    return { storage: "tenant", selections: [...fakeSelections] };
  },
  async chooseConnection(releaseKey, bindingKey, connectionId) {
    fakeSelections = fakeSelections.filter((s) => !(s.releaseKey === releaseKey && s.bindingKey === bindingKey));
    if (connectionId != null) fakeSelections.push({ releaseKey, bindingKey, connectionId });
  },
  async reconnectConnection(id, _folderKey, _systemBrowser, onProgress) {
    const session = { sessionId: `fake-${id}`, identity: null, previousIdentity: null, failure: null, adminConsentUrl: null, otherAccount: false };
    onProgress({ ...session, status: "pending", scopes: { added: [], dropped: [], granted: null } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { ...session, status: "completed", scopes: { added: [], dropped: [], granted: ["openid", "offline_access"] } };
  },
  async confirmReconnect(id, _sessionId, accept) {
    return {
      sessionId: `fake-${id}`,
      status: accept ? "completed" : "failed",
      identity: null,
      previousIdentity: null,
      scopes: { added: [], dropped: [], granted: null },
      failure: null,
      adminConsentUrl: null,
      otherAccount: false,
    };
  },
  async listConnectors() {
    return fakeConnectors;
  },
  async listCreateFolders() {
    return fakeFolders.map((folder) => ({ folder, canCreate: folder.key !== "f-finance" }));
  },
  async createConnection(request, _systemBrowser, onProgress, _onHandoff) {
    const folder = fakeFolders.find((f) => f.key === request.folderKey);
    const connector = fakeConnectors.find((c) => c.key === request.connectorKey);
    if (!folder || !connector) throw invalid("Pick a connector and a folder.");
    if (folder.key === "f-finance") throw { code: "forbidden", message: "The connection was not created: you may not create connections in Finance." } satisfies ApiError;
    const id = `new-${++created}`;
    const row: ConnectionRow = {
      ...fakeRow(id, request.name || "hana@contoso.example", [connector.key, connector.name], folder, "Enabled", "hana@contoso.example"),
      authType: request.auth === "delegated" ? "OAuth2AuthorizationCode" : "OAuth2ClientCredentials",
      authKind: request.auth === "delegated" ? "delegated" : "clientCredentials",
      authLabel: request.auth === "delegated" ? "Delegated (OAuth, acts as the user)" : "App-only (client secret)",
      canReconnect: request.auth === "delegated",
      sharedMailbox: request.sharedMailbox,
      scopes: request.auth === "delegated" ? ["openid", "Mail.Read"] : null,
    };
    fakeRows.push(row);
    if (request.auth === "clientCredentials" || request.auth === "clientCertificate") return { kind: "created", connection: row };
    const session = { sessionId: `fake-new-${id}`, identity: null, previousIdentity: null, failure: null, adminConsentUrl: null, otherAccount: false };
    onProgress({ ...session, status: "pending", scopes: { added: [], dropped: [], granted: null } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { kind: "consent", connectionId: id, progress: { ...session, identity: "hana@contoso.example", status: "completed", scopes: { added: [], dropped: [], granted: ["openid", "Mail.Read"] } } };
  },
  async tenantCapabilities() {
    return fakeCapabilities;
  },
  async getSettings() {
    return { ...fakeSettings };
  },
  async saveSettings(settings) {
    if (settings.consentTimeoutSecs < 5 || settings.consentTimeoutSecs > 3600) throw invalid("A consent window may stay open between 5 seconds and 60 minutes.");
    const every = settings.backgroundCheckMinutes;
    if (every !== 0 && (every < 5 || every > 1440)) throw invalid(`Background checks run every 5 to 1440 minutes (0 turns them off); ${every} minutes is outside that.`);
    fakeSettings = { ...settings, systemBrowserConnectors: [...new Set(settings.systemBrowserConnectors)].sort() };
    return { ...fakeSettings };
  },
  async checkHealth(onEvent, folder) {
    healthStopped = false;
    const rows = fakeRows.filter((r) => !folder || r.folder.path === folder);
    onEvent({ event: "started", data: { total: rows.length } });
    const summary: HealthSummary = { checked: 0, healthy: 0, expiringSoon: 0, broken: 0, unpinged: 0 };
    for (const row of rows) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (healthStopped) throw { code: "cancelled", message: "The check was stopped; the connections checked so far are shown." } satisfies ApiError;
      const result = fakeHealth(row);
      summary.checked += 1;
      if (result.status === "healthy") summary.healthy += 1;
      else if (result.status === "expiring_soon") summary.expiringSoon += 1;
      else summary.broken += 1;
      onEvent({ event: "results", data: [result] });
    }
    return summary;
  },
  // A browser has no tray or desktop notifications: nothing runs in the background.
  async watchHealth() {},
  async stopHealth() {
    healthStopped = true;
    return true;
  },
  async clearHealthHistory() {},
  async listRecordedExpiries() {
    return { ...fakeExpiries };
  },
  async recordSecretExpiry(id, date) {
    if (date != null && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw invalid(`"${date}" is not a date; enter it as YYYY-MM-DD.`);
    if (date == null) delete fakeExpiries[id];
    else fakeExpiries[id] = date;
  },
  async exportHealth(_path, _format) {
    return fakeRows.length;
  },
  async saveHealthExport(format) {
    return { path: `connections-health.${format}`, rows: fakeRows.length };
  },
  // The preview's state lives only as long as the page: a reset forgets the choices made in it.
  async resetSandbox() {
    fakeSelections = [];
  },
  async signOut() {
    fakeSelections = [];
  },
  // The browser preview is not installed: there is nothing to update.
  async appVersion() {
    return "0.1.0 (browser preview)";
  },
  async checkForUpdate() {
    return { status: "upToDate", currentVersion: "0.1.0 (browser preview)" };
  },
  async installUpdate() {
    throw invalid("No update is waiting: check for updates first.");
  },
};

function fakeHealth(connection: ConnectionRow): HealthResult {
  const broken = connection.state !== "Enabled";
  return {
    connection,
    status: broken ? (connection.state === "Expired" ? "expired" : "revoked") : "healthy",
    explanation: {
      status: broken ? "expired" : "healthy",
      code: broken ? "AADSTS700082" : "healthy",
      cause: broken ? "The connection's Microsoft sign-in expired because it was not used for 90 days." : "The provider answered the tenant's ping.",
      fix: broken ? "Reconnect it, signing in with the same account as before." : "Nothing to do.",
      needsAdmin: false,
      reconnectHelps: broken,
    },
    lapsesOn: null,
    evidence: "ping",
    checkedAt: new Date().toISOString(),
    failingSince: broken ? "2026-11-20T08:00:00Z" : null,
    previousStatus: broken ? "healthy" : null,
    previousCheckedAt: broken ? "2026-11-01T09:00:00Z" : null,
  };
}

function fakeConnector(key: string, name: string, authTypes: ConnectorInfo["authTypes"], extra: Partial<ConnectorInfo> = {}): ConnectorInfo {
  return { key, name, description: `Automate ${name}.`, authTypes, supportsSharedMailbox: false, preferSystemBrowser: false, connectionCount: null, ...extra };
}

const fakeConnectors: ConnectorInfo[] = [
  fakeConnector("uipath-google-gmail", "Gmail", ["delegated", "bringYourOwnApp"], { preferSystemBrowser: true }),
  fakeConnector("uipath-microsoft-onedrive", "Microsoft OneDrive & SharePoint", ["delegated", "bringYourOwnApp", "clientCredentials", "clientCertificate"]),
  fakeConnector("uipath-microsoft-outlook365", "Microsoft Outlook 365", ["delegated", "bringYourOwnApp", "clientCredentials", "clientCertificate"], { supportsSharedMailbox: true, description: "Mail, calendar and contacts in Microsoft 365." }),
  fakeConnector("uipath-salesforce-slack", "Slack", ["delegated"]),
];

// The browser preview plays a tenant that offers everything (the sandbox's
// extended profile); the real-window tests cover the documented one.
const feature = (id: FeatureId, name: string): Feature => ({ id, name, on: true, why: "The browser preview's demo tenant offers it.", fix: null, needed: true });
const fakeCapabilities: Capabilities = {
  tenant: "http://127.0.0.1:8080/sandbox/DefaultTenant",
  probedAt: "2026-12-06T09:00:00Z",
  flavour: "sandbox",
  platform: "the sandbox tenant",
  version: "26.10.0-s212.1043",
  signedInAs: "Hana Helpdesk <hana@contoso.example>",
  application: false,
  extensions: ["consent-session-status", "create-connection", "attended-selections", "connection-auth-details"],
  features: [
    feature("folders", "Folders"),
    feature("connections", "List connections"),
    feature("connectionOwners", "Connection owners"),
    feature("health", "Health checks"),
    feature("reconnect", "Reconnect in the app"),
    feature("consentSessionStatus", "Consent progress from the tenant"),
    feature("createInApp", "Create connections in the app"),
    feature("audit", "Binding audit"),
    feature("configurableBindings", "\"Configurable by users\" bindings"),
    feature("attendedChoices", "Your connection for attended processes"),
    feature("secretExpiry", "App secret expiry dates"),
  ],
};

// Sample data for the browser preview, shaped like the sandbox's forum scenario.
const fakeSession: SessionInfo = {
  tenant: {
    url: "http://127.0.0.1:8080/sandbox/DefaultTenant",
    host: "127.0.0.1",
    organization: "sandbox",
    tenant: "DefaultTenant",
    loopback: true,
  },
  user: "Hana Helpdesk <hana@contoso.example>",
  email: "hana@contoso.example",
  sandbox: true,
  capabilities: fakeCapabilities,
};

const fakeFolders: FolderSummary[] = [
  { key: "f-shared", path: "Shared", personal: false, id: 1 },
  { key: "f-finance", path: "Finance", personal: false, id: 2 },
  { key: "f-hana", path: "Hana Helpdesk's workspace", personal: true, id: 102 },
];

function fakeRow(id: string, name: string, connector: [string, string], folder: FolderSummary, state: ConnectionRow["state"], owner: string): ConnectionRow {
  return {
    id,
    name,
    connectorKey: connector[0],
    connectorName: connector[1],
    identity: owner,
    owner,
    ownerReported: true,
    mine: owner === "hana@contoso.example" || folder.personal,
    folder,
    state,
    isDefault: false,
    authType: "OAuth2AuthorizationCode",
    lastUsed: "2026-11-20T09:30:00.000Z",
    updated: "2026-11-19T08:00:00.000Z",
    scopes: null,
    sharedMailbox: null,
    secretExpiresAt: null,
    // Decided in Rust for the real backend (ConnectionRow::decide).
    authKind: "delegated",
    authLabel: "Delegated (OAuth, acts as the user)",
    ownerLabel: owner,
    canReconnect: owner === "hana@contoso.example" || folder.personal,
  };
}

async function generatedListing(total: number, streamed: number, onEvent: (e: ListEvent) => void) {
  const count = streamed > 0 ? streamed : 50;
  const folders: FolderSummary[] = Array.from({ length: count }, (_, i) => ({ key: `g${i}`, path: `Region ${String(i).padStart(3, "0")}`, personal: false, id: 1000 + i }));
  onEvent({ event: "started", data: { folders: folders.length } });
  const states: ConnectionRow["state"][] = ["Enabled", "Enabled", "Enabled", "Enabled", "Expired", "Failed"];
  for (const [fi, f] of folders.entries()) {
    if (streamed > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const connections: ConnectionRow[] = [];
    for (let i = fi; i < total; i += folders.length) {
      connections.push(fakeRow(`g-${i}`, `Connection ${String(i).padStart(5, "0")}`, outlook, f, states[i % states.length] ?? "Enabled", `user${i % 40}@contoso.example`));
    }
    onEvent({ event: "folder", data: { folder: f, connections } });
  }
}

const outlook: [string, string] = ["uipath-microsoft-outlook365", "Microsoft Outlook 365"];
const onedrive: [string, string] = ["uipath-microsoft-onedrive", "Microsoft OneDrive & SharePoint"];
const [shared, finance, hanaWs] = fakeFolders as [FolderSummary, FolderSummary, FolderSummary];
const fakeRows: ConnectionRow[] = [
  fakeRow("c1", "robot-prod-01@contoso.example", outlook, shared, "Enabled", "robot-prod-01@contoso.example"),
  fakeRow("c2", "robot-prod-02@contoso.example", outlook, shared, "Expired", "robot-prod-02@contoso.example"),
  fakeRow("c3", "Dana's OneDrive", onedrive, shared, "Enabled", "dana@contoso.example"),
  fakeRow("c4", "Finance SharePoint", onedrive, finance, "Failed", "hana@contoso.example"),
  fakeRow("c5", "hana@contoso.example", ["uipath-google-gmail", "Gmail"], hanaWs, "Enabled", "hana@contoso.example"),
];


function finding(rule: string, severity: Finding["severity"], process: string, folderPath: string, connection: string | null, title: string): Finding {
  return {
    rule,
    severity,
    process: { key: `p-${process}`, name: process, folderPath },
    binding: `b-${rule}`,
    connector: outlook[0],
    connection: connection === null ? null : { id: connection, name: fakeRows.find((r) => r.id === connection)?.name ?? null, folderPath },
    title,
    explanation: "Sample explanation from the browser preview's demo data.",
    fix: "Sample fix from the browser preview's demo data.",
    location: null,
  };
}

const fakeFindings: Finding[] = [
  finding("configurable-by-users-unattended", "error", "Invoice Dispatcher+Performer", "Shared", null, "“Invoice Dispatcher+Performer” runs unattended, but its Microsoft Outlook365 binding is configurable by users."),
  finding("bound-connection-unhealthy", "error", "Vendor Sync", "Finance", "c4", "“Vendor Sync” is bound to “Finance SharePoint”, which is Failed."),
  finding("delegated-owner-not-run-identity", "warning", "Invoice Dispatcher+Performer", "Shared", "c3", "“Invoice Dispatcher+Performer” runs as robot-prod-01, robot-prod-02 but its Microsoft Onedrive binding acts as dana@contoso.example."),
  finding("binding-attended-ok", "info", "Email Triage (Attended)", "Shared", null, "“Email Triage (Attended)” lets each user pick the connection for its Microsoft Outlook365 binding: fine, it runs attended only."),
];
