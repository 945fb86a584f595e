/**
 * From a backend route back to what the client writes: the path through the same proxy entry
 * (its `rewrite` undone) or on the same origin, the nearest routes to a path that matches none,
 * and the edit that puts a path into the call's URL literal.
 */
import type { Related, TextEdit } from "../../core/finding";
import { proxyFor } from "../../model/match";
import type { BackendRequest } from "../../model/requests";
import type { Backend, Route } from "../../model/topology";
import { splitUrl } from "../../model/urls";
import { replaceLiteral } from "./entry-options";

/** The URL a client writes to reach `routePath` the way `request` reaches its backend, or undefined. */
export function clientUrl(request: BackendRequest, routePath: string): string | undefined {
  const url = request.call.devUrl!;
  if (!request.entry) {
    const origin = splitUrl(url.text)?.origin;
    return origin && origin + routePath;
  }
  const path = (request.entry.fact.rewriteStrips ?? "") + routePath;
  const again = proxyFor(request.call.frontend.proxy, { text: path, exact: true });
  return again.kind === "entry" && again.entry === request.entry ? path : undefined;
}

const nearest = new WeakMap<Backend, Map<string, Route[]>>();

/** The routes nearest to a path that matches none (a typo, a plural, another prefix), closest first; once per backend and path. */
export function nearestRoutes(request: BackendRequest, limit = 2): Route[] {
  const path = request.path.text.split(/[?#]/)[0];
  let memo = nearest.get(request.backend);
  if (!memo) nearest.set(request.backend, (memo = new Map()));
  const key = `${request.method ?? ""} ${path}`;
  let found = memo.get(key);
  if (!found) {
    const scored: { r: Route; d: number }[] = [];
    for (const r of request.backend.routes) {
      if (r.builtin || r.path === undefined || r.path.includes("{") || !allows(r, request.method)) continue;
      const max = Math.max(3, Math.floor(r.path.length / 4));
      if (Math.abs(r.path.length - path.length) > max) continue;
      const d = distance(path, r.path);
      if (d > 0 && d <= max) scored.push({ r, d });
    }
    scored.sort((a, b) => a.d - b.d);
    memo.set(key, (found = scored.slice(0, limit).map((s) => s.r)));
  }
  return found;
}

function allows(route: Route, method: string | undefined): boolean {
  if (!method) return !route.methods.includes("WS");
  return method === "WS" ? route.methods.includes("WS") : route.methods.includes(method) || (method === "HEAD" && route.methods.includes("GET"));
}

/** Edits the call's URL literal so the whole URL becomes `url`; undefined when the URL is not one plain literal at its end. */
export function urlEdit(request: BackendRequest, url: string): TextEdit | undefined {
  const { call } = request;
  const literal = call.fact.url;
  const full = call.devUrl?.text;
  if (literal?.kind !== "string" || !full || !call.devUrl!.exact || full.includes("?") || !full.endsWith(literal.value)) return undefined;
  const prefix = full.slice(0, full.length - literal.value.length);
  if (!url.startsWith(prefix)) return undefined;
  return replaceLiteral(call.file, literal.range, url.slice(prefix.length));
}

/** Related information pointing at a route's handler (or its decorator). */
export function routeRelated(route: Route, message: string): Related {
  return { file: route.file, range: route.fact.handler?.range ?? route.fact.range, message };
}

/** Levenshtein distance, for nearest-route suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = next;
    }
  }
  return row[b.length];
}
