/**
 * Test helpers for the command line: the built CLI (dist/cli.js) run as users run it, with its
 * output, exit and wall time collected from events, and throwaway workspaces on disk.
 */
import { spawn, type SpawnOptions } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "../helpers/analysis";

/** The built CLI (`npm run build` first; `npm test` does). */
export const CLI = join(ROOT, "dist", "cli.js");

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `command args` to its exit. `killAfterMs` kills it (SIGKILL) when it runs longer: a
 * budget, so a run that would take minutes fails fast instead of holding the suite.
 */
export function run(command: string, args: readonly string[], opts: SpawnOptions & { killAfterMs?: number } = {}): Promise<Run> {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build` first");
  const start = performance.now();
  const child = spawn(command, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), opts.killAfterMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - start });
    });
  });
}

/** `node dist/cli.js args`. */
export function cli(args: readonly string[], opts: SpawnOptions & { killAfterMs?: number } = {}): Promise<Run> {
  return run(process.execPath, [CLI, ...args], opts);
}

/** A temporary folder holding `files` (workspace-relative paths with `/`). */
export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cors-doctor-cli-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** A Vite frontend whose proxy covers `/api` only, with `calls` uncovered `fetch('/x')` lines (each `pad` characters longer). */
export function uncoveredCalls(calls: number, pad = 0): Record<string, string> {
  const line = `fetch('/x')${pad ? " // " + "p".repeat(pad) : ""}\n`;
  return {
    "vite.config.js": "export default { server: { proxy: { '/api': 'http://127.0.0.1:8000' } } }\n",
    "index.html": "<!doctype html><script type=module src=/src/main.js></script>\n",
    "src/main.js": line.repeat(calls),
  };
}
