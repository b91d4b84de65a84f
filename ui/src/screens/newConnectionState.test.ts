import { expect, it } from "vitest";
import type { ConnectorInfo, FolderChoice, ReconnectProgress } from "../backend";
import { chosenFolder, initialNewConnection, reduceNewConnection, request, type NewConnectionAction, type NewConnectionState } from "./newConnectionState";

const outlook: ConnectorInfo = {
  key: "uipath-microsoft-outlook365",
  name: "Outlook",
  description: "",
  authTypes: ["clientCredentials", "delegated"],
  supportsSharedMailbox: true,
  preferSystemBrowser: false,
  connectionCount: null,
};
const folders: FolderChoice[] = [
  { folder: { key: "fin", path: "Finance", personal: false, id: 2 }, canCreate: false },
  { folder: { key: "sh", path: "Shared", personal: false, id: 1 }, canCreate: true },
];

function run(...actions: NewConnectionAction[]): NewConnectionState {
  return actions.reduce(reduceNewConnection, initialNewConnection);
}

it("chooses the first folder the user may create in, and picking a connector takes its first authentication", () => {
  const s = run({ type: "loaded", connectors: [outlook], folders }, { type: "pick", connector: outlook, system: true });
  expect(chosenFolder(s)?.path).toBe("Shared");
  expect(s.form.auth).toBe("clientCredentials");
  expect(s.system).toBe(true);
});

it("keeps what was typed when creating fails, and drops the secret once it was used", () => {
  const typed = run(
    { type: "loaded", connectors: [outlook], folders },
    { type: "pick", connector: outlook, system: false },
    { type: "edit", patch: { clientId: "app", clientSecret: "s3cret" } },
    { type: "start" },
  );
  expect(typed.running).toBe(true);
  const failed = reduceNewConnection(typed, { type: "failed", error: { code: "invalid_input", message: "The client secret is wrong." } });
  expect(failed.running).toBe(false);
  expect(failed.form.clientSecret).toBe("s3cret");
  expect(failed.error?.message).toBe("The client secret is wrong.");
  const created = reduceNewConnection(typed, {
    type: "outcome",
    outcome: { kind: "created", connection: { id: "new-1" } as never },
  });
  expect(created.createdId).toBe("new-1");
  expect(created.form.clientSecret).toBe("");
  expect(created.form.clientId).toBe("app");
});

it("has made nothing after a consent that failed, and a new pick clears the last outcome", () => {
  const failed: ReconnectProgress = {
    sessionId: "s",
    status: "failed",
    identity: null,
    previousIdentity: null,
    scopes: { added: [], dropped: [], granted: null },
    failure: null,
    adminConsentUrl: null,
    otherAccount: false,
  };
  const s = run(
    { type: "loaded", connectors: [outlook], folders },
    { type: "pick", connector: outlook, system: false },
    { type: "start" },
    { type: "outcome", outcome: { kind: "consent", connectionId: "new-2", progress: failed } },
  );
  expect(s.createdId).toBeNull();
  expect(s.progress?.status).toBe("failed");
  const again = reduceNewConnection(s, { type: "pick", connector: outlook, system: false });
  expect(again.progress).toBeNull();
});

it("sends only the fields the chosen authentication uses", () => {
  const s = run(
    { type: "loaded", connectors: [outlook], folders },
    { type: "pick", connector: outlook, system: false },
    { type: "edit", patch: { auth: "delegated", clientSecret: "left over", sharedMailbox: " ap@contoso.example " } },
  );
  const r = request(outlook, s.form);
  expect(r.clientSecret).toBeNull();
  expect(r.sharedMailbox).toBe("ap@contoso.example");
  expect(r.folderKey).toBe("sh");
});
