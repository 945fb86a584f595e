/**
 * The path a request is sent upstream with: the route's `rewrite` (a known prefix strip) applied
 * to the request target, then joined to the target's own path the way Vite's proxy
 * (http-proxy-3's `urlJoin`) joins them. A rewrite that leaves nothing, or only `?query`, gives
 * the target's path exactly: `'/openapi.json' -> http://host/openapi.json` must not become
 * `/openapi.json/`, which FastAPI redirects back, forever.
 */

/** `url` (origin-form) as sent to a target whose path is `targetPath` ("" or `/x`, no trailing `/`). */
export function upstreamPath(url: string, strip: string | undefined, targetPath: string): string {
  let rest = url;
  if (strip !== undefined && rest.startsWith(strip)) {
    rest = rest.slice(strip.length);
    // `/apix` stripped of `/api` is `x`, which Vite resolves to `/x`
    if (rest !== "" && rest.charCodeAt(0) !== 47 /* / */ && rest.charCodeAt(0) !== 63 /* ? */) rest = "/" + rest;
  }
  if (targetPath) return targetPath + rest;
  return rest === "" || rest.charCodeAt(0) === 63 ? "/" + rest : rest;
}
