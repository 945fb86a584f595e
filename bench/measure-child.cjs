/**
 * Runs a Node script in this process and writes the process's peak resident set size (KiB) to a
 * file at exit, for machines without GNU `time -v`. The script sees the argv it would see when
 * run directly (`process.argv.slice(2)` = its own arguments).
 *
 * Usage: node bench/measure-child.cjs <rss-out-file> <script.js|script.mjs> [args...]
 */
"use strict";
const { writeFileSync } = require("node:fs");
const { resolve } = require("node:path");
const { pathToFileURL } = require("node:url");

const [node, , out, script, ...args] = process.argv;
const full = resolve(script);
process.argv = [node, full, ...args];
process.on("exit", () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
if (full.endsWith(".mjs")) {
  import(pathToFileURL(full).href).catch((e) => {
    console.error(e);
    process.exitCode = 2;
  });
} else require(full);
