// Renders an SVG to a PNG at its own size with Chromium (the marketplace accepts no SVG in the
// README and wants a PNG icon).
//   node scripts/svg-to-png.mjs images/icon.svg images/icon.png
//   node scripts/svg-to-png.mjs docs/demo.svg docs/demo.png 2      (2 = device pixels per CSS pixel)
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [input, output, scale = "1"] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node scripts/svg-to-png.mjs <in.svg> <out.png> [scale]");
  process.exit(2);
}
const svg = readFileSync(input, "utf8");
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox", "--headless", "--disable-gpu"] });
try {
  const page = await browser.newPage({ deviceScaleFactor: Number(scale) });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator("svg").first().screenshot({ path: output, omitBackground: true });
} finally {
  await browser.close();
}
