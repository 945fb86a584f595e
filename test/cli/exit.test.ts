/**
 * How `cors-doctor check` ends on hostile surroundings (issue 16, cli.md "Exit codes"): a folder
 * it cannot read is exit 2 with the reason on stderr, never "No problems found."; a reader that
 * goes away (`| head`) ends it quietly with its usual exit code, no stack trace.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/analysis";
import { CLI, cli, run, uncoveredCalls, workspace } from "./cli";

describe("cli exit on hostile surroundings", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("a folder it cannot read exits 2 with the reason on stderr", async function () {
    if (process.getuid?.() !== 0) this.skip(); // needs root to run the case as nobody
    // the CLI and its grammars in a folder nobody can read (the worktree may not be)
    const copy = mkdtempSync(join(tmpdir(), "cors-doctor-cli-copy-"));
    dirs.push(copy);
    cpSync(CLI, join(copy, "cli.js"));
    cpSync(join(ROOT, "dist", "wasm"), join(copy, "wasm"), { recursive: true });
    chmodSync(copy, 0o755);
    const dir = workspace(uncoveredCalls(1));
    dirs.push(dir);
    chmodSync(dir, 0o700);
    const asNobody = (args: string[]) => run("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", process.execPath, join(copy, "cli.js"), ...args], { cwd: copy });
    const r = await asNobody(["check", dir]);
    assert.equal(r.code, 2, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, new RegExp(`^cors-doctor: cannot read ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*(EACCES|permission denied)`, "im"));
    // the same folder, readable, is checked as usual (the copy works as nobody)
    chmodSync(dir, 0o755);
    const ok = await asNobody(["check", dir]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /1 problem/);
  });

  it("a reader that closes early (| head) ends it quietly, with its usual exit code", async () => {
    const dir = workspace(uncoveredCalls(2000));
    dirs.push(dir);
    const usual = await cli(["check", dir, "--max-warnings", "0"]);
    assert.equal(usual.code, 1, usual.stderr);
    assert.ok(usual.stdout.length > 256 * 1024, "the output is larger than a pipe holds");
    for (const format of ["text", "json", "sarif"]) {
      const child = spawn(process.execPath, [CLI, "check", dir, "--format", format, "--max-warnings", "0"], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      // like `head -c 100`: read the first bytes, then close the pipe
      child.stdout.once("data", () => child.stdout.destroy());
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
      assert.equal(signal, null, `${format}: killed by ${signal}`);
      assert.equal(stderr, "", `${format}: stderr should be empty:\n${stderr}`);
      assert.equal(code, 1, `${format}: exit ${code}`);
    }
  });
});
