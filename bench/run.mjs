/**
 * `npm run bench`: CORS Doctor against ESLint + typescript-eslint (no rules) on one seeded
 * synthetic workspace, in one run, so the ratios compare like with like.
 *
 *  1. cold analysis: `node dist/cli.js check <workspace> --format json`, wall time and peak RSS
 *     of the child (medians over the runs); ESLint over the same TS/TSX files, the same way;
 *  2. per keystroke: ESLint re-linting the 2,000-line file after a one-character edit, and
 *     CORS Doctor's edit-to-diagnostics latency through the language server (bench/lsp-latency.mjs);
 *  3. a table, the targets (cold ≤ 1/20 of ESLint's time, peak memory ≤ 1/3 of its, LSP p95 ≤
 *     10 ms), and `.bench/results.json`.
 *
 * Options: --seed N, --runs N (CLI cold runs, default 3), --eslint-runs N (default 3),
 * --edits N (default 100), --profile (one extra --cpu-prof run, summarised), --no-eslint.
 * ESLint is installed on first use into .bench/eslint/ (git-ignored), never into node_modules/.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BIG_FILE, DEFAULT_SEED, ROOT, WORKSPACE, describeCounts, generate } from "./generate.mjs";
import { measureLspLatency, percentile } from "./lsp-latency.mjs";
import { formatProfile, profileCli } from "./profile.mjs";

const ESLINT_DIR = join(ROOT, ".bench", "eslint");
const ESLINT_DEPS = { eslint: "9.39.5", "typescript-eslint": "8.74.0", typescript: "5.9.3" };
const RESULTS = join(ROOT, ".bench", "results.json");
const TARGETS = { coldTimeRatio: 1 / 20, peakMemoryRatio: 1 / 3, lspP95Ms: 10 };

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const seed = option("--seed", DEFAULT_SEED);
const runs = option("--runs", 3);
const eslintRuns = option("--eslint-runs", 3);
const edits = option("--edits", 100);
const withEslint = !args.includes("--no-eslint");
const withProfile = args.includes("--profile");

const GNU_TIME = existsSync("/usr/bin/time") && spawnSync("/usr/bin/time", ["-v", "true"], { encoding: "utf8" }).stderr?.includes("Maximum resident set size") ? "/usr/bin/time" : undefined;

// ---------------------------------------------------------------------------------------------

/** Runs `node <script> ...args` to completion; wall time from spawn to exit, and peak RSS. */
async function measureNode(script, scriptArgs) {
  const rssFile = join(tmpdir(), `cors-doctor-bench-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const [cmd, cmdArgs] = GNU_TIME
    ? [GNU_TIME, ["-v", "-o", rssFile, process.execPath, script, ...scriptArgs]]
    : [process.execPath, [join(ROOT, "bench", "measure-child.cjs"), rssFile, script, ...scriptArgs]];
  const t0 = performance.now();
  const child = spawn(cmd, cmdArgs, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const out = [];
  const err = [];
  child.stdout.on("data", (d) => out.push(d));
  child.stderr.on("data", (d) => err.push(d));
  const code = await new Promise((res) => child.on("close", res));
  const wallMs = performance.now() - t0;
  let peakRssKb;
  try {
    const text = readFileSync(rssFile, "utf8");
    peakRssKb = Number(GNU_TIME ? /Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1] : text.trim());
    rmSync(rssFile, { force: true });
  } catch {
    peakRssKb = undefined;
  }
  return { code, wallMs, peakRssKb, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

function ensureEslint() {
  const installed = Object.entries(ESLINT_DEPS).every(([name, version]) => {
    try {
      return JSON.parse(readFileSync(join(ESLINT_DIR, "node_modules", name, "package.json"), "utf8")).version === version;
    } catch {
      return false;
    }
  });
  if (installed) return;
  console.log(`installing ${Object.entries(ESLINT_DEPS).map(([n, v]) => `${n}@${v}`).join(", ")} into ${ESLINT_DIR} …`);
  mkdirSync(ESLINT_DIR, { recursive: true });
  writeFileSync(join(ESLINT_DIR, "package.json"), JSON.stringify({ name: "cors-doctor-bench-eslint", private: true, dependencies: ESLINT_DEPS }, null, 2) + "\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: ESLINT_DIR, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`npm install in ${ESLINT_DIR} failed`);
}

const median = (xs) => percentile(xs, 50);
const ms = (x) => (x === undefined ? "n/a" : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 10 ? `${x.toFixed(0)} ms` : `${x.toFixed(2)} ms`);
const mb = (kb) => (kb === undefined ? "n/a" : `${(kb / 1024).toFixed(0)} MB`);
const ratio = (a, b) => (a === undefined || b === undefined || !b ? undefined : a / b);
const fmtRatio = (r) => (r === undefined ? "n/a" : r < 1 ? `1/${(1 / r).toFixed(1)}` : `${r.toFixed(2)}×`);

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const results = { date: new Date().toISOString(), node: process.version, seed, machine: machine(), rssVia: GNU_TIME ? "GNU time -v" : "process.resourceUsage().maxRSS" };

  if (results.machine.loadAverageAtStart > results.machine.cores / 2) {
    console.log(`note: load average ${results.machine.loadAverageAtStart.toFixed(1)} on ${results.machine.cores} cores; other work will make these figures noisy`);
  }
  if (!existsSync(join(ROOT, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run `npm run bench` (it builds first)");
  if (withEslint) ensureEslint();

  results.workspace = generate({ seed });
  console.log(describeCounts(results.workspace));

  // --- CORS Doctor, cold
  const cli = [];
  for (let i = 0; i < runs; i++) {
    const r = await measureNode(join(ROOT, "dist", "cli.js"), ["check", WORKSPACE, "--format", "json"]);
    if (r.code !== 0 && r.code !== 1) throw new Error(`cors-doctor check exited ${r.code}: ${r.stderr}`);
    const findings = JSON.parse(r.stdout).findings;
    cli.push({ wallMs: r.wallMs, peakRssKb: r.peakRssKb, findings: findings.length, byRule: countBy(findings, (f) => f.rule), inNodeModules: findings.filter((f) => f.file.split("/").includes("node_modules")).length });
    console.log(`cors-doctor check, run ${i + 1}/${runs}: ${ms(r.wallMs)}, ${mb(r.peakRssKb)}, ${findings.length} findings`);
  }
  results.corsDoctor = {
    coldMs: median(cli.map((r) => r.wallMs)),
    coldMinMs: Math.min(...cli.map((r) => r.wallMs)),
    peakRssKb: median(cli.map((r) => r.peakRssKb).filter((x) => x !== undefined)),
    findings: cli[0].findings,
    byRule: cli[0].byRule,
    findingsInNodeModules: cli[0].inNodeModules,
    runs: cli.map(({ wallMs, peakRssKb }) => ({ wallMs, peakRssKb })),
  };

  // --- ESLint, cold and per keystroke
  if (withEslint) {
    const child = join(ROOT, "bench", "eslint-child.mjs");
    const eslint = [];
    for (let i = 0; i < eslintRuns; i++) {
      const r = await measureNode(child, ["cold", ESLINT_DIR, WORKSPACE]);
      if (r.code !== 0) throw new Error(`eslint exited ${r.code}: ${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split("\n").pop());
      eslint.push({ wallMs: r.wallMs, peakRssKb: r.peakRssKb, ...out });
      console.log(`eslint (typescript-eslint parser, no rules), run ${i + 1}/${eslintRuns}: ${ms(r.wallMs)}, ${mb(r.peakRssKb)}, ${out.files} files, ${out.fatal} parse errors`);
    }
    const k = await measureNode(child, ["keystroke", ESLINT_DIR, join(WORKSPACE, BIG_FILE), String(edits)]);
    if (k.code !== 0) throw new Error(`eslint keystroke run exited ${k.code}: ${k.stderr}`);
    const samples = JSON.parse(k.stdout.trim().split("\n").pop()).samplesMs;
    results.eslint = {
      versions: ESLINT_DEPS,
      coldMs: median(eslint.map((r) => r.wallMs)),
      peakRssKb: median(eslint.map((r) => r.peakRssKb).filter((x) => x !== undefined)),
      files: eslint[0].files,
      keystroke: { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95) },
      runs: eslint.map(({ wallMs, peakRssKb }) => ({ wallMs, peakRssKb })),
    };
    console.log(`eslint re-lint of ${BIG_FILE} per one-character edit: p50 ${ms(results.eslint.keystroke.p50)}, p95 ${ms(results.eslint.keystroke.p95)}`);
  }

  // --- LSP edit-to-diagnostics
  let lsp;
  try {
    lsp = await measureLspLatency({ root: ROOT, workspace: WORKSPACE, bigFile: BIG_FILE, edits, log: () => {} });
  } catch (e) {
    lsp = { ready: false, reason: `the measurement failed: ${e.stack ?? e}` };
  }
  if (lsp.ready) {
    const strip = ({ samplesMs, ...rest }) => ({ ...rest, samplesMs: samplesMs.map((x) => Math.round(x * 1000) / 1000) });
    results.lsp = { ...lsp, url: strip(lsp.url), comment: strip(lsp.comment) };
    console.log(`LSP: ready after ${ms(lsp.indexMs)} (${lsp.readyBy}); URL edits p50 ${ms(lsp.url.p50)}, p95 ${ms(lsp.url.p95)} (n=${lsp.url.n}, ${lsp.url.misses} unanswered)`);
  } else {
    results.lsp = lsp;
    console.log(`LSP latency: server not ready — ${lsp.reason}`);
  }

  if (withProfile) {
    results.profile = profileCli({ root: ROOT, workspace: WORKSPACE });
  }

  results.totalBenchMs = performance.now() - started;
  report(results);
  mkdirSync(join(ROOT, ".bench"), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
  console.log(`\nwrote ${RESULTS} (bench took ${ms(results.totalBenchMs)})`);
}

