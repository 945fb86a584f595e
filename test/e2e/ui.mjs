#!/usr/bin/env node
// The UI pass: a real VS Code (code-server) with the installed VSIX, driven through Chromium like
// a person would: open the axios client file, see the squiggle and its hover text and the Problems
// rows, press Ctrl+. on it, pick the quick fix, and see the text change. Saves a screenshot of the
// quick fix menu for the README.
// env: E2E_USER_DIR, E2E_EXTENSIONS_DIR, E2E_WORKSPACE, E2E_SHOT
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const { CHROMIUM_ARGS, chromium, startCodeServer } = require("./harness.cjs");
const { E2E_USER_DIR, E2E_EXTENSIONS_DIR, E2E_WORKSPACE, E2E_SHOT } = process.env;
const HOVER_TEXT = "points at the visitor's own machine";
const FIX_TITLE = "Use the relative URL '/api'";

const tmp = mkdtempSync(join(tmpdir(), "cors-doctor-ui-"));
const server = await startCodeServer({ userDir: E2E_USER_DIR, extensionsDir: E2E_EXTENSIONS_DIR, folder: E2E_WORKSPACE });
const base = server.base;

const browser = await chromium.launchPersistentContext(join(tmp, "chromium"), {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1400, height: 860 },
  args: CHROMIUM_ARGS,
});
const page = browser.pages()[0] || (await browser.newPage());
const started = Date.now();
let done = "nothing";
const step = (what) => {
  done = what;
  console.log(`  ui ${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);
};
/** Presses a key until `selector` shows: a key pressed while the workbench still loads is lost. */
async function pressUntil(key, selector) {
  for (let tries = 0; ; tries++) {
    await page.keyboard.press(key);
    try {
      await page.locator(selector).first().waitFor({ state: "visible", timeout: 5000 });
      return;
    } catch (e) {
      if (tries === 5) throw e;
    }
  }
}

let ok = false;
try {
  await page.goto(`${base}/?folder=${encodeURIComponent(E2E_WORKSPACE)}`);
  await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60000 });
  step("workbench ready");

  await pressUntil("Control+P", ".quick-input-widget input");
  await page.keyboard.type("api/client.js");
  await page.locator(".quick-input-list .monaco-list-row").filter({ hasText: "client.js" }).first().click();
  await page.locator(".tabs-container .tab", { hasText: "client.js" }).waitFor();
  await page.waitForSelector(".editor-instance .monaco-editor .view-lines");
  step("client.js open");

  const squiggle = page.locator(".monaco-editor .squiggly-warning").first();
  await squiggle.waitFor({ state: "attached", timeout: 30000 });
  await squiggle.hover({ force: true });
  await page.locator(".monaco-hover:visible").filter({ hasText: HOVER_TEXT }).first().waitFor({ timeout: 15000 });
  step("squiggle and hover text");
  await page.keyboard.press("Escape");

  await page.keyboard.press("Control+Shift+M");
  const rows = page.locator(".markers-panel .monaco-list-row");
  await rows.filter({ hasText: "cors-wildcard-credentials" }).first().waitFor({ timeout: 15000 });
  await rows.filter({ hasText: "hardcoded-localhost-url" }).first().waitFor({ timeout: 15000 });
  // the third row is below the fold of the virtual list: the tab's count says it is there
  await page.locator(".pane-composite-part .action-item", { hasText: "Problems" }).locator(".badge-content", { hasText: /^3$/ }).waitFor({ timeout: 15000 });
  step("Problems lists the three mistakes");

  await page.locator(".monaco-editor .view-line span").filter({ hasText: "localhost:8000" }).first().click();
  await pressUntil("Control+Period", ".action-widget");
  const item = page.locator(".action-widget .monaco-list-row").filter({ hasText: FIX_TITLE }).first();
  await item.waitFor({ timeout: 15000 });
  step("Ctrl+. lists the quick fix");
  await page.screenshot({ path: E2E_SHOT });
  await item.click();
  await page.waitForFunction(
    () => [...document.querySelectorAll(".monaco-editor .view-line")].some((l) => l.textContent.replace(/\u00a0/g, " ").includes('baseURL: "/api"')),
    undefined,
    { timeout: 15000 },
  );
  step("the quick fix changed the text");
  ok = true;
} catch (e) {
  console.log(`  ui FAILED after "${done}": ${e.message.split("\n")[0]}`);
  await page.screenshot({ path: join(tmpdir(), "cors-doctor-ui-failure.png") }).catch(() => {});
} finally {
  await browser.close().catch(() => {});
  server.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
