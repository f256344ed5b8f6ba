// Drives each interaction of a kashika trace page 10 times in headless Chromium and prints p50/p95 from input to the
// next painted frame (bench/trace-page-interactions runs this).
//   node trace-page-interactions.mjs PLAYWRIGHT_PACKAGE PAGE.html
const [pkg, file] = process.argv.slice(2);
const { chromium } = await import(`${pkg}/index.mjs`);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--enable-precise-memory-info"] });
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));
const started = Date.now();
await page.goto(`file://${file}`);
await page.waitForSelector("body[data-ready]", { timeout: 300000 });
const ready = Number(await page.evaluate(() => document.body.dataset.ready));
const loaded = Date.now() - started;
// The JS heap the page keeps (after a garbage collection: what is not yet collected is not kept), once loaded and after
// every interaction below.
const cdp = await page.context().newCDPSession(page);
const retained = async () => { await cdp.send("HeapProfiler.collectGarbage"); return page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0); };
const heapLoaded = await retained();

// In the page: an action, then the time until the frame after it is painted.
await page.evaluate(() => {
  window.__time = async (act) => {
    const t0 = performance.now();
    act();
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - t0;
  };
  window.__click = (selector) => {
    const element = document.querySelector(selector);
    if (!element) throw new Error(`no ${selector}`);
    element.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  };
});
const time = (selector) => page.evaluate((s) => window.__time(() => window.__click(s)), selector);
const settle = () => page.waitForTimeout(50);

const results = new Map();
const add = (name, ms) => { if (!results.has(name)) results.set(name, []); results.get(name).push(ms); };
const views = ["icicle", "inverted", "sunburst", "table", "sandwich", "flame"];

for (let round = 0; round < 10; round++) {
  // View switches, each view from the one before.
  for (const v of views) add("view switch", await time(`#views button[data-view='${v}']`));
  await settle();

  // Zoom into a wide frame of the flame graph, and back.
  add("zoom", await page.evaluate((r) => window.__time(() => {
    const frames = [...document.querySelectorAll("#view g.frame[data-depth='3']:not(.stub)")];
    frames.sort((a, b) => b.getBBox().width - a.getBBox().width)[r % Math.min(3, frames.length)]
      .dispatchEvent(new MouseEvent("click", { bubbles: true }));
  }), round));
  add("reset zoom", await time("#reset"));

  // Functions table: open, sort both ways, a row to its callers/callees.
  await time("#views button[data-view='table']");
  add("sort", await time("table.functions th[data-sort='self']"));
  add("sort", await time("table.functions th[data-sort='total']"));
  add("callers/callees", await page.evaluate((r) => window.__time(() =>
    document.querySelectorAll("table.functions tbody tr")[r].dispatchEvent(new MouseEvent("click", { bubbles: true }))), round));
  await time("#views button[data-view='flame']");

  // A transform from the details panel, and its undo.
  await page.evaluate(() => window.__time(() => {
    const frames = [...document.querySelectorAll("#view g.frame[data-depth='4']:not(.stub)")];
    frames.sort((a, b) => b.getBBox().width - a.getBBox().width)[0].dispatchEvent(new MouseEvent("click", { bubbles: true }));
  }));
  const transform = ["focus", "merge", "drop"][round % 3];
  add(`transform (${transform})`, await time(`#panel button[data-transform='${transform}']`));
  add("undo transform", await time("#undo"));

  // The heaviest process's first thread unticked and ticked again; threads split and merged.
  add("untick thread", await page.evaluate(() => window.__time(() => document.querySelector("label.thread input").click())));
  add("tick thread", await page.evaluate(() => window.__time(() => document.querySelector("label.thread input").click())));
  add("split threads", await page.evaluate(() => window.__time(() => document.querySelector("#split").click())));
  add("merge threads", await page.evaluate(() => window.__time(() => document.querySelector("#split").click())));

  // A time range dragged across the heat map, and the whole profile again.
  add("time range", await page.evaluate((r) => window.__time(() => {
    // Cells with samples, as the map lists them, placed by the map's own geometry.
    const svg = document.querySelector("#heatmap svg"), box = svg.getBoundingClientRect(), d = svg.dataset;
    const cells = [...document.querySelectorAll("#heatmap path.cells")].flatMap((p) => p.dataset.slices.split(" ").map(Number)).sort((x, y) => x - y);
    const at = (slice) => ({ x: box.x + +d.left + Math.floor(slice / +d.rows) * +d.cell, y: box.y + (slice % +d.rows) * +d.row });
    const a = at(cells[Math.floor(cells.length * (0.1 + 0.05 * r))]);
    const b = at(cells[Math.floor(cells.length * (0.5 + 0.03 * r))]);
    svg.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, clientX: a.x + 1, clientY: a.y + 1 }));
    svg.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: b.x + 1, clientY: b.y + 1 }));
    window.dispatchEvent(new MouseEvent("mouseup", { bubbles: true, clientX: b.x + 1, clientY: b.y + 1 }));
  }), round));
  add("whole profile", await time("#clear-range"));

  // A search typed, then cleared.
  add("search", await page.evaluate((r) => window.__time(() => {
    const box = document.querySelector("#search");
    box.value = ["malloc", "read", "^do_", "gz|deflate", "json", "sys_", "page", "lock", "hash", "copy"][r];
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }), round));
  await page.evaluate(() => window.__time(() => {
    const box = document.querySelector("#search");
    box.value = "";
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }));
  await settle();
}

const heap = await retained();
const figures = await page.evaluate(() => document.querySelector("#summary").textContent);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
console.log(`page: ${figures}`);
console.log(`page ready ${(ready / 1000).toFixed(2)} s after navigation (target < 1.5 s); loaded in the browser in ${(loaded / 1000).toFixed(2)} s`);
console.log(`JS heap kept: ${(heapLoaded / 1e6).toFixed(0)} MB once loaded, ${(heap / 1e6).toFixed(0)} MB after the interactions (target < 200 MB; after a garbage collection)`);
console.log(`${"interaction".padEnd(22)} ${"runs".padStart(5)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}   target p95 < 200 ms`);
for (const [name, xs] of results) {
  const p95 = pct(xs, 95);
  console.log(`${name.padEnd(22)} ${String(xs.length).padStart(5)} ${pct(xs, 50).toFixed(0).padStart(8)} ${p95.toFixed(0).padStart(8)}   ${p95 < 200 ? "ok" : "SLOWER"}`);
}
if (errors.length) console.log(`page errors: ${errors.join("; ")}`);
await browser.close();
