/**
 * Keep-alive connection pools, one per upstream (scheme, host, port), kept across table reloads
 * so a reload never drops a warm connection. LIFO scheduling keeps the pool as small as the load
 * needs; idle sockets are closed after 4 s, before uvicorn's 5 s keep-alive timeout can race a
 * reuse. `autoSelectFamily` makes a `localhost` target try ::1 and 127.0.0.1 both.
 */
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
      const options = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: "lifo" as const, timeout: IDLE_MS, autoSelectFamily: true };
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
