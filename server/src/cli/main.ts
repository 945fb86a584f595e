/**
 * The `cors-doctor` command line (cli.md): `check <dir> [--format text|json|sarif] [--rule id]...
 * [--max-warnings N] [--verbose]`. Exit 0 clean, 1 errors or too many warnings, 2 could not run.
 * `proxy [dir] ...` runs the dev proxy (proxy.ts).
 */
import { readdirSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ruleById } from "../rules/registry";
import { check } from "./check";
import { PROXY_USAGE, runProxy } from "./proxy";
import { escapeControls, toJson, toSarif, toText } from "./formats";

declare const CORS_DOCTOR_VERSION: string | undefined;
const VERSION = typeof CORS_DOCTOR_VERSION === "string" ? CORS_DOCTOR_VERSION : "0.0.0";

const USAGE = `Usage: cors-doctor check <dir> [--format text|json|sarif] [--rule <id>]... [--max-warnings N] [--verbose]

Finds CORS, Vite proxy and hardcoded-localhost mistakes between a React + Vite frontend and a
FastAPI backend, without running anything.

${PROXY_USAGE}`;

class UsageError extends Error {}

interface Options {
  dir: string;
  format: "text" | "json" | "sarif";
  rules: string[];
  maxWarnings: number | undefined;
  verbose: boolean;
}

function parseArgs(args: string[]): Options | "help" | "version" {
  if (args.includes("--help") || args.includes("-h")) return "help";
  if (args.includes("--version")) return "version";
  const [command, ...rest] = args;
  if (command !== "check") throw new UsageError(command ? `unknown command '${command}'` : "no command given");
  const opts: Options = { dir: "", format: "text", rules: [], maxWarnings: undefined, verbose: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--format") {
      const f = value();
      if (f !== "text" && f !== "json" && f !== "sarif") throw new UsageError(`unknown format '${f}'`);
      opts.format = f;
    } else if (arg === "--rule") {
      const id = value();
      if (!ruleById(id)) throw new UsageError(`unknown rule '${id}'`);
      opts.rules.push(id);
    } else if (arg === "--max-warnings") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new UsageError("--max-warnings takes a whole number");
      opts.maxWarnings = n;
    } else if (arg === "--verbose") opts.verbose = true;
    else if (arg.startsWith("-")) throw new UsageError(`unknown option '${arg}'`);
    else if (!opts.dir) opts.dir = arg;
    else throw new UsageError(`unexpected argument '${arg}'`);
  }
  if (!opts.dir) throw new UsageError("no folder given");
  return opts;
}

async function main(): Promise<number> {
  if (process.argv[2] === "proxy") return runProxy(process.argv.slice(3));
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`cors-doctor: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (opts === "help") {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (opts === "version") {
    process.stdout.write(VERSION + "\n");
    return 0;
  }
  const root = resolve(opts.dir);
  try {
    if (!statSync(root).isDirectory()) throw new Error("not a folder");
    // a folder that cannot be listed would be walked as an empty one: "No problems found."
    readdirSync(root);
  } catch (e) {
    process.stderr.write(`cors-doctor: cannot read ${opts.dir}: ${(e as Error).message}\n`);
    return 2;
  }
  const result = await check(root, opts.rules);
  if (opts.verbose) for (const note of result.notes) process.stderr.write(`note: ${escapeControls(note)}\n`);
  const out =
    opts.format === "json" ? toJson(root, result.findings) : opts.format === "sarif" ? toSarif(result.findings, VERSION) : toText(result.findings, result.text, !!process.stdout.isTTY);
  process.stdout.write(out + "\n");
  const errors = result.findings.filter((f) => f.severity === "error").length;
  const warnings = result.findings.filter((f) => f.severity === "warning").length;
  return errors > 0 || (opts.maxWarnings !== undefined && warnings > opts.maxWarnings) ? 1 : 0;
}

// `cors-doctor check . | head`: once the reader has gone, the rest of the output has nowhere to
// go. That is no failure of the check: stop writing quietly and exit with the code it earned.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") return;
    if (stream === process.stdout) process.stderr.write(`cors-doctor: cannot write the output: ${e.message}\n`);
    process.exitCode = 2;
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`cors-doctor: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
