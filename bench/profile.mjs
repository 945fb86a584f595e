/**
 * One CPU-profiled cold CLI run (`node --cpu-prof`), summarised as the top self-time functions
 * and the self time per source file, mapped through dist/cli.js.map back to server/src.
 *
 * Runnable alone: node bench/profile.mjs (after `npm run build` and bench/generate.mjs)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export function profileCli({ root, workspace, top = 15 }) {
  const dir = join(root, ".bench", "prof");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const run = spawnSync(process.execPath, ["--cpu-prof", "--cpu-prof-dir", dir, join(root, "dist", "cli.js"), "check", workspace, "--format", "json"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`profiled run failed: ${run.stderr}`);
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));

  let map;
  try {
    map = new SourceMap(JSON.parse(readFileSync(join(root, "dist", "cli.js.map"), "utf8")));
  } catch {
    map = undefined;
  }
  const cliUrl = pathToFileURL(join(root, "dist", "cli.js")).href;
  const where = (frame) => {
    if (!frame.url) return { file: frame.functionName.startsWith("(") ? frame.functionName : "(native)", line: 0 };
    if (frame.url.startsWith("wasm://")) return { file: "tree-sitter (wasm)", line: 0 };
    if (frame.url === cliUrl && map) {
      const e = map.findEntry(frame.lineNumber, frame.columnNumber);
      if (e?.originalSource) {
        const src = e.originalSource.startsWith("file:") ? fileURLToPath(e.originalSource) : e.originalSource;
        return { file: relative(root, join(root, "dist", src)).replace(/^(\.\.\/)+/, ""), line: e.originalLine + 1 };
      }
    }
    if (frame.url.startsWith("node:")) return { file: frame.url, line: frame.lineNumber + 1 };
    return { file: frame.url.replace(pathToFileURL(root).href + "/", ""), line: frame.lineNumber + 1 };
  };

  const selfUs = new Map(); // node id -> µs
  for (let i = 0; i < profile.samples.length; i++) selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byFunction = new Map();
  const byFile = new Map();
  let totalUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    totalUs += us;
    const w = where(node.callFrame);
    const name = node.callFrame.functionName || "(anonymous)";
    const key = `${name} ${w.file}${w.line ? `:${w.line}` : ""}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const fileKey = w.file.startsWith("node:") ? "node internals" : w.file;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  }
  const rank = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / totalUs }));
  return { totalMs: totalUs / 1000, functions: rank(byFunction), files: rank(byFile), profile: join(dir, file) };
}

export function formatProfile(p) {
  const row = (r) => `  ${r.ms.toFixed(0).padStart(6)} ms ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.name}`;
  return [`CPU profile of one cold CLI run (${p.totalMs.toFixed(0)} ms sampled; ${p.profile}):`, " top self time by function:", ...p.functions.map(row), " self time by source file:", ...p.files.map(row)].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ROOT, WORKSPACE, generate } = await import("./generate.mjs");
  generate();
  console.log(formatProfile(profileCli({ root: ROOT, workspace: WORKSPACE })));
}
