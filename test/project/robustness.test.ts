/**
 * Bad input never crashes the analysis: every fixture workspace, its files cut off mid-token,
 * with ranges deleted, garbage and odd characters inserted and chunks duplicated (a seeded
 * random walk), is analysed without throwing, and every finding and fix stays inside its file.
 */
import { strict as assert } from "node:assert";
import { analyzeFiles, readFolder, type Files } from "../helpers/analysis";
import { fixtureCases, isFixtureMeta } from "../helpers/fixtures";

const ODD = ["\u0000", "\uFFFD", "\u{1F600}", "\r", "\r\n", "`", "${", "'", '"', "(", "{", "[", "\\", "\u2028", "é", "#", "//", "/*", '"""', "\t"];

function mutate(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const span = Math.floor(rnd() * 40);
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return text.slice(0, at); // cut off, as when typing
    case 1:
      return text.slice(0, at) + text.slice(at + span);
    case 2:
      return text.slice(0, at) + ODD[Math.floor(rnd() * ODD.length)].repeat(1 + Math.floor(rnd() * 3)) + text.slice(at);
    default:
      return text.slice(0, at) + text.slice(at, at + span).repeat(2 + Math.floor(rnd() * 20)) + text.slice(at);
  }
}

describe("bad input never crashes the analysis", function () {
  this.timeout(120_000);
  it("1,500 mutated fixture workspaces", async () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const cases = fixtureCases();
    for (let i = 0; i < 1500; i++) {
      const c = cases[Math.floor(rnd() * cases.length)];
      const files: Files = readFolder(c.dir, isFixtureMeta);
      const names = Object.keys(files);
      for (let m = 0; m < 1 + Math.floor(rnd() * 3); m++) {
        const name = names[Math.floor(rnd() * names.length)];
        files[name] = mutate(files[name], rnd);
      }
      let findings;
      try {
        ({ findings } = await analyzeFiles(files));
      } catch (e) {
        assert.fail(`${c.rule}/${c.name} (round ${i}) threw: ${(e as Error).stack}\n${JSON.stringify(files).slice(0, 2000)}`);
      }
      for (const f of findings) {
        const lines = (files[f.file] ?? "").split("\n").length;
        assert.ok(f.range.start.line < lines && f.range.end.line < lines, `${f.rule} at ${f.file}:${f.range.start.line} outside its ${lines}-line file`);
        for (const fix of f.fixes) for (const e of fix.edits) if (!e.create) assert.ok(e.file in files, `a fix edits ${e.file}, which does not exist`);
      }
    }
  });
});
