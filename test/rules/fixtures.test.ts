/**
 * The strict rule fixture harness (STYLE.md practice 6). Each folder under
 * test/fixtures/rules/<rule-id>/<case>/ is a mini workspace whose lines carry `expect: <rule-id>`
 * (a finding of that rule must cover the line) or `expect-optional: <rule-id>`. Every other
 * finding of a scored rule fails the case. Scored: the mission rules, the folder's rule and any
 * rule a marker names. Fixture metadata (`*.fixed` twins, `fix.json`) is not part of the workspace.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { analyzeFiles, readFolder } from "../helpers/analysis";
import { RULES } from "../../server/src/rules/registry";
import { compare, fixtureCases, isFixtureMeta, markersOf } from "../helpers/fixtures";

describe("rules on annotated fixtures", () => {
  const cases = fixtureCases();
  it("there are fixture cases", () => assert.ok(cases.length > 0));
  for (const c of cases) {
    describe(c.rule, () => {
      it(c.name, async () => {
        const files = readFolder(c.dir, isFixtureMeta);
        const markers = markersOf(files);
        // every rule is scored: a finding no marker expects fails the case, whichever rule it is
        const scored = new Set([...RULES.map((r) => r.id), ...markers.map((m) => m.rule)]);
        const { findings } = await analyzeFiles(files);
        const problems = compare(findings, markers, scored);
        if (problems.length) assert.fail(`${c.rule}/${c.name}:\n  ${problems.join("\n  ")}`);
      });
    });
  }
});

describe("the bundled example app", () => {
  it("examples/blog gives exactly its three marked findings (what `npm run demo` shows)", async () => {
    const files = readFolder(join(__dirname, "..", "..", "examples", "blog"), () => false);
    const markers = markersOf(files);
    assert.equal(markers.length, 3);
    const { findings } = await analyzeFiles(files);
    const problems = compare(findings, markers, new Set(RULES.map((r) => r.id)));
    if (problems.length) assert.fail(`examples/blog:\n  ${problems.join("\n  ")}`);
  });
});
