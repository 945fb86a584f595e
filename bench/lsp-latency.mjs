/**
 * Edit-to-diagnostics latency through the real language server (`node dist/server.js --stdio`),
 * driven by the protocol library over the child's stdio like an editor would: initialize with
 * the flush debounce at 0, open the 2,000-line file, wait for the first analysis to settle, then
 * send one-character incremental edits and time each `didChange` until the server publishes
 * diagnostics for that file at that version.
 *
 * Two series:
 *  - URL edits (the reported figure): insert, then delete, an `x` after the `/` of
 *    `"/api/catalog/items"`, so every edit changes the findings (`/xapi/...` has no proxy entry)
 *    and a server that publishes only changes still has to publish.
 *  - comment edits: the same in a comment, where the findings stay the same. A server may
 *    rightly not republish unchanged diagnostics; then the series reports that instead of times.
 *
 * Runnable alone: node bench/lsp-latency.mjs [edits]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

const INIT_TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;
const QUIET_MS = 300;
const EDIT_TIMEOUT_MS = 2_000;
const COMMENT_EDIT_TIMEOUT_MS = 300;
const WARMUP_EDITS = 4;

/**
 * ===== measureLspLatency =====
 * Returns { ready: false, reason } when the server cannot be driven (not built, a stub, crashes),
 * otherwise { ready: true, indexMs, readyBy, url: Series, comment: Series, serverPeakRssKb }.
 */
