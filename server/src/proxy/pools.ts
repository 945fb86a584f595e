/**
 * Keep-alive connections, one set per upstream (scheme, host, port), kept across table reloads
 * so a reload never drops a warm connection. Each connection is an undici `Client`: measured here,
 * forwarding through undici's dispatcher costs about half the CPU per request of node:http's
 * client (50 vs 75-90 µs for 1 KB with the same server side), which is most of the proxy's own
 * work. Idle connections close after 4 s, before uvicorn's 5 s keep-alive timeout can race a
 * reuse. A `localhost` target tries ::1 and 127.0.0.1 both (`autoSelectFamily` over both loopback
 * addresses, even where the resolver lists one): dev servers bind either.
 *
 * Why not undici's `Pool`: it hands each request to the first free connection in a fixed order,
 * so when concurrency hovers just under its peak the last connections go unused past the idle
 * timeout, close, and are reopened at the next peak (measured: a new upstream connection about
 * every second under FastAPI at 20 connections). `Upstream` takes the connection that has been
 * idle longest instead, so any traffic above a few requests per second keeps every connection
 * warm and a peak reuses what the previous one opened. A connection that closes (idle timeout,
 * upstream gone, request aborted) is dropped, never picked while closed: at a trickle the set
 * shrinks to what the rate keeps warm rather than reconnecting per request.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { buildConnector, Client, errors, type Dispatcher } from "undici";
import type { Target } from "./table";

/** Idle upstream connections are closed after this long (uvicorn closes its side after 5 s). */
export const IDLE_MS = 4000;

export interface PoolOptions {
  /** How long an upstream may take to send response headers. */
  headersTimeoutMs: number;
  /** Idle upstream connections close after this long (default `IDLE_MS`; tests shorten it). */
  idleMs?: number;
}

/** One keep-alive connection (a `Client` with pipelining 1) and its place in its upstream. */
class Connection {
  readonly client: Client;
  /** In the upstream's idle list. */
  idle = false;
  /** Connected, or not yet tried (false after a disconnect until it connects again). */
  alive = true;

  constructor(upstream: Upstream, origin: string, options: Client.Options) {
    this.client = new Client(origin, options)
      .on("drain", () => upstream.released(this))
      .on("connect", () => (this.alive = true))
      .on("disconnect", (_origin: URL, _targets: unknown, err: Error) => upstream.lost(this, err))
      .on("connectionError", () => upstream.lost(this));
  }
}

/**
 * The keep-alive connections to one upstream: each request goes to the least recently used idle
 * connection, or a new one when all are busy (no limit: the browser's own connection count bounds
 * it). `dispatch` is an undici dispatcher's, for `forward`.
 */
export class Upstream {
  destroyed = false;
  /** Idle connections, least recently used first. */
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();

  constructor(
    private readonly origin: string,
    private readonly options: Client.Options,
  ) {}

  /** Starts `opts` on a connection; the handler hears everything else. */
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    if (this.destroyed) return void handler.onError?.(new errors.ClientDestroyedError());
    let conn = this.idle.shift();
    if (conn) conn.idle = false;
    else this.all.add((conn = new Connection(this, this.origin, this.options)));
    conn.client.dispatch(opts, handler);
    // refused synchronously (undici rejected the request, the handler has heard): still idle,
    // and no "drain" follows
    if (conn.client.stats.size === 0) this.released(conn);
  }

  /** `conn` finished its request: back to the end of the idle list, unless it is closed. */
  released(conn: Connection): void {
    if (conn.idle || this.destroyed || conn.client.stats.size > 0) return;
    if (!conn.alive) return this.retire(conn);
    conn.idle = true;
    this.idle.push(conn);
  }

  /** `conn`'s socket closed (`err` says why): an idle one leaves now, a busy one when its request is over. */
  lost(conn: Connection, err?: Error & { code?: string }): void {
    conn.alive = false;
    if (conn.idle) {
      this.idle.splice(this.idle.indexOf(conn), 1);
      conn.idle = false;
      this.retire(conn);
    } else if (err?.code === "UND_ERR_INFO" && err.message === "aborted" && conn.client.stats.size <= 1) {
      // its request was aborted (the client went away): undici would reconnect at once, with
      // nothing to send, so every abort would cost a new connection. The next request that
      // finds no idle connection opens one instead.
      this.all.delete(conn);
      conn.client.destroy().catch(() => undefined);
    }
  }

  private retire(conn: Connection): void {
    this.all.delete(conn);
    conn.client.close().catch(() => undefined);
  }

  /** Closes every connection now (requests still running on them fail). */
  async destroy(): Promise<void> {
    this.destroyed = true;
    const all = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(all.map((c) => c.client.destroy().catch(() => undefined)));
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
    if (!pool) {
      const host = target.hostname.includes(":") ? `[${target.hostname}]` : target.hostname;
      const idleMs = this.options.idleMs ?? IDLE_MS;
      pool = new Upstream(`${target.protocol}//${host}:${target.port}`, {
        pipelining: 1,
        keepAliveTimeout: idleMs,
        keepAliveMaxTimeout: idleMs,
        headersTimeout: this.options.headersTimeoutMs,
        // server-sent events and long downloads may pause for as long as they like
        bodyTimeout: 0,
        // one connector for all of this upstream's connections, as undici's Pool shares one
        connect: buildConnector({ autoSelectFamily: true, lookup: loopbackLookup, timeout: 10_000 } as buildConnector.BuildOptions),
      });
      this.pools.set(key, pool);
    }
    this.byTarget.set(target, pool);
    return pool;
  }

  /** Closes every connection now (requests still running on them fail). */
  async destroy(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.destroy()));
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `dns.lookup`, except that `localhost` always yields both loopback addresses (resolver's order first). */
export function loopbackLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (hostname.toLowerCase() !== "localhost") return void dnsLookup(hostname, options, callback as never);
  dnsLookup(hostname, { ...options, all: true }, (err, found: LookupAddress[]) => {
    const list = err ? [] : found.filter((a) => a.address === "127.0.0.1" || a.address === "::1");
    for (const a of [{ address: "::1", family: 6 }, { address: "127.0.0.1", family: 4 }]) if (!list.some((x) => x.address === a.address)) list.push(a);
    if (options.all) callback(null, list);
    else callback(null, list[0].address, list[0].family);
  });
}
