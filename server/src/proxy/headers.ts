/**
 * Header rewriting on the hot path, over raw `[name, value, ...]` arrays (what Node's parser gives
 * and what `http.request` / `writeHead` take without re-validating): hop-by-hop headers dropped
 * both ways, `X-Forwarded-*` set, `Host` kept or changed to the target's (`changeOrigin`), and an
 * upstream's `Location` and `Set-Cookie` `Domain` naming the upstream moved to the proxy. The
 * framing of a request body (`Content-Length`, `Transfer-Encoding`) is written by the proxy for
 * what it sends, and no `Connection` token removes it: a head without the length whose body goes
 * up anyway would be read by the upstream as a second request (smuggling, issue 16).
 */
import { isThisMachine } from "../../../protocol/loopback";
import type { IncomingMessage } from "node:http";
import type { ProxyRoute, Target } from "./table";

/** Lower-case names of the headers that belong to one connection, never forwarded (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authenticate", "proxy-authorization"]);

/** Headers the proxy sets itself on the way up. */
const SET_UP = new Set(["host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "expect"]);

/** Lengths of every name in either set: most headers are told apart without lower-casing. */
const CANDIDATE_LENGTHS = new Set([...HOP_BY_HOP, ...SET_UP].map((n) => n.length));

function lower(name: string): string | undefined {
  return CANDIDATE_LENGTHS.has(name.length) ? name.toLowerCase() : undefined;
}

/** Tokens of a `Connection` value that drop nothing: its own options, and the framing headers. */
const NOT_LISTED = new Set(["keep-alive", "close", "upgrade", "content-length", "transfer-encoding"]);

/**
 * Extra names a `Connection` header value lists: also hop-by-hop. Framing headers are never among
 * them (RFC 9110 7.6.1: a sender must not list them); whoever writes a message frames it.
 */
function listedIn(value: string, into: Set<string> | undefined): Set<string> | undefined {
  for (const token of value.split(",")) {
    const t = token.trim().toLowerCase();
    if (t && !NOT_LISTED.has(t)) (into ??= new Set()).add(t);
  }
  return into;
}

/** Drops the pairs a `Connection` header named (rare: a second pass only then). */
function withoutListed(out: string[], listed: Set<string> | undefined): string[] {
  if (!listed) return out;
  const kept: string[] = [];
  for (let i = 0; i < out.length; i += 2) if (!listed.has(out[i].toLowerCase())) kept.push(out[i], out[i + 1]);
  return kept;
}

/**
 * The headers sent upstream for a request, and how its body goes up. `upgrade` adds
 * `Connection: Upgrade` and `Upgrade` back. The body's framing is the proxy's own: a chunked body
 * is re-chunked (the pool writes `Transfer-Encoding`), a body with a length goes up with that
 * length (as Node's parser read it: one value, digits only), and nothing else frames it.
 */
export function upstreamHeaders(req: IncomingMessage, route: { target: Target; changeOrigin: boolean }, upgrade: boolean): { headers: string[]; body: "none" | "length" | "chunked" } {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let host = "";
  let xff = "";
  let chunked = false;
  let length: string | undefined;
  let listed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const l = lower(name);
    if (l !== undefined) {
      if (l === "host") host = raw[i + 1];
      else if (l === "x-forwarded-for") xff = raw[i + 1];
      else if (l === "transfer-encoding") chunked = true;
      else if (l === "connection") listed = listedIn(raw[i + 1], listed);
      if (HOP_BY_HOP.has(l) || SET_UP.has(l)) continue;
    } else if (name.length === 14 && name.toLowerCase() === "content-length") {
      length = raw[i + 1];
      continue;
    }
    out.push(name, raw[i + 1]);
  }
  // a `Connection` list drops the client's own headers only, never the ones the proxy sets below
  const headers = withoutListed(out, listed);
  const addr = req.socket.remoteAddress ?? "";
  headers.push(
    "Host", route.changeOrigin ? route.target.host : host,
    "X-Forwarded-For", xff ? `${xff}, ${addr}` : addr,
    "X-Forwarded-Proto", "http",
    "X-Forwarded-Host", host,
  );
  if (upgrade) headers.push("Connection", "Upgrade", "Upgrade", req.headers.upgrade ?? "websocket");
  if (chunked || length === undefined) return { headers, body: chunked ? "chunked" : "none" };
  // `007` is 7: the upstream reads the same number whatever its parser makes of leading zeros
  const n = length.replace(/^0+(?=\d)/, "");
  headers.push("Content-Length", n);
  return { headers, body: n === "0" ? "none" : "length" };
}

/** What response rewriting needs to know about the request. */
export interface ResponseContext {
  route: ProxyRoute | undefined;
  target: Target;
  /** The `Host` the client used (already checked to be the proxy's own). */
  host: string;
}

/** The headers sent to the client for an upstream response (raw names and values, as strings or latin1 bytes). */
export function downstreamHeaders(rawHeaders: readonly (string | Buffer)[], ctx: ResponseContext): string[] {
  const out: string[] = [];
  let listed: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toString("latin1");
    let value = rawHeaders[i + 1].toString("latin1");
    const n = name.length;
    if (n === 8 || n === 10) {
      const l = name.toLowerCase();
      if (l === "location") value = rewriteLocation(value, ctx);
      else if (l === "set-cookie") value = rewriteCookie(value, ctx);
      else if (l === "connection") {
        listed = listedIn(value, listed);
        continue;
      } else if (HOP_BY_HOP.has(l)) continue;
    } else if (CANDIDATE_LENGTHS.has(n) && HOP_BY_HOP.has(name.toLowerCase())) continue;
    out.push(name, value);
  }
  return withoutListed(out, listed);
}


