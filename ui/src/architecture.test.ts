// Keeps the rule that only src/backend talks to Tauri, so every screen can
// run in a plain browser against the fake backend (Vitest, Playwright).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const src = fileURLToPath(new URL(".", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

it("imports @tauri-apps/* only from src/backend", () => {
  const files = sources(src);
  expect(files.length).toBeGreaterThan(5);
  const offenders = files
    .map((f) => relative(src, f))
    .filter((f) => !f.startsWith("backend/") && f !== "architecture.test.ts")
    .filter((f) => /from\s+["']@tauri-apps\//.test(readFileSync(join(src, f), "utf8")));
  expect(offenders).toEqual([]);
});
