/**
 * End-to-end with a real third-party client: headless Neovim 0.7 (Debian `neovim`) starts the
 * built server with `vim.lsp.start_client`, attaches a buffer of client.js, waits (vim.wait with a
 * predicate) for diagnostics, requests code actions, applies the suppression quick fix through
 * `vim.lsp.util.apply_workspace_edit` and waits for the empty republication; test/nvim/lsp-check.lua
 * writes what it saw as JSON, asserted here. Skipped when `nvim` is not installed.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const SERVER = join(ROOT, "dist", "server.js");
const SCRIPT = join(__dirname, "lsp-check.lua");
const CLIENT = "frontend/src/api/client.js";

interface RawDiagnostic {
  code?: string;
  source?: string;
  range: { start: { line: number } };
  codeDescription?: { href: string };
}
interface RawAction {
  title: string;
  kind?: string;
  edit?: { documentChanges?: { textDocument?: { uri: string }; edits?: unknown[] }[]; changes?: Record<string, unknown[]> };
}
interface Result {
  nvim: string;
  uri: string;
  error?: string;
  got_diagnostics: boolean;
  diagnostics: Record<string, { uri: string; version?: number; diagnostics: RawDiagnostic[] }>;
  vim_diagnostic_count: number;
  actions?: RawAction[];
  action_error?: string;
  applied?: string;
  suppressed?: boolean;
  buffer_lines?: string[];
  stopped?: boolean;
}

function nvimVersion(): string | undefined {
  const r = spawnSync("nvim", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n")[0] : undefined;
}

describe("nvim: headless Neovim as the LSP client of the built server", function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  let dir: string | undefined;

  before(function () {
    if (!nvimVersion()) this.skip();
    if (!existsSync(SERVER)) throw new Error("dist/server.js is missing: run `npm run build` first");
  });

  afterEach(() => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    child = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** Runs lsp-check.lua on a copy of examples/blog; resolves with its JSON (fails on timeout / no output). */
  function runNeovim(timeoutMs = 45_000): Promise<{ result: Result; code: number | null; stderr: string }> {
    dir = mkdtempSync(join(tmpdir(), "cors-doctor-nvim-"));
    const root = join(dir, "blog");
    cpSync(join(ROOT, "examples", "blog"), root, { recursive: true });
    const out = join(dir, "result.json");
    const env = { ...process.env, CD_SERVER: SERVER, CD_ROOT: root, CD_FILE: CLIENT, CD_OUT: out, CD_TIMEOUT_MS: "20000", XDG_STATE_HOME: dir, XDG_DATA_HOME: dir, XDG_CACHE_HOME: dir };
    const proc = spawn("nvim", ["--headless", "--clean", "-i", "NONE", "-n", "-u", SCRIPT], { env, cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    let stderr = "";
    proc.stdout!.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`nvim did not quit within ${timeoutMs} ms; output: ${stderr.slice(-2000)}`)), timeoutMs);
      proc.once("exit", (code) => {
        clearTimeout(timer);
        if (!existsSync(out)) return reject(new Error(`nvim exited ${code} without writing ${out}; output: ${stderr.slice(-2000)}`));
        resolvePromise({ result: JSON.parse(readFileSync(out, "utf8")) as Result, code, stderr });
      });
    });
  }

  it("receives the diagnostics (code = rule id), code actions with edits, and clears the finding with the suppression fix", async () => {
    const { result, code, stderr } = await runNeovim();
    assert.equal(result.error, undefined, `Lua error: ${result.error}; output: ${stderr}`);
    assert.equal(code, 0, stderr);
    assert.match(result.nvim, /^0\.\d+\.\d+$/);
    assert.ok(result.got_diagnostics, `diagnostics did not arrive: ${JSON.stringify(result.diagnostics)}`);

    const uris = Object.keys(result.diagnostics);
    const byFile = (suffix: string) => result.diagnostics[uris.find((u) => u.endsWith(suffix))!];
    // client.js: the open buffer, published with its version (Neovim starts at 0), then cleared.
    const client = result.diagnostics[result.uri];
    assert.ok(client, `client.js publication: ${uris.join(" ")}`);
    // The other files' diagnostics arrived too (they were never opened).
    const main = byFile("/backend/app/main.py");
    const cover = byFile("/frontend/src/components/CoverImage.jsx");
    assert.deepEqual(main?.diagnostics.map((d) => d.code), ["cors-wildcard-credentials"]);
    assert.deepEqual(cover?.diagnostics.map((d) => d.code), ["missing-proxy-entry"]);
    assert.equal(main.diagnostics[0].source, "cors-doctor");
    assert.equal(main.diagnostics[0].codeDescription?.href, "https://github.com/cors-doctor/cors-doctor#cors-wildcard-credentials");
    assert.equal(result.vim_diagnostic_count, 1, "vim.diagnostic.get saw the buffer's diagnostic");

    // Code actions for client.js's hardcoded-localhost-url, each with a non-empty edit.
    assert.equal(result.action_error, undefined, result.action_error);
    const actions = result.actions ?? [];
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        "Use the relative URL '/api' and add a '/api' proxy entry",
        "Use import.meta.env.VITE_API_URL (set to http://localhost:8000/api in .env.development)",
        "Disable hardcoded-localhost-url for this line",
      ],
    );
    for (const a of actions) {
      assert.equal(a.kind, "quickfix", a.title);
      const dc = a.edit?.documentChanges ?? [];
      const ch = Object.keys(a.edit?.changes ?? {});
      assert.ok(dc.length > 0 || ch.length > 0, `${a.title}: edit is empty`);
    }
    const relative = actions[0];
    const touched = (relative.edit?.documentChanges ?? []).map((c) => c.textDocument?.uri ?? "");
    assert.ok(touched.some((u) => u.endsWith(`/${CLIENT}`)) && touched.some((u) => u.endsWith("/frontend/vite.config.js")), touched.join(" "));

    // The suppression applied by Neovim in the buffer: comment inserted, finding republished empty.
    assert.equal(result.applied, "Disable hardcoded-localhost-url for this line");
    assert.ok(result.suppressed, `still: ${JSON.stringify(client.diagnostics.map((d) => d.code))}`);
    assert.deepEqual(client.diagnostics, []);
    assert.match(result.buffer_lines?.[4] ?? "", /^\s+\/\/ cors-doctor-disable-next-line hardcoded-localhost-url$/);
    assert.match(result.buffer_lines?.[5] ?? "", /baseURL: "http:\/\/localhost:8000\/api"/);
    assert.ok((client.version ?? 0) > 0, `publication carries the buffer's new version (${client.version})`);
    assert.ok(result.stopped, "the client stopped the server");
  });
});
