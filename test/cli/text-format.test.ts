/**
 * `cors-doctor check --format text` on hostile input (issue 16): thousands of findings in one
 * file cost about what the JSON output costs (the code frames read each file once), and control
 * characters in file names or file text never reach the terminal raw.
 */
import { strict as assert } from "node:assert";
import { rmSync } from "node:fs";
import { cli, uncoveredCalls, workspace } from "./cli";

describe("cli text output", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("8,000 findings in one file: text costs about what json costs", async () => {
    // ~0.9 MB (under the 1 MiB limit): a frame that re-reads and re-splits it per finding runs out of memory
    const dir = workspace(uncoveredCalls(8000, 100));
    dirs.push(dir);
    const json = await cli(["check", dir, "--format", "json"]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { findings: unknown[] }).findings.length, 8000);
    const budget = 3 * json.ms + 1000;
    const text = await cli(["check", dir, "--format", "text"], { killAfterMs: budget + 2000 });
    assert.equal(text.signal, null, `text was killed: it ran past ${Math.round(budget + 2000)} ms (json took ${Math.round(json.ms)} ms)\n${text.stderr.slice(0, 500)}`);
    assert.equal(text.code, 0, text.stderr.slice(0, 2000));
    assert.match(text.stdout, /^8000 problems \(0 errors, 8000 warnings\)$/m);
    assert.equal(text.stdout.match(/^src\/main\.js:\d+:\d+ {2}warning/gm)?.length, 8000);
    assert.ok(text.ms < budget, `text took ${Math.round(text.ms)} ms, json ${Math.round(json.ms)} ms: over 3 x json + 1 s`);
  });

  it("escapes control characters in file names and code frames", async () => {
    const names = ["src/\x1b[31mred.js", "src/new\nline.js", "src/bell\x07\x9b.js"];
    const files: Record<string, string> = { ...uncoveredCalls(0) };
    for (const n of names) files[n] = "fetch('/x')\n";
    files["src/frame.js"] = "fetch('/x'); // \x1b]0;title\x07 \x1b[2J\n";
    const dir = workspace(files);
    dirs.push(dir);
    const r = await cli(["check", dir, "--format", "text"]);
    assert.equal(r.code, 0, r.stderr);
    const raw = [...r.stdout].filter((c) => /[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(c));
    assert.deepEqual(raw, [], `raw control characters in the text output:\n${JSON.stringify(r.stdout)}`);
    assert.match(r.stdout, /^src\/\\x1b\[31mred\.js:1:7 {2}warning/m);
    assert.match(r.stdout, /^src\/new\\nline\.js:1:7 {2}warning/m);
    assert.match(r.stdout, /^src\/bell\\x07\\x9b\.js:1:7 {2}warning/m);
    assert.match(r.stdout, /\\x1b\]0;title\\x07 \\x1b\[2J/);
    // the caret still sits under the call's argument
    const frame = r.stdout.split("\n").filter((l) => l.includes("| fetch('/x')"))[0];
    const caret = r.stdout.split("\n")[r.stdout.split("\n").indexOf(frame) + 1];
    assert.equal(caret.indexOf("^"), frame.indexOf("'/x'"), `${frame}\n${caret}`);
    // JSON keeps the names as they are (escaped by JSON itself)
    const json = JSON.parse((await cli(["check", dir, "--format", "json"])).stdout) as { findings: { file: string }[] };
    assert.deepEqual(json.findings.map((f) => f.file).filter((f) => names.includes(f)).sort(), [...names].sort());
  });

  it("escapes control characters in the names --verbose notes give", async () => {
    const dir = workspace({ ...uncoveredCalls(1), "src/\x1b[2Jbinary.js": "fetch('/x')\0\n" });
    dirs.push(dir);
    const r = await cli(["check", dir, "--verbose"]);
    assert.match(r.stderr, /^note: skipped src\/\\x1b\[2Jbinary\.js: not text$/m);
    assert.ok(!r.stderr.includes("\x1b"), JSON.stringify(r.stderr));
  });
});
