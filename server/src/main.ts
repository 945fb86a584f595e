/** The language server's entry point: create the connection over stdio/IPC and start serving. */
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "./lsp/server";

startServer(createConnection(ProposedFeatures.all));
