/**
 * Keep-alive connections to the upstreams, one set per upstream (scheme, host, port), kept across
 * table reloads so a reload never drops a warm connection. Each connection is a plain socket
 * (`node:net`, or `node:tls` for an https target) carrying one request at a time: the request
 * head is written in one piece, a body streams with back-pressure (re-chunked when the client
 * sent it chunked), and the response is read by `ResponseParser`. Why not undici or node:http's
 * client: see response-parser.ts (the upstream side was most of the proxy's cost per request).
 *
 * Each request takes the connection that has been idle longest, or a new one when all are busy
 * (no limit: the browser's own connection count bounds it). With the least recently used first,
 * any traffic above a few requests per second keeps every connection warm, and a peak reuses what
 * the previous one opened. Idle connections close after 4 s, before uvicorn's 5 s keep-alive
 * timeout can race a reuse. A `localhost` target tries ::1 and 127.0.0.1 both (`autoSelectFamily`
 * over both loopback addresses, even where the resolver lists one): dev servers bind either.
 */
import { loopbackLookup } from "./lookup";
import type { IncomingMessage } from "node:http";
import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { ResponseParser, type ResponseEvents } from "./response-parser";
import type { Target } from "./table";

/** Idle upstream connections are closed after this long (uvicorn closes its side after 5 s). */
export const IDLE_MS = 4000;
/** How long connecting may take. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface PoolOptions {
  /** How long an upstream may take to send response headers. */
  headersTimeoutMs: number;
  /** Idle upstream connections close after this long (default `IDLE_MS`; tests shorten it). */
  idleMs?: number;
}

/** One request to send: `headers` as raw `[name, value, ...]`; `body` streams from `req` when set. */
export interface UpstreamRequest {
  method: string;
  path: string;
  headers: string[];
  /** How the request's body is framed on the way up (none: no body). */
  body: "none" | "length" | "chunked";
  req: IncomingMessage;
}

/** Hears one request's outcome: a head, body chunks and the end, or one error. */
export interface ExchangeHandler {
  onHeaders(status: number, rawHeaders: string[], statusText: string): void;
  /** False: the reader cannot take more now (reading pauses until the exchange's `resume`). */
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  /** `err.code` says what failed; `responseStarted`: some of the response had arrived. */
  onError(err: Error & { code?: string }, responseStarted: boolean): void;
}

/** An upstream failure with a `code` the pages and retries go by. */
export class UpstreamError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const CRLF = "\r\n";
const LAST_CHUNK = Buffer.from("0\r\n\r\n", "latin1");

/** One request on one connection. */
export class Exchange {
  /** The connection it runs on; undefined once it is over. */
  conn: Connection | undefined;
  /** It runs on a connection that carried an earlier response (which the upstream may close as it is reused). */
  onReused = false;
  /** The request is written in full (body included). */
  sent = false;
  /** The response head has arrived. */
  headed = false;

  constructor(readonly request: UpstreamRequest, readonly handler: ExchangeHandler) {}

  /** It has ended (completed, failed or aborted), or never got a connection. */
  get over(): boolean {
    return this.conn === undefined;
  }

  /** Reading the response goes on after `onData` returned false (the reader drained). */
  resume(): void {
    this.conn?.resumeReading();
  }

  /** Ends it from outside (the client went away): the connection closes, the handler hears `err`. */
  abort(err: Error = new UpstreamError("ABORTED", "aborted")): void {
    this.conn?.fail(err);
  }
}

