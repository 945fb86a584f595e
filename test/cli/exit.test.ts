/**
 * How `cors-doctor check` ends on hostile surroundings (issue 16, cli.md "Exit codes"): a folder
 * it cannot read is exit 2 with the reason on stderr, never "No problems found.".
 */
import { strict as assert } from "node:assert";
import { chmodSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/analysis";
import { CLI, run, uncoveredCalls, workspace } from "./cli";

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
});
