/**
 * Where a cold `check` spends its time, phase by phase, by calling the analysis directly from
 * server/src (not the bundle). A diagnostic aid for the benchmark, not part of `npm run bench`; plain JavaScript
 * run through tsx, so a refactor of server/src cannot break `npm run typecheck` here.
 *
 * Usage: npx tsx bench/phases.mjs [workspace]   (default .bench/workspace; generate it first)
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Project } from "../server/src/project/project.ts";
import { readText, walk } from "../server/src/host/files.ts";
import { loadGrammars } from "../server/src/host/grammars.ts";
import { readClientModule } from "../server/src/kinds/js/http-calls.ts";

const here = dirname(fileURLToPath(import.meta.url));

async function main() {
  const root = resolve(process.argv[2] ?? join(here, "..", ".bench", "workspace"));
  const lap = (() => {
    let t = performance.now();
    return (label, extra = "") => {
      const now = performance.now();
      console.log(`${label.padEnd(34)} ${(now - t).toFixed(0).padStart(6)} ms ${extra}`);
      t = now;
    };
  })();
  const grammars = await loadGrammars(join(here, "..", "dist"));
  lap("load grammars (wasm)");
  const { files } = walk(root);
  lap("walk", `${files.length} files`);
  let bytes = 0;
  let reads = 0;
  let readMs = 0;
  const index = new Project(grammars, (rel) => {
    const t = performance.now();
    const text = readText(root, rel);
    readMs += performance.now() - t;
    reads++;
    bytes += text?.length ?? 0;
    return text;
  });
  index.setFiles(files);
  const topology = index.topology();
  lap("read + prefilter + parse + facts + join", `${reads} reads (${(bytes / 1e6).toFixed(1)} MB, ${readMs.toFixed(0)} ms of it reading), ${index.parseCount} parsed, ${topology.calls.length} calls`);
  const findings = index.findings({});
  lap("rules", `${findings.length} findings`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

  // One open document edited 40 times, one character inside a URL: the steps of an LSP flush.
  const big = "apps/shop/src/big/catalog.ts";
  let text = index.text(big);
  index.setDocument(big, text, 1);
  const at = text.indexOf('"/api/catalog/items"') + 2;
  const row = text.slice(0, at).split("\n").length - 1;
  const column = at - (text.lastIndexOf("\n", at - 1) + 1);
  let tree = grammars.parse("typescript", text);
  const steps = { "reparse + facts of the file": [], "  of which: incremental reparse": [], "  of which: readClientModule": [], "facts + join (project.topology())": [], rules: [] };
  for (let i = 0; i < 40; i++) {
    const insert = i % 2 === 0;
    text = insert ? text.slice(0, at) + "x" + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
    const edit = { startIndex: at, oldEndIndex: insert ? at : at + 1, newEndIndex: insert ? at + 1 : at, startPosition: { row, column }, oldEndPosition: { row, column: insert ? column : column + 1 }, newEndPosition: { row, column: insert ? column + 1 : column } };
    let t = performance.now();
    tree.edit(edit);
    const next = grammars.parse("typescript", text, tree);
    steps["  of which: incremental reparse"].push(performance.now() - t);
    tree.delete();
    tree = next;
    t = performance.now();
    readClientModule(tree, text);
    steps["  of which: readClientModule"].push(performance.now() - t);
    t = performance.now();
    const time = (k) => {
      const now = performance.now();
      steps[k].push(now - t);
      t = now;
    };
    index.setDocument(big, text, i + 2, [edit]);
    time("reparse + facts of the file");
    index.topology();
    time("facts + join (project.topology())");
    index.findings({});
    time("rules");
  }
  console.log(`\nper edit of ${big} (median of 40, after the first 4):`);
  for (const [k, v] of Object.entries(steps)) {
    const sorted = v.slice(4).sort((a, b) => a - b);
    console.log(`  ${k.padEnd(32)} ${sorted[Math.floor(sorted.length / 2)].toFixed(2).padStart(7)} ms (max ${sorted[sorted.length - 1].toFixed(2)})`);
  }
}

void main();