/** One keep-alive connection and its place in its upstream. */
class Connection implements ResponseEvents {
  readonly socket: Socket;
  private readonly parser = new ResponseParser(this);
  exchange: Exchange | undefined;
  /** In the upstream's idle list. */
  idle = false;
  /** Has carried a response (a request that fails on it before any answer may be sent again). */
  reused = false;
  /** The current response lets the connection carry another request. */
  private keep = true;
  /** Reading is paused for a reader that cannot take more. */
  private paused = false;
  private headersTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly upstream: Upstream, target: Target) {
    const options = { host: target.hostname, port: target.port, autoSelectFamily: true, lookup: loopbackLookup, noDelay: true };
    this.socket = target.protocol === "https:"
      ? tlsConnect({ ...options, servername: isIP(target.hostname) ? undefined : target.hostname, ALPNProtocols: ["http/1.1"] })
      : netConnect(options);
    this.socket.setTimeout(CONNECT_TIMEOUT_MS);
    this.socket.once(target.protocol === "https:" ? "secureConnect" : "connect", this.onConnect);
    this.socket.on("timeout", this.onConnectTimeout);
    this.socket.on("data", this.onSocketData);
    this.socket.on("end", this.onSocketEnd);
    this.socket.on("error", (err) => this.fail(err));
    this.socket.on("close", this.onSocketClose);
    this.socket.on("drain", this.onSocketDrain);
  }

  /** Sends `ex`'s request on this (idle or new) connection. */
  start(ex: Exchange): void {
    this.exchange = ex;
    ex.conn = this;
    ex.onReused = this.reused;
    this.keep = true;
    const r = ex.request;
    this.parser.start(r.method === "HEAD");
    let head = `${r.method} ${r.path} HTTP/1.1\r\n`;
    const h = r.headers;
    for (let i = 0; i < h.length; i += 2) head += `${h[i]}: ${h[i + 1]}\r\n`;
    if (r.body === "chunked") head += "Transfer-Encoding: chunked\r\n";
    this.socket.write(head + CRLF, "latin1");
    if (r.body === "none") ex.sent = true;
    else this.streamBody(ex);
    const timeout = this.upstream.options.headersTimeoutMs;
    if (this.headersTimer) this.headersTimer.refresh();
    else if (timeout > 0) this.headersTimer = setTimeout(this.onHeadersTimeout, timeout).unref();
  }

  /** Ends the current exchange with `err` and closes the connection. */
  fail(err: Error & { code?: string }): void {
    const ex = this.exchange;
    this.socket.destroy();
    if (!ex || ex.over) return;
    this.end(ex);
    ex.handler.onError(err, this.parser.started);
  }

  /** Closes an idle connection (its idle time is up, or the pool stops). */
  close(): void {
    this.socket.destroy();
  }

  private end(ex: Exchange): void {
    ex.conn = undefined;
    this.exchange = undefined;
  }

  // --- the request body

  private streamBody(ex: Exchange): void {
    const req = ex.request.req;
    const chunked = ex.request.body === "chunked";
    const onData = (chunk: Buffer) => {
      if (ex.over || !chunk.length) return;
      let ok: boolean;
      if (chunked) {
        const socket = this.socket;
        socket.cork();
        socket.write(`${chunk.length.toString(16)}\r\n`, "latin1");
        socket.write(chunk);
        ok = socket.write(CRLF, "latin1");
        socket.uncork();
      } else ok = this.socket.write(chunk);
      if (!ok) req.pause();
    };
    const onEnd = () => {
      detach();
      if (ex.over) return;
      if (chunked) this.socket.write(LAST_CHUNK);
      ex.sent = true;
    };
    const onAborted = () => {
      detach();
      if (!ex.over) this.fail(new UpstreamError("ABORTED", "the client went away mid-request"));
    };
    const detach = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("aborted", onAborted);
      req.off("error", onAborted);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("aborted", onAborted);
    req.on("error", onAborted);
  }

  private readonly onSocketDrain = (): void => {
    const ex = this.exchange;
    if (ex && !ex.sent) ex.request.req.resume();
  };

  // --- the response

  // (a handler may end the exchange from inside a callback: the parser's later callbacks then find none)
  onHead(status: number, statusText: string, rawHeaders: string[], keepAlive: boolean): void {
    const ex = this.exchange;
    if (!ex) return;
    ex.headed = true;
    if (!keepAlive) this.keep = false;
    ex.handler.onHeaders(status, rawHeaders, statusText);
  }

  onBody(chunk: Buffer): void {
    const ex = this.exchange;
    if (ex && !ex.handler.onData(chunk) && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  onEnd(): void {
    const ex = this.exchange;
    if (!ex) return;
    this.end(ex);
    this.reused = true;
    // paused for a slow reader of the response that just ended: the next one starts reading afresh
    this.resumeReading();
    // the connection takes another request only if this one was sent whole and nothing else came
    if (this.keep && ex.sent && !this.parser.extra) this.upstream.released(this);
    else {
      this.socket.destroy();
      // an answer before the whole body (a 413, say): the rest of the body is read and dropped
      if (!ex.sent) ex.request.req.resume();
    }
    ex.handler.onComplete();
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  private readonly onSocketData = (chunk: Buffer): void => {
    if (!this.exchange) {
      // an idle connection has nothing to say: whatever it is, the connection is not trusted again
      this.socket.destroy();
      return;
    }
    try {
      this.parser.execute(chunk);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    if (this.parser.extra || this.socket.destroyed) this.socket.destroy();
  };

  private readonly onSocketEnd = (): void => {
    if (this.exchange && !this.parser.closed()) {
      this.fail(new UpstreamError(this.parser.started ? "UPSTREAM_CLOSED_MID_RESPONSE" : "UPSTREAM_CLOSED", "the upstream closed the connection"));
    }
    this.socket.destroy();
  };

  private readonly onSocketClose = (): void => {
    clearTimeout(this.headersTimer);
    clearTimeout(this.idleTimer);
    if (this.exchange) this.fail(new UpstreamError(this.parser.started ? "UPSTREAM_CLOSED_MID_RESPONSE" : "UPSTREAM_CLOSED", "the upstream closed the connection"));
    this.upstream.lost(this);
  };

  /** Connected: the connect timeout is off (so `timeout` fires only while connecting). */
  private readonly onConnect = (): void => {
    this.socket.setTimeout(0);
  };

  private readonly onConnectTimeout = (): void => {
    this.fail(new UpstreamError("CONNECT_TIMEOUT", `no connection within ${CONNECT_TIMEOUT_MS / 1000} s`));
  };

  private readonly onHeadersTimeout = (): void => {
    const ex = this.exchange;
    if (ex && !ex.headed) this.fail(new UpstreamError("HEADERS_TIMEOUT", "no response in time"));
  };

  /** Waits idle for a next request; closes when `idleMs` passes without one. */
  wait(idleMs: number): void {
    this.idle = true;
    if (this.idleTimer) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(this.onIdleTimeout, idleMs).unref();
  }

  private readonly onIdleTimeout = (): void => {
    if (this.idle) this.socket.destroy();
  };
}

/** The keep-alive connections to one upstream. */
export class Upstream {
  destroyed = false;
  /** Idle connections, least recently used first. */
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();

  constructor(
    private readonly target: Target,
    readonly options: PoolOptions,
  ) {}

  /** Sends `request` on a connection; `handler` hears the outcome. Returns the exchange (to abort it). */
  send(request: UpstreamRequest, handler: ExchangeHandler): Exchange {
    const ex = new Exchange(request, handler);
    if (this.destroyed) {
      handler.onError(new UpstreamError("STOPPING", "the proxy is stopping"), false);
      return ex;
    }
    let conn = this.idle.shift();
    // one closed by the proxy a moment ago leaves the list only on its `close` event: skip it
    while (conn?.socket.destroyed) {
      conn.idle = false;
      conn = this.idle.shift();
    }
    if (conn) conn.idle = false;
    else this.all.add((conn = new Connection(this, this.target)));
    conn.start(ex);
    return ex;
  }

  /** `conn` finished its request: to the end of the idle list. */
  released(conn: Connection): void {
    if (this.destroyed) return conn.close();
    conn.wait(this.options.idleMs ?? IDLE_MS);
    this.idle.push(conn);
  }

  /** `conn`'s socket closed: it leaves the set. */
  lost(conn: Connection): void {
    this.all.delete(conn);
    if (conn.idle) {
      conn.idle = false;
      const i = this.idle.indexOf(conn);
      if (i >= 0) this.idle.splice(i, 1);
    }
  }

  /** Closes every connection now (requests still running on them fail). */
  destroy(): void {
    this.destroyed = true;
    const all = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    for (const c of all) c.fail(new UpstreamError("STOPPING", "the proxy is stopping"));
  }
}

export class Pools {
  private readonly pools = new Map<string, Upstream>();
  /** The upstream of each target object (saves building the key per request). */
  private readonly byTarget = new WeakMap<Target, Upstream>();

  constructor(private readonly options: PoolOptions) {}

  /** The connections to a target's upstream (created on first use). */
  get(target: Target): Upstream {
    const known = this.byTarget.get(target);
    if (known && !known.destroyed) return known;
    const key = `${target.protocol}//${target.hostname}:${target.port}`;
    let pool = this.pools.get(key);
    if (!pool) this.pools.set(key, (pool = new Upstream(target, this.options)));
    this.byTarget.set(target, pool);
    return pool;
  }

  /** Closes every connection now (requests still running on them fail). */
  async destroy(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    for (const p of all) p.destroy();
  }
}
