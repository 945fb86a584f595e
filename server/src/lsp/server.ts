/**
 * The only file that speaks LSP. It indexes every workspace folder at start (with `$/progress`),
 * keeps open documents over disk text, follows its own file watchers, re-joins the model on
 * every change, and publishes diagnostic diffs for every file, open or not, from one debounced
 * flush. Code actions map `Diagnostic.data`; `source.fixAll.corsDoctor` fixes a whole file.
 */
import { URI } from "vscode-uri";
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  WatchKind,
  type FileSystemWatcher,
  type CodeAction,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyze, type Reported } from "../project/run-rules";
import { fixAll } from "../project/fix-all";
import { buildTopology } from "../model/build";
import type { DocumentEdit } from "../project/workspace-index";
import type { Grammars } from "../kinds/tree-sitter";
import { loadGrammars } from "../host/grammars";
import { FIX_ALL_COMMAND, FIX_ALL_KIND, quickFixes, toWorkspaceEdit } from "./code-actions";
import { toDiagnostic } from "./diagnostics";
import { DEFAULT_SETTINGS, excluder, readSettings, type Settings } from "./settings";
import { Folder } from "./workspace";

/** What the analysis reads, what Vite serves itself (public/), and any deletion (a folder's, too). */
const WATCHERS: FileSystemWatcher[] = [
  { globPattern: "**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts,py,html,json,yml,yaml}" },
  ...["**/.env*", "**/Dockerfile*", "**/Procfile", "**/Makefile", "**/public/**"].map((globPattern) => ({ globPattern })),
  { globPattern: "**/*", kind: WatchKind.Delete },
];

/** Options a client may pass in `initializationOptions`. */
interface InitOptions {
  /** Milliseconds between the last change and the flush (default 100; 0 for benchmarks). */
  debounceMs?: number;
}

