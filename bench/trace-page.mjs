// Page-ready time and click-to-zoom time of kashika trace pages in headless Chromium (bench/trace-page runs this).
//   node trace-page.mjs PLAYWRIGHT_PACKAGE PAGE.html…
// Prints, per page: its size, the time until the data is parsed and the first view drawn (the page sets
// body[data-ready] then), and the median time from a click on a frame to the redrawn zoom.
const [pkg, ...pages] = process.argv.slice(2);
const { chromium } = await import(`${pkg}/index.mjs`);
const fs = await import("node:fs");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
for (const file of pages) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`file://${file}`);
  await page.waitForSelector("body[data-ready]", { timeout: 120000 });
  const ready = Number(await page.evaluate(() => document.body.dataset.ready)); // ms from navigation start
  const clicks = [];
  for (let i = 0; i < 5; i++) {
    // A wide frame at depth 3, then back to the root: each click's time until the zoom is drawn.
    const ms = await page.evaluate(() => new Promise((resolve) => {
      const frames = [...document.querySelectorAll("#view g.frame[data-depth='3']:not(.stub)")];
      const target = frames.sort((a, b) => b.getBBox().width - a.getBBox().width)[0];
      const t0 = performance.now();
      target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      requestAnimationFrame(() => resolve(performance.now() - t0));
    }));
    clicks.push(ms);
    await page.click("#reset");
  }
  clicks.sort((a, b) => a - b);
  const mb = (fs.statSync(file).size / 1e6).toFixed(1);
  console.log(`${file.split("/").pop().padEnd(22)} ${mb.padStart(7)} MB   ready ${(ready / 1000).toFixed(2)} s   click to zoom ${clicks[2].toFixed(0)} ms (median of 5)`);
  await page.close();
}
await browser.close();
