/**
 * Parity (STYLE.md practice 2): every rule in the registry has fixtures, a
 * `corsDoctor.rules.<id>` setting in package.json whose default is the rule's default severity,
 * and a README section whose heading is the rule id (the anchor diagnostics link to).
 */
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../../server/src/rules/registry";
import { docsUrl } from "../../server/src/rules/docs";
import { ROOT } from "../helpers/analysis";
import { FIXTURES, MISSION_RULES } from "../helpers/fixtures";

interface Setting {
  default?: unknown;
  enum?: unknown[];
}

function settings(): Record<string, Setting> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { contributes?: { configuration?: unknown } };
  const conf = pkg.contributes?.configuration;
  const blocks = (Array.isArray(conf) ? conf : conf ? [conf] : []) as { properties?: Record<string, Setting> }[];
  return Object.assign({}, ...blocks.map((b) => b.properties ?? {}));
}

/** GitHub's anchor for a heading: lower case, punctuation other than - and _ dropped, spaces to -. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*~]/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

describe("rule parity", () => {
  it("rule ids are unique kebab-case", () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("the mission rules are registered", () => {
    for (const id of MISSION_RULES) assert.ok(RULES.some((r) => r.id === id), `${id} is not in RULES`);
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      it("has metadata", () => {
        assert.match(rule.description, /^[A-Z].{20,}\.$/, "a description: one or more sentences");
        assert.ok(["error", "warning", "info", "hint"].includes(rule.defaultSeverity));
        assert.equal(docsUrl(rule.id).endsWith(`#${rule.id}`), true, "its docs link is the README anchor of its id");
      });

      it("has fixtures under test/fixtures/rules/<id>/", () => {
        const dir = join(FIXTURES, rule.id);
        assert.ok(existsSync(dir), `missing ${dir}`);
        const cases = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
        assert.ok(cases.length > 0, `no cases in ${dir}`);
      });

      it(`has a corsDoctor.rules.${rule.id} setting in package.json defaulting to ${rule.defaultSeverity}`, () => {
        const setting = settings()[`corsDoctor.rules.${rule.id}`];
        assert.ok(setting, `package.json contributes.configuration has no corsDoctor.rules.${rule.id}`);
        assert.equal(setting.default, rule.defaultSeverity);
        assert.equal((setting as { markdownDescription?: string }).markdownDescription, `${rule.description} [Docs](${docsUrl(rule.id)})`, "the rule's description and its docs link");
        if (setting.enum) assert.deepEqual([...setting.enum].sort(), ["error", "hint", "info", "off", "warning"]);
      });

      it("has a README section whose heading is the rule id", () => {
        const readme = existsSync(join(ROOT, "README.md")) ? readFileSync(join(ROOT, "README.md"), "utf8") : "";
        const headings = [...readme.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1]);
        const explicit = new RegExp(`<a\\s+(?:name|id)=["']${rule.id}["']`).test(readme);
        assert.ok(explicit || headings.some((h) => anchor(h) === rule.id), `README.md has no heading '${rule.id}' (headings: ${JSON.stringify(headings.slice(0, 20))})`);
      });
    });
  }
});
