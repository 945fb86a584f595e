#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests launches (no desktop
// VS Code can be downloaded here): starts code-server (VS Code 1.139 for the browser) on
// 127.0.0.1, opens its workbench in headless Chromium with the test payload, relays the
// extension host's console, and exits with the tests' exit code. The payload is only read when
// the server runs with `enable-smoke-test-driver`. See shared/recipes/real-vscode.md.
//
// Arguments (as runTests passes them): --extensionDevelopmentPath=, --extensionTestsPath=,
// --user-data-dir=, --extensions-dir=, and the workspace folder. Others are ignored.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const util = require("node:util");
const { CHROMIUM_ARGS, chromium, startCodeServer } = require("./harness.cjs");

const args = { dev: [], tests: undefined, userData: undefined, extDir: undefined, folder: undefined };
for (const arg of process.argv.slice(2)) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
  if (!m) args.folder = path.resolve(arg);
  else if (m[1] === "extensionDevelopmentPath") args.dev.push(path.resolve(m[2]));
  else if (m[1] === "extensionTestsPath") args.tests = path.resolve(m[2]);
  else if (m[1] === "user-data-dir") args.userData = path.resolve(m[2]);
  else if (m[1] === "extensions-dir") args.extDir = path.resolve(m[2]);
}
if (!args.tests || !args.dev.length || !args.userData || !args.extDir || !args.folder) {
  console.error("code-shim: needs --extensionTestsPath, --extensionDevelopmentPath, --user-data-dir, --extensions-dir and a folder");
  process.exit(2);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "code-shim-"));
let server;
process.on("exit", () => {
  server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

(async () => {
  // the payload is read only with enable-smoke-test-driver (which also hides notification toasts)
  server = await startCodeServer({ userDir: args.userData, extensionsDir: args.extDir, folder: args.folder, extraArgs: ["--vscode-option", "enable-smoke-test-driver"] });
  const base = server.base;
  const remote = (p) => `vscode-remote://${new URL(base).host}${p}`;
  const payload = [...args.dev.map((d) => ["extensionDevelopmentPath", remote(d)]), ["extensionTestsPath", remote(args.tests)],
    ["skipWelcome", "true"], ["skipReleaseNotes", "true"]];
  const browser = await chromium.launchPersistentContext(path.join(tmp, "chromium"), { executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
  const page = browser.pages()[0] || (await browser.newPage());
  let onExit;
  const exited = new Promise((resolve) => (onExit = resolve));
  // the tests' output (console.log in the extension host) to stdout; the workbench's own errors
  // and warnings (offline gallery, auth providers) to a log file, printed when the tests fail
  const workbenchLog = fs.createWriteStream(path.join(args.userData, "workbench.log"));
  await page.exposeFunction("codeAutomationLog", (type, logArgs) => {
    const text = util.format(...logArgs);
    if (type === "log" || type === "info") console.log(text);
    else workbenchLog.write(`[${type}] ${text}\n`);
  });
  await page.exposeFunction("codeAutomationExit", (code) => onExit(code));
  await page.goto(`${base}/?folder=${encodeURIComponent(remote(args.folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const limit = Number(process.env.CODE_SHIM_TIMEOUT_MS || 600000);
  const timer = setTimeout(() => onExit("timeout"), limit);
  const code = await exited;
  clearTimeout(timer);
  if (code === "timeout") console.error(`code-shim: the extension tests did not finish within ${limit} ms`);
  await browser.close().catch(() => {});
  if (code !== 0) console.error(`--- code-server log (tail) ---\n${server.log.slice(-3000)}\n--- workbench console: ${path.join(args.userData, "workbench.log")}`);
  process.exit(typeof code === "number" ? code : 1);
})().catch((e) => {
  console.error("code-shim:", e.message);
  process.exit(1);
});
