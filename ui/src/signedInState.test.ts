import { expect, it } from "vitest";
import type { AuditReport, ConnectionRow } from "./backend";
import { chosenFor, initialSignedIn, ownRows, reduceSignedIn, type SignedInAction, type SignedInState } from "./signedInState";

function run(...actions: SignedInAction[]): SignedInState {
  return actions.reduce(reduceSignedIn, initialSignedIn);
}

const report = {
  findings: [{ rule: "binding-attended-ok", severity: "info", process: { key: "r1", name: "Email Triage", folderPath: "Shared" }, binding: "b" }],
  usage: [],
  problems: [],
  summary: { processes: 1, errors: 0, warnings: 0, infos: 1 },
} as unknown as AuditReport;

it("shows the connection another view asks for, in the list, each time anew", () => {
  const s = run({ type: "show", view: "audit" }, { type: "showConnection", id: "c4" });
  expect(s.view).toBe("connections");
  const again = reduceSignedIn(s, { type: "showConnection", id: "c4" });
  expect(again.focus).toEqual({ id: "c4" });
  expect(again.focus).not.toBe(s.focus);
});

it("lists the folder of a new connection again, and shows it only when asked", () => {
  const quiet = run({ type: "show", view: "new" }, { type: "created", folder: "Shared", id: "n1", show: false });
  expect(quiet.view).toBe("new");
  expect(quiet.reload).toEqual({ folder: "Shared" });
  const shown = reduceSignedIn(quiet, { type: "created", folder: "Shared", id: "n1", show: true });
  expect(shown.view).toBe("connections");
  expect(shown.focus).toEqual({ id: "n1" });
});

it("keeps the report when a choice fails, and names the processes each connection was chosen for", () => {
  const s = run(
    { type: "audited", report },
    { type: "selections", selections: { storage: "tenant", selections: [{ releaseKey: "r1", bindingKey: "b", connectionId: "c5" }] } },
    { type: "choosing" },
    { type: "choiceFailed", error: { code: "forbidden", message: "Not allowed." } },
  );
  expect(s.auditing).toBe(false);
  expect(s.report).toBe(report);
  expect(s.choiceError?.message).toBe("Not allowed.");
  expect(chosenFor(s)).toEqual({ c5: ["Email Triage"] });
});

it("takes the user's own rows as Rust marked them", () => {
  const rows = [{ id: "a", mine: true }, { id: "b", mine: false }] as ConnectionRow[];
  expect(ownRows(run({ type: "rows", rows })).map((r) => r.id)).toEqual(["a"]);
});

it("keeps each connection's latest check, so the list says what Health says", () => {
  const result = (id: string, status: "revoked" | "healthy") =>
    ({ connection: { id }, status, explanation: { cause: `cause of ${status}` }, checkedAt: "2026-12-06T10:00:00Z" }) as never;
  const s = run({ type: "checked", results: [result("c4", "revoked")] }, { type: "checked", results: [result("c1", "healthy")] });
  expect(s.checked.c4?.status).toBe("revoked");
  expect(s.checked.c4?.cause).toBe("cause of revoked");
  expect(s.checked.c1?.status).toBe("healthy");
  const again = reduceSignedIn(s, { type: "checked", results: [result("c4", "healthy")] });
  expect(again.checked.c4?.status).toBe("healthy");
});
