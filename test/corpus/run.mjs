#!/usr/bin/env node
// Precision check over a corpus of real public React/Vue/Svelte + Vite / FastAPI repositories.
// Runs the built CLI (`node dist/cli.js check <checkout> --format json`) on each repository of
// test/corpus/repos.json, one at a time, and compares the findings with the hand-checked verdicts
// of test/corpus/verdicts.json. Plain Node, no dependencies. Build first: `npm run build`.
//
//   node test/corpus/run.mjs                         every repository
//   node test/corpus/run.mjs --repo owner/name       only that one
//   node test/corpus/run.mjs --dir /path/to/corpus   checkouts in <dir>/<owner>+<name> (default /tmp/corpus)
//   node test/corpus/run.mjs --mirror /path          bare mirrors in <path>/<owner>+<name>* (default /work/.mirror)
//   node test/corpus/run.mjs --write-new             append NEW findings to verdicts.json as "unreviewed"
//
// A repository fails when it has NEW findings (no verdict yet, or a verdict still "unreviewed"),
// a true positive that is no longer reported (GONE), or a false positive that is still reported.
// The last line is `N passed, N failed`; the exit code is 1 when a repository failed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(here, "..", "..");
const cli = join(root, "dist", "cli.js");
const reposFile = join(here, "repos.json");
const verdictsFile = join(here, "verdicts.json");

