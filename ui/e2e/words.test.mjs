// The words a user reads, in a real browser (Debian's Chromium via
// playwright-core) against the web build with its fake backend: what a new
// connection was made with is in its details, a finished consent lists what
// was granted (not "Asks for new permissions"), the attended choice opens the
// Audit under the control's own label, and findings show that they open.
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
  server = await preview({ root: uiDir, logLevel: "warn", preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false } });
  baseUrl = `http://127.0.0.1:${server.httpServer.address().port}/`;
  profile = mkdtempSync(join(tmpdir(), "connassist-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 720 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  await context.route((url) => url.hostname !== "127.0.0.1", (route) => route.abort());
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function signedIn() {
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.getByRole("button", { name: "Try the sandbox" }).click();
  await page.getByRole("heading", { name: "Connections" }).waitFor();
  return page;
}

/** The value of one field of the details pane. */
async function field(page, id) {
  return (await page.locator(`aside.detail [data-field='${id}'] dd`).innerText()).trim();
}

describe("Words (web build, fake backend)", () => {
  it("shows what a new connection was made with: its shared mailbox, the granted permissions and how it authenticates", async () => {
    const page = await signedIn();
    await page.locator("#nav-new").click();
    await page.locator("#connector-uipath-microsoft-outlook365").click();
    await page.locator("#auth-delegated").check();
    await page.locator("#new-shared-mailbox").fill("ap@contoso.example");
    await page.locator("#create-start").click();
    await page.locator("#create-ok").waitFor();
    const status = await page.locator("#reconnect-status").innerText();
    assert.match(status, /Permissions granted: openid, Mail\.Read\./);
    assert.doesNotMatch(status, /Asks for new permissions/);

    await page.locator("#create-show").click();
    await page.getByRole("complementary").waitFor();
    assert.equal(await field(page, "shared-mailbox"), "ap@contoso.example");
    assert.equal(await field(page, "permissions"), "openid, Mail.Read");
    assert.equal(await field(page, "authentication"), "Delegated (OAuth, acts as the user)");
    // The list's tag is the short form of the same words.
    assert.equal((await page.locator("tr[aria-selected='true'] .connector .tag").innerText()).trim(), "delegated");
    // Dates: absolute, with the relative beside it.
    assert.match(await field(page, "updated"), /\d{4}.*\(.+\)$/);
    await page.close();
  });

  it("puts the attended choice first in the Audit under the control's label, and findings say that they open", async () => {
    const page = await signedIn();
    await page.locator("#nav-audit").click();
    const section = page.locator("#attended-processes");
    await section.waitFor();
    assert.match(await section.locator("h2").innerText(), /Your attended processes/);
    const select = section.getByLabel("Your connection for this process");
    assert.equal(await select.count(), 1);
    const ok = page.locator("details.finding[data-rule='binding-attended-ok']");
    const opens = ok.locator(".finding-opens");
    assert.equal((await opens.innerText()).trim(), "▸");
    await ok.locator("summary").click();
    await ok.locator(".finding-opens", { hasText: "▾" }).waitFor({ timeout: 5000 });
    assert.equal(await ok.evaluate((d) => d.open), true);
    // Rules read as words, not identifiers.
    const owner = page.locator("details.finding[data-rule='delegated-owner-not-run-identity'] .tag");
    assert.equal((await owner.innerText()).trim(), "Acts as someone other than the robot");
    await page.close();
  });

  it("says the same status word in the list as in Health for the same connection, with its cause, and heads the pick column", async () => {
    const page = await signedIn();
    const finance = page.locator("table[aria-label='Connections'] tr[data-id='c4'] .badge");
    await page.locator("#list-status").filter({ hasText: "connections in 3 folders" }).waitFor();
    await page.locator(".folder-error button").click();
    await finance.waitFor();
    assert.equal((await finance.innerText()).trim(), "Failed");
    await page.locator("#nav-health").click();
    await page.locator("#health-check").click();
    const inHealth = page.locator("#health-results tr[data-id='c4'] .badge");
    await inHealth.waitFor();
    const word = (await inHealth.innerText()).trim();
    assert.equal(word, "Revoked");
    assert.equal((await page.locator("#health-results thead th").first().innerText()).trim(), "Reconnect");
    await page.locator("#nav-connections").click();
    assert.equal((await finance.innerText()).trim(), word);
    assert.match(await finance.getAttribute("title"), /sign-in expired/);
    await page.close();
  });
});
