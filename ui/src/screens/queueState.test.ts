import { describe, expect, it } from "vitest";
import type { ConnectionRow, HealthResult } from "../backend";
import { advance, canReconnect, ended, newQueue, skip, started, stop, summary, whoMustAct } from "./queueState";

const rows = ["a", "b", "c"].map((id) => ({ id, name: `conn ${id}`, connectorKey: "k" }));

describe("the reconnect queue", () => {
  it("walks through every connection, with retry and skip, to a summary", () => {
    let q = started(newQueue(rows));
    expect(q.items[0]?.state).toBe("running");
    q = advance(ended(q, "done", "as hana@contoso.example"));
    expect(q.current).toBe(1);
    q = ended(started(q), "failed", "declined");
    // Retry: the same item runs again.
    q = started(q);
    expect(q.items[1]?.state).toBe("running");
    q = skip(ended(q, "failed", "declined again"));
    expect(q.items[1]?.state).toBe("skipped");
    q = advance(ended(started(q), "done", null));
    expect(q.current).toBeNull();
    expect(summary(q)).toEqual({ done: 2, failed: 0, skipped: 1 });
  });

  it("stop lets the running one finish and skips the rest", () => {
    let q = stop(started(newQueue(rows)));
    q = advance(ended(q, "done", null));
    expect(q.current).toBeNull();
    expect(summary(q)).toEqual({ done: 1, failed: 0, skipped: 2 });
  });
});

// What Rust decides for the row (ConnectionRow::decide), for these fixtures.
const KINDS: Record<string, ConnectionRow["authKind"]> = {
  OAuth2AuthorizationCode: "delegated",
  OAuth2BringYourOwnApp: "bringYourOwnApp",
  OAuth2ClientCredentials: "clientCredentials",
  OAuth2ClientCertificate: "clientCertificate",
};

function result(identity: string, authType: string | null, needsAdmin = false): HealthResult {
  const authKind = authType === null ? null : (KINDS[authType] ?? null);
  const mine = identity === "hana@contoso.example";
  const signsIn = authKind === null || authKind === "delegated" || authKind === "bringYourOwnApp";
  return {
    connection: {
      id: "x",
      name: "Finance SharePoint",
      connectorKey: "k",
      connectorName: "OneDrive",
      identity,
      owner: identity,
      ownerReported: true,
      mine,
      folder: { key: "f", path: "Finance", personal: false, id: null },
      state: "Failed",
      isDefault: false,
      authType,
      lastUsed: null,
      updated: null,
      scopes: null,
      sharedMailbox: null,
      secretExpiresAt: null,
      authKind,
      authLabel: authType ?? "",
      ownerLabel: identity,
      canReconnect: signsIn && (mine || identity === ""),
    },
    status: "revoked",
    explanation: { status: "revoked", code: "AADSTS50173", cause: "The sign-in was revoked.", fix: "Reconnect it.", needsAdmin, reconnectHelps: !needsAdmin },
    lapsesOn: null,
    evidence: "ping",
    checkedAt: "2026-11-22T10:00:00Z",
    failingSince: null,
    previousStatus: null,
    previousCheckedAt: null,
  };
}

describe("who can fix a connection", () => {
  it("is the user for their own delegated connections, someone else otherwise", () => {
    expect(canReconnect(result("hana@contoso.example", "OAuth2AuthorizationCode"))).toBe(true);
    expect(canReconnect(result("robot-prod-02@contoso.example", "OAuth2AuthorizationCode"))).toBe(false);
    expect(canReconnect(result("hana@contoso.example", "OAuth2ClientCredentials"))).toBe(false);
    const other = whoMustAct(result("robot-prod-02@contoso.example", "OAuth2AuthorizationCode"));
    expect(other.who).toBe("robot-prod-02@contoso.example");
    expect(other.message).toContain('"Finance SharePoint" (OneDrive) in the folder Finance');
    expect(other.message).toContain("The sign-in was revoked. Reconnect it.");
    expect(whoMustAct(result("x@y.z", null, true)).who).toBe("an administrator");
    const app = result("finance-mailbox-app", "OAuth2ClientCredentials");
    app.connection.owner = "dana@contoso.example";
    expect(whoMustAct(app).who).toBe("dana@contoso.example");
  });
});
