// What a cramped window gets wrong, measured in the page: one expression that
// returns a list of problems (empty when the layout holds). Run by the browser
// specs (page.evaluate) and by the real-window test (tests/tests/window_layout.rs,
// through WebDriver), so both check the same things.
(() => {
  const problems = [];
  const label = (el) => (el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}${el.classList.length ? "." + [...el.classList].join(".") : ""}`);
  const shown = (el) => el.getClientRects().length > 0;

  // The page never scrolls sideways.
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) problems.push(`the page scrolls sideways (${doc.scrollWidth} > ${doc.clientWidth})`);

  // A value too long for its cell is cut with an ellipsis, and the cell's title holds it whole.
  for (const el of document.querySelectorAll("table.grid td, table.grid th, table.grid .connector > span, table.grid th button")) {
    if (!shown(el) || el.closest("tr.spacer") || el.closest("tr:focus-visible")) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const style = getComputedStyle(el);
    const titled = el.closest("[title]");
    if (style.textOverflow !== "ellipsis" || style.overflowX === "visible") problems.push(`"${el.textContent.trim()}" overflows ${label(el)} without an ellipsis`);
    else if (!titled && !el.closest("th")) problems.push(`"${el.textContent.trim()}" is cut in ${label(el)} with no title to show it whole`);
  }

  // No word breaks across lines where it would fit on one: "SharePoin t", "dana@co ntoso".
  const roots = [...document.querySelectorAll("table.grid tbody, .detail, .toolbar, .views, .session-bar, .settings, .new-connection, .audit, .health")];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !shown(parent) || parent.closest("option, script, style, textarea")) continue;
      // A word, up to where a line may break anyway (after a hyphen, a slash or a dash).
      for (const match of node.data.matchAll(/[^\s\-\/–—]+[\-\/–—]?|[\-\/–—]/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const lines = new Set(rects.map((r) => Math.round(r.top)));
        if (lines.size < 2) continue;
        const width = rects.reduce((sum, r) => sum + r.width, 0);
        const block = parent.closest("td, th, dd, dt, p, label, li, h1, h2, h3, div") ?? parent;
        if (width <= block.clientWidth) problems.push(`"${match[0]}" breaks across lines in ${label(block)} though it fits on one`);
      }
    }
  }

  // The details pane holds its content: nothing runs past its right edge.
  for (const pane of document.querySelectorAll(".detail")) {
    if (pane.scrollWidth > pane.clientWidth + 1) problems.push(`the details pane scrolls sideways (${pane.scrollWidth} > ${pane.clientWidth})`);
    const right = pane.getBoundingClientRect().right;
    for (const el of pane.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > right + 1) problems.push(`${label(el)} ("${el.textContent.trim().slice(0, 40)}") runs past the details pane by ${Math.round(r.right - right)} px`);
    }
  }

  // The search field's placeholder is read whole.
  for (const input of document.querySelectorAll("input[placeholder]")) {
    if (!shown(input)) continue;
    const style = getComputedStyle(input);
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const need = ctx.measureText(input.placeholder).width;
    if (need > room) problems.push(`the placeholder of ${label(input)} is cut (${Math.round(need)} px in ${Math.round(room)} px)`);
  }

  // A short (filtered) table leaves no empty bordered area below its rows.
  for (const box of document.querySelectorAll(".grid-scroll")) {
    const table = box.querySelector("table");
    if (table && box.scrollHeight <= box.clientHeight + 1 && box.clientHeight > table.offsetHeight + 2)
      problems.push(`the table's box is ${box.clientHeight - table.offsetHeight} px taller than its rows`);
  }
  return problems;
})()
