#!/usr/bin/env node
// Behaviour check for refactors: runs `cors-doctor check --format json` (and `--format text`)
// over the example app, every rule-fixture workspace and every acceptance case, and writes one
// JSON document of all outputs. With `--against FILE` it compares with an earlier run and exits
// 1 on the first difference it prints.
//
//   node scripts/compare-check.mjs --out /tmp/before.json           (on the old commit, built)
//   node scripts/compare-check.mjs --against /tmp/before.json       (on the new one, built)
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const args = process.argv.slice(2);
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const cli = resolve(flag("--cli") ?? join(root, "dist/cli.js"));

/** The folders to check: the example app, each fixture case folder, each acceptance case. */
function targets() {
  const out = [join(root, "examples/blog")];
  const rules = join(root, "test/fixtures/rules");
  for (const rule of readdirSync(rules).sort()) {
    for (const name of readdirSync(join(rules, rule)).sort()) {
      const dir = join(rules, rule, name);
      if (statSync(dir).isDirectory()) out.push(dir);
    }
  }
  const cases = join(root, "../shared/acceptance/cases");
  if (existsSync(cases)) for (const name of readdirSync(cases).sort()) out.push(join(cases, name));
  return out;
}

/** Case folders were renamed by the fixture convention; compare them by rule and the rest of the name. */
const key = (dir) => relative(root, dir).replace(/\/(silent|fix|report)-/, "/");

function run(dir, format) {
  const r = spawnSync(process.execPath, [cli, "check", dir, "--format", format], { encoding: "utf8", maxBuffer: 64 << 20 });
  const stdout = format === "json" ? JSON.stringify({ ...JSON.parse(r.stdout || "{}"), root: undefined }) : r.stdout;
  return { status: r.status, stdout };
}

const outputs = {};
for (const dir of targets()) outputs[key(dir)] = { json: run(dir, "json"), text: run(dir, "text") };

const against = flag("--against");
if (!against) {
  const out = flag("--out") ?? "compare-check.json";
  writeFileSync(out, JSON.stringify(outputs, null, 1));
  console.log(`${Object.keys(outputs).length} folders written to ${out}`);
  process.exit(0);
}
const before = JSON.parse(readFileSync(against, "utf8"));
let same = 0;
let differ = 0;
for (const k of new Set([...Object.keys(before), ...Object.keys(outputs)])) {
  if (JSON.stringify(before[k]) === JSON.stringify(outputs[k])) same++;
  else {
    differ++;
    console.log(`differs: ${k}`);
    for (const format of ["json", "text"]) {
      const a = JSON.stringify(before[k]?.[format]);
      const b = JSON.stringify(outputs[k]?.[format]);
      if (a !== b) console.log(`  ${format}\n    before: ${a?.slice(0, 400)}\n    after:  ${b?.slice(0, 400)}`);
    }
  }
}
console.log(`${same} passed, ${differ} failed`);
process.exit(differ ? 1 : 0);
