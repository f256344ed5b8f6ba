// The README's trace screenshots, from a page of a real recording and a diff of two (docs/images/README.md says how).
//   node trace-screenshots.mjs PLAYWRIGHT_PACKAGE RUN.html DIFF.html OUT_DIR
const [pkg, run, diff, out] = process.argv.slice(2);
const { chromium } = await import(`${pkg}/index.mjs`);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
const open = async (file, fragment = "") => {
  await page.goto(`file://${file}${fragment}`);
  await page.waitForSelector("body[data-ready]", { timeout: 120000 });
  await page.mouse.move(0, 0); // no tooltip left from the picture before
  await page.waitForTimeout(300);
};
// Tooltips left out (a pointer left over a frame by the picture before), except where the picture is of a hover.
const shot = async (name, options = {}, tooltip = false) => {
  if (!tooltip) await page.addStyleTag({ content: ".tooltip { display: none !important; }" });
  await page.screenshot({ path: `${out}/${name}.png`, ...options });
};
// The heaviest function of a view's table, and a heavy frame of the flame graph.
const heaviest = () => page.evaluate(() => document.querySelector("table.functions tbody tr td").textContent);

await open(run);
await shot("trace-time", { fullPage: true });
await open(run, "#v=sunburst");
await page.locator("#view path.frame:not(.stub)[data-depth='2']").first().hover({ force: true });
await shot("trace-sunburst", {}, true);
await open(run, "#v=table");
await shot("trace-functions");
const fn = await heaviest();
await open(run, `#v=sandwich&f=${encodeURIComponent(fn)}`);
await shot("trace-sandwich");
await open(run, "#v=icicle&q=deflate|json|inflate");
await shot("trace-icicle-search");
await open(run, "#v=inverted");
await shot("trace-inverted");
// Two ranges of the one recording: the first third against the last third.
await open(run);
const [a, b] = await page.evaluate(() => {
  const slices = [...document.querySelectorAll("#heatmap path.cells")].flatMap((p) => p.dataset.slices.split(" ").map(Number)).sort((x, y) => x - y);
  const cut = (k) => slices[Math.floor((slices.length - 1) * k)];
  return [`${cut(0)}-${cut(0.33) + 1}`, `${cut(0.66)}-${cut(1) + 1}`];
});
await open(run, `#ca=${a}&r=${b}`);
await shot("trace-compare", { fullPage: true });
await open(diff);
await shot("trace-diff");
await browser.close();
