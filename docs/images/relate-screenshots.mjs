// The README's relate screenshots, from a page made with --by year (docs/images/README.md says how).
//   node relate-screenshots.mjs PLAYWRIGHT_PACKAGE PAGE.html OUT_DIR
const [pkg, file, out] = process.argv.slice(2);
const { chromium } = await import(`${pkg}/index.mjs`);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
const open = async (fragment = "") => {
  await page.goto(`file://${file}${fragment}`);
  await page.waitForSelector("body[data-ready]", { timeout: 120000 });
  await page.waitForTimeout(300);
};
const shot = (name, options = {}) => page.screenshot({ path: `${out}/${name}.png`, ...options });

await open("#project=nova");
await shot("relate-overview");
await open("#a=neutron&b=nova");
await page.locator("#panel").scrollIntoViewIfNeeded();
await shot("relate-people");
await open();
await page.fill("#search", "Sean Dague");
await page.waitForTimeout(200);
await page.keyboard.press("Enter");
await page.waitForTimeout(300);
await page.evaluate(() => window.scrollTo(0, 0));
await shot("relate-search");
await open("#period=2016&a=neutron&b=nova");
await page.waitForTimeout(900);
await shot("relate-time");
await open();
await page.locator("#currents-section").scrollIntoViewIfNeeded();
await page.waitForTimeout(300);
await page.locator("#currents-section").screenshot({ path: `${out}/relate-currents.png` });
await browser.close();
