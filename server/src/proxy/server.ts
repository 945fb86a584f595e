/**
 * The dev proxy's HTTP server: checks each request (origin-form target, the proxy's own `Host`,
 * no `CONNECT`), picks its route from the current table, and hands it to forwarding, upgrade
 * proxying or the static preview. The table can be swapped at any time (a reload): a request
 * keeps the route it started with. `stop` stops accepting, lets requests in flight finish (closing
 * each keep-alive connection after its response), and cuts whatever is left after a bound.
 * Clients get no time limit on a body (uploads, server-sent events), but a bound on sending a
 * request head and on an idle keep-alive connection: without them, a client that sends half a
 * head, or opens connections and never uses them, holds a socket each forever.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { forward } from "./forward";
import { admit, makeGuard, type Guard } from "./guard";
import { rawResponse, sendFailure, sendRefusal } from "./pages";
import { Pools } from "./pools";
import { serveStatic } from "./static";
import type { RouteTable } from "./table";
import { forwardUpgrade } from "./upgrade";

/** One finished request, as the log shows it. */
export interface RequestRecord {
  method: string;
  path: string;
  /** The route key, `(frontend)` or `(static)`; `-` when the proxy refused the request. */
  route: string;
  /** The status sent; 499 when no response was (the client went away, or a stop cut it first). */
  status: number;
  ms: number;
  error?: string;
}

export interface ProxyServerOptions {
  table: RouteTable;
  /** Where to listen; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** How long an upstream may take to send response headers (default 120 s). */
  headersTimeoutMs?: number;
  /** How long a client may take to send a request head (default 60 s, Node's own). */
  clientHeadersTimeoutMs?: number;
  /** How long a client's keep-alive connection may sit idle between requests (default 30 s). */
  clientKeepAliveTimeoutMs?: number;
  onRequest?: (record: RequestRecord) => void;
  /** A request started with `active` requests in flight (itself included). */
  onRequestStart?: (active: number) => void;
}

/** The status logged for a request that got no response (nginx's "client closed request"). */
export const NO_RESPONSE = 499;

/** The port is taken; `freePort` is the next one that is not (when one was found). */
export class PortTakenError extends Error {
  constructor(readonly host: string, readonly port: number, readonly freePort: number | undefined) {
    super(`port ${port} on ${host} is taken` + (freePort ? `; port ${freePort} is free (--port ${freePort})` : ""));
  }
}

export class DevProxy {
  private table: RouteTable;
  private readonly server: Server;
  private readonly pools: Pools;
  private readonly host: string;
  private guard: Guard | undefined;
  private active = 0;
  private stopping: Promise<void> | undefined;
  private drained: (() => void) | undefined;
  private readonly upgraded = new Set<Duplex>();
  private readonly onRecord: (record: RequestRecord) => void;
  private readonly onStart: ((active: number) => void) | undefined;
  port = 0;

