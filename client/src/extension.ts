/**
 * The VS Code extension: starts the language server, contributes the commands of the
 * "CORS Doctor" category and the dev proxy, and reports its own start-up timings.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { DOCUMENTS, FIX_ALL_COMMAND, INDEXED_NOTIFICATION, SOURCE } from "../../protocol/lsp";
import { createLanguageClient } from "./language-client";
import { DevProxy, type ProxyState } from "./dev-proxy";

/** When the bundle started loading (esbuild.mjs puts it first), and when its code was all loaded. */
declare const CORS_DOCTOR_LOAD_START: number | undefined;
const loadedAt = performance.now();
const loadMs = typeof CORS_DOCTOR_LOAD_START === "number" ? loadedAt - CORS_DOCTOR_LOAD_START : undefined;

/** What `activate` returns: start-up timings (for the README's figures and the e2e tests). */
export interface CorsDoctorApi {
  timings: {
    /** Milliseconds `activate()` took. */
    activateMs: number;
    /** Milliseconds loading the bundle took (its first statement to its last), before `activate()`. */
    loadMs?: number;
    /** Milliseconds from the end of `activate()` to the first diagnostics, once they came. */
    firstDiagnosticsMs?: number;
    /** Milliseconds from the end of `activate()` to the server's `corsDoctor/indexed`. */
    indexedMs?: number;
  };
  /** The dev proxy's URL and table while it runs, and its last error. */
  proxy(): ProxyState;
  /** Fires when the dev proxy starts, reloads its table, fails or stops. */
  onDidChangeProxy: vscode.Event<void>;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): CorsDoctorApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel("CORS Doctor", { log: true });
  const lsp = createLanguageClient(context, output);
  client = lsp;
  const proxy = new DevProxy(context);
  const timings: CorsDoctorApi["timings"] = { activateMs: 0 };
  let activatedAt = 0;

  const onDiagnostics = vscode.languages.onDidChangeDiagnostics((e) => {
    if (!e.uris.some((uri) => vscode.languages.getDiagnostics(uri).some((d) => d.source === SOURCE))) return;
    timings.firstDiagnosticsMs = Math.round(performance.now() - activatedAt);
    output.info(`first diagnostics ${timings.firstDiagnosticsMs} ms after activation`);
    onDiagnostics.dispose();
  });

  context.subscriptions.push(
    output,
    onDiagnostics,
    proxy,
    vscode.commands.registerCommand("corsDoctor.fixAll", () => fixAll(lsp)),
    vscode.commands.registerCommand("corsDoctor.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("corsDoctor.restartServer", async () => {
      await lsp.restart();
      output.info("server restarted");
    }),
    vscode.commands.registerCommand("corsDoctor.startProxy", () => proxy.start()),
    vscode.commands.registerCommand("corsDoctor.stopProxy", () => proxy.stop()),
    vscode.commands.registerCommand("corsDoctor.openProxy", () => proxy.open()),
    vscode.commands.registerCommand("corsDoctor.proxyActions", () => proxy.pickAction()),
  );

  // in the language status of the files it reads: what the server indexed, a click to its log
  const status = vscode.languages.createLanguageStatusItem("corsDoctor.status", [...DOCUMENTS.languages]);
  status.name = "CORS Doctor";
  status.text = "CORS Doctor";
  status.detail = "indexing";
  status.busy = true;
  status.command = { command: "corsDoctor.showOutput", title: "Show Output" };
  context.subscriptions.push(status);
  lsp.onNotification(INDEXED_NOTIFICATION, (p: { files: number; ms: number }) => {
    timings.indexedMs ??= Math.round(performance.now() - activatedAt);
    output.info(`indexed ${p.files} files in ${p.ms} ms`);
    status.busy = false;
    status.detail = `${p.files} files read in ${p.ms} ms`;
  });
  lsp.start().catch((e: Error) => {
    output.error(`the language server did not start: ${e.message}`);
    void vscode.window.showErrorMessage(`CORS Doctor: the language server did not start (${e.message}).`, "Show Output").then((pick) => {
      if (pick) output.show(true);
    });
  });

  activatedAt = performance.now();
  timings.activateMs = Math.round((activatedAt - started) * 10) / 10;
  if (loadMs !== undefined) timings.loadMs = Math.round(loadMs * 10) / 10;
  output.info(`loaded in ${timings.loadMs} ms, activated in ${timings.activateMs} ms`);
  return { timings, proxy: () => ({ url: proxy.url, table: proxy.table, lastError: proxy.lastError }), onDidChangeProxy: proxy.onDidChange };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/** Applies every preferred fix in every workspace folder and says what changed. */
async function fixAll(lsp: LanguageClient): Promise<void> {
  if (!lsp.isRunning()) {
    void vscode.window.showWarningMessage("CORS Doctor: the language server is not running yet.");
    return;
  }
  const result = (await lsp.sendRequest("workspace/executeCommand", { command: FIX_ALL_COMMAND, arguments: [] })) as
    | { files: number }
    | null;
  const files = result?.files ?? 0;
  // not awaited: a command that waits for a message waits until the user closes it
  void vscode.window.showInformationMessage(
    files === 0 ? "CORS Doctor: nothing to fix." : `CORS Doctor: fixed problems in ${files} file${files === 1 ? "" : "s"}.`,
  );
}