export function startServer(connection: Connection): void {
  const docs = new Map<string, TextDocument>();
  const folders: Folder[] = [];
  let grammars: Grammars | undefined;
  let settings: Settings = DEFAULT_SETTINGS;
  let debounceMs = 100;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let ready = false;
  let supportsConfiguration = false;
  let supportsWatchers = false;
  let supportsProgress = false;
  let roots: { uri: string; path: string }[] = [];

  const log = (message: string) => connection.console.log(message);

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const caps = params.capabilities;
    supportsConfiguration = !!caps.workspace?.configuration;
    supportsWatchers = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    supportsProgress = !!caps.window?.workDoneProgress;
    const options = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof options.debounceMs === "number" && options.debounceMs >= 0) debounceMs = options.debounceMs;
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : params.rootPath ? [URI.file(params.rootPath).toString()] : []);
    roots = uris.flatMap((uri) => {
      const parsed = URI.parse(uri);
      return parsed.scheme === "file" ? [{ uri, path: parsed.fsPath }] : [];
    });
    grammars = await loadGrammars();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        executeCommandProvider: { commands: [FIX_ALL_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: false } },
      },
      serverInfo: { name: "cors-doctor" },
    };
  });

  connection.onInitialized(async () => {
    if (supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: "corsDoctor" });
    if (supportsWatchers) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: WATCHERS,
      });
    }
    settings = await pullSettings();
    const progress = supportsProgress ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin("CORS Doctor", 0, "Indexing the workspace", false);
    const started = Date.now();
    let fileCount = 0;
    for (const root of roots) {
      const folder = new Folder(root.uri, root.path, grammars!);
      try {
        fileCount += folder.scan(excluder(settings.exclude));
      } catch (e) {
        log(`cannot read ${root.path}: ${(e as Error).message}`);
        continue;
      }
      folders.push(folder);
      for (const doc of docs.values()) openIn(folder, doc);
    }
    progress?.report(50, `Reading ${fileCount} files`);
    ready = true;
    flush();
    progress?.done();
    log(`indexed ${fileCount} files in ${Date.now() - started} ms`);
    void connection.sendNotification("corsDoctor/indexed", { files: fileCount, ms: Date.now() - started });
  });

  async function pullSettings(): Promise<Settings> {
    if (!supportsConfiguration) return DEFAULT_SETTINGS;
    try {
      const [section, files] = await connection.workspace.getConfiguration([{ section: "corsDoctor" }, { section: "files.exclude" }]);
      return readSettings(section, files);
    } catch {
      return DEFAULT_SETTINGS;
    }
  }

  connection.onDidChangeConfiguration(async (change) => {
    const before = JSON.stringify(settings.exclude);
    settings = supportsConfiguration ? await pullSettings() : readSettings((change.settings as { corsDoctor?: unknown })?.corsDoctor, undefined);
    if (JSON.stringify(settings.exclude) !== before) for (const f of folders) f.scan(excluder(settings.exclude));
    schedule();
  });

  function folderOf(uri: string): { folder: Folder; file: string } | undefined {
    let best: { folder: Folder; file: string } | undefined;
    for (const folder of folders) {
      const file = folder.relPath(uri);
      if (file !== undefined && (!best || folder.path.length > best.folder.path.length)) best = { folder, file };
    }
    return best;
  }

  function openIn(folder: Folder, doc: TextDocument): void {
    const file = folder.relPath(doc.uri);
    if (file !== undefined && folder.wants(file)) folder.index.setDocument(file, doc.getText(), doc.version);
  }

  connection.onDidOpenTextDocument(({ textDocument }) => {
    const doc = TextDocument.create(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
    docs.set(doc.uri, doc);
    const found = folderOf(doc.uri);
    if (found && found.folder.wants(found.file)) {
      found.folder.index.setDocument(found.file, doc.getText(), doc.version);
      schedule();
    }
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const doc = docs.get(textDocument.uri);
    if (!doc) return;
    const edits: DocumentEdit[] = [];
    let current = doc;
    for (const change of contentChanges) {
      const edit = treeEdit(current, change);
      if (edit) edits.push(edit);
      else edits.length = 0;
      current = TextDocument.update(current, [change], textDocument.version);
    }
    docs.set(doc.uri, current);
    const found = folderOf(doc.uri);
    if (found && found.folder.wants(found.file)) {
      const incremental = contentChanges.every((c) => "range" in c);
      found.folder.index.setDocument(found.file, current.getText(), textDocument.version, incremental ? edits : undefined);
      schedule();
    }
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    docs.delete(textDocument.uri);
    const found = folderOf(textDocument.uri);
    if (found) {
      found.folder.index.closeDocument(found.file);
      schedule();
    }
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const found = folderOf(change.uri);
      if (!found || !found.folder.wants(found.file)) continue;
      if (change.type === FileChangeType.Deleted) found.folder.index.removed(found.file);
      else if (found.folder.index.files().has(found.file) || found.folder.isReal(found.file)) found.folder.index.changed(found.file);
    }
    schedule();
  });

  connection.onCodeAction((params) => {
    const found = folderOf(params.textDocument.uri);
    if (!found) return [];
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (!only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) {
      actions.push(...quickFixes(found.folder, found.file, params.context.diagnostics));
    }
    if (only?.some((k) => FIX_ALL_KIND.startsWith(k) && k !== "")) {
      const action = fixAllAction(found.folder, found.file);
      if (action) actions.push(action);
    }
    return actions;
  });

  /** Fixes every folder; answers how many files the applied edits changed. */
  connection.onExecuteCommand(async (params) => {
    if (params.command !== FIX_ALL_COMMAND) return null;
    let files = 0;
    for (const folder of folders) {
      const action = fixAllAction(folder, undefined);
      if (!action?.edit) continue;
      const result = await connection.workspace.applyEdit({ label: "Fix all CORS Doctor problems", edit: action.edit });
      if (result.applied) files += action.edit.documentChanges?.filter((c) => "edits" in c).length ?? 0;
    }
    return { files };
  });

  /** Every file the fixes change, replaced whole, with the versions the texts were read at. */
  function fixAllAction(folder: Folder, file: string | undefined): CodeAction | undefined {
    const texts = fixAll(folder.index, settings.rules, file);
    if (texts.size === 0) return undefined;
    const edits = [...texts].map(([f, text]) => {
      const old = folder.index.text(f);
      const lines = old === undefined ? 0 : old.split("\n").length;
      return { file: f, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } }, newText: text, create: old === undefined };
    });
    const versions: Record<string, number | null> = {};
    for (const e of edits) versions[e.file] = folder.index.version(e.file) ?? null;
    return { title: "Fix all CORS Doctor problems", kind: FIX_ALL_KIND, edit: toWorkspaceEdit(folder, { title: "", edits }, versions) };
  }

  function schedule(): void {
    if (!ready) return;
    if (debounceMs === 0) {
      // no debounce: right after the messages already queued (a 0 ms timer still waits 1 ms)
      if (!immediate) immediate = setImmediate(flush);
      return;
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  }

  /** Re-joins the model of each folder and publishes what changed. */
  function flush(): void {
    timer = undefined;
    immediate = undefined;
    for (const folder of folders) {
      let findings: Reported[];
      try {
        const input = folder.index.input();
        for (const note of folder.index.notes.splice(0)) log(note);
        folder.topology = buildTopology(input, folder.topology);
        findings = analyze(folder.topology, settings.rules);
      } catch (e) {
        log(`analysis failed: ${(e as Error).stack ?? e}`);
        continue;
      }
      const byFile = new Map<string, Reported[]>();
      for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
      const versionOf = (f: string) => folder.index.version(f);
      for (const file of new Set([...byFile.keys(), ...folder.published.keys()])) {
        const diagnostics = (byFile.get(file) ?? []).map((f) => toDiagnostic(f, (r) => folder.uriOf(r), versionOf));
        const json = JSON.stringify(diagnostics);
        const version = versionOf(file);
        if (folder.published.get(file) === json && version === undefined) continue;
        if (folder.published.get(file) === json && !folder.index.isOpen(file)) continue;
        if (diagnostics.length) folder.published.set(file, json);
        else folder.published.delete(file);
        void connection.sendDiagnostics({ uri: folder.uriOf(file), version, diagnostics });
      }
    }
  }

  connection.onShutdown(() => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    for (const f of folders) f.index.dispose();
  });

  connection.listen();
}

/** The tree-sitter edit for one incremental change, computed against the text before it. */
function treeEdit(doc: TextDocument, change: TextDocumentContentChangeEvent): DocumentEdit | undefined {
  if (!("range" in change)) return undefined;
  const startIndex = doc.offsetAt(change.range.start);
  const oldEndIndex = doc.offsetAt(change.range.end);
  const lines = change.text.split("\n");
  const start = doc.positionAt(startIndex);
  const oldEnd = doc.positionAt(oldEndIndex);
  const newEnd = lines.length === 1 ? { row: start.line, column: start.character + change.text.length } : { row: start.line + lines.length - 1, column: lines[lines.length - 1].length };
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + change.text.length,
    startPosition: { row: start.line, column: start.character },
    oldEndPosition: { row: oldEnd.line, column: oldEnd.character },
    newEndPosition: newEnd,
  };
}
