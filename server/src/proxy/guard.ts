/**
 * What keeps the proxy from being driven by others: only its own `Host` (loopback names with its
 * port, or the address it was told to listen on) is served, which stops DNS-rebinding pages; an
 * absolute-form request target (`GET http://elsewhere/`) is refused, so it is never an open
 * proxy (`CONNECT` is refused by the server's `connect` handler).
 */
import { networkInterfaces } from "node:os";

export interface Guard {
  /** Whether a `Host` header names the proxy. */
  hostAllowed(host: string | undefined): boolean;
}

const WILDCARD = new Set(["0.0.0.0", "::", "[::]"]);

/** The guard for a proxy listening on `host:port`. */
export function makeGuard(host: string, port: number): Guard {
  const names = new Set(["localhost", "127.0.0.1", "[::1]"]);
  const listen = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  if (WILDCARD.has(host)) {
    // listening everywhere (an explicit setting): the machine's own addresses name it too
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.family === "IPv6" ? `[${a.address}]` : a.address);
  } else names.add(listen.toLowerCase());
  const allowed = new Set<string>();
  for (const n of names) {
    allowed.add(`${n}:${port}`);
    if (port === 80) allowed.add(n);
  }
  return {
    hostAllowed: (h) => h !== undefined && (allowed.has(h) || allowed.has(h.toLowerCase())),
  };
}

/** Whether a request target is origin-form (`/path?query`), the only form the proxy serves. */
export function isOriginForm(url: string | undefined): boolean {
  return url !== undefined && url.charCodeAt(0) === 47 /* / */;
}
