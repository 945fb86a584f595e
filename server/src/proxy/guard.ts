/**
 * What keeps the proxy from being driven by others: only its own `Host` (loopback names with its
 * port, or the address it was told to listen on) is served, which stops DNS-rebinding pages; an
 * absolute-form request target (`GET http://elsewhere/`) is refused, so it is never an open
 * proxy (`CONNECT` is refused by the server's `connect` handler). A request with several `Host`
 * headers is refused too: the guard and the upstream could each read a different one.
 */
import { networkInterfaces } from "node:os";

export interface Guard {
  /** Whether a `Host` header names the proxy. */
  hostAllowed(host: string | undefined): boolean;
}

/** A request the proxy serves (with its checked `Host`), or why it refuses it. */
export type Admission =
  | { host: string }
  | { status: 400 | 403; reason: "Bad Request" | "Forbidden"; message: string; log: string };

/** The three checks every request and upgrade passes, in order: target form, one Host, the proxy's own. */
export function admit(url: string | undefined, rawHeaders: readonly string[], guard: Guard, port: number): Admission {
  if (!isOriginForm(url)) {
    return { status: 400, reason: "Bad Request", message: "CORS Doctor's dev proxy only serves its own paths (origin-form request targets): it is not an open proxy", log: "refused: absolute-form request target" };
  }
  const host = hostOf(rawHeaders);
  if (host === null) return { status: 400, reason: "Bad Request", message: "several Host headers: a request names one host (RFC 9112 3.2)", log: "refused: several Host headers" };
  if (host === undefined || !guard.hostAllowed(host)) {
    const named = host ?? "(none)";
    return { status: 403, reason: "Forbidden", message: `Host ${named} is not this proxy's: open it as http://127.0.0.1:${port}/ or http://localhost:${port}/`, log: `refused: Host ${named} is not the proxy's own` };
  }
  return { host };
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

/** The `Host` header from raw headers (without building `req.headers`); null when there are several. */
export function hostOf(raw: readonly string[]): string | undefined | null {
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i];
    if (n.length === 4 && (n === "Host" || n === "host" || n.toLowerCase() === "host")) {
      if (host !== undefined) return null;
      host = raw[i + 1];
    }
  }
  return host;
}
