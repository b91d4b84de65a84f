import { describe, expect, it } from "vitest";
import type { HealthResult } from "../backend";
import { initialHealth, reduceHealth, shownResults, summarize, type HealthState } from "./healthState";

function result(id: string, status: HealthResult["status"], folder = "Shared", evidence: HealthResult["evidence"] = "ping"): HealthResult {
  return {
    connection: {
      id,
      name: `conn ${id}`,
      connectorKey: "k",
      connectorName: "K",
      identity: "",
      owner: "",
      ownerReported: true,
      mine: false,
      folder: { key: folder, path: folder, personal: false, id: null },
      state: "Enabled",
      isDefault: false,
      authType: null,
      lastUsed: null,
      updated: null,
      scopes: null,
      sharedMailbox: null,
      secretExpiresAt: null,
      authKind: null,
      authLabel: "",
      ownerLabel: "",
      canReconnect: false,
    },
    status,
    explanation: { status, code: status, cause: "", fix: "", needsAdmin: false, reconnectHelps: false },
    lapsesOn: null,
    evidence,
    checkedAt: "2026-11-22T10:00:00Z",
    failingSince: null,
    previousStatus: null,
    previousCheckedAt: null,
  };
}

describe("the health view's state", () => {
  it("takes results in batches, problems first, and counts them", () => {
    let s: HealthState = reduceHealth(initialHealth, { type: "start" });
    s = reduceHealth(s, { type: "event", event: { event: "started", data: { total: 4 } } });
    s = reduceHealth(s, { type: "event", event: { event: "results", data: [result("a", "healthy"), result("b", "expiring_soon", "Finance")] } });
    s = reduceHealth(s, { type: "event", event: { event: "results", data: [result("c", "revoked", "Shared", "state"), result("d", "expired", "Finance")] } });
    expect(summarize(s)).toEqual({ checked: 4, healthy: 1, expiringSoon: 1, broken: 2, unpinged: 1 });
    expect(shownResults(s).map((r) => r.connection.id)).toEqual(["d", "c", "b"]);
    s = reduceHealth(s, { type: "onlyProblems", value: false });
    expect(shownResults(s).map((r) => r.connection.id)).toEqual(["d", "c", "b", "a"]);
  });

  it("a second check replaces the first, and a stop keeps what came", () => {
    let s = reduceHealth(initialHealth, { type: "event", event: { event: "results", data: [result("a", "revoked")] } });
    s = reduceHealth(s, { type: "start" });
    s = reduceHealth(s, { type: "event", event: { event: "started", data: { total: 2 } } });
    expect(s.results.size).toBe(0);
    s = reduceHealth(s, { type: "event", event: { event: "results", data: [result("b", "healthy")] } });
    s = reduceHealth(s, { type: "failed", error: { code: "cancelled", message: "stopped" } });
    expect(s.running).toBe(false);
    expect(summarize(s).checked).toBe(1);
  });
});

describe("a connection's impact", () => {
  it("counts the processes that bind it and the unattended ones", async () => {
    const { impact } = await import("./Health");
    const usage = [
      {
        connectionId: "c",
        processes: [
          { process: "A", folderPath: "Finance", unattended: true },
          { process: "B", folderPath: "Finance", unattended: false },
          { process: "C", folderPath: "Shared", unattended: true },
        ],
      },
    ];
    expect(impact(usage, "c")).toBe("Used by 3 processes, 2 unattended in Finance, Shared");
    expect(impact(usage, "other")).toBeNull();
    expect(impact(undefined, "c")).toBeNull();
  });
});
