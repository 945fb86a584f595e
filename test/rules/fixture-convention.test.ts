/**
 * One fixture convention (STYLE.md, test/ in the layout), enforced. Under
 * test/fixtures/rules/<rule-id>/<case>/: every folder is a registered rule's; every case has
 * workspace files; a case with no `expect:` marker is named `silent-*` and a `silent-*` case has
 * none; a case that pins `.fixed` output is named `fix-*` and a `fix-*` case pins some; a fixable
 * rule has such a case. Rule ids are file names: server/src/rules/<id>.ts for each entry of RULES,
 * and every other rule file there is registered. The checks run on a synthetic listing first.
 */
import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../../server/src/rules/registry";
import { readFolder, ROOT } from "../helpers/analysis";
import { FIXTURES, fixtureCases, isFixtureMeta, markersOf } from "../helpers/fixtures";

/** The files of server/src/rules/ that are not rules. */
const NOT_RULES = ["rule", "registry", "docs"];

interface CaseListing {
  rule: string;
  name: string;
  /** Every file of the case folder, relative to it, fixture metadata included. */
  files: string[];
  /** `expect:` and `expect-optional:` markers in its workspace files. */
  markers: number;
}

interface Listing {
  rules: { id: string; fixable: boolean }[];
  /** The `.ts` files directly in server/src/rules/, without the extension. */
  ruleFiles: string[];
  /** The folders directly in test/fixtures/rules/. */
  ruleFolders: string[];
  /** Files that are in no case folder (directly in test/fixtures/rules/ or in a rule's folder). */
  loose: string[];
  cases: CaseListing[];
}

/** What breaks the convention, one line each; empty when nothing does. */
function conventionProblems(l: Listing): string[] {
  const problems: string[] = [];
  const ids = l.rules.map((r) => r.id);
  for (const folder of l.ruleFolders) if (!ids.includes(folder)) problems.push(`${folder}/: an orphan (no rule ${folder} in RULES)`);
  for (const file of l.loose) problems.push(`${file}: not in a case folder`);
  for (const c of l.cases) {
    const at = `${c.rule}/${c.name}`;
    const fixed = c.files.filter((f) => f.endsWith(".fixed"));
    if (c.files.filter((f) => !isFixtureMeta(f)).length === 0) problems.push(`${at}: no workspace files`);
    if (c.markers === 0 && !c.name.startsWith("silent-")) problems.push(`${at}: no expect: marker, so its name starts with silent-`);
    if (c.markers > 0 && c.name.startsWith("silent-")) problems.push(`${at}: named silent- but has ${c.markers} expect: marker(s)`);
    if (fixed.length > 0 && !c.name.startsWith("fix-")) problems.push(`${at}: pins ${fixed.join(", ")}, so its name starts with fix-`);
    if (fixed.length === 0 && c.name.startsWith("fix-")) problems.push(`${at}: named fix- but pins no .fixed output`);
    if (fixed.length === 0 && c.files.includes("fix.json")) problems.push(`${at}: fix.json without a .fixed twin`);
  }
  for (const r of l.rules.filter((x) => x.fixable)) {
    if (!l.cases.some((c) => c.rule === r.id && c.name.startsWith("fix-") && c.files.some((f) => f.endsWith(".fixed")))) problems.push(`${r.id}: fixable, but no fix-* case with a .fixed twin`);
  }
  for (const id of ids) if (!l.ruleFiles.includes(id)) problems.push(`${id}: no server/src/rules/${id}.ts`);
  for (const file of l.ruleFiles) if (!NOT_RULES.includes(file) && !ids.includes(file)) problems.push(`server/src/rules/${file}.ts: not registered in RULES`);
  return problems;
}

