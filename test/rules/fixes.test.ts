/**
 * Every quick fix of every finding, in the rule fixtures and in the shared acceptance cases, is
 * checked for the three promises of rules.md: (a) every file it touches parses with no new
 * syntax error (`.env` files stay `KEY=value` lines); (b) re-analysis no longer reports the
 * finding (no finding of the rule starts where it started, and the rule's count drops); (c) it is
 * idempotent (the same fix, if still offered at the same place, changes nothing) and brings no
 * new finding of a mission rule or of its own rule (adding a proxy entry may rightly let a route
 * rule see that the backend has no such route). `.fixed` twins pin a few exact outputs.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Reported } from "../../server/src/project/run-rules";
import { isEnvFile } from "../../server/src/kinds/env/read";
import type { Fix } from "../../server/src/core/finding";
import { analyzeFiles, applyFix, hasSyntaxError, readFolder, ROOT, touchedFiles, where, type Files } from "../helpers/analysis";
import { RULES } from "../../server/src/rules/registry";
import { fixtureCases, isFixtureMeta, MISSION_RULES } from "../helpers/fixtures";

/** The shared acceptance cases, beside the checkout (`<root>/../shared`), wherever it is. */
const ACCEPTANCE = join(ROOT, "..", "shared", "acceptance", "cases");

/** The acceptance cases' workspaces, copied (and prepared) in a temporary folder, never modified. */
function acceptanceWorkspace(name: string): Files {
  const work = mkdtempSync(join(tmpdir(), `cors-doctor-fixes-${name}-`));
  try {
    cpSync(join(ACCEPTANCE, name), work, { recursive: true });
    if (existsSync(join(work, "prepare.mjs"))) {
      execFileSync(process.execPath, ["prepare.mjs"], { cwd: work });
      rmSync(join(work, "prepare.mjs"));
    }
    rmSync(join(work, "case.json"), { force: true });
    return readFolder(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const samePlace = (a: Reported, b: Reported) => a.rule === b.rule && a.file === b.file && a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character;

/** Findings per rule and file, of the mission rules and `rule` (a fix may rightly reveal what a deeper rule then sees). */
function counts(findings: Reported[], rule: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of findings) if (MISSION_RULES.includes(f.rule) || f.rule === rule) out.set(`${f.rule} in ${f.file}`, (out.get(`${f.rule} in ${f.file}`) ?? 0) + 1);
  return out;
}

/** Lines of a `.env` file that are neither blank, a comment, nor `KEY=value`. */
function badEnvLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.trim().startsWith("#") && !/^\s*(export\s+)?[A-Za-z_][\w.-]*\s*=/.test(l));
}

/** The problems of one fix, empty when it keeps all three promises. */
export async function checkFix(files: Files, findings: Reported[], finding: Reported, fix: Fix): Promise<string[]> {
  const problems: string[] = [];
  let fixed: Files;
  try {
    fixed = applyFix(files, fix);
  } catch (e) {
    return [`cannot be applied: ${(e as Error).message}`];
  }
  const touched = touchedFiles(fix);
  if (touched.every((f) => fixed[f] === files[f])) problems.push("changes nothing");
  // (a) no new syntax errors
  for (const file of touched) {
    if (isEnvFile(file) || /(^|\/)\.env[^/]*$/.test(file)) {
      const bad = badEnvLines(fixed[file]);
      if (bad.length) problems.push(`${file} has lines that are not KEY=value: ${JSON.stringify(bad)}`);
      continue;
    }
    const after = await hasSyntaxError(file, fixed[file]);
    if (after === undefined) continue;
    const before = file in files ? await hasSyntaxError(file, files[file]) : false;
    if (after && !before) problems.push(`${file} no longer parses:\n${fixed[file]}`);
  }
  // (b) the finding is gone
  const again = await analyzeFiles(fixed);
  const ofRule = (list: Reported[]) => list.filter((f) => f.rule === finding.rule).length;
  if (again.findings.some((f) => samePlace(f, finding))) problems.push(`${finding.rule} is still reported at ${where(finding)}`);
  if (ofRule(again.findings) >= ofRule(findings)) problems.push(`the count of ${finding.rule} findings did not drop (${ofRule(findings)} -> ${ofRule(again.findings)})`);
  // (c) no new findings of a mission rule or of the fixed rule, and the same fix offered again changes nothing
  const before = counts(findings, finding.rule);
  for (const [key, n] of counts(again.findings, finding.rule)) {
    if (n > (before.get(key) ?? 0)) {
      const added = again.findings.filter((f) => `${f.rule} in ${f.file}` === key).map((f) => `${where(f)} ${f.message}`);
      problems.push(`new finding: ${key} (${before.get(key) ?? 0} -> ${n}): ${added.join("; ")}`);
    }
  }
  for (const f of again.findings.filter((x) => samePlace(x, finding))) {
    for (const repeat of f.fixes.filter((x) => x.title === fix.title)) {
      let twice: Files;
      try {
        twice = applyFix(fixed, repeat);
      } catch (e) {
        problems.push(`applied twice, it fails: ${(e as Error).message}`);
        continue;
      }
      const changed = Object.keys(twice).filter((k) => twice[k] !== fixed[k]);
      if (changed.length) problems.push(`not idempotent: applying it again changes ${changed.join(", ")}`);
    }
  }
  return problems;
}

