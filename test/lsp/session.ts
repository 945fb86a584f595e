/**
 * A real LSP client session against the BUILT server (`node dist/server.js --stdio`), for the
 * end-to-end tests: a temp copy of a fixture workspace, the child process, a protocol connection
 * from `vscode-languageserver-protocol/node`, every `publishDiagnostics` recorded in order, open
 * documents kept as `TextDocument`s, and a `WorkspaceEdit` applied the way an editor does it
 * (open documents through `didChange`, closed files on disk plus `didChangeWatchedFiles`).
 *
 * No sleeps: waits are for a recorded event matching a predicate, with a timeout that fails with
 * what was expected and what was last seen. `barrier()` is a request round trip: every
 * notification the server sent before answering it has been handled when it resolves.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  FileChangeType,
  type CodeAction,
  type Command,
  type Diagnostic,
  type FileEvent,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type TextDocumentEdit,
  type CreateFile,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";

export const ROOT = resolve(__dirname, "..", "..");
export const SERVER = join(ROOT, "dist", "server.js");
export const BLOG = join(ROOT, "examples", "blog");

/** The three findings of examples/blog (workspace-relative file, rule, 1-based line). */
export const BLOG_FINDINGS = [
  { file: "backend/app/main.py", rule: "cors-wildcard-credentials", line: 11 },
  { file: "frontend/src/api/client.js", rule: "hardcoded-localhost-url", line: 5 },
  { file: "frontend/src/components/CoverImage.jsx", rule: "missing-proxy-entry", line: 14 },
] as const;

const DEFAULT_TIMEOUT = 10_000;

export interface Recorded extends PublishDiagnosticsParams {
  /** Position in the order of arrival (0-based). */
  seq: number;
}

export interface StartOptions {
  /** Settings answered to `workspace/configuration`, by section (`corsDoctor`, `files.exclude`). */
  config?: Record<string, unknown>;
  /** Extra preparation of the temp workspace before the server starts. */
  prepare?: (root: string) => void;
  /** Milliseconds to wait for `corsDoctor/indexed`. */
  indexTimeout?: number;
}

export class Session {
  readonly child: ChildProcess;
  readonly conn: ProtocolConnection;
  readonly published: Recorded[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  readonly configRequests: unknown[] = [];
  readonly logs: string[] = [];
  readonly docs = new Map<string, TextDocument>();
  config: Record<string, unknown>;
  stderr = "";
  initializeResult: InitializeResult | undefined;
  indexed: { files: number; ms: number } | undefined;
  private listeners = new Set<() => void>();
  private exited: Promise<number | null>;

  private constructor(readonly root: string, options: StartOptions) {
    this.config = options.config ?? {};
    this.child = spawn(process.execPath, [SERVER, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((r) => this.child.once("exit", (code) => r(code)));
    this.child.stderr!.on("data", (d: Buffer) => {
      this.stderr += d.toString();
      this.notify();
    });
    this.child.once("exit", () => this.notify());
    this.conn = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.conn.onError(() => undefined);
    this.conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.published.push({ ...p, seq: this.published.length });
      this.notify();
    });
    this.conn.onNotification("window/logMessage", (p: { message: string }) => {
      this.logs.push(p.message);
      this.notify();
    });
    this.conn.onNotification("corsDoctor/indexed", (p: { files: number; ms: number }) => {
      this.indexed = p;
      this.notify();
    });
    this.conn.onNotification("$/progress", () => undefined);
    this.conn.onRequest("workspace/configuration", (p: { items: { section?: string }[] }) => {
      this.configRequests.push(p);
      return p.items.map((i) => (i.section !== undefined && i.section in this.config ? this.config[i.section] : null));
    });
    this.conn.onRequest("client/registerCapability", (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...p.registrations);
      this.notify();
      return null;
    });
    this.conn.onRequest("window/workDoneProgress/create", () => null);
    this.conn.onRequest("workspace/applyEdit", (p: { edit: WorkspaceEdit }) => {
      this.applyEdit(p.edit);
      return { applied: true };
    });
    this.conn.listen();
  }