/** The listing of the repository as it is. */
function listing(): Listing {
  const entries = (dir: string) => readdirSync(dir, { withFileTypes: true });
  const ruleFolders = entries(FIXTURES).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const loose = [
    ...entries(FIXTURES).filter((e) => !e.isDirectory()).map((e) => e.name),
    ...ruleFolders.flatMap((r) => entries(join(FIXTURES, r)).filter((e) => !e.isDirectory()).map((e) => `${r}/${e.name}`)),
  ];
  const cases = fixtureCases().map((c) => ({
    rule: c.rule,
    name: c.name,
    files: Object.keys(readFolder(c.dir)),
    markers: markersOf(readFolder(c.dir, isFixtureMeta)).length,
  }));
  const ruleFiles = entries(join(ROOT, "server", "src", "rules"))
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => e.name.slice(0, -".ts".length));
  return { rules: RULES.map((r) => ({ id: r.id, fixable: r.fixable })), ruleFiles, ruleFolders, loose, cases };
}

describe("rule fixture convention", () => {
  describe("the checks (a synthetic listing)", () => {
    const good: Listing = {
      rules: [{ id: "a-rule", fixable: true }],
      ruleFiles: ["a-rule", "rule", "registry", "docs"],
      ruleFolders: ["a-rule"],
      loose: [],
      cases: [
        { rule: "a-rule", name: "reports", files: ["src/a.js"], markers: 2 },
        { rule: "a-rule", name: "silent-quiet", files: ["src/a.js"], markers: 0 },
        { rule: "a-rule", name: "fix-one", files: ["src/a.js", "src/a.js.fixed", "fix.json"], markers: 1 },
      ],
    };

    it("a listing that keeps the convention has no problems", () => assert.deepEqual(conventionProblems(good), []));

    it("names every break", () => {
      const bad: Listing = {
        rules: [
          { id: "a-rule", fixable: true },
          { id: "b-rule", fixable: false },
        ],
        ruleFiles: ["a-rule", "rule", "registry", "docs", "c-rule"],
        ruleFolders: ["a-rule", "typo-rule"],
        loose: ["a-rule/notes.md"],
        cases: [
          { rule: "a-rule", name: "empty", files: ["fix.json"], markers: 0 },
          { rule: "a-rule", name: "quiet", files: ["src/a.js"], markers: 0 },
          { rule: "a-rule", name: "silent-loud", files: ["src/a.js"], markers: 1 },
          { rule: "a-rule", name: "pinned", files: ["src/a.js", "src/a.js.fixed"], markers: 1 },
          { rule: "a-rule", name: "fix-unpinned", files: ["src/a.js"], markers: 1 },
        ],
      };
      assert.deepEqual(conventionProblems(bad), [
        "typo-rule/: an orphan (no rule typo-rule in RULES)",
        "a-rule/notes.md: not in a case folder",
        "a-rule/empty: no workspace files",
        "a-rule/empty: no expect: marker, so its name starts with silent-",
        "a-rule/empty: fix.json without a .fixed twin",
        "a-rule/quiet: no expect: marker, so its name starts with silent-",
        "a-rule/silent-loud: named silent- but has 1 expect: marker(s)",
        "a-rule/pinned: pins src/a.js.fixed, so its name starts with fix-",
        "a-rule/fix-unpinned: named fix- but pins no .fixed output",
        "a-rule: fixable, but no fix-* case with a .fixed twin",
        "b-rule: no server/src/rules/b-rule.ts",
        "server/src/rules/c-rule.ts: not registered in RULES",
      ]);
    });
  });

  describe("test/fixtures/rules and server/src/rules", () => {
    const l = listing();

    it("are read: each rule has a fixture folder and cases", () => {
      assert.deepEqual(l.ruleFolders, RULES.map((r) => r.id).sort());
      for (const r of RULES) assert.ok(l.cases.some((c) => c.rule === r.id), `no cases for ${r.id}`);
    });

    it("keep the convention", () => {
      const problems = conventionProblems(l);
      if (problems.length) assert.fail(`${problems.length} break(s) of the fixture convention:\n  ${problems.join("\n  ")}`);
    });
  });
});