export async function measureLspLatency({ root, workspace, bigFile, edits = 100, log = () => {} }) {
  let protocol;
  try {
    protocol = require(require.resolve("vscode-languageserver-protocol/node", { paths: [root] }));
  } catch (e) {
    return { ready: false, reason: `vscode-languageserver-protocol not installed (${e.message})` };
  }
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = protocol;
  const serverJs = join(root, "dist", "server.js");
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`] : []), serverJs, "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  let exited = false;
  const exitPromise = new Promise((res) => child.on("exit", (code, signal) => {
    exited = true;
    res({ code, signal });
  }));
  child.stdin.on("error", () => {}); // EPIPE when the server dies; reported below

  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const rootUri = pathToFileURL(workspace).href;
  const fileUri = pathToFileURL(join(workspace, ...bigFile.split("/"))).href;

  // --- what arrives from the server
  const waiters = new Set(); // (event) => boolean (true = done, remove)
  const emit = (event) => {
    for (const w of [...waiters]) if (w(event)) waiters.delete(w);
  };
  const waitFor = (pred, timeoutMs) =>
    new Promise((res) => {
      let timer;
      const w = (event) => {
        if (!pred(event)) return false;
        clearTimeout(timer);
        res(event);
        return true;
      };
      timer = setTimeout(() => {
        waiters.delete(w);
        res(undefined);
      }, timeoutMs);
      waiters.add(w);
    });
  let lastPublishAt = 0;
  let publishCount = 0;
  const progressTokens = new Set();
  let progressEnded = false;
  let indexedNotified = false;
  connection.onNotification("textDocument/publishDiagnostics", (params) => {
    const t = performance.now();
    lastPublishAt = t;
    publishCount++;
    emit({ kind: "diagnostics", t, uri: params.uri, version: params.version, count: params.diagnostics.length });
  });
  connection.onNotification("$/progress", (params) => {
    if (params.value?.kind === "begin") progressTokens.add(params.token);
    if (params.value?.kind === "end") {
      progressTokens.delete(params.token);
      if (progressTokens.size === 0) progressEnded = true;
      emit({ kind: "progress-end" });
    }
  });
  connection.onNotification("corsDoctor/indexed", () => {
    indexedNotified = true;
    emit({ kind: "indexed" });
  });
  connection.onNotification("window/logMessage", (p) => log(`server: ${p.message}`));
  connection.onNotification(() => {});
  // Settings: empty, except the flush debounce at 0 under our own section.
  connection.onRequest("workspace/configuration", (params) => params.items.map((item) => (item.section === "corsDoctor" ? { debounceMs: 0 } : {})));
  connection.onRequest("workspace/workspaceFolders", () => [{ uri: rootUri, name: "workspace" }]);
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.onRequest(() => null); // registerCapability, refresh requests, showMessageRequest…
  connection.onError(() => {});
  connection.onClose(() => emit({ kind: "closed" }));
  connection.listen();

  const finish = async () => {
    const serverPeakRssKb = peakRssKb(child.pid);
    if (!exited) {
      try {
        await withTimeout(connection.sendRequest("shutdown"), 2000);
        await connection.sendNotification("exit");
      } catch {
        // the server is going away anyway
      }
      if (!(await withTimeout(exitPromise, 2000).catch(() => undefined))) child.kill("SIGKILL");
    }
    connection.dispose();
    return serverPeakRssKb;
  };
  const notReady = async (reason) => {
    await finish();
    const tail = stderr.trim().split("\n").slice(-3).join(" | ");
    return { ready: false, reason: tail ? `${reason} (stderr: ${tail})` : reason };
  };

  // --- initialize
  const tInit = performance.now();
  let init;
  try {
    init = await withTimeout(
      Promise.race([
        connection.sendRequest("initialize", {
          processId: process.pid,
          clientInfo: { name: "cors-doctor-bench" },
          rootUri,
          workspaceFolders: [{ uri: rootUri, name: "workspace" }],
          initializationOptions: { debounceMs: 0 },
          capabilities: {
            general: { positionEncodings: ["utf-16"] },
            window: { workDoneProgress: true },
            workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } },
            textDocument: {
              synchronization: { dynamicRegistration: false, didSave: true },
              publishDiagnostics: { versionSupport: true, relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
              codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix"] } } },
            },
          },
        }),
        exitPromise.then(({ code, signal }) => Promise.reject(new Error(`the server exited (${signal ?? code})`))),
      ]),
      INIT_TIMEOUT_MS,
    );
  } catch (e) {
    return notReady(`initialize failed: ${e.message}`);
  }
  const sync = init?.capabilities?.textDocumentSync;
  const changeKind = typeof sync === "number" ? sync : sync?.change;
  if (!changeKind) return notReady("the server does not take document changes (no textDocumentSync in its capabilities)");
  const incremental = changeKind === 2;
  connection.sendNotification("initialized", {});

  // --- open the file and wait for the first analysis to settle
  let text = readFileSync(join(workspace, ...bigFile.split("/")), "utf8");
  let version = 1;
  const openDiagnostics = waitFor((e) => e.kind === "diagnostics" && e.uri === fileUri, READY_TIMEOUT_MS);
  connection.sendNotification("textDocument/didOpen", { textDocument: { uri: fileUri, languageId: "typescript", version, text } });
  const readyBy = await waitUntilReady();
  if (exited) return notReady("the server exited while indexing");
  const indexMs = performance.now() - tInit;
  const opened = await Promise.race([openDiagnostics, sleep(0).then(() => undefined)]);
  if (!opened && !readyBy.startsWith("timeout")) await withTimeout(openDiagnostics, 5000).catch(() => undefined);
  log(`LSP ready after ${(indexMs / 1000).toFixed(2)} s (${readyBy}); ${publishCount} publishDiagnostics so far`);

  async function waitUntilReady() {
    const deadline = performance.now() + READY_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (indexedNotified) return "corsDoctor/indexed";
      if (progressEnded) return "$/progress end";
      // No explicit signal: the big file has diagnostics and the publishing has gone quiet.
      const quiet = performance.now() - lastPublishAt;
      if (publishCount > 0 && quiet > QUIET_MS && (await isOpenPublished())) return "publishing went quiet";
      if (publishCount > 0 && quiet > 10 * QUIET_MS) return "publishing went quiet (nothing for the open file)";
      if (exited) return "exited";
      await waitFor(() => true, 50);
    }
    return "timeout";
  }
  async function isOpenPublished() {
    return (await Promise.race([openDiagnostics, sleep(0).then(() => undefined)])) !== undefined;
  }

  // --- edits
  async function series(anchor, offsetInAnchor, count, timeoutMs, stopAfterMisses) {
    const at = text.indexOf(anchor);
    if (at < 0) throw new Error(`'${anchor}' is not in ${bigFile}`);
    const offset = at + offsetInAnchor;
    const position = positionAt(text, offset);
    const samplesMs = [];
    const counts = [];
    let misses = 0;
    for (let i = 0; i < count + WARMUP_EDITS; i++) {
      const insert = i % 2 === 0;
      const change = insert
        ? { range: { start: position, end: position }, text: "x" }
        : { range: { start: position, end: { line: position.line, character: position.character + 1 } }, text: "" };
      text = insert ? text.slice(0, offset) + "x" + text.slice(offset) : text.slice(0, offset) + text.slice(offset + 1);
      version++;
      const v = version;
      const published = waitFor((e) => (e.kind === "diagnostics" && e.uri === fileUri && (e.version === undefined || e.version === v)) || e.kind === "closed", timeoutMs);
      const t0 = performance.now();
      connection.sendNotification("textDocument/didChange", {
        textDocument: { uri: fileUri, version: v },
        contentChanges: [incremental ? change : { text }],
      });
      const event = await published;
      if (exited) throw new Error("the server exited during the edits");
      if (i < WARMUP_EDITS) continue;
      if (!event) {
        misses++;
        if (stopAfterMisses && misses >= stopAfterMisses && samplesMs.length === 0) break;
        continue;
      }
      samplesMs.push(event.t - t0);
      counts.push(event.count);
    }
    // Leave the text as it was (an even number of edits does; an odd one gets one more delete).
    return { samplesMs, misses, distinctCounts: [...new Set(counts)].sort((a, b) => a - b) };
  }

  let url;
  let comment;
  try {
    url = await series('"/api/catalog/items"', 2, edits, EDIT_TIMEOUT_MS, 0);
    comment = await series("// BENCH-EDIT-COMMENT: the", "// BENCH-EDIT-COMMENT: ".length, Math.min(edits, 50), COMMENT_EDIT_TIMEOUT_MS, 3);
  } catch (e) {
    return notReady(e.message);
  }
  const serverPeakRssKb = await finish();
  return { ready: true, indexMs, readyBy, incremental, url: summarize(url), comment: summarize(comment), serverPeakRssKb };
}
// ===== end measureLspLatency =====

function summarize(s) {
  return { ...s, n: s.samplesMs.length, p50: percentile(s.samplesMs, 50), p95: percentile(s.samplesMs, 95), max: s.samplesMs.length ? Math.max(...s.samplesMs) : undefined };
}

export function percentile(values, p) {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

function positionAt(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** The peak resident set of a running process (Linux `VmHWM`), or undefined. */
function peakRssKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([promise, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`no answer in ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ROOT, WORKSPACE, BIG_FILE, generate } = await import("./generate.mjs");
  generate();
  const result = await measureLspLatency({ root: ROOT, workspace: WORKSPACE, bigFile: BIG_FILE, edits: Number(process.argv[2] ?? 100), log: console.log });
  const { samplesMs: _a, ...url } = result.url ?? {};
  const { samplesMs: _b, ...comment } = result.comment ?? {};
  console.log(JSON.stringify({ ...result, url, comment }, null, 2));
}
