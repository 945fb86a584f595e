/**
 * Size limits of the shipped code (issue 9): no source file under server/src, client/src or
 * protocol/ over 400 lines, and no function over 80 lines, counted with TypeScript's own parser
 * from the line its declaration starts on to the line its body ends on.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { ROOT } from "../helpers/analysis";

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(full));
    else if (entry.name.endsWith(".ts")) out.push(full);
  }
  return out;
}

/** `file:line name (N lines)` for each function longer than `max` lines in a TypeScript text. */
export function longFunctions(file: string, text: string, max: number): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      const name = "name" in node && node.name ? node.name.getText(source) : "(anonymous)";
      if (last - first + 1 > max) out.push(`${file}:${first + 1} ${name} (${last - first + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe("layout: file and function sizes", () => {
  const files = ["server/src", "client/src", "protocol"].flatMap((d) => sources(join(ROOT, d)));

  it("the checker sees a long function", () => {
    const body = Array.from({ length: 90 }, (_, i) => `  const a${i} = ${i};`).join("\n");
    assert.deepEqual(longFunctions("x.ts", `function big() {\n${body}\n}\n`, MAX_FUNCTION_LINES), ["x.ts:1 big (92 lines)"]);
  });

  it(`no source file is over ${MAX_FILE_LINES} lines`, () => {
    const long = files.map((f) => [relative(ROOT, f), readFileSync(f, "utf8").split("\n").length] as const).filter(([, n]) => n > MAX_FILE_LINES);
    assert.deepEqual(long.map(([f, n]) => `${f} (${n} lines)`), []);
  });

  it(`no function is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = files.flatMap((f) => longFunctions(relative(ROOT, f), readFileSync(f, "utf8"), MAX_FUNCTION_LINES));
    assert.deepEqual(long, []);
  });
});
