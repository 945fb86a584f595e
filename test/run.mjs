#!/usr/bin/env node
// The test runner behind `npm test` (which builds first: tests load the grammars from dist/wasm).
// Runs mocha over every test/**/*.test.ts with TypeScript loaded by tsx, reports each test in
// mocha's spec style, and ends with one plain line `N passed, N failed` that CI reads. Exits
// non-zero when a test fails.
//
//   node test/run.mjs                           every suite
//   node test/run.mjs test/rules                files under a folder
//   node test/run.mjs 'test/**/parse/*.test.ts' files matching a glob
//   node test/run.mjs missing-proxy-entry       tests whose full title contains the text (mocha --grep)
//   node test/run.mjs --grep <text> [paths...]  both
import { readdirSync, statSync, existsSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { register as registerEsm } from "tsx/esm/api";
import { register as registerCjs } from "tsx/cjs/api";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const testDir = join(root, "test");

registerEsm();
registerCjs();
const { default: Mocha } = await import("mocha");

/** Every `*.test.ts` under test/, workspace-relative with `/`, skipping fixtures, dependencies and e2e/. */
function testFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      // e2e/ runs inside a real editor (`npm run test:e2e`), not under plain mocha
      if (entry.name === "node_modules" || entry.name === "fixtures" || full === join(testDir, "e2e")) continue;
      out.push(...testFiles(full));
    } else if (entry.isFile() && entry.name.endsWith(".test.ts")) out.push(relative(root, full).split(sep).join("/"));
  }
  return out.sort();
}

/** A path glob (`*` within a segment, `**` across segments, `?`) as a regular expression. */
function globToRegExp(glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function parseArgs(argv) {
  const paths = [];
  let grep;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--grep" || arg === "-g") grep = argv[++i];
    else if (arg.startsWith("--grep=")) grep = arg.slice("--grep=".length);
    else if (/[*?]/.test(arg) || arg.includes("/") || arg.endsWith(".ts") || existsSync(resolve(arg))) paths.push(arg);
    else grep = arg; // a bare word filters by test title
  }
  return { paths, grep };
}

function selectFiles(all, paths) {
  if (!paths.length) return all;
  const matchers = paths.map((p) => {
    const rel = relative(root, resolve(p)).split(sep).join("/");
    if (/[*?]/.test(p)) return (f) => globToRegExp(rel).test(f);
    if (existsSync(resolve(p)) && statSync(resolve(p)).isDirectory()) return (f) => f.startsWith(rel + "/");
    return (f) => f === rel || f.endsWith("/" + rel) || f.includes(p);
  });
  return all.filter((f) => matchers.some((m) => m(f)));
}

const { paths, grep } = parseArgs(process.argv.slice(2));
const files = selectFiles(testFiles(testDir), paths);
if (!files.length) {
  console.log(`no test files match ${paths.join(" ")}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

/** Mocha's spec reporter plus the one summary line CI reads, printed last. */
class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes = 0, failures = 0 } = runner.stats ?? this.stats ?? {};
      process.stdout.write(`\n${passes} passed, ${failures} failed\n`);
    });
  }
}

const mocha = new Mocha({ reporter: SpecWithSummary, timeout: 30000, grep, color: process.stdout.isTTY });
for (const f of files) mocha.addFile(join(root, f));
try {
  await mocha.loadFilesAsync();
} catch (e) {
  console.error(e);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
mocha.run((failures) => {
  process.exitCode = failures ? 1 : 0;
});
