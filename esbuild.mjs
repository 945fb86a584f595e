// Bundles the three processes (VS Code client, language server, CLI) into dist/ and copies the
// tree-sitter WebAssembly files they load at start. One bundle per process, no runtime deps.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

const production = process.argv.includes("--production");
const wasmDir = "node_modules/@vscode/tree-sitter-wasm/wasm";
const grammars = ["tree-sitter.wasm", "tree-sitter-python.wasm", "tree-sitter-typescript.wasm", "tree-sitter-tsx.wasm", "tree-sitter-javascript.wasm"];

mkdirSync("dist/wasm", { recursive: true });
for (const file of grammars) copyFileSync(`${wasmDir}/${file}`, `dist/wasm/${file}`);

const version = JSON.parse((await import("node:fs")).readFileSync("package.json", "utf8")).version;
const common = {
  define: { CORS_DOCTOR_VERSION: JSON.stringify(version) },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
  // prefer ES module builds: jsonc-parser's UMD build hides its requires from the bundler
  mainFields: ["module", "main"],
};

await Promise.all([
  // the client's first statement takes the time, so activate() can report load + activation
  build({ ...common, entryPoints: ["client/src/extension.ts"], outfile: "dist/client.js", external: ["vscode"], banner: { js: "var CORS_DOCTOR_LOAD_START = performance.now();" } }),
  build({ ...common, entryPoints: ["server/src/main.ts"], outfile: "dist/server.js", banner: { js: "#!/usr/bin/env node" } }),
  build({ ...common, entryPoints: ["server/src/cli/main.ts"], outfile: "dist/cli.js", banner: { js: "#!/usr/bin/env node" } }),
]);
