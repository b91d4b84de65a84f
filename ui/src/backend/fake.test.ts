import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fakeBackend, fakeCheckTenantUrl } from "./fake";

// The same table crates/core/tests/tenant_url_cases.rs checks the Rust rules with.
interface Case {
  input: string;
  url?: string;
  error?: string;
}
const table = fileURLToPath(new URL("../../../crates/core/tests/data/tenant_url_cases.json", import.meta.url));
const cases = JSON.parse(readFileSync(table, "utf8")) as Case[];

describe("fake backend tenant URL rules", () => {
  it("has the shared table", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of cases) {
    it(`${JSON.stringify(c.input)} → ${c.url ?? c.error}`, () => {
      if (c.url !== undefined) {
        expect(fakeCheckTenantUrl(c.input).url).toBe(c.url);
      } else {
        expect(() => fakeCheckTenantUrl(c.input)).toThrow(
          expect.objectContaining({ code: "invalid_input" }) as unknown as Error,
        );
      }
    });
  }

  it("gives the same https message as Rust for plain http", async () => {
    await expect(fakeBackend.checkTenantUrl("http://example.com")).rejects.toEqual({
      code: "invalid_input",
      message:
        "Use https:// for a tenant URL. Plain http:// is only accepted for a tenant on this computer (127.0.0.1 or localhost).",
    });
  });

  it("streams a failing folder first, and lists it on a retry", async () => {
    const events: string[] = [];
    await fakeBackend.listConnections((e) => events.push(e.event));
    expect(events).toEqual(["started", "folder", "folderFailed", "folder"]);
    const retry: string[] = [];
    await fakeBackend.listConnections((e) => retry.push(e.event), "Finance");
    expect(retry).toEqual(["started", "folder"]);
  });
});
