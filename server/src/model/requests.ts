/**
 * The journey of a client call in `vite` dev, as far as it is known: which proxy entry takes it
 * (or whether it goes to the backend by absolute URL), the path the backend then receives (after
 * the entry's `rewrite` and its target's own path), and the method. The route rules, navigation
 * and the dev proxy's notes read this one answer.
 */
import { matchRoutes, proxyFor, type RouteMatch } from "./match";
import { portOfUrl } from "./frontends";
import type { Backend, ClientCall, ProxyEntry, UrlValue } from "./topology";
import { isLocalhostUrl, splitUrl } from "./urls";

export interface BackendRequest {
  call: ClientCall;
  backend: Backend;
  /** The path the backend receives (partly known when the URL is). */
  path: UrlValue;
  /** `GET`, `POST`, ..., `WS` for a WebSocket; undefined when the code does not say. */
  method: string | undefined;
  /** The proxy entry that forwards it; undefined for an absolute (cross-origin) URL. */
  entry: ProxyEntry | undefined;
}

/** Where a call lands on `backend` (the frontend's paired backend), or undefined when it does not reach it or that is unknown. */
export function backendRequest(call: ClientCall, backend: Backend | undefined): BackendRequest | undefined {
  const url = call.devUrl;
  if (!backend || !url || url.sameOrigin) return undefined;
  const method = call.fact.callee.kind === "websocket" ? "WS" : call.fact.callee.kind === "eventsource" ? "GET" : call.fact.method;
  if (url.text.startsWith("/") && !url.text.startsWith("//")) {
    const match = proxyFor(call.frontend.proxy, url);
    if (match.kind !== "entry") return undefined;
    const entry = match.entry;
    if (!entryReaches(entry, backend) || entry.fact.rewriteStrips === null) return undefined;
    const strip = entry.fact.rewriteStrips;
    const rest = strip && url.text.startsWith(strip) ? url.text.slice(strip.length) : url.text;
    const targetPath = (splitUrl(entry.target!)?.path ?? "").replace(/\/+$/, "");
    const joined = targetPath + (rest.startsWith("/") || rest === "" ? rest : "/" + rest);
    return { call, backend, path: { text: joined || "/", exact: url.exact }, method, entry };
  }
  const parts = splitUrl(url.text);
  if (!parts || !isLocalhostUrl(url.text) || portOfUrl(parts.origin) !== backend.port) return undefined;
  return { call, backend, path: { text: parts.path || "/", exact: url.exact }, method, entry: undefined };
}

/** Whether a proxy entry forwards to the backend: its target is this machine, on the backend's port. */
export function entryReaches(entry: ProxyEntry, backend: Backend): boolean {
  return !!entry.target && isLocalhostUrl(entry.target) && portOfUrl(entry.target) === backend.port;
}

/** A call's request to its backend with what the route table says of it. */
export interface RoutedRequest {
  request: BackendRequest;
  match: RouteMatch;
}

const routed = new WeakMap<ClientCall, { backend: Backend | undefined; result: RoutedRequest | undefined }>();

/**
 * `backendRequest` and `matchRoutes` for a call, once per call and backend object: calls and
 * backends are immutable and reused by incremental builds, so a keystroke in one file matches
 * that file's calls again, not every call of the workspace.
 */
export function routedRequest(call: ClientCall, backend: Backend | undefined): RoutedRequest | undefined {
  const hit = routed.get(call);
  if (hit && hit.backend === backend) return hit.result;
  const request = backendRequest(call, backend);
  const result = request && { request, match: matchRoutes(request.backend, request.path, request.method) };
  routed.set(call, { backend, result });
  return result;
}
