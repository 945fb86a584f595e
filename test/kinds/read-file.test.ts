/** Which files are read, and how: kinds, the trigger-word prefilter, minified bundles. */
import { strict as assert } from "node:assert";
import { fileKind, isMinified, readFile } from "../../server/src/kinds/read-file";
import { grammars } from "../helpers/analysis";

describe("read-file", () => {
  it("knows each file kind", () => {
    assert.equal(fileKind("web/vite.config.mts"), "vite");
    assert.equal(fileKind("web/.env.production"), "env");
    assert.equal(fileKind("Dockerfile"), "dockerfile");
    assert.equal(fileKind("api/docker-compose.yml"), "ports");
    assert.equal(fileKind("web/tsconfig.app.json"), "tsconfig");
    assert.equal(fileKind("api/main.py"), "python");
    assert.equal(fileKind("web/src/a.tsx"), "js");
    assert.equal(fileKind("web/src/env.d.ts"), undefined);
    assert.equal(fileKind("web/src/logo.svg"), undefined);
  });

  it("parses a source file only with a trigger word, or when needed", async () => {
    const g = await grammars();
    assert.equal(readFile(g, "src/a.ts", "export const x = 1", false).parsed, false);
    assert.equal(readFile(g, "src/a.ts", "export const x = 1", true).parsed, true);
    assert.equal(readFile(g, "src/b.ts", "fetch('/x')", false).parsed, true);
  });

  it("keeps the relative imports of a file it does not parse", async () => {
    const g = await grammars();
    const read = readFile(g, "src/c.ts", "import api from './api'\nimport React from 'react'\napi.get('/x')", false);
    assert.deepEqual(read.specifiers, ["./api"]);
  });

  it("treats minified bundles as nothing to read", async () => {
    const g = await grammars();
    const bundle = Array.from({ length: 600 }, (_, i) => `function f${i}(a){return fetch("http://localhost:8000/x/${i}"+a)}`).join(";");
    assert.equal(isMinified("src/vendor.js", bundle), true);
    assert.equal(isMinified("src/lib.min.js", "fetch('/x')"), true);
    assert.equal(isMinified("src/app.js", "fetch('/x')\n".repeat(3000)), false);
    assert.equal(readFile(g, "src/vendor.js", bundle, false).facts, null);
  });
});
