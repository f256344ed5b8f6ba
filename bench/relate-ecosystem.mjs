// Time until headless Chromium has drawn a kashika relate network page (bench/relate-ecosystem runs this).
//   node relate-ecosystem.mjs PLAYWRIGHT_PACKAGE PAGE.html
const [pkg, file] = process.argv.slice(2);
const { chromium } = await import(`${pkg}/index.mjs`);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
const start = Date.now();
await page.goto(`file://${file}`);
await page.waitForSelector("body[data-ready]", { timeout: 120000 });
const wall = Date.now() - start;
const ready = Number(await page.evaluate(() => document.body.dataset.ready));
// A project chosen by search: the time until its panel is shown.
const name = await page.evaluate(() => JSON.parse(document.getElementById("kashika-data").textContent).projects[7]);
const chosen = await page.evaluate(async (n) => {
  const t0 = performance.now();
  const box = document.getElementById("search");
  box.value = n;
  box.dispatchEvent(new Event("input"));
  box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
  return performance.now() - t0;
}, name);
console.log(`Chromium: drawn ${(ready / 1000).toFixed(2)} s after the page began loading (${(wall / 1000).toFixed(2)} s from goto); a project chosen by search in ${chosen.toFixed(0)} ms${errors.length ? `; ERRORS: ${errors.join("; ")}` : ""}`);
await browser.close();
