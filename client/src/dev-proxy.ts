/**
 * The dev proxy as seen from the editor: runs `cors-doctor proxy` (dist/cli.js) as its own
 * process, shows its port in the status bar, its route table and request log in an output
 * channel, restarts it when its settings change, and stops it by draining.
 */
import { fork, type ChildProcess } from "node:child_process";
import { isLoopbackHost } from "../../protocol/loopback";
import { resolve } from "node:path";
import * as vscode from "vscode";
import type { EditorMessage, ProxyMessage, TableInfo } from "../../protocol/proxy-messages";
import { tableLines } from "../../protocol/table-lines";

/** How long Stop waits for in-flight requests before the process is killed. */
const STOP_TIMEOUT_MS = 7000;

export interface ProxyState {
  url: string | undefined;
  table: TableInfo | undefined;
  lastError: string | undefined;
}

export class DevProxy implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private stopping: Promise<void> | undefined;
  /** The proxy's URL while it listens. */
  url: string | undefined;
  /** The route table it serves (from its last `listening` or `table` message). */
  table: TableInfo | undefined;
  /** The last error it reported (a taken port, a bad option), until the next start. */
  lastError: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the proxy starts listening, reloads its table, reports an error or exits. */
  readonly onDidChange = this.changed.event;
  private channel: vscode.OutputChannel | undefined;
  private item: vscode.StatusBarItem | undefined;
  private readonly onConfig: vscode.Disposable;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.onConfig = vscode.workspace.onDidChangeConfiguration((e) => {
      if (this.child && e.affectsConfiguration("corsDoctor.proxy")) {
        this.output.appendLine("settings changed: restarting the proxy");
        void this.stop().then(() => this.start());
      }
    });
  }

  /** Starts the proxy for the chosen workspace folder; resolves once it listens (or failed). */
  async start(): Promise<void> {
    if (this.child) {
      void vscode.window.showInformationMessage(`CORS Doctor: the dev proxy already runs on ${this.url ?? "its port"}.`);
      return;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage("CORS Doctor: the dev proxy connects to the targets this project configures, so it runs only in a trusted workspace.");
      return;
    }
    await this.stopping;
    const folder = await pickFolder();
    if (!folder) return;
    const config = vscode.workspace.getConfiguration("corsDoctor.proxy", folder.uri);
    const args = ["proxy", folder.uri.fsPath, ...proxyArgs(config, folder.uri.fsPath)];
    this.lastError = undefined;
    this.output.clear();
    this.output.appendLine(`cors-doctor ${args.join(" ")}`);
    const child = fork(this.context.asAbsolutePath("dist/cli.js"), args, {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      cwd: folder.uri.fsPath,
      // in desktop VS Code the extension host is Electron: run the child as plain Node
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
    });
    this.child = child;
    child.stderr?.on("data", (d: Buffer) => this.output.append(d.toString()));
    const listening = new Promise<boolean>((resolve) => {
      child.on("message", (m: ProxyMessage) => {
        this.onMessage(m);
        if (m.type === "listening") resolve(true);
        if (m.type === "error") resolve(false);
      });
      child.on("exit", (code, signal) => {
        if (this.child === child) this.onExit(code, signal);
        resolve(false);
      });
    });
    this.showStatus("starting");
    await listening;
  }

  /** Stops the proxy: it drains in-flight requests, then exits (killed after a bound). */
  stop(): Promise<void> {
    const child = this.child;
    if (!child) return this.stopping ?? Promise.resolve();
    this.child = undefined;
    this.url = undefined;
    this.table = undefined;
    this.showStatus(undefined);
    this.changed.fire();
    this.stopping = new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      child.once("exit", () => {
        clearTimeout(timer);
        this.output.appendLine("stopped");
        resolve();
      });
      if (child.connected) child.send({ type: "stop" } satisfies EditorMessage);
      else child.kill("SIGTERM");
    });
    return this.stopping;
  }

  async open(): Promise<void> {
    if (!this.url) await this.start();
    if (!this.url) return;
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(this.url));
    await vscode.env.openExternal(external);
  }

  /** The status bar item's menu. */
  async pickAction(): Promise<void> {
    if (!this.child) return this.start();
    const pick = await vscode.window.showQuickPick(["Open in Browser", "Show Route Table and Log", "Stop Dev Proxy"], { title: `CORS Doctor Dev Proxy: ${this.url ?? "starting"}` });
    if (pick === "Open in Browser") await this.open();
    else if (pick === "Show Route Table and Log") this.output.show(true);
    else if (pick === "Stop Dev Proxy") await this.stop();
  }

  dispose(): void {
    void this.stop();
    this.onConfig.dispose();
    this.changed.dispose();
    this.item?.dispose();
    this.channel?.dispose();
  }

  /** The output channel and the status bar item exist once the proxy was first started. */
  private get output(): vscode.OutputChannel {
    return (this.channel ??= vscode.window.createOutputChannel("CORS Doctor Dev Proxy"));
  }

  private get status(): vscode.StatusBarItem {
    if (!this.item) {
      this.item = vscode.window.createStatusBarItem("corsDoctor.proxy", vscode.StatusBarAlignment.Left, 10);
      this.item.name = "CORS Doctor Dev Proxy";
      this.item.command = "corsDoctor.proxyActions";
    }
    return this.item;
  }

  private onMessage(m: ProxyMessage): void {
    if (m.type !== "request") {
      this.record(m);
      this.changed.fire();
    }
    if (m.type === "listening") {
      this.showStatus(m.port);
      this.output.appendLine(`listening on ${m.url}`);
      this.printTable(m);
      if (!isLoopbackHost(m.host)) {
        void vscode.window.showWarningMessage(`CORS Doctor: the dev proxy listens on ${m.host}, so other machines can reach your dev servers through it.`);
      }
    } else if (m.type === "table") {
      this.output.appendLine("route table reloaded");
      this.printTable(m);
    } else if (m.type === "request") {
      this.output.appendLine(`${m.method} ${m.path} -> ${m.route} ${m.status} ${m.ms}ms${m.error ? ` (${m.error})` : ""}`);
    } else if (m.type === "error") {
      this.output.appendLine(`error: ${m.message}`);
      void this.showError(m);
    }
  }

  private record(m: ProxyMessage): void {
    if (m.type === "listening") this.url = m.url;
    if (m.type === "listening" || m.type === "table") this.table = { routes: m.routes, fallback: m.fallback, notes: m.notes };
    if (m.type === "error") this.lastError = m.message;
  }

  private async showError(m: Extract<ProxyMessage, { type: "error" }>): Promise<void> {
    if (m.code === "port-taken" && m.freePort) {
      const use = `Use Port ${m.freePort}`;
      const pick = await vscode.window.showErrorMessage(`CORS Doctor: ${m.message}`, use, "Open Settings");
      if (pick === use) {
        await vscode.workspace.getConfiguration("corsDoctor.proxy").update("port", m.freePort, vscode.ConfigurationTarget.Workspace);
        await this.start();
      } else if (pick === "Open Settings") await vscode.commands.executeCommand("workbench.action.openSettings", "corsDoctor.proxy");
      return;
    }
    const pick = await vscode.window.showErrorMessage(`CORS Doctor: ${m.message}`, "Show Output");
    if (pick) this.output.show(true);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    this.url = undefined;
    this.table = undefined;
    this.showStatus(undefined);
    this.changed.fire();
    this.output.appendLine(`the proxy exited (${signal ?? `code ${code}`})`);
    // exit code 2 follows an error message the user has already seen
    if (code !== 0 && code !== 2) {
      void vscode.window.showErrorMessage("CORS Doctor: the dev proxy stopped unexpectedly.", "Show Output").then((pick) => {
        if (pick) this.output.show(true);
      });
    }
  }

  private printTable(t: TableInfo): void {
    for (const line of tableLines(t)) this.output.appendLine(line);
  }


  private showStatus(port: number | "starting" | undefined): void {
    void vscode.commands.executeCommand("setContext", "corsDoctor.proxyRunning", port !== undefined);
    if (port === undefined) {
      this.status.hide();
      return;
    }
    this.status.text = port === "starting" ? "$(loading~spin) Dev Proxy" : `$(globe) Dev Proxy :${port}`;
    this.status.tooltip = port === "starting" ? "CORS Doctor Dev Proxy is starting" : `CORS Doctor Dev Proxy on ${this.url}: click to open or stop`;
    this.status.show();
  }
}

/** The single workspace folder, or the one the user picks. */
async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage("CORS Doctor: open a folder to start the dev proxy.");
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: "The project whose Vite proxy table the dev proxy uses" });
}

/**
 * The CLI options the `corsDoctor.proxy.*` settings stand for. An emptied `host` setting means
 * the default: passed on as it is, it would make the proxy listen on every interface.
 */
export function proxyArgs(config: vscode.WorkspaceConfiguration, root: string): string[] {
  const host = config.get<string>("host", "127.0.0.1").trim() || "127.0.0.1";
  const args = ["--port", String(config.get<number>("port", 5180)), "--host", host];
  const frontend = config.get<string>("frontend", "");
  if (frontend) args.push("--frontend", frontend);
  const preview = config.get<string>("static", "");
  if (preview) args.push("--static", resolve(root, preview));
  for (const [key, target] of Object.entries(config.get<Record<string, string>>("routes", {}))) {
    if (typeof target === "string") args.push("--route", `${key}=${target}`);
  }
  return args;
}
