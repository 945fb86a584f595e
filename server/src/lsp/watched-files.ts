/**
 * The server's own file watchers, built from the kind registry (every kind's globs and the files
 * the model reads by presence), plus every deletion (a folder's, too); and what a change does:
 * a deleted path goes, a created or changed one is read again (not through a symbolic link).
 */
import { DidChangeWatchedFilesNotification, FileChangeType, WatchKind, type Connection, type FileSystemWatcher } from "vscode-languageserver/node";
import { watchGlobs } from "../kinds/registry";
import type { Publisher } from "./publish";
import type { Workspace } from "./workspace";

export function watchers(): FileSystemWatcher[] {
  return [...watchGlobs().map((globPattern) => ({ globPattern })), { globPattern: "**/*", kind: WatchKind.Delete }];
}

/** Registers the watchers (when the client can) and handles their events. */
export function registerWatchedFiles(connection: Connection, workspace: Workspace, publisher: Publisher): void {
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const found = workspace.wanted(change.uri);
      if (!found) continue;
      const { folder, file } = found;
      if (change.type === FileChangeType.Deleted) folder.project.removed(file);
      else if (folder.project.has(file) || folder.isReal(file)) folder.project.changed(file);
    }
    publisher.schedule();
  });
}

/** Asks the client to watch (dynamic registration), once the server is initialized. */
export function startWatching(connection: Connection, workspace: Workspace): void {
  if (workspace.support.watchers) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: watchers() });
}
