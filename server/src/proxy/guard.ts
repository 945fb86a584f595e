/**
 * What keeps the proxy from being driven by others: only its own `Host` (loopback names with its
 * port, or the address it was told to listen on) is served, which stops DNS-rebinding pages; an
 * absolute-form request target (`GET http://elsewhere/`) is refused, so it is never an open
 * proxy (`CONNECT` is refused by the server's `connect` handler). A request with several `Host`
 * headers is refused too: the guard and the upstream could each read a different one. So is a
 * target with dot segments (`/api/../x`, also percent-encoded) or a fragment: browsers never send
 * either, and forwarded as sent or normalised it would reach something other than what its route
 * key matched (proxy.md, Security).
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
  const odd = oddTarget(url);
  if (odd) return { status: 400, reason: "Bad Request", message: `the request target has ${odd}: browsers never send one, and the proxy would route it differently from where it leads`, log: `refused: ${odd} in the request target` };
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
export function isOriginForm(url: string | undefined): url is string {
  return url !== undefined && url.charCodeAt(0) === 47 /* / */;
}

/**
 * What makes an origin-form target unfit to route: a fragment (`#`, anywhere), or a `.` or `..`
 * path segment, plain or percent-encoded (`%2e`); dots in the query, or within a segment
 * (`/a..b`, `/.well-known`), are ordinary. Undefined when there is none. The common target has
 * no `/.`, `%` or `#` and is passed over by two searches.
 */
export function oddTarget(url: string): "a fragment" | "a dot segment" | undefined {
  if (url.includes("#")) return "a fragment";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.includes("/.") && !path.includes("%")) return undefined;
  for (const segment of path.split("/")) {
    if (segment.length < 1 || segment.length > 6) continue;
    const s = segment.replace(/%2e/gi, ".");
    if (s === "." || s === "..") return "a dot segment";
  }
  return undefined;
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
