/**
 * The language server: `startServer` wires one module per LSP feature to the shared workspace
 * state and the publisher, and listens. Every feature reads the analysis through each folder's
 * Project; nothing here knows about file kinds, facts or rules.
 */
import type { Connection } from "vscode-languageserver/node";
import { registerCodeActions } from "./code-actions";
import { registerConfiguration } from "./configuration";
import { registerDocuments } from "./documents";
import { registerInitialize } from "./initialize";
import { Publisher } from "./publish";
import { registerWatchedFiles } from "./watched-files";
import { Workspace } from "./workspace";

export function startServer(connection: Connection): void {
  const workspace = new Workspace();
  const publisher = new Publisher(connection, workspace);
  registerInitialize(connection, workspace, publisher);
  registerConfiguration(connection, workspace, publisher);
  registerDocuments(connection, workspace, publisher);
  registerWatchedFiles(connection, workspace, publisher);
  registerCodeActions(connection, workspace);
  connection.onShutdown(() => {
    publisher.dispose();
    for (const f of workspace.folders) f.project.dispose();
  });
  connection.listen();
}
