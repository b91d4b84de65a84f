// The connections table with a big tenant, timed in Debian's Chromium against the
// web build's fake backend (`?rows=N`): a benchmark that prints a table, not a
// test. Run by scripts/bench-ui; `node bench/ui-bench.mjs [rows]` after `npm run build`.
import { openSandbox, startBrowser } from "../e2e/browser.mjs";

const ROWS = Number(process.argv[2] ?? 50_000);
const FRAME_MS = 1000 / 60;

// In the page: time from an input event (keydown or click, at capture) to the
// first frame painted after it; React renders discrete events before that frame.
const INSTRUMENT = () => {
  window.__bench = [];
  const start = (e) => {
    const t0 = performance.now();
    requestAnimationFrame(() => setTimeout(() => window.__bench.push(performance.now() - t0), 0));
  };
  addEventListener("keydown", start, true);
  addEventListener("click", start, true);
};
const drain = async (page) => {
  await page.waitForFunction(() => window.__bench.length > 0);
  return page.evaluate(() => window.__bench.splice(0));
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
const fmt = (ms) => `${ms.toFixed(1)} ms`;

const browser = await startBrowser();
try {
  // First rows painted: from "Try the sandbox" to the first frame with rows in it.
  const page = await browser.context.newPage();
  await page.goto(`${browser.baseUrl}?rows=${ROWS}`);
  await page.getByRole("button", { name: "Try the sandbox" }).waitFor();
  const firstRows = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const t0 = performance.now();
        document.querySelector("button#try-sandbox, button.try-sandbox")?.click() ??
          [...document.querySelectorAll("button")].find((b) => b.textContent.includes("Try the sandbox")).click();
        const poll = () => (document.querySelector("table.grid tbody tr[data-id]") ? requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0))) : requestAnimationFrame(poll));
        poll();
      }),
  );
  await page.locator("#list-status").filter({ hasText: `${ROWS} connections in` }).waitFor({ timeout: 120_000 });
  await page.evaluate(INSTRUMENT);

  // A search keystroke to updated rows, one letter at a time.
  const search = page.getByLabel("Search connections");
  await search.focus();
  const keystrokes = [];
  for (const ch of "Connection 0123") {
    await page.keyboard.type(ch);
    keystrokes.push(...(await drain(page)));
  }
  await search.fill("");
  await page.locator("#list-status").filter({ hasNotText: "shown" }).waitFor();
  // Deleting widens the result again: the slower direction.
  await search.fill("Connection 0123");
  const deletes = [];
  for (let i = 0; i < 5; i += 1) {
    await page.keyboard.press("Backspace");
    deletes.push(...(await drain(page)));
  }
  await search.fill("");
  await page.locator("#list-status").filter({ hasNotText: "shown" }).waitFor();
  await drain(page).catch(() => []);

  // Sort by a column, both directions, and group by folder on and off.
  const sorts = [];
  for (const column of ["Name", "Owner", "Owner", "Last used"]) {
    await page.locator("table.grid thead button", { hasText: column }).click();
    sorts.push(...(await drain(page)));
  }
  const groups = [];
  for (let i = 0; i < 2; i += 1) {
    await page.getByLabel("Group by folder").click();
    groups.push(...(await drain(page)));
  }
  await page.getByLabel("Group by folder").click();
  await drain(page);

  // Scrolling: 240 frames, 600 px a frame, recording each frame's length.
  const frames = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const box = document.querySelector(".grid-scroll");
        const lengths = [];
        let last = performance.now();
        let n = 0;
        const step = (now) => {
          lengths.push(now - last);
          last = now;
          box.scrollTop += 600;
          n += 1;
          if (n < 240) requestAnimationFrame(step);
          else resolve(lengths.slice(1));
        };
        requestAnimationFrame(step);
      }),
  );
  const slow = frames.filter((f) => f > FRAME_MS + 1).length;
  const p95 = [...frames].sort((a, b) => a - b)[Math.floor(frames.length * 0.95)];

  // The app's listing arrives folder by folder, one event each: 5,000 rows in
  // 500 folders (the large sandbox), from the click to every row counted.
  const streamed = await browser.context.newPage();
  await streamed.goto(`${browser.baseUrl}?rows=5000&folders=500`);
  await streamed.getByRole("button", { name: "Try the sandbox" }).waitFor();
  const s0 = Date.now();
  await streamed.getByRole("button", { name: "Try the sandbox" }).click();
  await streamed.locator("#list-status").filter({ hasText: "5000 connections in 500 folders" }).waitFor({ timeout: 120_000 });
  const streamedMs = Date.now() - s0;
  await streamed.close();

  const table = [
    ["What", "Median", "Worst", "Target"],
    ["Listing streamed folder by folder: 5,000 rows in 500 folders, to all listed", fmt(streamedMs), fmt(streamedMs), "—"],
    ["First rows painted", fmt(firstRows), fmt(firstRows), "—"],
    ["Search keystroke to updated rows (typing)", fmt(median(keystrokes)), fmt(max(keystrokes)), "< 50 ms"],
    ["Search keystroke to updated rows (deleting)", fmt(median(deletes)), fmt(max(deletes)), "< 50 ms"],
    ["Sort by a column", fmt(median(sorts)), fmt(max(sorts)), "—"],
    ["Group by folder on/off", fmt(median(groups)), fmt(max(groups)), "—"],
    [`Scrolling, frame length (p95 ${fmt(p95)}, ${slow} of ${frames.length} over 16.7 ms)`, fmt(median(frames)), fmt(max(frames)), "< 16.7 ms"],
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  console.log(`UI with ${ROWS.toLocaleString("en")} connections (Chromium ${browser.context.browser()?.version() ?? ""}, fake backend, 1100×720)`);
  table.forEach((r, i) => {
    console.log(`| ${r.map((c, j) => c.padEnd(widths[j])).join(" | ")} |`);
    if (i === 0) console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  });
  await page.close();
} finally {
  await browser.close();
}