/**
 * A redirect to the upstream's own origin (what FastAPI's trailing-slash 307 says when the
 * upstream saw its own host) goes to the same place through the proxy: the target's path
 * prefix comes off and the prefix a `rewrite` stripped goes back on. On a route whose rewrite
 * strips a prefix, a redirect on the proxy's own origin (what the upstream says when it saw the
 * proxy's `Host`: `changeOrigin: false`), or a path-only one, gets the prefix back unless it
 * already starts with it (an upstream that knows where it is mounted).
 */
export function rewriteLocation(location: string, ctx: ResponseContext): string {
  const strip = ctx.route?.rewriteStrips;
  const c0 = location.charCodeAt(0);
  const schemeRelative = c0 === 47 /* / */ && location.charCodeAt(1) === 47;
  if (c0 === 47 && !schemeRelative) return strip && !location.startsWith(strip) ? strip + location : location;
  let u: URL;
  try {
    // `//host:port/x` keeps the page's scheme: the proxy's, http
    u = new URL(schemeRelative ? "http:" + location : location);
  } catch {
    return location;
  }
  const t = ctx.target;
  const tail = `${u.search}${u.hash}`;
  if (strip && u.protocol === "http:" && u.host.toLowerCase() === ctx.host.toLowerCase()) {
    return u.pathname.startsWith(strip) ? location : `http://${ctx.host}${strip}${u.pathname}${tail}`;
  }
  if (u.protocol !== t.protocol && !(t.protocol === "http:" && u.protocol === "ws:")) return location;
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  if (port !== t.port) return location;
  if (u.hostname !== t.hostname && u.hostname !== `[${t.hostname}]` && !(isThisMachine(u.hostname) && isThisMachine(t.hostname))) return location;
  let path = u.pathname;
  // the target's own path comes off (all of it: `/openapi.json` on a target that is that file)
  if (t.path && (path === t.path || path.startsWith(t.path + "/"))) path = path.slice(t.path.length);
  if (strip) path = strip + path;
  return `http://${ctx.host}${path || "/"}${tail}`;
}

/** `Domain=<upstream host>` in a `Set-Cookie` becomes the proxy's host name. */
export function rewriteCookie(cookie: string, ctx: ResponseContext): string {
  const m = /;\s*domain=\.?([^;]*)/i.exec(cookie);
  if (!m) return cookie;
  const domain = m[1].trim().toLowerCase();
  const t = ctx.target.hostname.toLowerCase();
  if (domain !== t && !(isThisMachine(domain) && isThisMachine(t))) return cookie;
  const proxyName = ctx.host.startsWith("[") ? ctx.host.slice(0, ctx.host.indexOf("]") + 1) : ctx.host.replace(/:\d+$/, "");
  return cookie.slice(0, m.index) + `; Domain=${proxyName}` + cookie.slice(m.index + m[0].length);
}