  constructor(private readonly options: ProxyServerOptions) {
    this.table = options.table;
    this.host = options.host ?? "127.0.0.1";
    this.pools = new Pools({ headersTimeoutMs: options.headersTimeoutMs ?? 120_000 });
    this.onRecord = options.onRequest ?? (() => undefined);
    this.onStart = options.onRequestStart;
    // No request timeout: uploads and server-sent events may take as long as they take. Node's
    // head timeout defaults to the smaller of 60 s and the request timeout, so 0 would turn it off:
    // it is given. Heads are checked every `connectionsCheckingInterval`, a fraction of it.
    const headersTimeout = options.clientHeadersTimeoutMs ?? 60_000;
    this.server = createServer(
      {
        requestTimeout: 0,
        headersTimeout,
        connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(headersTimeout / 4))),
        keepAliveTimeout: options.clientKeepAliveTimeoutMs ?? 30_000,
        noDelay: true,
      },
      this.onRequest,
    );
    this.server.on("upgrade", this.onUpgrade);
    this.server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
      socket.on("error", () => undefined);
      socket.end(rawResponse(405, "Method Not Allowed", "CONNECT is refused: CORS Doctor's dev proxy is not an open proxy"));
    });
  }

  /** Starts listening; rejects with `PortTakenError` when the port is in use. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        if (err.code !== "EADDRINUSE") return reject(err);
        void nextFreePort(this.host, this.options.port + 1).then((free) => reject(new PortTakenError(this.host, this.options.port, free)));
      };
      this.server.once("error", onError);
      this.server.listen(this.options.port, this.host, () => {
        this.server.off("error", onError);
        this.port = (this.server.address() as { port: number }).port;
        this.guard = makeGuard(this.host, this.port);
        resolve(this.port);
      });
    });
  }

  /** The table requests take from now on (requests in flight keep theirs). */
  setTable(table: RouteTable): void {
    this.table = table;
  }

  get currentTable(): RouteTable {
    return this.table;
  }

  /** Stops accepting, waits up to `boundMs` for requests in flight, then cuts the rest. */
  stop(boundMs = 5000): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      const closed = new Promise<void>((r) => this.server.close(() => r()));
      this.server.closeIdleConnections();
      // sockets that were upgraded (WebSockets) never finish on their own
      for (const s of this.upgraded) s.destroy();
      const drained = this.active === 0 ? Promise.resolve() : new Promise<void>((r) => (this.drained = r));
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((r) => (timer = setTimeout(r, boundMs)));
      void Promise.race([drained, bound]).then(async () => {
        clearTimeout(timer);
        this.server.closeAllConnections();
        for (const s of this.upgraded) s.destroy();
        await this.pools.destroy();
        await closed;
        resolve();
      });
    });
    return this.stopping;
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const start = performance.now();
    const url = req.url!;
    if (this.stopping) res.shouldKeepAlive = false;
    this.active++;
    if (this.onStart) this.onStart(this.active);
    const finished = (route: string) => (status: number, error?: string) => {
      // `res.statusCode` is 200 until a response is written: log what the client actually got
      const sent = res.headersSent ? status : NO_RESPONSE;
      this.onRecord({ method: req.method!, path: url, route, status: sent, ms: performance.now() - start, error });
      if (--this.active === 0 && this.drained) this.drained();
      else if (this.stopping) this.server.closeIdleConnections();
    };
    if (!res.socket) closeWhenQueuedAndGone(req, res);
    const admission = admit(url, req.rawHeaders, this.guard!, this.port);
    if (!("host" in admission)) {
      res.on("close", () => finished("-")(res.statusCode, admission.log));
      sendRefusal(res, admission.status, admission.message, admission.status === 400);
      return;
    }
    const host = admission.host;
    const table = this.table;
    const m = table.match(url);
    if (m?.kind === "route") {
      forward(req, res, m, m.target, m.key, host, this.pools, finished(m.key));
      return;
    }
    const fb = table.fallback;
    // a skipped entry's requests go to the frontend as they are: its own proxy runs the real entry
    const name = m?.key ?? `(${fb.kind})`;
    if (fb.kind === "frontend") forward(req, res, undefined, fb.target, name, host, this.pools, finished(name));
    else if (m) {
      res.on("close", () => finished(name)(res.statusCode, `skipped: ${m.why}`));
      sendFailure(req, res, { status: 502, route: name, target: "(not read)", reason: `the entry was skipped: ${m.why}`, hint: `give it with --route '${m.key}=URL'` });
    } else serveStatic(req, res, fb.dir, finished(name));
  };

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const start = performance.now();
    const url = req.url!;
    const record = (route: string) => (status: number, error?: string) => this.onRecord({ method: req.method!, path: url, route, status, ms: performance.now() - start, error });
    socket.on("error", () => undefined);
    if (this.stopping) {
      socket.end(rawResponse(503, "Service Unavailable", "the proxy is stopping"));
      return;
    }
    const admission = admit(url, req.rawHeaders, this.guard!, this.port);
    if (!("host" in admission)) {
      socket.end(rawResponse(admission.status, admission.reason, admission.message));
      record("-")(admission.status, admission.log);
      return;
    }
    const table = this.table;
    const m = table.matchUpgrade(url);
    const route = m?.kind === "route" ? m : undefined;
    const target = route?.target ?? (table.fallback.kind === "frontend" ? table.fallback.target : undefined);
    const name = m?.key ?? `(${table.fallback.kind})`;
    if (!target) {
      socket.end(rawResponse(404, "Not Found", "no WebSocket route for this path (the static preview has none)"));
      record(name)(404, undefined);
      return;
    }
    this.upgraded.add(socket);
    socket.on("close", () => this.upgraded.delete(socket));
    forwardUpgrade(req, socket, head, route, target, (_client, upstream) => {
      this.upgraded.add(upstream);
      upstream.on("close", () => this.upgraded.delete(upstream));
    }, record(name));
  };
}


/**
 * A pipelined request's response waits in Node's queue without a socket; when the connection
 * closes first (the response before it said `Connection: close`, or the client went), Node never
 * emits `close` on it, so its upstream request would run on unheard and it would stay counted
 * in flight and unlogged. Its `close` is emitted here instead. Only queued responses pay for this.
 */
function closeWhenQueuedAndGone(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  const gone = () => {
    if (!res.socket && !res.writableFinished) res.emit("close");
  };
  if (socket.closed) {
    setImmediate(gone);
    return;
  }
  socket.once("close", gone);
  res.once("close", () => socket.off("close", gone));
}

/** The first port from `from` on that `host` that can be bound (up to 50 tried). */
export async function nextFreePort(host: string, from: number): Promise<number | undefined> {
  for (let port = from; port < from + 50 && port < 65536; port++) {
    const ok = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  return undefined;
}