  /** Copies `source` (a folder) into a temp dir, starts the server on it, and waits for `corsDoctor/indexed`. */
  static async start(source: string, options: StartOptions = {}): Promise<Session> {
    const root = mkdtempSync(join(tmpdir(), "cors-doctor-lsp-"));
    cpSync(source, root, { recursive: true });
    options.prepare?.(root);
    const s = new Session(root, options);
    Session.live.add(s);
    const rootUri = pathToFileURL(root).href;
    s.initializeResult = await s.withTimeout(
      s.conn.sendRequest("initialize", {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: "ws" }],
        capabilities: {
          workspace: {
            configuration: true,
            didChangeConfiguration: { dynamicRegistration: true },
            didChangeWatchedFiles: { dynamicRegistration: true },
            applyEdit: true,
            workspaceEdit: { documentChanges: true, resourceOperations: ["create"] },
          },
          textDocument: {
            publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
            codeAction: { dataSupport: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source", "source.fixAll"] } } },
            synchronization: { didSave: false, dynamicRegistration: false },
          },
          window: { workDoneProgress: true },
        },
        initializationOptions: { debounceMs: 0 },
      }) as Promise<InitializeResult>,
      "the initialize response",
      options.indexTimeout,
    );
    void s.conn.sendNotification("initialized", {});
    await s.until(() => s.indexed, "the corsDoctor/indexed notification", options.indexTimeout);
    return s;
  }

  // ---- paths ----

  path(rel: string): string {
    return join(this.root, rel);
  }
  uri(rel: string): string {
    return pathToFileURL(this.path(rel)).href;
  }
  rel(uri: string): string {
    const p = fileURLToPath(uri);
    return p.startsWith(this.root + "/") ? p.slice(this.root.length + 1) : p;
  }

  // ---- waiting ----

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves with the first truthy value of `probe`, re-checked on every event; fails after `timeout`. */
  until<T>(probe: () => T | undefined | false | null, what: string, timeout = DEFAULT_TIMEOUT): Promise<T> {
    return new Promise<T>((resolvePromise, reject) => {
      const check = () => {
        let v: T | undefined | false | null;
        try {
          v = probe();
        } catch (e) {
          finish();
          reject(e);
          return;
        }
        if (v) {
          finish();
          resolvePromise(v);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          finish();
          reject(new Error(`server exited (${this.child.exitCode ?? this.child.signalCode}) while waiting for ${what}\n${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeout} ms waiting for ${what}\n${this.describe()}`));
      }, timeout);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  private withTimeout<T>(p: Promise<T>, what: string, timeout = DEFAULT_TIMEOUT): Promise<T> {
    let done = false;
    const result = p.finally(() => {
      done = true;
      this.notify();
    });
    return Promise.race([result, this.until(() => done, what, timeout).then(() => result)]);
  }

  /** Index of the next publication: pass it as `since` to wait only for what comes after an action. */
  mark(): number {
    return this.published.length;
  }

  /** The first publication for `rel` at or after `since` whose diagnostics satisfy `pred`. */
  waitFor(rel: string, pred: (d: Diagnostic[], p: Recorded) => boolean, what: string, since = 0, timeout?: number): Promise<Recorded> {
    const uri = this.uri(rel);
    return this.until(
      () => this.published.find((p) => p.seq >= since && p.uri === uri && pred(p.diagnostics, p)),
      `publishDiagnostics for ${rel}: ${what}`,
      timeout,
    );
  }

  /** The last diagnostics published for `rel` (empty when none ever were). */
  current(rel: string): Diagnostic[] {
    const uri = this.uri(rel);
    for (let i = this.published.length - 1; i >= 0; i--) if (this.published[i].uri === uri) return this.published[i].diagnostics;
    return [];
  }

  /** Workspace-relative file -> last published diagnostics, files with none left out. */
  snapshot(): Map<string, Diagnostic[]> {
    const out = new Map<string, Diagnostic[]>();
    for (const p of this.published) out.set(this.rel(p.uri), p.diagnostics);
    for (const [k, v] of out) if (v.length === 0) out.delete(k);
    return out;
  }

  /** A request round trip; every notification sent before the answer has been handled after it. */
  async barrier(): Promise<void> {
    await this.request("textDocument/codeAction", {
      textDocument: { uri: this.uri("__barrier__.js") },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
  }

  request<T = unknown>(method: string, params: unknown, timeout?: number): Promise<T> {
    return this.withTimeout(this.conn.sendRequest(method, params) as Promise<T>, `the response to ${method}`, timeout);
  }

  describe(): string {
    const last = this.published.slice(-8).map((p) => `  #${p.seq} ${this.rel(p.uri)} v${p.version ?? "-"}: [${p.diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`).join(", ")}]`);
    return [`last publications (${this.published.length} in all):`, ...last, `server stderr: ${this.stderr.slice(-2000) || "(empty)"}`, `server log: ${this.logs.slice(-5).join(" | ") || "(empty)"}`].join("\n");
  }

  // ---- documents ----

  languageId(rel: string): string {
    if (rel.endsWith(".py")) return "python";
    if (rel.endsWith(".jsx")) return "javascriptreact";
    if (rel.endsWith(".tsx")) return "typescriptreact";
    if (/\.[mc]?ts$/.test(rel)) return "typescript";
    return "javascript";
  }

  open(rel: string, version = 1): TextDocument {
    const doc = TextDocument.create(this.uri(rel), this.languageId(rel), version, readFileSync(this.path(rel), "utf8"));
    this.docs.set(doc.uri, doc);
    void this.conn.sendNotification("textDocument/didOpen", { textDocument: { uri: doc.uri, languageId: doc.languageId, version, text: doc.getText() } });
    return doc;
  }

  close(rel: string): void {
    this.docs.delete(this.uri(rel));
    void this.conn.sendNotification("textDocument/didClose", { textDocument: { uri: this.uri(rel) } });
  }

  doc(rel: string): TextDocument {
    const d = this.docs.get(this.uri(rel));
    if (!d) throw new Error(`${rel} is not open`);
    return d;
  }

  /** Sends incremental changes (each relative to the text after the previous one) as one new version. */
  change(rel: string, changes: { range: Range; text: string }[]): TextDocument {
    const doc = this.doc(rel);
    const version = doc.version + 1;
    const next = TextDocument.update(doc, changes, version);
    this.docs.set(doc.uri, next);
    void this.conn.sendNotification("textDocument/didChange", { textDocument: { uri: doc.uri, version }, contentChanges: changes });
    return next;
  }

  /** Inserts `text` at a position of an open document. */
  insert(rel: string, line: number, character: number, text: string): TextDocument {
    const at = { line, character };
    return this.change(rel, [{ range: { start: at, end: at }, text }]);
  }

  // ---- disk ----

  read(rel: string): string {
    return readFileSync(this.path(rel), "utf8");
  }

  write(rel: string, text: string | Buffer): void {
    mkdirSync(dirname(this.path(rel)), { recursive: true });
    writeFileSync(this.path(rel), text);
  }

  watched(changes: { rel: string; type: FileChangeType }[]): void {
    const events: FileEvent[] = changes.map((c) => ({ uri: this.uri(c.rel), type: c.type }));
    void this.conn.sendNotification("workspace/didChangeWatchedFiles", { changes: events });
  }

  /**
   * Applies a `WorkspaceEdit` like an editor: a `TextDocumentEdit` whose version does not match
   * the open document is refused (throws); open documents change through `didChange`, closed
   * files on disk, reported with one `didChangeWatchedFiles`. Returns the touched files.
   */
  applyEdit(edit: WorkspaceEdit): string[] {
    const disk = new Map<string, FileChangeType>();
    const touched: string[] = [];
    for (const change of edit.documentChanges ?? []) {
      if ("kind" in change) {
        if (change.kind !== "create") throw new Error(`unexpected resource operation ${change.kind}`);
        const c = change as CreateFile;
        const rel = this.rel(c.uri);
        if (existsSync(this.path(rel))) {
          if (!c.options?.ignoreIfExists && !c.options?.overwrite) throw new Error(`CreateFile ${rel}: exists`);
          if (c.options?.overwrite) {
            this.write(rel, "");
            disk.set(rel, FileChangeType.Changed);
          }
        } else {
          this.write(rel, "");
          disk.set(rel, FileChangeType.Created);
        }
        touched.push(rel);
        continue;
      }
      const e = change as TextDocumentEdit;
      const rel = this.rel(e.textDocument.uri);
      touched.push(rel);
      const edits = e.edits.map((x) => {
        if (!("newText" in x)) throw new Error(`snippet edit for ${rel}`);
        return { range: x.range, newText: x.newText };
      });
      const open = this.docs.get(e.textDocument.uri);
      if (open) {
        if (e.textDocument.version !== null && e.textDocument.version !== open.version) {
          throw new Error(`stale edit for ${rel}: computed at version ${e.textDocument.version}, document is at ${open.version}`);
        }
        // Ranges refer to the text before the edit: send them last to first so each stays valid.
        const sorted = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
        this.change(rel, sorted.map((x) => ({ range: x.range, text: x.newText })));
      } else {
        if (e.textDocument.version !== null) throw new Error(`edit for closed ${rel} carries version ${e.textDocument.version}`);
        const before = existsSync(this.path(rel)) ? this.read(rel) : "";
        const doc = TextDocument.create(e.textDocument.uri, this.languageId(rel), 0, before);
        this.write(rel, TextDocument.applyEdits(doc, edits));
        if (!disk.has(rel)) disk.set(rel, FileChangeType.Changed);
      }
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
      const rel = this.rel(uri);
      touched.push(rel);
      if (this.docs.has(uri)) {
        const sorted = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
        this.change(rel, sorted.map((x) => ({ range: x.range, text: x.newText })));
      } else {
        this.write(rel, TextDocument.applyEdits(TextDocument.create(uri, "x", 0, this.read(rel)), edits));
        disk.set(rel, FileChangeType.Changed);
      }
    }
    if (disk.size) this.watched([...disk].map(([rel, type]) => ({ rel, type })));
    return touched;
  }

  // ---- code actions ----

  async codeActions(rel: string, diagnostics: Diagnostic[], only?: string[], range?: Range): Promise<CodeAction[]> {
    const r = range ?? diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const result = await this.request<(CodeAction | Command)[] | null>("textDocument/codeAction", {
      textDocument: { uri: this.uri(rel) },
      range: r,
      context: { diagnostics, ...(only ? { only } : {}) },
    });
    return (result ?? []).filter((a): a is CodeAction => !("command" in a && typeof a.command === "string"));
  }

  // ---- lifecycle ----

  /** shutdown + exit; resolves with the exit code (kills by PID when it does not exit). */
  async shutdown(): Promise<number | null> {
    await this.request("shutdown", undefined);
    void this.conn.sendNotification("exit");
    const r = await this.until(() => (this.child.exitCode !== null || this.child.signalCode !== null) && { code: this.child.exitCode }, "the server process to exit after `exit`");
    await this.exited;
    return r.code;
  }

  /** Sessions not yet disposed: `afterEach(() => Session.disposeAll())` stops each test's server. */
  private static readonly live = new Set<Session>();

  static disposeAll(): void {
    for (const s of [...Session.live]) s.dispose();
  }

  /** Kills the child by PID (if still running), drops the connection, removes the temp workspace. */
  dispose(): void {
    Session.live.delete(this);
    try {
      this.conn.dispose();
    } catch {
      // already closed
    }
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Positions of `needle` in `text` (0-based line and UTF-16 column), the first occurrence. */
export function positionOf(text: string, needle: string): { line: number; character: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`"${needle}" not found`);
  const before = text.slice(0, i).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

export function summary(ds: Diagnostic[]): string {
  return ds.map((d) => `${d.code}@${d.range.start.line + 1}(sev ${d.severity})`).join(", ") || "(none)";
}
