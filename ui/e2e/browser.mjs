// Shared by the browser specs: the web build served by Vite's preview server and
// Debian's Chromium (playwright-core), with nothing allowed off this machine.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { preview } from "vite";

const uiDir = fileURLToPath(new URL("..", import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Starts the preview server and a browser; `close()` stops both. */
export async function startBrowser({ width = 1100, height = 720 } = {}) {
  const server = await preview({
    root: uiDir,
    logLevel: "warn",
    preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false },
  });
  const { port } = server.httpServer.address();
  const profile = mkdtempSync(join(tmpdir(), "connassist-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  await context.route((url) => url.hostname !== "127.0.0.1", (route) => route.abort());
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    context,
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new page on the first screen, in the given colour scheme, signed in to the fake sandbox. */
export async function openSandbox(browser, { colorScheme = "light", query = "" } = {}) {
  const page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme });
  await page.goto(browser.baseUrl + query);
  await page.getByRole("button", { name: "Try the sandbox" }).click();
  await page.locator("#list-status").filter({ hasText: "connections in" }).waitFor();
  return page;
}
