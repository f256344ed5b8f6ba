// Page-ready time and frame times of the play animation of a kashika relate page with periods (bench/relate-page runs this).
//   node relate-page.mjs PLAYWRIGHT_PACKAGE PAGE.html
const [pkg, file] = process.argv.slice(2);
const { chromium } = await import(`${pkg}/index.mjs`);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
await page.goto(`file://${file}`);
await page.waitForSelector("body[data-ready]", { timeout: 120000 });
const ready = Number(await page.evaluate(() => document.body.dataset.ready));
const periods = await page.evaluate(() => document.querySelectorAll("#period option").length - 1);
// Play from the first quarter; record the time between animation frames for ten steps (1.4 s each, 0.7 s morphs).
const frames = await page.evaluate(() => new Promise((resolve) => {
  const gaps = [];
  let last = performance.now();
  const end = last + 10 * 1400 + 800;
  const tick = (now) => {
    gaps.push(now - last);
    last = now;
    if (now < end) requestAnimationFrame(tick); else resolve(gaps);
  };
  document.querySelector("#play").click();
  requestAnimationFrame(tick);
}));
const switched = await page.evaluate(() => {
  const s = document.querySelector("#period");
  const t0 = performance.now();
  s.value = "0";
  s.dispatchEvent(new Event("change"));
  return performance.now() - t0;
});
frames.sort((a, b) => a - b);
const at = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))];
console.log(`page ready ${(ready / 1000).toFixed(2)} s; ${periods} periods`);
console.log(`play, 10 morphs: ${frames.length} frames, median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, longest ${frames[frames.length - 1].toFixed(0)} ms`);
console.log(`switch to the whole history (redraw of chart, tables, legend): ${switched.toFixed(0)} ms`);
await browser.close();
