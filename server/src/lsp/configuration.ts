/**
 * Settings: pulled with `workspace/configuration` (the `corsDoctor` section and `files.exclude`)
 * at start and on every change; a changed exclude list walks the folders again.
 */
import { DidChangeConfigurationNotification, type Connection } from "vscode-languageserver/node";
import type { Publisher } from "./publish";
import { DEFAULT_SETTINGS, excluder, readSettings, type Settings } from "./settings";
import type { Workspace } from "./workspace";

/** The settings as the client has them now (the defaults when it cannot say). */
export async function pullSettings(connection: Connection, workspace: Workspace): Promise<Settings> {
  if (!workspace.support.configuration) return DEFAULT_SETTINGS;
  try {
    const [section, files] = await connection.workspace.getConfiguration([{ section: "corsDoctor" }, { section: "files.exclude" }]);
    return readSettings(section, files);
  } catch {
    return DEFAULT_SETTINGS;
  }
}

/** Registers for changes of the `corsDoctor` section (when the client can) and handles them. */
export function registerConfiguration(connection: Connection, workspace: Workspace, publisher: Publisher): void {
  connection.onDidChangeConfiguration(async (change) => {
    const before = JSON.stringify(workspace.settings.exclude);
    workspace.settings = workspace.support.configuration
      ? await pullSettings(connection, workspace)
      : readSettings((change.settings as { corsDoctor?: unknown })?.corsDoctor, undefined);
    if (JSON.stringify(workspace.settings.exclude) !== before) for (const f of workspace.folders) f.scan(excluder(workspace.settings.exclude));
    publisher.schedule();
  });
}

/** Asks the client for `didChangeConfiguration` of our section, once the server is initialized. */
export function startConfiguration(connection: Connection, workspace: Workspace): void {
  if (workspace.support.configuration) void connection.client.register(DidChangeConfigurationNotification.type, { section: "corsDoctor" });
}
