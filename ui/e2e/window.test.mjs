// The window as people use it, in a real browser against the fake backend:
// zero serious or critical axe-core violations on every screen and state, the
// connections table as one Tab stop moved with the keyboard, and a layout that
// holds at 1100×720, 1366×768 and 1920×1080 (the checks in layout-check.js).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { openSandbox, startBrowser } from "./browser.mjs";

const LAYOUT_CHECK = readFileSync(new URL("./layout-check.js", import.meta.url), "utf8");
const SIZES = [
  [1100, 720],
  [1366, 768],
  [1920, 1080],
];

let browser;
before(async () => {
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
});

/** The serious and critical violations on the page as it is now, one line each. */
async function violations(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

const rowsLocator = (page) => page.locator("table.grid tbody tr[data-id]");
/** Waits until keyboard focus is on the row `id` (null: on no row); focus follows a key in the next frame. */
const focusOn = (page, id) => page.waitForFunction((want) => (document.activeElement?.closest("tr[data-id]")?.dataset.id ?? null) === want, id, { timeout: 5000 });
const activeRowId = (page) => page.evaluate(() => document.activeElement?.closest("tr[data-id]")?.dataset.id ?? null);

describe("Accessibility (axe-core, web build, fake backend)", () => {
  for (const colorScheme of ["light", "dark"]) {
    it(`has no serious or critical violations on any screen, ${colorScheme} theme`, async () => {
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme });
      const found = {};
      const check = async (state) => {
        found[state] = await violations(page);
      };

      await page.goto(browser.baseUrl);
      await page.getByRole("heading", { name: "Choose a tenant" }).waitFor();
      await check("first screen");
      await page.getByLabel("Tenant URL").fill("http://example.com");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator("#tenant-url-message").filter({ hasText: "Use https://" }).waitFor();
      await check("first screen, refused URL");

      await page.getByRole("button", { name: "Try the sandbox" }).click();
      await page.locator("#list-status").filter({ hasText: "connections in" }).waitFor();
      await check("list, a folder failed");
      await rowsLocator(page).first().click();
      await page.getByRole("complementary").waitFor();
      await check("details");
      await page.getByLabel("Group by folder").check();
      await check("grouped by folder");
      await page.getByLabel("Group by folder").uncheck();

      await page.locator("#nav-audit").click();
      await page.locator("#audit-status").filter({ hasText: "processes audited" }).waitFor();
      for (const summary of await page.locator("details.finding summary").all()) await summary.click();
      await check("audit, findings open");

      await page.locator("#nav-health").click();
      await page.locator("#health-check").click();
      await page.locator("#health-counts").filter({ hasText: "5 of 5 checked" }).waitFor();
      await check("health, done");

      await page.locator("#nav-new").click();
      await page.getByLabel("Search connectors").waitFor();
      await check("new connection, catalogue");
      await page.locator("#connector-uipath-microsoft-outlook365").click();
      await check("new connection, form");

      await page.locator("#nav-settings").click();
      await page.locator("#background-check").waitFor();
      await check("settings");

      await page.close();
      const failing = Object.entries(found).filter(([, v]) => v.length > 0);
      assert.deepEqual(failing, [], failing.map(([state, v]) => `${state}:\n  ${v.join("\n  ")}`).join("\n"));
    });
  }
});

