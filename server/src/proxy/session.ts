/**
 * One running dev proxy: the model read from the folder, the table built from it, the server,
 * and the watcher that rebuilds the table when the Vite config, a module it imports or an `.env`
 * file changes (requests in flight keep the route they started with). The CLI and tests drive it;
 * it prints nothing itself.
 */
import { join, resolve } from "node:path";
import { FolderModel } from "../host/folder-model";
import { DevProxy, type RequestRecord } from "./server";
import { buildTable, loopsBack, tableInfo, TableError, type RouteTable, type TableOptions } from "./table";
import { watchConfig, type ConfigWatcher } from "./watch";

export interface SessionOptions extends TableOptions {
  /** The workspace folder. */
  dir: string;
  port: number;
  host?: string;
  /** The folder holding `wasm/` with the grammars (the bundle's own by default). */
  grammarsDir?: string;
  headersTimeoutMs?: number;
  /** Wait this long after the last file event before reloading (default 60 ms). */
  reloadDelayMs?: number;
}

export interface SessionEvents {
  onRequest?(record: RequestRecord): void;
  /** A request started with `active` in flight (itself included). */
  onRequestStart?(active: number): void;
  /** The table was rebuilt and differs from the one before. */
  onTable?(table: RouteTable): void;
  /** Something worth telling the user that is not a table (a config that stopped parsing). */
  onNote?(note: string): void;
}

export class ProxySession {
  private watcher: ConfigWatcher | undefined;

  private constructor(
    private readonly options: SessionOptions,
    private readonly model: FolderModel,
    private readonly server: DevProxy,
    private readonly events: SessionEvents,
  ) {}

  /** Reads the folder, builds the table and listens. Throws `TableError` or `PortTakenError`. */
  static async start(options: SessionOptions, events: SessionEvents = {}): Promise<ProxySession> {
    const root = resolve(options.dir);
    const model = await FolderModel.open(root, options.grammarsDir);
    const table = buildTable(model.topology, options);
    const server = new DevProxy({ table, host: options.host, port: options.port, headersTimeoutMs: options.headersTimeoutMs, onRequest: events.onRequest, onRequestStart: events.onRequestStart });
    const port = await server.listen();
    const loop = loopsBack(table, port);
    if (loop) {
      await server.stop(0);
      throw new TableError("bad-option", loop);
    }
    const session = new ProxySession({ ...options, dir: root }, model, server, events);
    session.watch();
    return session;
  }

  get port(): number {
    return this.server.port;
  }

  get table(): RouteTable {
    return this.server.currentTable;
  }

  /** Stops watching and drains (see `DevProxy.stop`). */
  stop(boundMs = 5000): Promise<void> {
    this.watcher?.close();
    return this.server.stop(boundMs);
  }

  /** Rebuilds the table after `paths` (workspace-relative) changed; resolves once swapped in. */
  reload(paths: string[]): void {
    const topology = this.model.update(paths);
    let table: RouteTable;
    try {
      table = buildTable(topology, this.options);
    } catch (e) {
      this.events.onNote?.(`the table was not reloaded: ${(e as Error).message}`);
      return;
    }
    const loop = loopsBack(table, this.port);
    if (loop) {
      this.events.onNote?.(`the table was not reloaded: ${loop}`);
      return;
    }
    const old = this.server.currentTable;
    if (!table.readable && old.readable) {
      this.events.onNote?.(`${table.frontend?.configFile} could not be read statically: keeping the previous table`);
      return;
    }
    this.server.setTable(table);
    this.watcher?.refresh(table.frontend?.configFile && join(this.options.dir, table.frontend.configFile));
    if (describe(table) !== describe(old)) this.events.onTable?.(table);
  }

  private watch(): void {
    const fe = this.table.frontend;
    if (!fe) return;
    const dir = join(this.options.dir, fe.root);
    this.watcher = watchConfig(this.options.dir, dir, fe.configFile && join(this.options.dir, fe.configFile), (paths) => this.reload(paths), this.options.reloadDelayMs);
  }
}

function describe(table: RouteTable): string {
  return JSON.stringify(tableInfo(table));
}
