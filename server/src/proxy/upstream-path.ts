/**
 * The path a request is sent upstream with: the route's `rewrite` (a known prefix strip) applied
 * to the request target, then joined to the target's own path and query the way Vite's proxy
 * (http-proxy-3's `urlJoin`) joins them. A rewrite that leaves nothing, or only `?query`, gives
 * the target's path exactly: `'/openapi.json' -> http://host/openapi.json` must not become
 * `/openapi.json/`, which FastAPI redirects back, forever.
 */
import type { Target } from "./table";

/** `url` (origin-form) as sent to `target` through a route that strips `rewriteStrips` (if any). */
export function upstreamPath(url: string, route: { rewriteStrips: string | undefined } | undefined, target: Pick<Target, "path" | "search">): string {
  let rest = url;
  const strip = route?.rewriteStrips;
  if (strip !== undefined && rest.startsWith(strip)) {
    rest = rest.slice(strip.length);
    // `/apix` stripped of `/api` is `x`, which Vite resolves to `/x`
    if (rest !== "" && rest.charCodeAt(0) !== 47 /* / */ && rest.charCodeAt(0) !== 63 /* ? */) rest = "/" + rest;
  }
  let path = target.path ? target.path + rest : rest === "" || rest.charCodeAt(0) === 63 ? "/" + rest : rest;
  if (target.search) {
    // the target's query first, then the request's (`urlJoin` joins them with `&`)
    const q = path.indexOf("?");
    path = q < 0 ? path + target.search : path.slice(0, q) + target.search + (q + 1 < path.length ? "&" + path.slice(q + 1) : "");
  }
  return path;
}
