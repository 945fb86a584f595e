/**
 * The file-kind registry: which kind claims which path (the first one wins), that the editor's
 * watchers report every kind's files, and that the documents the VS Code client syncs
 * (protocol/lsp.ts, which the client imports instead of the server) are the registry's.
 */
import { strict as assert } from "node:assert";
import picomatch from "picomatch";
import { DOCUMENTS } from "../../protocol/lsp";
import { KINDS, kindIdOf, languageIds, watchGlobs } from "../../server/src/kinds/registry";
import { watchers } from "../../server/src/lsp/watched-files";

const SAMPLES: Record<string, string[]> = {
  vite: ["vite.config.ts", "web/vite.config.mjs", "a/b/vite.config.cts"],
  env: [".env", "web/.env.development.local", "web/.env.example"],
  dockerfile: ["Dockerfile", "api/Dockerfile.dev", "web/app.dockerfile"],
  ports: ["docker-compose.yml", "compose.prod.yaml", "Procfile", "Makefile", "package.json"],
  tsconfig: ["tsconfig.json", "web/tsconfig.app.json", "jsconfig.json"],
  python: ["main.py", "api/app/routers/posts.py"],
  js: ["src/api.ts", "src/App.tsx", "src/a.js", "src/b.jsx", "x.mjs", "y.cjs", "z.mts", "w.cts"],
};

describe("kinds/registry", () => {
  for (const [kind, paths] of Object.entries(SAMPLES)) {
    it(`${kind} claims ${paths.join(", ")}`, () => assert.deepEqual(paths.map(kindIdOf), paths.map(() => kind)));
  }

  it("claims nothing else", () => {
    for (const path of ["src/env.d.ts", "logo.svg", "README.md", "data.json", "index.html", "public/a.png", "vite.config.json"]) assert.equal(kindIdOf(path), undefined, path);
  });

  it("every kind has samples here", () => assert.deepEqual(KINDS.map((k) => k.id).sort(), Object.keys(SAMPLES).sort()));

  it("the watchers report every kind's files, index.html, public files and every deletion", () => {
    const match = picomatch(watchGlobs(), { dot: true });
    for (const path of [...Object.values(SAMPLES).flat(), "index.html", "web/public/logo.svg"]) assert.ok(match(path), `${path} is not watched`);
    assert.deepEqual(watchers().at(-1), { globPattern: "**/*", kind: 4 });
  });

  it("the client syncs exactly the languages whose open documents the server reads, and .env files", () => {
    assert.deepEqual([...DOCUMENTS.languages].sort(), languageIds());
    assert.deepEqual([...DOCUMENTS.patterns], KINDS.filter((k) => k.id === "env").flatMap((k) => k.watch));
  });
});