function parseArgs(argv) {
  const opts = { dir: "/tmp/corpus", mirror: "/work/.mirror", repo: undefined, writeNew: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--repo") opts.repo = argv[++i];
    else if (a === "--dir") opts.dir = argv[++i];
    else if (a === "--mirror") opts.mirror = argv[++i];
    else if (a === "--write-new") opts.writeNew = true;
    else if (a === "--help" || a === "-h") {
      console.log("usage: node test/corpus/run.mjs [--repo owner/name] [--dir DIR] [--mirror DIR] [--write-new]");
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  return opts;
}

const folderName = (repo) => repo.replace("/", "+");

/**
 * A bare git directory under the mirror folder for `owner/name` that holds `commit`:
 * `<mirror>/<owner>+<name>*` itself or one level down, the exact name first.
 */
function findMirror(mirrorDir, repo, commit) {
  if (!existsSync(mirrorDir)) return undefined;
  const prefix = folderName(repo);
  const isGitDir = (d) => existsSync(join(d, "HEAD")) && existsSync(join(d, "objects"));
  const entries = readdirSync(mirrorDir).filter((e) => e.startsWith(prefix)).sort((a, b) => (a === prefix ? -1 : b === prefix ? 1 : a.localeCompare(b)));
  for (const entry of entries) {
    const dir = join(mirrorDir, entry);
    if (!statSync(dir).isDirectory()) continue;
    const candidates = isGitDir(dir) ? [dir] : readdirSync(dir).map((sub) => join(dir, sub)).filter((d) => statSync(d).isDirectory() && isGitDir(d));
    for (const gitDir of candidates) {
      if (git(gitDir, ["cat-file", "-e", `${commit}^{commit}`]).status === 0) return gitDir;
    }
  }
  return undefined;
}

function git(gitDir, args, input) {
  return spawnSync("git", ["--git-dir", gitDir, ...args], { input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

/**
 * Exports `commit` of a bare mirror into `dest`. Snapshots may lack big files (and LFS content):
 * blobs that are not in the object store are left out instead of failing the whole archive.
 */
async function exportMirror(gitDir, commit, dest) {
  if (git(gitDir, ["cat-file", "-e", `${commit}^{commit}`]).status !== 0) throw new Error(`commit ${commit} is not in ${gitDir}`);
  const tree = git(gitDir, ["ls-tree", "-r", "-z", "--full-tree", commit]);
  if (tree.status !== 0) throw new Error(tree.stderr);
  const blobs = tree.stdout.split("\0").filter(Boolean).map((line) => {
    const [meta, path] = line.split("\t");
    const [, type, sha] = meta.split(" ");
    return { type, sha, path };
  }).filter((e) => e.type === "blob");
  const check = git(gitDir, ["cat-file", "--batch-check"], blobs.map((b) => b.sha).join("\n") + "\n");
  const missing = new Set(check.stdout.split("\n").filter((l) => l.endsWith(" missing")).map((l) => l.split(" ")[0]));
  const excludes = blobs.filter((b) => missing.has(b.sha)).map((b) => `:(exclude,literal)${b.path}`);
  mkdirSync(dest, { recursive: true });
  await new Promise((res, rej) => {
    const archive = spawn("git", ["--git-dir", gitDir, "archive", "--format=tar", commit, "--", ".", ...excludes], { stdio: ["ignore", "pipe", "pipe"] });
    const tar = spawn("tar", ["-x", "-C", dest], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    archive.stderr.on("data", (d) => (err += d));
    tar.stderr.on("data", (d) => (err += d));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (code) => {
      if (code !== 0) failed = true;
      if (--pending === 0) (failed ? rej(new Error(err.trim() || "git archive | tar failed")) : res());
    };
    archive.on("close", done);
    tar.on("close", done);
  });
  return missing.size;
}

function readJson(file, fallback) {
  if (!existsSync(file)) return fallback;
  return JSON.parse(readFileSync(file, "utf8"));
}

const key = (repo, file, line, rule) => `${repo}\u0000${file}\u0000${line}\u0000${rule}`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(cli)) {
    console.error(`${cli} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
  let repos = readJson(reposFile, []);
  if (opts.repo) {
    repos = repos.filter((r) => r.repo === opts.repo);
    if (repos.length === 0) {
      console.error(`${opts.repo} is not in repos.json`);
      process.exit(2);
    }
  }
  const verdicts = readJson(verdictsFile, []);
  const byKey = new Map(verdicts.map((v) => [key(v.repo, v.file, v.line, v.rule), v]));
  const newVerdicts = [];
  const totals = {};
  let passed = 0;
  let failed = 0;
  let missingCount = 0;
  let totalMs = 0;

  for (const { repo, commit } of repos) {
    let checkout = join(opts.dir, folderName(repo));
    if (!existsSync(checkout)) {
      const mirror = findMirror(opts.mirror, repo, commit);
      if (!mirror) {
        console.log(`\n${repo}: missing (no checkout at ${checkout} and no mirror holding commit ${commit.slice(0, 12)} under ${opts.mirror}; fetch it first)`);
        missingCount++;
        continue;
      }
      try {
        const left = await exportMirror(mirror, commit, checkout);
        console.log(`\n${repo}: exported ${commit.slice(0, 12)} from ${mirror}${left ? ` (${left} blobs absent from the snapshot, left out)` : ""}`);
      } catch (e) {
        rmSync(checkout, { recursive: true, force: true });
        console.log(`\n${repo}: missing (export from ${mirror} failed: ${e.message.split("\n")[0]})`);
        missingCount++;
        continue;
      }
    }
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [cli, "check", checkout, "--format", "json"], { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    totalMs += ms;
    let findings;
    try {
      findings = JSON.parse(run.stdout).findings;
    } catch {
      console.log(`\n${repo}: FAILED TO RUN (exit ${run.status})\n${(run.stderr || run.stdout).trim().split("\n").slice(0, 10).join("\n")}`);
      failed++;
      continue;
    }
    const perRule = {};
    for (const f of findings) {
      perRule[f.rule] = (perRule[f.rule] ?? 0) + 1;
      totals[f.rule] = (totals[f.rule] ?? 0) + 1;
    }
    const ruleText = Object.entries(perRule).map(([r, n]) => `${r} ${n}`).join(", ") || "no findings";
    console.log(`\n${repo} @ ${commit.slice(0, 12)}  ${ms.toFixed(0)} ms  ${ruleText}`);

    const seen = new Set();
    const problems = [];
    for (const f of findings) {
      const k = key(repo, f.file, f.line, f.rule);
      seen.add(k);
      const v = byKey.get(k);
      const where = `${f.file}:${f.line}:${f.column}  ${f.rule}`;
      if (!v) {
        problems.push(`  NEW             ${where}  ${f.message}`);
        if (opts.writeNew) {
          const entry = { repo, file: f.file, line: f.line, rule: f.rule, verdict: "unreviewed", note: "" };
          newVerdicts.push(entry);
          byKey.set(k, entry);
        }
      } else if (v.verdict === "unreviewed") {
        problems.push(`  UNREVIEWED      ${where}  ${f.message}`);
      } else if (v.verdict === "false-positive") {
        problems.push(`  FALSE POSITIVE  ${where}  (${v.note})`);
      } else {
        console.log(`  ok (${v.verdict})  ${where}`);
      }
    }
    for (const v of verdicts.filter((x) => x.repo === repo)) {
      if (seen.has(key(v.repo, v.file, v.line, v.rule))) continue;
      const where = `${v.file}:${v.line}  ${v.rule}`;
      if (v.verdict === "true-positive") problems.push(`  GONE (true positive)  ${where}  (${v.note})`);
      else console.log(`  gone (${v.verdict}, fine)  ${where}`);
    }
    for (const p of problems) console.log(p);
    if (problems.length > 0) failed++;
    else passed++;
  }

  if (opts.writeNew && newVerdicts.length > 0) {
    writeFileSync(verdictsFile, JSON.stringify([...verdicts, ...newVerdicts], null, 2) + "\n");
    console.log(`\nappended ${newVerdicts.length} unreviewed verdict(s) to ${verdictsFile}`);
  }
  const ruleTotals = Object.entries(totals).map(([r, n]) => `${r} ${n}`).join(", ") || "none";
  console.log(`\nfindings per rule: ${ruleTotals}`);
  console.log(`analysis time: ${(totalMs / 1000).toFixed(1)} s${missingCount ? `; ${missingCount} missing` : ""}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

await main();
