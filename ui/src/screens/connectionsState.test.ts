import { describe, expect, it } from "vitest";
import type { ConnectionRow, FolderSummary, ListEvent } from "../backend";
import {
  brokenCount,
  connectorOptions,
  folderPaths,
  initialState,
  owners,
  reduce,
  visibleItems,
  visibleRows,
  type Action,
  type State,
} from "./connectionsState";

const shared: FolderSummary = { key: "s", path: "Shared", personal: false, id: null };
const finance: FolderSummary = { key: "f", path: "Finance", personal: false, id: null };
const sub: FolderSummary = { key: "fs", path: "Finance/Payables", personal: false, id: null };

function row(id: string, name: string, folder: FolderSummary, state: ConnectionRow["state"] = "Enabled", owner = "dana@contoso.example"): ConnectionRow {
  return {
    id,
    name,
    connectorKey: "uipath-microsoft-outlook365",
    connectorName: "Microsoft Outlook 365",
    identity: owner,
    owner,
    ownerReported: true,
    mine: false,
    folder,
    state,
    isDefault: false,
    authType: null,
    lastUsed: null,
    updated: null,
    scopes: null,
    sharedMailbox: null,
    secretExpiresAt: null,
    authKind: null,
    authLabel: "",
    ownerLabel: owner,
    canReconnect: false,
  };
}

const ev = (event: ListEvent): Action => ({ type: "event", event });
const run = (...actions: Action[]): State => actions.reduce(reduce, initialState);

const listed = run(
  { type: "listing" },
  ev({ event: "started", data: { folders: 3 } }),
  ev({ event: "folder", data: { folder: shared, connections: [row("1", "b-mail", shared), row("2", "A-mail", shared, "Expired")] } }),
  ev({ event: "folderFailed", data: { folder: finance, error: { code: "forbidden", message: "No access." } } }),
  ev({ event: "folder", data: { folder: sub, connections: [row("3", "payables", sub, "Failed", "hana@contoso.example")] } }),
  { type: "finished" },
);