function report(r) {
  const c = r.corsDoctor;
  const e = r.eslint;
  const l = r.lsp;
  const timeRatio = ratio(c.coldMs, e?.coldMs);
  const memRatio = ratio(c.peakRssKb, e?.peakRssKb);
  const rows = [
    ["", "CORS Doctor", "ESLint + typescript-eslint", "ratio"],
    ["cold analysis (wall, to all findings)", ms(c.coldMs), e ? ms(e.coldMs) : "skipped", fmtRatio(timeRatio)],
    ["peak memory (RSS)", mb(c.peakRssKb), e ? mb(e.peakRssKb) : "skipped", fmtRatio(memRatio)],
    ["per keystroke, p50 (LSP edit→diagnostics | ESLint re-lint)", l.ready ? ms(l.url.p50) : "not ready", e ? ms(e.keystroke.p50) : "skipped", l.ready && e ? fmtRatio(ratio(l.url.p50, e.keystroke.p50)) : "n/a"],
    ["per keystroke, p95", l.ready ? ms(l.url.p95) : "not ready", e ? ms(e.keystroke.p95) : "skipped", l.ready && e ? fmtRatio(ratio(l.url.p95, e.keystroke.p95)) : "n/a"],
  ];
  if (l.ready) {
    rows.push(["  comment edits (findings unchanged), p50 / p95", l.comment.n ? `${ms(l.comment.p50)} / ${ms(l.comment.p95)}` : "not republished", "", ""]);
    rows.push(["LSP: initialize → first analysis settled", ms(l.indexMs), "", ""]);
    rows.push(["LSP server peak memory (RSS)", mb(l.serverPeakRssKb), "", ""]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log("");
  console.log(`Workspace: ${describeCounts(r.workspace)}`);
  console.log(`CORS Doctor: ${c.findings} findings (${Object.entries(c.byRule).map(([k, v]) => `${k} ${v}`).join(", ")}); ${c.findingsInNodeModules} in node_modules`);
  console.log("");
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  const verdict = (ok) => (ok === undefined ? "not measured" : ok ? "met" : "NOT met");
  r.targets = {
    coldTime: { target: "≤ 1/20 of ESLint's", ratio: timeRatio, met: timeRatio === undefined ? undefined : timeRatio <= TARGETS.coldTimeRatio },
    peakMemory: { target: "≤ 1/3 of ESLint's", ratio: memRatio, met: memRatio === undefined ? undefined : memRatio <= TARGETS.peakMemoryRatio },
    lspP95: { target: "≤ 10 ms", ms: l.ready ? l.url.p95 : undefined, met: l.ready && l.url.n ? l.url.p95 <= TARGETS.lspP95Ms : undefined },
  };
  console.log("");
  console.log(`Target cold time ≤ 1/20 of ESLint's: ${fmtRatio(timeRatio)} — ${verdict(r.targets.coldTime.met)}`);
  console.log(`Target peak memory ≤ 1/3 of ESLint's: ${fmtRatio(memRatio)} — ${verdict(r.targets.peakMemory.met)}`);
  console.log(`Target edit-to-diagnostics p95 ≤ 10 ms: ${l.ready ? ms(l.url.p95) : "server not ready"} — ${verdict(r.targets.lspP95.met)}`);
  if (r.profile) console.log("\n" + formatProfile(r.profile));
}

function countBy(items, key) {
  const out = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

function machine() {
  try {
    const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
    return { cpu, cores: availableParallelism(), loadAverageAtStart: loadavg()[0], platform: process.platform };
  } catch {
    return { cores: availableParallelism(), loadAverageAtStart: loadavg()[0], platform: process.platform };
  }
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exitCode = 1;
});
