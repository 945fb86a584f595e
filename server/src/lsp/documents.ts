/**
 * Document sync: open, change (incremental: the project reparses the edited tree) and close.
 * A document inside a workspace folder that the analysis reads lays its text over the disk's.
 */
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Connection } from "vscode-languageserver/node";
import { applyChanges } from "../project/documents";
import type { Publisher } from "./publish";
import type { Workspace } from "./workspace";

export function registerDocuments(connection: Connection, workspace: Workspace, publisher: Publisher): void {
  connection.onDidOpenTextDocument(({ textDocument }) => {
    const doc = TextDocument.create(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
    workspace.docs.set(doc.uri, doc);
    const found = workspace.wanted(doc.uri);
    if (!found) return;
    found.folder.project.setDocument(found.file, doc.getText(), doc.version);
    publisher.schedule();
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const before = workspace.docs.get(textDocument.uri);
    if (!before) return;
    const { doc, edits } = applyChanges(before, contentChanges, textDocument.version);
    workspace.docs.set(doc.uri, doc);
    const found = workspace.wanted(doc.uri);
    if (!found) return;
    found.folder.project.setDocument(found.file, doc.getText(), textDocument.version, edits);
    publisher.schedule();
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    workspace.docs.delete(textDocument.uri);
    const found = workspace.find(textDocument.uri);
    if (!found) return;
    found.folder.project.closeDocument(found.file);
    publisher.schedule();
  });
}