async function checkAllFixes(files: Files): Promise<{ problems: string[]; fixCount: number }> {
  const { findings } = await analyzeFiles(files);
  const problems: string[] = [];
  let fixCount = 0;
  for (const finding of findings) {
    for (const fix of finding.fixes) {
      fixCount++;
      for (const p of await checkFix(files, findings, finding, fix)) problems.push(`${where(finding)} ${finding.rule} [${fix.title}]: ${p}`);
    }
  }
  return { problems, fixCount };
}

describe("quick fixes keep their promises", () => {
  let totalFixes = 0;
  after(() => console.log(`      (${totalFixes} fixes checked on the rule fixtures)`));

  describe("on the rule fixtures", () => {
    for (const c of fixtureCases()) {
      it(`${c.rule}/${c.name}`, async () => {
        const { problems, fixCount } = await checkAllFixes(readFolder(c.dir, isFixtureMeta));
        if (problems.length) assert.fail(problems.join("\n"));
        totalFixes += fixCount;
      });
    }
  });

  describe("on the acceptance cases", () => {
    const names = existsSync(ACCEPTANCE) ? readdirSync(ACCEPTANCE).sort() : [];
    it("the acceptance cases are there", () => assert.ok(names.length > 0, `no cases under ${ACCEPTANCE}`));
    for (const name of names) {
      it(name, async function () {
        this.timeout(120000);
        const { problems } = await checkAllFixes(acceptanceWorkspace(name));
        if (problems.length) assert.fail(problems.join("\n"));
      });
    }
  });

  describe("every fixable rule offers fixes somewhere in the fixtures", () => {
    for (const rule of RULES.filter((r) => r.fixable).map((r) => r.id)) {
      it(rule, async () => {
        let offered = 0;
        for (const c of fixtureCases().filter((x) => x.rule === rule)) {
          const { findings } = await analyzeFiles(readFolder(c.dir, isFixtureMeta));
          offered += findings.filter((f) => f.rule === rule).reduce((n, f) => n + f.fixes.length, 0);
        }
        assert.ok(offered > 0, `no fix of ${rule} is exercised`);
      });
    }
  });

  describe("exact outputs (.fixed twins)", () => {
    for (const c of fixtureCases()) {
      const twins = readFolder(c.dir, (rel) => !rel.endsWith(".fixed"));
      if (Object.keys(twins).length === 0) continue;
      it(`${c.rule}/${c.name}`, async () => {
        const meta = existsSync(join(c.dir, "fix.json")) ? (JSON.parse(readFileSync(join(c.dir, "fix.json"), "utf8")) as { title?: string; rule?: string }) : {};
        const files = readFolder(c.dir, isFixtureMeta);
        const { findings } = await analyzeFiles(files);
        const rule = meta.rule ?? c.rule;
        const candidates = findings.filter((f) => f.rule === rule).flatMap((f) => f.fixes.map((fix) => ({ f, fix })));
        const chosen = candidates.find(({ fix }) => !meta.title || fix.title.includes(meta.title));
        assert.ok(chosen, `no ${rule} fix${meta.title ? ` titled like '${meta.title}'` : ""}; offered: ${JSON.stringify(candidates.map((x) => x.fix.title))}`);
        const fixed = applyFix(files, chosen.fix);
        for (const [twin, expected] of Object.entries(twins)) {
          const file = twin.slice(0, -".fixed".length);
          assert.equal(fixed[file], expected, `${file} after '${chosen.fix.title}'`);
        }
        const problems = await checkFix(files, findings, chosen.f, chosen.fix);
        if (problems.length) assert.fail(problems.join("\n"));
      });
    }
  });
});
