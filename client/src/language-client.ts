/**
 * The language client: starts the bundled server (dist/server.js) over IPC and syncs the
 * documents the analysis reads. The server indexes the workspace and registers its own file
 * watchers, so closed files need nothing here.
 */
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import { DOCUMENTS, SOURCE } from "../../protocol/lsp";

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath("dist/server.js");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6011"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...DOCUMENTS.languages.map((language) => ({ scheme: "file", language })),
      ...DOCUMENTS.patterns.map((pattern) => ({ scheme: "file", pattern })),
    ],
    diagnosticCollectionName: SOURCE,
    outputChannel: output,
    // the server pulls `corsDoctor` settings and registers for their changes itself
    synchronize: {},
  };
  // the id `corsDoctor` makes the client read `corsDoctor.trace.server`
  return new LanguageClient("corsDoctor", "CORS Doctor", serverOptions, clientOptions);
}
