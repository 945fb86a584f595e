/**
 * Keep-alive connection pools, one per upstream (scheme, host, port), kept across table reloads
 * so a reload never drops a warm connection. They are undici `Pool`s: measured here, forwarding
 * through undici's dispatcher costs about half the CPU per request of node:http's client (50 vs
 * 75-90 µs for 1 KB with the same server side), which is most of the proxy's own work. Idle
 * connections close after 4 s, before uvicorn's 5 s keep-alive timeout can race a reuse. A
 * `localhost` target tries ::1 and 127.0.0.1 both (`autoSelectFamily` over both loopback
 * addresses, even where the resolver lists one): dev servers bind either.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { Pool } from "undici";
import type { Target } from "./table";

/** Idle upstream connections are closed after this long (uvicorn closes its side after 5 s). */
export const IDLE_MS = 4000;

export interface PoolOptions {
  /** How long an upstream may take to send response headers. */
  headersTimeoutMs: number;
}

export class Pools {
  private readonly pools = new Map<string, Pool>();
  /** The pool of each target object (saves building the key per request). */
  private readonly byTarget = new WeakMap<Target, Pool>();

  constructor(private readonly options: PoolOptions) {}

  /** The pool for a target (created on first use). */
  get(target: Target): Pool {
    const known = this.byTarget.get(target);
    if (known && !known.destroyed) return known;
    const key = `${target.protocol}//${target.hostname}:${target.port}`;
    let pool = this.pools.get(key);
    if (!pool) {
      const host = target.hostname.includes(":") ? `[${target.hostname}]` : target.hostname;
      pool = new Pool(`${target.protocol}//${host}:${target.port}`, {
        connections: null,
        pipelining: 1,
        keepAliveTimeout: IDLE_MS,
        keepAliveMaxTimeout: IDLE_MS,
        headersTimeout: this.options.headersTimeoutMs,
        // server-sent events and long downloads may pause for as long as they like
        bodyTimeout: 0,
        connect: { autoSelectFamily: true, lookup: loopbackLookup, timeout: 10_000 } as Pool.Options["connect"],
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
    await Promise.all(all.map((p) => p.destroy().catch(() => undefined)));
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
