/**
 * `proxy-prefix-not-routed`: a proxy entry that forwards to the paired FastAPI app in a way its
 * routes cannot answer. Either the prefix is forwarded as is (no `rewrite`) and no route can
 * start with it, or a `rewrite` strips a prefix the routes carry (Vite forwards the full path
 * unless `rewrite` changes it: facts.md, Vite). Needs a fully known route table and no
 * `root_path`; the second case also needs the calls through the entry (or every route) to agree.
 */
import type { Finding, Fix, Related } from "../core/finding";
import { matchRoutes } from "../model/match";
import { entryReaches, routedRequest, type BackendRequest } from "../model/requests";
import type { Backend, Frontend, ProxyEntry, Topology } from "../model/topology";
import { addEntryOption, removeRewrite, rewriteOption } from "./fixes/entry-options";
import { routeRelated } from "./fixes/route-path";
import { defineRule } from "./rule";

const ID = "proxy-prefix-not-routed";

export const proxyPrefixNotRouted = defineRule({
  id: ID,
  description: "A proxy entry forwards paths the paired FastAPI app has no routes for: a missing or a wrong rewrite.",
  defaultSeverity: "warning",
  fixable: true,
  check(topology) {
    const findings: Finding[] = [];
    const through = requestsByEntry(topology);
    for (const [fe, backend] of topology.pairing) {
      if (fe.proxy?.kind !== "known" || !fullyKnown(backend)) continue;
      for (const entry of fe.proxy.entries) {
        if (entry.key.startsWith("^") || entry.key.replace(/\/+$/, "") === "" || !entryReaches(entry, backend)) continue;
        const requests = through.get(entry) ?? [];
        const strip = entry.fact.rewriteStrips;
        const found = strip === undefined ? unrouted(fe, backend, entry, requests) : typeof strip === "string" ? stripsCarried(backend, entry, strip, requests) : undefined;
        if (found) findings.push(found);
      }
    }
    return findings;
  },
});

function fullyKnown(backend: Backend): boolean {
  return backend.routesKnown && backend.mounts !== undefined && backend.rootPath === "" && backend.routes.some((r) => !r.builtin);
}

/** The exact requests each proxy entry forwards to its frontend's paired backend, in one pass over the calls. */
function requestsByEntry(topology: Topology): Map<ProxyEntry, BackendRequest[]> {
  const out = new Map<ProxyEntry, BackendRequest[]>();
  for (const call of topology.calls) {
    const request = routedRequest(call, topology.pairing.get(call.frontend))?.request;
    if (!request?.entry || !request.path.exact) continue;
    const list = out.get(request.entry);
    if (list) list.push(request);
    else out.set(request.entry, [request]);
  }
  return out;
}

/** No rewrite, and no route can serve a path that starts with the key. */
function unrouted(fe: Frontend, backend: Backend, entry: ProxyEntry, requests: BackendRequest[]): Finding | undefined {
  if (matchRoutes(backend, { text: entry.key, exact: false }).kind !== "none") return undefined;
  const prefix = entry.key.replace(/\/+$/, "");
  // the rewrite is offered when it makes a call through the entry reach a route
  const helped = requests.find((r) => matchRoutes(backend, { text: r.path.text.slice(prefix.length) || "/", exact: true }, r.method).kind === "routes");
  const edit = helped && addEntryOption(fe, entry, rewriteOption(fe, prefix));
  const fixes: Fix[] = edit ? [{ title: `Strip '${prefix}' before forwarding (rewrite)`, edits: [edit] }] : [];
  const related: Related[] = [{ file: backend.file, range: backend.range, message: `the FastAPI app ${backend.app}: no route starts with ${prefix}` }];
  for (const r of requests.slice(0, 3)) related.push({ file: r.call.file, range: r.call.fact.urlRange, message: "a request through this entry" });
  return { rule: ID, file: entry.file, range: entry.fact.keyRange, message: `No FastAPI route starts with '${prefix}', and '${entry.key}' forwards it as is: requests through it get 404.`, related, fixes };
}

/** The rewrite strips a prefix the routes start with, and nothing that goes through it is routed. */
function stripsCarried(backend: Backend, entry: ProxyEntry, strip: string, requests: BackendRequest[]): Finding | undefined {
  const own = backend.routes.filter((r) => !r.builtin && r.path !== undefined);
  const carrying = own.filter((r) => r.path === strip || r.path!.startsWith(strip.replace(/\/+$/, "") + "/"));
  if (!carrying.length) return undefined;
  if (requests.length) {
    const broken = requests.every((r) => matchRoutes(backend, r.path, r.method).kind === "none" && matchRoutes(backend, r.call.devUrl!, r.method).kind === "routes");
    if (!broken) return undefined;
  } else if (carrying.length !== own.length) return undefined;
  const edit = removeRewrite(entry);
  const related = carrying.slice(0, 3).map((r) => routeRelated(r, `FastAPI serves ${r.path} here, prefix included`));
  return {
    rule: ID,
    file: entry.file,
    range: entry.fact.keyRange,
    message: `'${entry.key}' strips '${strip}' (rewrite), but the FastAPI routes start with it: requests through it get 404.`,
    related,
    fixes: edit ? [{ title: `Remove the rewrite: forward '${strip}' as is`, edits: [edit] }] : [],
  };
}
