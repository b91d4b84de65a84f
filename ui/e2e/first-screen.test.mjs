// The first screen in a real browser (Debian's Chromium via playwright-core),
// against the web build with its fake backend. The README's screenshots come from
// the real window (tests/tests/window_layout.rs and the other real-window tests).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { preview } from "vite";

const uiDir = fileURLToPath(new URL("..", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let server;
let baseUrl;
let profile;
let context;

before(async () => {
  server = await preview({
    root: uiDir,
    logLevel: "warn",
    preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false },
  });
  const { port } = server.httpServer.address();
  baseUrl = `http://127.0.0.1:${port}/`;
  profile = mkdtempSync(join(tmpdir(), "connassist-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 720 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  // Nothing leaves this machine: only the preview server may answer.
  await context.route((url) => url.hostname !== "127.0.0.1", (route) => route.abort());
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function openFirstScreen(colorScheme, query = "") {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme });
  await page.goto(baseUrl + query);
  await page.getByRole("heading", { name: "Choose a tenant" }).waitFor();
  return page;
}

describe("Choose a tenant (web build, fake backend)", () => {
  it("explains why http://example.com is refused, accepts a tenant URL, and asks for the application ID through the error path", async () => {
    const page = await openFirstScreen("light");
    const field = page.getByLabel("Tenant URL");
    assert.equal(await field.evaluate((el) => el === document.activeElement), true, "the URL field has focus");

    await field.fill("http://example.com");
    await page.getByRole("button", { name: "Sign in" }).click();
    const message = page.locator("#tenant-url-message");
    await message.filter({ hasText: "Use https://" }).waitFor();
    assert.equal(await field.getAttribute("aria-invalid"), "true");

    await field.fill("cloud.uipath.com/acme/DefaultTenant/orchestrator_/folders");
    await message.filter({ hasText: "Signs in to https://cloud.uipath.com/acme/DefaultTenant" }).waitFor();
    assert.equal(await field.getAttribute("aria-invalid"), "false");

    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.innerText(), /Enter the external application's ID/);

    await field.fill("http://example.com");
    await field.blur();
    await message.filter({ hasText: "Use https://" }).waitFor();
    await page.close();
  });

  it("follows the operating system's dark theme", async () => {
    const light = await openFirstScreen("light");
    const dark = await openFirstScreen("dark");
    const bg = (p) => p.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [lightBg, darkBg] = [await bg(light), await bg(dark)];
    assert.notEqual(lightBg, darkBg);
    // Dark means dark: the body's luminance is low.
    const [r, g, b] = darkBg.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 120, `dark background ${darkBg}`);
    await light.close();
    await dark.close();
  });
});

describe("Connections (web build, fake backend)", () => {
  it("streams folders, shows a failed folder with a working Retry, and searches, filters and details rows", async () => {
    const page = await openFirstScreen("light");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await page.getByRole("heading", { name: "Connections" }).waitFor();
    const rows = page.locator("table.grid tbody tr[data-id]");
    const status = page.locator("#list-status");
    await status.filter({ hasText: "4 connections in 3 folders" }).waitFor();
    assert.equal(await rows.count(), 4);

    // Finance failed: its error is shown with a Retry that lists it.
    const folderError = page.locator(".folder-error");
    assert.match(await folderError.innerText(), /Finance: Not allowed/);
    await folderError.getByRole("button", { name: "Retry" }).click();
    await status.filter({ hasText: "5 connections in 3 folders" }).waitFor();
    assert.equal(await folderError.count(), 0);

    await page.getByLabel("Search connections").fill("ROBOT");
    await status.filter({ hasText: "2 shown" }).waitFor();
    assert.equal(await rows.count(), 2);
    await page.getByLabel("Search connections").fill("");
    await page.getByLabel("State").selectOption("Expired");
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /robot-prod-02@contoso\.example/);
    await page.getByLabel("State").selectOption("all");

    await page.getByLabel("Connector", { exact: true }).selectOption({ label: "Gmail" });
    assert.equal(await rows.count(), 1);
    await page.getByLabel("Connector", { exact: true }).selectOption("all");
    await page.getByLabel("Group by folder").check();
    const groups = page.locator("table.grid tr.group");
    const compact = (texts) => texts.map((t) => t.replace(/\s+/g, ""));
    assert.deepEqual(compact(await groups.allInnerTexts()), ["Finance1", "HanaHelpdesk'sworkspacepersonal1", "Shared3"]);
    await page.getByLabel("Group by folder").uncheck();

    // Keyboard: focus a row, move down, the detail pane follows.
    await rows.first().click();
    await page.keyboard.press("ArrowDown");
    const detail = page.getByRole("complementary");
    await detail.waitFor();
    const secondName = (await rows.nth(1).locator("td.name").innerText()).replace(/default$/, "").trim();
    assert.match(await detail.innerText(), new RegExp(`Acts as[\\s\\S]*Owner`));
    assert.equal((await detail.locator("h2").innerText()).trim(), secondName);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Choose a tenant" }).waitFor();
    await page.close();
  });
});

describe("Connections at scale (web build, fake backend)", () => {
  it("keeps only the rows in view in the page for 10,000 connections, and scrolls to the last", async () => {
    const page = await openFirstScreen("light", "?rows=10000");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await page.locator("#list-status").filter({ hasText: "10000 connections in 50 folders" }).waitFor();
    const inDom = await page.locator("table.grid tbody tr[data-id]").count();
    assert.ok(inDom > 10 && inDom < 100, `${inDom} rows in the DOM`);
    await page.locator(".grid-scroll").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.locator("table.grid tbody tr[data-id]", { hasText: "Connection 09999" }).waitFor();
    assert.ok((await page.locator("table.grid tbody tr[data-id]").count()) < 100);
    // Search still covers every row, not only the rendered ones.
    await page.getByLabel("Search connections").fill("Connection 00007");
    await page.locator("#list-status").filter({ hasText: "1 shown" }).waitFor();
    await page.close();
  });
});

describe("Audit (web build, fake backend)", () => {
  it("counts findings in the navigation, groups them by severity and links to the connection", async () => {
    const page = await openFirstScreen("light");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    const nav = page.locator("#nav-audit");
    await nav.locator(".count").filter({ hasText: "3" }).waitFor();
    await nav.click();
    await page.locator("#audit-status").filter({ hasText: "4 processes audited: 2 errors, 1 warnings, 1 notes" }).waitFor();
    const groups = page.locator("section.severity-group");
    assert.deepEqual(await groups.evaluateAll((els) => els.map((e) => e.dataset.severity)), ["error", "warning", "info"]);

    const broken = page.locator("details.finding[data-rule='bound-connection-unhealthy']");
    await broken.locator("summary").click();
    assert.match(await broken.locator("p.fix").innerText(), /^Fix: /);

    await page.locator("#audit-folder").selectOption("Finance");
    assert.equal(await page.locator("details.finding").count(), 1);

    // Finance could not be listed (the fake fails it once): the link says so.
    await broken.getByRole("button", { name: /Show connection/ }).click();
    await page.getByRole("heading", { name: "Connections" }).waitFor();
    await page.locator("#focus-missing").waitFor();

    // A listed connection opens in the details pane.
    await page.locator("#nav-audit").click();
    await page.locator("#audit-folder").selectOption("all");
    const owner = page.locator("details.finding[data-rule='delegated-owner-not-run-identity']");
    await owner.locator("summary").click();
    await owner.getByRole("button", { name: /Show connection/ }).click();
    const detail = page.getByRole("complementary");
    await detail.waitFor();
    assert.equal((await detail.locator("h2").innerText()).trim(), "Dana's OneDrive");
    assert.equal(await page.locator("#focus-missing").count(), 0);
    await page.close();
  });
});

describe("Health and new connections (web build, fake backend)", () => {
  it("checks all, reconnects the user's own through the queue and names who must act on the others", async () => {
    const page = await openFirstScreen("light");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await page.locator("#nav-health").click();
    await page.locator("#health-check").click();
    await page.locator("#health-counts").filter({ hasText: "5 of 5 checked: 2 broken, 0 expiring soon, 3 healthy" }).waitFor();
    const rows = page.locator("#health-results tbody tr");
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.status)), ["revoked", "expired"]);
    // Not the user's: who must act, with a message to send.
    await page.getByRole("button", { name: "robot-prod-02@contoso.example must act: message to send" }).click();
    assert.match(await page.locator(".ask-message").inputValue(), /robot-prod-02@contoso\.example" \(Microsoft Outlook 365\) in the folder Shared/);
    await page.getByLabel("Reconnect Finance SharePoint").check();
    await page.locator("#queue-start").click();
    await page.locator("#queue-summary").filter({ hasText: "1 reconnected, 0 failed, 0 skipped" }).waitFor();
    await page.close();
  });

  it("creates a connection from the catalogue, refusing a folder the user may not create in", async () => {
    const page = await openFirstScreen("light");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await page.locator("#nav-new").click();
    await page.getByLabel("Search connectors").fill("mail");
    assert.deepEqual(await page.locator(".connector-card .connector-name").allInnerTexts(), ["Gmail", "Microsoft Outlook 365"]);
    await page.locator("#connector-uipath-microsoft-outlook365").click();
    assert.equal(await page.locator("#new-folder option[value='f-finance']").isDisabled(), true);
    await page.locator("#auth-clientCredentials").check();
    await page.locator("#new-client-id").fill("contoso-byo-app");
    await page.locator("#new-client-secret").fill("s3cret");
    await page.locator("#create-start").click();
    await page.locator("#create-ok").waitFor();
    // The secret is not kept in the form once used.
    assert.equal(await page.locator("#new-client-secret").inputValue(), "");
    // The new app-only connection: the tenant does not say when its secret
    // expires, so the user records it for the health check's warnings.
    await page.locator("#create-show").click();
    await page.getByRole("complementary").waitFor();
    await page.locator("#secret-expiry").fill("2026-12-01");
    await page.locator("#secret-expiry-save").click();
    await page.locator("#secret-expiry-saved").filter({ hasText: "warns 30, 14 and 7 days" }).waitFor();
    await page.close();
  });
  it("sets how often the user's own connections are checked in the background, refusing what cannot work", async () => {
    const page = await openFirstScreen("light");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await page.locator("#nav-settings").click();
    assert.equal(await page.locator("#background-check").inputValue(), "30");
    await page.locator("#background-check").fill("2");
    await page.locator("#settings-save").click();
    await page.locator("#settings-error").filter({ hasText: "every 5 to 1440 minutes (0 turns them off)" }).waitFor();
    await page.locator("#background-check").fill("0");
    await page.locator("#settings-save").click();
    await page.locator("#settings-saved").waitFor();
    // Kept: the view shows it again after leaving and coming back.
    await page.locator("#nav-health").click();
    await page.locator("#nav-settings").click();
    assert.equal(await page.locator("#background-check").inputValue(), "0");
    await page.close();
  });
});
