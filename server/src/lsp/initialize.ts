/**
 * Start-up: `initialize` (what the client supports, the workspace folders, the grammars, our
 * capabilities) and `initialized` (register watchers and settings, index every folder with
 * `$/progress`, lay open documents over it, publish, and tell the client it is indexed).
 */
import { URI } from "vscode-uri";
import { CodeActionKind, TextDocumentSyncKind, type Connection, type InitializeResult } from "vscode-languageserver/node";
import { FIX_ALL_COMMAND, FIX_ALL_KIND, INDEXED_NOTIFICATION, SOURCE } from "../../../protocol/lsp";
import { loadGrammars } from "../host/grammars";
import type { Grammars } from "../kinds/tree-sitter";
import { pullSettings, startConfiguration } from "./configuration";
import type { Publisher } from "./publish";
import { excluder } from "./settings";
import { startWatching } from "./watched-files";
import { Folder, type Workspace } from "./workspace";

/** Options a client may pass in `initializationOptions`. */
interface InitOptions {
  /** Milliseconds between the last change and the flush (default 100; 0 for benchmarks). */
  debounceMs?: number;
}

export function registerInitialize(connection: Connection, workspace: Workspace, publisher: Publisher): void {
  let grammars: Grammars | undefined;
  let roots: { uri: string; path: string }[] = [];

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    const caps = params.capabilities;
    workspace.support = {
      configuration: !!caps.workspace?.configuration,
      watchers: !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      progress: !!caps.window?.workDoneProgress,
    };
    const options = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof options.debounceMs === "number" && options.debounceMs >= 0) publisher.debounceMs = options.debounceMs;
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
      serverInfo: { name: SOURCE },
    };
  });

  connection.onInitialized(async () => {
    startConfiguration(connection, workspace);
    startWatching(connection, workspace);
    workspace.settings = await pullSettings(connection, workspace);
    const progress = workspace.support.progress ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin("CORS Doctor", 0, "Indexing the workspace", false);
    const started = Date.now();
    const files = indexFolders(connection, workspace, roots, grammars!);
    progress?.report(50, `Reading ${files} files`);
    workspace.ready = true;
    publisher.flush();
    progress?.done();
    connection.console.log(`indexed ${files} files in ${Date.now() - started} ms`);
    void connection.sendNotification(INDEXED_NOTIFICATION, { files, ms: Date.now() - started });
  });
}

/** Walks every root into a folder, lays the documents already open over it; answers how many files. */
function indexFolders(connection: Connection, workspace: Workspace, roots: { uri: string; path: string }[], grammars: Grammars): number {
  let count = 0;
  for (const root of roots) {
    const folder = new Folder(root.uri, root.path, grammars);
    try {
      count += folder.scan(excluder(workspace.settings.exclude));
    } catch (e) {
      connection.console.log(`cannot read ${root.path}: ${(e as Error).message}`);
      continue;
    }
    workspace.folders.push(folder);
    for (const doc of workspace.docs.values()) {
      const file = folder.relPath(doc.uri);
      if (file !== undefined && folder.wants(file)) folder.project.setDocument(file, doc.getText(), doc.version);
    }
  }
  return count;
}