describe("connections list", () => {
  it("starts as listing, so nothing claims there are no connections before asking", () => {
    expect(initialState.loading).toBe(true);
  });

  it("collects rows and errors folder by folder, with progress", () => {
    expect(listed.rows).toHaveLength(3);
    expect(listed.errors.map((e) => e.folder.path)).toEqual(["Finance"]);
    expect([listed.done, listed.folders, listed.loading]).toEqual([3, 3, false]);
    expect(brokenCount(listed)).toBe(2);
  });

  it("folders that arrived within one frame are applied together, in order, as if one by one", () => {
    const events: ListEvent[] = [
      { event: "started", data: { folders: 3 } },
      { event: "folder", data: { folder: shared, connections: [row("1", "b-mail", shared), row("2", "A-mail", shared, "Expired")] } },
      { event: "folderFailed", data: { folder: finance, error: { code: "forbidden", message: "No access." } } },
      { event: "folder", data: { folder: sub, connections: [row("3", "payables", sub, "Failed", "hana@contoso.example")] } },
    ];
    const batched = run({ type: "listing" }, { type: "events", events }, { type: "finished" });
    expect(batched).toEqual(listed);
  });

  it("a retry replaces that folder's error with its rows and keeps the rest", () => {
    const retried = [
      { type: "listing", folder: "Finance" } as Action,
      ev({ event: "started", data: { folders: 2 } }),
      ev({ event: "folder", data: { folder: finance, connections: [row("4", "fin", finance)] } }),
      { type: "finished" } as Action,
    ].reduce(reduce, listed);
    expect(retried.errors).toEqual([]);
    expect(retried.rows.map((r) => r.id).sort()).toEqual(["1", "2", "3", "4"]);
    expect([retried.done, retried.folders]).toEqual([3, 3]);
  });

  it("a new full listing starts over", () => {
    const again = reduce(listed, { type: "listing" });
    expect([again.rows.length, again.errors.length, again.done, again.loading]).toEqual([0, 0, 0, true]);
  });

  it("searches names, identities, owners, connectors and folders, case-insensitively", () => {
    const names = (s: State) => visibleRows(s).map((r) => r.name);
    expect(names(reduce(listed, { type: "query", query: "HANA@" }))).toEqual(["payables"]);
    expect(names(reduce(listed, { type: "query", query: "payables" }))).toEqual(["payables"]);
    expect(names(reduce(listed, { type: "query", query: "outlook" }))).toHaveLength(3);
    expect(names(reduce(listed, { type: "query", query: "nothing-matches" }))).toEqual([]);
  });

  it("filters by state and by folder, including subfolders", () => {
    expect(visibleRows(reduce(listed, { type: "stateFilter", value: "Expired" })).map((r) => r.id)).toEqual(["2"]);
    expect(visibleRows(reduce(listed, { type: "folderFilter", value: "Finance" })).map((r) => r.id)).toEqual(["3"]);
    expect(folderPaths(listed)).toEqual(["Finance", "Finance/Payables", "Shared"]);
  });

  it("sorts by folder then name by default, and toggles direction on the same column", () => {
    expect(visibleRows(listed).map((r) => r.name)).toEqual(["payables", "A-mail", "b-mail"]);
    const byState = reduce(listed, { type: "sort", key: "state" });
    expect(visibleRows(byState).map((r) => r.state)).toEqual(["Failed", "Expired", "Enabled"]);
    const reversed = reduce(byState, { type: "sort", key: "state" });
    expect(visibleRows(reversed).map((r) => r.state)).toEqual(["Enabled", "Expired", "Failed"]);
  });

  it("moves the selection within the visible rows and stops at the ends", () => {
    let s = reduce(listed, { type: "move", by: 1 });
    expect(s.selected).toBe("3");
    s = reduce(reduce(reduce(s, { type: "move", by: 1 }), { type: "move", by: 1 }), { type: "move", by: 1 });
    expect(s.selected).toBe("1");
    s = reduce(s, { type: "move", by: -5 });
    expect(s.selected).toBe("3");
  });

  it("filters by connector and by owner", () => {
    const gmail = { ...row("9", "gmail", shared), connectorKey: "uipath-google-gmail", connectorName: "Gmail" };
    const s = reduce(listed, ev({ event: "folder", data: { folder: shared, connections: [...listed.rows.filter((r) => r.folder.key === "s"), gmail] } }));
    expect(connectorOptions(s)).toEqual([
      { key: "uipath-google-gmail", name: "Gmail" },
      { key: "uipath-microsoft-outlook365", name: "Microsoft Outlook 365" },
    ]);
    expect(visibleRows(reduce(s, { type: "connectorFilter", value: "uipath-google-gmail" })).map((r) => r.id)).toEqual(["9"]);
    expect(owners(s)).toEqual(["dana@contoso.example", "hana@contoso.example"]);
    expect(visibleRows(reduce(s, { type: "ownerFilter", value: "hana@contoso.example" })).map((r) => r.id)).toEqual(["3"]);
  });

  it("groups by folder with a header and a count before each folder, sorting within", () => {
    const grouped = reduce(reduce(listed, { type: "groupByFolder", value: true }), { type: "sort", key: "state" });
    const items = visibleItems(grouped).map((i) => (i.kind === "group" ? `# ${i.path} (${i.count})` : i.row.name));
    expect(items).toEqual(["# Finance/Payables (1)", "payables", "# Shared (2)", "A-mail", "b-mail"]);
    expect(visibleItems(listed).every((i) => i.kind === "row")).toBe(true);
  });
});

describe("revealing a connection from another view", () => {
  it("selects it and clears the filters that hide it", () => {
    const filtered = reduce(reduce(listed, { type: "stateFilter", value: "Expired" }), { type: "query", query: "A-mail" });
    expect(visibleRows(filtered).some((r) => r.id === "1")).toBe(false);
    const revealed = reduce(filtered, { type: "reveal", id: "1" });
    expect(revealed.selected).toBe("1");
    expect(visibleRows(revealed).some((r) => r.id === "1")).toBe(true);
  });

  it("keeps filters that already show it", () => {
    const filtered = reduce(listed, { type: "query", query: "mail" });
    const revealed = reduce(filtered, { type: "reveal", id: "2" });
    expect(revealed.query).toBe("mail");
    expect(revealed.selected).toBe("2");
  });
});
