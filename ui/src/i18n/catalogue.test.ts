// The catalogue is complete: every key the screens look up exists, every
// audit rule (crates/core/src/audit/rules) has a display name, and the
// authentication names are the ones Rust gives the CLI (AuthKind::label), so
// the list, the details and the terminal use the same words.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it, vi } from "vitest";
import { dateTime, day, since } from "./format";
import en from "./en.json";

const src = fileURLToPath(new URL("..", import.meta.url));
const core = fileURLToPath(new URL("../../../crates/core/src/", import.meta.url));

function has(key: string): boolean {
  let node: unknown = en;
  for (const part of key.split(".")) {
    if (typeof node !== "object" || node === null || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string";
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

it("has every key the screens look up by name", () => {
  const missing: string[] = [];
  for (const file of sources(src)) {
    for (const m of readFileSync(file, "utf8").matchAll(/\bt\(\s*"([a-zA-Z0-9_.-]+)"/g)) {
      if (!has(m[1]!)) missing.push(`${file}: ${m[1]}`);
    }
  }
  expect(missing).toEqual([]);
});

it("names every audit rule in words, not as its identifier", () => {
  const dir = join(core, "audit/rules");
  const ids = readdirSync(dir).flatMap((f) => [...readFileSync(join(dir, f), "utf8").matchAll(/fn id\(&self\) -> &'static str \{\s*"([a-z-]+)"/g)].map((m) => m[1]!));
  expect(ids.length).toBeGreaterThan(5);
  for (const id of ids) {
    expect(has(`rule.${id}`), id).toBe(true);
    expect((en.rule as Record<string, string>)[id]?.toLowerCase()).not.toBe(id.split("-").join(" "));
  }
});

it("calls each authentication what the CLI calls it", () => {
  const rust = readFileSync(join(core, "auth_kind.rs"), "utf8");
  for (const [kind, variant] of [
    ["delegated", "Delegated"],
    ["bringYourOwnApp", "BringYourOwnApp"],
    ["clientCredentials", "ClientCredentials"],
    ["clientCertificate", "ClientCertificate"],
  ] as const) {
    expect(rust, kind).toContain(`Self::${variant} => "${en.auth[kind]}"`);
    expect(rust, kind).toContain(`Self::${variant} => "${en.auth.short[kind]}"`);
  }
});

it("writes dates through Intl, absolute with the relative beside it", () => {
  const now = Date.parse("2026-12-06T12:00:00Z");
  const shown = dateTime("2026-12-03T12:00:00Z", now);
  expect(shown).toMatch(/2026/);
  expect(shown).toContain("(3 days ago)");
  expect(day("2026-12-16", now)).toMatch(/\(in (9|10) days\)$/);
  expect(since(null)).toBe("never");
  expect(dateTime("not a date")).toBe("not a date");
});

it("uses the status words Rust gives the CLI and the tray (FailureStatus::label)", () => {
  const rust = readFileSync(join(core, "failure/mod.rs"), "utf8");
  const variants: Record<keyof typeof en.status, string> = {
    healthy: "Healthy",
    expiring_soon: "ExpiringSoon",
    consent_required: "ConsentRequired",
    expired: "Expired",
    revoked: "Revoked",
    secret_expired: "SecretExpired",
    disabled: "Disabled",
    unreachable: "Unreachable",
    unknown: "Unknown",
  };
  for (const [status, variant] of Object.entries(variants)) {
    expect(rust, status).toContain(`Self::${variant} => "${en.status[status as keyof typeof en.status]}"`);
  }
  // Integration Service's own state words are the same words where they meet.
  expect(en.state.Failed).toBe(en.status.unknown);
  expect(en.state.Expired).toBe(en.status.expired);
  expect(en.state.Disabled).toBe(en.status.disabled);
});

it("writes dates even where the browser reports a locale Intl refuses (LANG=C)", () => {
  vi.stubGlobal("navigator", { language: "c" });
  try {
    expect(dateTime("2026-12-03T12:00:00Z", Date.parse("2026-12-06T12:00:00Z"))).toContain("(3 days ago)");
  } finally {
    vi.unstubAllGlobals();
  }
});
