/**
 * The messages between a `cors-doctor proxy` process and the editor that forked it (over the
 * Node IPC channel). The CLI sends them (cli/proxy.ts); the VS Code client reads them
 * (client/src/dev-proxy.ts). Types only: both sides import this one definition.
 */

/** A route of the table, as printed and sent. */
export interface RouteInfo {
  /** The Vite `server.proxy` key: a path prefix, or a regular expression when it starts with `^`. */
  key: string;
  target: string;
  ws: boolean;
  changeOrigin: boolean;
  /** The statically known rewrite, e.g. `strips /api`. */
  rewrite?: string;
  /** `vite` from the config, `option` from `--route` (the editor's `corsDoctor.proxy.routes`). */
  source: "vite" | "option";
}

/** Where requests no route takes go: the frontend dev server, or a static folder in preview mode. */
export interface FallbackInfo {
  kind: "frontend" | "static";
  target: string;
}

export interface TableInfo {
  routes: RouteInfo[];
  fallback: FallbackInfo;
  /** Entries skipped and why, and which config the table came from. */
  notes: string[];
}

export type ErrorCode = "port-taken" | "no-frontend" | "bad-option";

/** Proxy → editor. */
export type ProxyMessage =
  | ({ type: "listening"; url: string; host: string; port: number } & TableInfo)
  /** The table reloaded after an edit of the Vite config, its imports or an env file. */
  | ({ type: "table" } & TableInfo)
  /** One per finished request; `route` is `-` for requests the proxy refused. */
  | { type: "request"; method: string; path: string; route: string; status: number; ms: number; error?: string }
  /** The proxy could not start; it exits with code 2 right after. */
  | { type: "error"; code: ErrorCode; message: string; port?: number; freePort?: number };

/** Editor → proxy: drain the requests in flight (at most 5 s) and exit 0. */
export type EditorMessage = { type: "stop" };