describe("Keyboard in the connections table (web build, fake backend)", () => {
  it("is one Tab stop moved with the arrows, Home/End and PageUp/PageDown; Enter goes into the details pane, Escape back", async () => {
    const page = await openSandbox(browser, { query: "?rows=200" });
    await page.locator("#list-status").filter({ hasText: /^200 connections in/ }).waitFor();
    const rows = rowsLocator(page);
    // In the table's order (data-index), whatever order the DOM holds them in.
    const ids = await rows.evaluateAll((els) => els.sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index)).map((e) => e.dataset.id));

    // Only one row is in the Tab order.
    assert.equal(await page.locator("table.grid tbody tr[tabindex='0']").count(), 1);
    // Tab from the search field reaches the first row past the toolbar and the
    // column headers, and one more Tab leaves the table.
    await page.getByLabel("Search connections").focus();
    let presses = 0;
    while ((await activeRowId(page)) === null && presses < 30) {
      await page.keyboard.press("Tab");
      presses += 1;
    }
    assert.equal(await activeRowId(page), ids[0], "Tab reaches the first row");
    assert.ok(presses <= 14, `${presses} presses to reach the first row`);
    await page.keyboard.press("ArrowDown");
    await focusOn(page, ids[1]);
    await page.keyboard.press("Tab");
    await focusOn(page, null); // one Tab leaves the table
    await page.keyboard.press("Shift+Tab");
    await focusOn(page, ids[1]); // Shift+Tab comes back to the row that was left

    await page.keyboard.press("End");
    await page.waitForFunction(() => document.activeElement?.closest("tr[data-id]")?.textContent?.includes("Connection 00199"));
    assert.equal(await page.locator("tr[aria-selected='true'] td.name").innerText(), "Connection 00199");
    await page.keyboard.press("Home");
    await page.waitForFunction((first) => document.activeElement?.closest("tr[data-id]")?.dataset.id === first, ids[0]);
    await page.keyboard.press("PageDown");
    await page.waitForFunction((first) => {
      const id = document.activeElement?.closest("tr[data-id]")?.dataset.id;
      return id && id !== first;
    }, ids[0]);
    const paged = Number((await page.locator("tr[aria-selected='true'] td.name").innerText()).replace(/\D/g, ""));
    assert.ok(paged > 3, `PageDown moved to row ${paged}`);
    await page.keyboard.press("PageUp");
    await page.waitForFunction((first) => document.activeElement?.closest("tr[data-id]")?.dataset.id === first, ids[0]);

    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "detail");
    assert.equal(await page.locator("#detail h2").innerText(), await page.locator("tr[aria-selected='true'] td.name").innerText());
    await page.keyboard.press("Escape");
    await focusOn(page, ids[1]); // Escape goes back to the row
    await page.close();
  });

  it("resizes the details pane with the arrow keys and by dragging, and keeps the width", async () => {
    const page = await openSandbox(browser);
    await rowsLocator(page).first().click();
    const pane = page.locator("#detail");
    const width = () => pane.evaluate((el) => el.getBoundingClientRect().width);
    const before = await width();
    await page.locator("#detail-separator").focus();
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    assert.equal(Math.round((await width()) - before), 40, "two ArrowLeft presses widen the pane by 40 px");

    const handle = await page.locator("#detail-separator").boundingBox();
    await page.mouse.move(handle.x + handle.width / 2, handle.y + 20);
    await page.mouse.down();
    await page.mouse.move(handle.x - 100, handle.y + 20, { steps: 5 });
    await page.mouse.up();
    const dragged = await width();
    assert.ok(Math.abs(dragged - (before + 40 + 100 + handle.width / 2)) < 8, `dragged to ${dragged} from ${before + 40}`);

    // Kept when the list is shown again.
    await page.locator("#nav-settings").click();
    await page.locator("#nav-connections").click();
    await rowsLocator(page).first().click();
    assert.ok(Math.abs((await width()) - dragged) < 2);
    await page.evaluate(() => localStorage.removeItem("connassist.detailWidth"));
    await page.close();
  });
});

describe("Layout at three window sizes (web build, fake backend)", () => {
  for (const [width, height] of SIZES) {
    it(`holds at ${width}×${height}: no cut words, whole values on hover, a pane that holds its labels, a table that fits its rows`, async () => {
      const page = await openSandbox(browser);
      await page.setViewportSize({ width, height });
      const check = async (state) => {
        const problems = await page.evaluate(LAYOUT_CHECK);
        assert.deepEqual(problems, [], `${state} at ${width}×${height}`);
      };
      await check("list");
      // The row with the longest connector name, selected: its details and options.
      await page.locator("table.grid tbody tr[data-id]", { hasText: "SharePoint" }).first().click();
      await page.getByRole("complementary").waitFor();
      await check("details");

      // Filtering keeps the columns where they were and shrinks the box to its rows.
      const columns = () => page.locator("table.grid thead th").evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));
      const wide = await columns();
      await page.getByLabel("Search connections").fill("SharePoint");
      await page.locator("#list-status").filter({ hasText: "shown" }).waitFor();
      assert.deepEqual(await columns(), wide, "columns do not jump when filtering");
      await check("filtered");
      // A long value is cut with an ellipsis and whole in the title.
      await page.getByLabel("Search connections").fill("");
      for (const [state, nav, ready] of [
        ["audit", "#nav-audit", "#audit-status"],
        ["health", "#nav-health", "#health-check"],
        ["new connection", "#nav-new", "#new-search, input[aria-label='Search connectors']"],
        ["settings", "#nav-settings", "#background-check"],
      ]) {
        await page.locator(nav).click();
        await page.locator(ready).first().waitFor();
        await check(state);
      }
      await page.close();
    });
  }

  it("cuts a long value with an ellipsis and shows it whole in the title", async () => {
    const page = await openSandbox(browser);
    await page.setViewportSize({ width: 1100, height: 720 });
    await rowsLocator(page).first().click();
    const cut = await page.locator("table.grid tbody td").evaluateAll((cells) =>
      cells.filter((c) => c.scrollWidth > c.clientWidth + 1 || [...c.querySelectorAll(".connector > span")].some((s) => s.scrollWidth > s.clientWidth + 1)).map((c) => ({ title: c.title, text: c.textContent })),
    );
    assert.ok(cut.length > 0, "with the details pane open at 1100×720 some values are cut");
    for (const { title, text } of cut) assert.ok(title.length > 0 && text.includes(title.split(" (")[0]), `${text} has the title ${title}`);
    await page.close();
  });
});
