/**
 * Keep-alive connection pools, one per upstream (scheme, host, port), kept across table reloads
 * so a reload never drops a warm connection. LIFO scheduling keeps the pool as small as the load
 * needs; idle sockets are closed after 4 s, before uvicorn's 5 s keep-alive timeout can race a
 * reuse. A `localhost` target tries ::1 and 127.0.0.1 both (`autoSelectFamily` over both
 * loopback addresses, even where the resolver lists one): dev servers bind either.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Target } from "./table";

/** Idle upstream sockets are closed after this long (uvicorn closes its side after 5 s). */
export const IDLE_MS = 4000;

export type Send = (options: RequestOptions) => ClientRequest;

export interface Pool {
  agent: HttpAgent;
  send: Send;
}

export class Pools {
  private readonly pools = new Map<string, Pool>();

  /** The pool for a target (created on first use). */
  get(target: Target): Pool {
    const key = `${target.protocol}//${target.hostname}:${target.port}`;
    let pool = this.pools.get(key);
    if (!pool) {
      const options = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: "lifo" as const, timeout: IDLE_MS, autoSelectFamily: true, lookup: loopbackLookup };
      pool = target.protocol === "https:" ? { agent: new HttpsAgent(options), send: httpsRequest } : { agent: new HttpAgent(options), send: httpRequest };
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes every idle socket and refuses none (in-flight requests finish on theirs). */
  closeIdle(): void {
    for (const pool of this.pools.values()) {
      for (const list of Object.values(pool.agent.freeSockets)) for (const s of list ?? []) s.destroy();
    }
  }

  destroy(): void {
    for (const pool of this.pools.values()) pool.agent.destroy();
    this.pools.clear();
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
