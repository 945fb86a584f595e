#!/usr/bin/env node
// `npm run test:e2e`: CORS Doctor in a real VS Code. Installs the harness (setup.sh), packages the
// VSIX and checks what it holds, installs THAT VSIX into a fresh extensions folder, then
//   1. runs the extension tests (suite/) inside code-server's extension host through
//      @vscode/test-electron's runTests and code-shim.cjs, on a copy of examples/blog;
//   2. runs the UI pass (ui.mjs) in Chromium, which saves a screenshot of the quick fix menu
//      (`--update-screenshot` copies it to docs/vscode-quick-fix.png for the README).
// Ends with one plain `N passed, N failed` line and the start-up timings.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { runTests } from "@vscode/test-electron";

const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(here, "../..");
const { E2E_DIR, NODE24, CODE_SERVER } = require("./harness.cjs");
const VSIX_LIMIT = 3 * 1024 * 1024;

let passed = 0;
let failed = 0;
function count(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "  ✔" : "  ✖"} ${name}${detail ? `: ${detail}` : ""}`);
}

execFileSync("bash", [join(here, "setup.sh")], { stdio: "inherit" });

// 1. the VSIX, as `npm run package` writes it
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const vsix = join(root, `cors-doctor-${version}.vsix`);
rmSync(vsix, { force: true });
execFileSync("npm", ["run", "--silent", "package"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
const size = statSync(vsix).size;
const entries = execFileSync("unzip", ["-Z1", vsix], { encoding: "utf8" }).trim().split("\n");
const unexpected = entries.filter(
  (e) => !/^(extension\.vsixmanifest|\[Content_Types\]\.xml|extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|images\/icon\.png|dist\/(client|server|cli)\.js|dist\/wasm\/tree-sitter(-(python|typescript|tsx|javascript))?\.wasm))$/.test(e),
);
console.log(`VSIX ${vsix} (${(size / 1024).toFixed(0)} KB, ${entries.length} files)`);
count("the VSIX is at most 3 MB", size <= VSIX_LIMIT, `${size} bytes`);
count("the VSIX holds only the bundles, the used grammars, README, CHANGELOG, LICENSE and the icon", unexpected.length === 0 && entries.length === 15, unexpected.join(", "));

// 2. a fresh editor profile with the VSIX installed, and fresh copies of the example
const run = join(E2E_DIR, "run");
rmSync(run, { recursive: true, force: true });
const dirs = { user: join(run, "user"), ext: join(run, "extensions"), ws: join(run, "ws"), ui: join(run, "ui") };
for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
mkdirSync(join(dirs.user, "User"), { recursive: true });
writeFileSync(
  join(dirs.user, "User", "settings.json"),
  JSON.stringify({
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "chat.disableAIFeatures": true,
    "files.autoSave": "off",
  }),
);
const config = join(run, "config.yaml");
writeFileSync(config, "auth: none\ncert: false\n");
const install = spawnSync(NODE24, [CODE_SERVER, "--config", config, "--user-data-dir", dirs.user, "--extensions-dir", dirs.ext, "--install-extension", vsix], { encoding: "utf8" });
count("code-server installs the VSIX", install.status === 0 && /successfully installed/.test(install.stdout), (install.stdout + install.stderr).trim().split("\n").pop());

const example = join(root, "examples/blog");
const copyExample = (to) => cpSync(example, to, { recursive: true, filter: (src) => !src.includes("node_modules") });
const workspace = join(dirs.ws, "blog");
copyExample(workspace);
const originals = {};
for (const f of ["backend/app/main.py", "frontend/src/api/client.js", "frontend/src/components/CoverImage.jsx", "frontend/vite.config.js"]) {
  originals[f] = readFileSync(join(workspace, f), "utf8");
}

// 3. the extension tests inside the editor
const out = join(E2E_DIR, "out");
await build({
  entryPoints: [join(here, "suite/index.ts")],
  outfile: join(out, "suite.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode", "mocha"],
  logLevel: "warning",
});
const resultsFile = join(run, "results.json");
let suite = { passed: 0, failed: 1 };
try {
  await runTests({
    vscodeExecutablePath: join(here, "code-shim.cjs"),
    extensionDevelopmentPath: join(here, "host"),
    extensionTestsPath: join(out, "suite.js"),
    launchArgs: [workspace, `--user-data-dir=${dirs.user}`, `--extensions-dir=${dirs.ext}`],
    extensionTestsEnv: { E2E_RESULTS: resultsFile, E2E_EXTENSIONS_DIR: dirs.ext, E2E_ORIGINALS: JSON.stringify(originals) },
  });
} catch (e) {
  console.error(`the extension tests failed: ${e.message}`);
}
try {
  suite = JSON.parse(readFileSync(resultsFile, "utf8"));
} catch {
  console.error("the extension tests wrote no results");
}
passed += suite.passed;
failed += suite.failed;

// 4. the UI pass
const uiWorkspace = join(dirs.ui, "blog");
copyExample(uiWorkspace);
const ui = spawnSync(process.execPath, [join(here, "ui.mjs")], {
  stdio: "inherit",
  env: { ...process.env, E2E_USER_DIR: dirs.user, E2E_EXTENSIONS_DIR: dirs.ext, E2E_WORKSPACE: uiWorkspace, E2E_SHOT: join(run, "vscode-quick-fix.png") },
});
count("UI: squiggle, hover, Ctrl+. quick fix changes the text (Chromium)", ui.status === 0);
if (ui.status === 0 && process.argv.includes("--update-screenshot")) cpSync(join(run, "vscode-quick-fix.png"), join(root, "docs/vscode-quick-fix.png"));

if (suite.timings) {
  const t = suite.timings;
  console.log(`\ntimings: bundle load ${t.loadMs} ms; activate() ${t.activateMs} ms; activate -> first diagnostics ${t.firstDiagnosticsMs} ms; activate -> indexed ${t.indexedMs} ms; VSIX ${(size / 1024).toFixed(0)} KB`);
  writeFileSync(join(run, "timings.json"), JSON.stringify({ ...t, vsixBytes: size }, null, 2));
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
