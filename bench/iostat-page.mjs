// Page-ready, zoom and hover times of kashika iostat pages in headless Chromium (bench/iostat-page runs this).
//   node iostat-page.mjs PLAYWRIGHT_PACKAGE PAGE.html…
// Ready: from navigation start until the data is parsed and every chart drawn (the page sets body[data-ready] then);
// the median of 3 loads. Zoom: a keyboard zoom ("+" on a chart) redrawing every chart and the summary table; hover:
// one cursor move updating every chart's readout. Medians of 5.
const [pkg, ...pages] = process.argv.slice(2);
const { chromium } = await import(`${pkg}/index.mjs`);
const fs = await import("node:fs");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const file of pages) {
  const ready = [];
  let page;
  for (let i = 0; i < 3; i++) {
    page?.close();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`file://${file}`);
    await page.waitForSelector("body[data-ready]", { timeout: 120000 });
    ready.push(Number(await page.evaluate(() => document.body.dataset.ready)));
  }
  const charts = await page.locator("figure.chart").count();
  const timed = (key) => page.evaluate((k) => new Promise((resolve) => {
    const svg = document.querySelector("section.device figure[data-chart='util'] svg");
    svg.focus();
    const t0 = performance.now();
    svg.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    requestAnimationFrame(() => resolve(performance.now() - t0));
  }), key);
  const zooms = [], hovers = [];
  for (let i = 0; i < 5; i++) {
    zooms.push(await timed("+"));
    await timed("Escape");
    hovers.push(await timed("ArrowRight"));
  }
  const mb = (fs.statSync(file).size / 1e6).toFixed(1);
  console.log(`${file.split("/").pop().padEnd(14)} ${mb.padStart(6)} MB  ${String(charts).padStart(2)} charts   ready ${(median(ready) / 1000).toFixed(2)} s   zoom ${median(zooms).toFixed(0)} ms   hover ${median(hovers).toFixed(0)} ms`);
  await page.close();
}
await browser.close();
