/** `.env*` files as Vite's dotenv reads them. */
import { strict as assert } from "node:assert";
import { isEnvExample } from "../../server/src/core/paths";
import { isEnvFile, readEnvFile } from "../../server/src/kinds/env/read";

describe("parse/env-file", () => {
  for (const ok of [".env", ".env.local", ".env.production", ".env.development.local", "web/.env.staging"]) {
    it(`${ok} is an env file`, () => assert.equal(isEnvFile(ok), true));
  }
  for (const no of ["env.ts", ".envrc"]) {
    it(`${no} is not an env file`, () => assert.equal(isEnvFile(no), false));
  }
  // read, but only as the list of variables a developer is told to set (never as values)
  for (const example of [".env.example", ".env.sample", ".env.template", "web/.env.local.example"]) {
    it(`${example} is an example env file`, () => assert.equal(isEnvFile(example) && isEnvExample(example), true));
  }
  it(".env.production is not an example", () => assert.equal(isEnvExample(".env.production"), false));

  it("reads KEY=value lines with their 0-based lines", () => {
    const f = readEnvFile("# comment\nVITE_API_URL=http://localhost:8000\n\nOTHER = x\n");
    assert.deepEqual(f.vars, { VITE_API_URL: { value: "http://localhost:8000", line: 1, end: 34 }, OTHER: { value: "x", line: 3, end: 9 } });
    assert.equal(f.lineCount, 4);
    assert.equal(f.endsWithNewline, true);
  });

  it("strips quotes, keeps # inside quotes, drops trailing comments", () => {
    const f = readEnvFile(`A="http://a:1"\nB='b # not a comment'\nC=c # comment\nexport D=d\n`);
    assert.equal(f.vars.A.value, "http://a:1");
    assert.equal(f.vars.B.value, "b # not a comment");
    assert.equal(f.vars.C.value, "c");
    assert.equal(f.vars.D.value, "d");
  });

  it("an empty value", () => {
    assert.equal(readEnvFile("A=\n").vars.A.value, "");
  });

  it("CRLF line endings", () => {
    const f = readEnvFile("A=1\r\nB=2\r\n");
    assert.equal(f.vars.A.value, "1");
    assert.equal(f.vars.B.value, "2");
    assert.equal(f.vars.B.line, 1);
  });

  it("a file without a final newline", () => {
    const f = readEnvFile("A=1\nB=2");
    assert.equal(f.lineCount, 2);
    assert.equal(f.endsWithNewline, false);
  });

  it("an empty file", () => {
    const f = readEnvFile("");
    assert.deepEqual(f.vars, {});
    assert.equal(f.endsWithNewline, true);
  });

  it("the last assignment of a key wins", () => {
    assert.equal(readEnvFile("A=1\nA=2\n").vars.A.value, "2");
  });
});
