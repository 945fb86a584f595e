/**
 * The ESLint side of the benchmark, run in its own process so its time and peak memory are its
 * own. ESLint, typescript-eslint and TypeScript come from `.bench/eslint/node_modules` (installed
 * by bench/run.mjs). Configuration: the typescript-eslint parser (no type information), no rules,
 * no config lookup, no cache — the cost of just parsing every file the way an ESLint-based tool
 * has to.
 *
 * Usage:
 *   node bench/eslint-child.mjs cold <eslint-dir> <workspace>
 *       lints the apps' src/ TS and TSX files; prints one JSON line {files, messages, fatal}
 *   node bench/eslint-child.mjs keystroke <eslint-dir> <file> <edits>
 *       re-lints the file's text after each one-character edit; prints {samplesMs}
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [mode, eslintDir, target, editsArg] = process.argv.slice(2);
const require = createRequire(join(eslintDir, "package.json"));
const { ESLint, Linter } = require("eslint");
const tseslint = require("typescript-eslint");

const config = [
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
  },
];

if (mode === "cold") {
  const eslint = new ESLint({ cwd: target, overrideConfigFile: true, overrideConfig: config, cache: false });
  const results = await eslint.lintFiles(["apps/*/src/**/*.ts", "apps/*/src/**/*.tsx"]);
  const fatal = results.reduce((n, r) => n + r.fatalErrorCount, 0);
  console.log(JSON.stringify({ files: results.length, messages: results.reduce((n, r) => n + r.messages.length, 0), fatal }));
} else if (mode === "keystroke") {
  const edits = Number(editsArg);
  const original = readFileSync(target, "utf8");
  const at = original.indexOf('"/api/catalog/items"') + 2;
  const linter = new Linter({ configType: "flat" });
  const lint = (text) => {
    const messages = linter.verify(text, config, { filename: "catalog.ts" });
    if (messages.some((m) => m.fatal)) throw new Error(`parse error: ${messages[0].message}`);
  };
  for (let i = 0; i < 5; i++) lint(original); // warm-up, as an editor session would be
  const samplesMs = [];
  let text = original;
  for (let i = 0; i < edits; i++) {
    text = i % 2 === 0 ? text.slice(0, at) + "x" + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
    const t0 = performance.now();
    lint(text);
    samplesMs.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ samplesMs }));
} else {
  console.error(`unknown mode '${mode}'`);
  process.exitCode = 2;
}
