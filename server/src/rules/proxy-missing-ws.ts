/**
 * `proxy-missing-ws`: a WebSocket path that a `server.proxy` key matches for HTTP while no
 * ws-capable key does. Vite's upgrade handler skips keys without `ws: true` (or a `ws://` target),
 * so the upgrade never reaches the backend (facts.md, Vite). The path comes from the client
 * (`new WebSocket('/api/ws')`) or from a WebSocket route of the paired backend under the key.
 */
import type { Finding, Related } from "../core/finding";
import { locationKey } from "../core/range";
import { proxyFor } from "../model/match";
import { entryReaches } from "../model/requests";
import type { Backend, Frontend, ProxyEntry } from "../model/topology";
import { addEntryOption } from "./fixes/entry-options";
import { defineRule } from "./rule";

const ID = "proxy-missing-ws";

export const proxyMissingWs = defineRule({
  id: ID,
  description: "A WebSocket path that a proxy key without ws: true matches: Vite does not forward the upgrade.",
  defaultSeverity: "warning",
  fixable: true,
  check(topology) {
    const found = new Map<string, { fe: Frontend; entry: ProxyEntry; path: string; related: Related[] }>();
    const note = (fe: Frontend, path: string, exact: boolean, related: Related) => {
      const entry = httpOnlyEntry(fe, path, exact);
      if (!entry) return;
      const key = locationKey(entry.file, entry.fact.keyRange);
      const hit = found.get(key) ?? { fe, entry, path, related: [] };
      hit.related.push(related);
      found.set(key, hit);
    };
    for (const call of topology.calls) {
      const url = call.devUrl;
      if (call.fact.callee.kind !== "websocket" || !url || !url.text.startsWith("/") || url.text.startsWith("//")) continue;
      note(call.frontend, url.text, url.exact, { file: call.file, range: call.fact.urlRange, message: "the WebSocket is opened here" });
    }
    for (const [fe, backend] of topology.pairing) {
      for (const route of backend.routes) {
        if (!route.methods.includes("WS") || route.path === undefined) continue;
        for (const path of clientPaths(fe, backend, route.path)) note(fe, path, true, { file: route.file, range: route.fact.range, message: `FastAPI serves the WebSocket ${route.path} here` });
      }
    }
    return [...found.values()].map(({ fe, entry, path, related }): Finding => {
      const edit = addEntryOption(fe, entry, "ws: true");
      return {
        rule: ID,
        file: entry.file,
        range: entry.fact.keyRange,
        message: `'${entry.key}' has no ws: true, so Vite does not forward the WebSocket upgrade of ${path}.`,
        related,
        fixes: edit ? [{ title: `Add ws: true to the '${entry.key}' proxy entry`, edits: [edit] }] : [],
      };
    });
  },
});

/** The entry that takes a path for HTTP when no ws-capable entry takes its upgrade. */
function httpOnlyEntry(fe: Frontend, path: string, exact: boolean): ProxyEntry | undefined {
  if (fe.proxy?.kind !== "known") return undefined;
  const url = { text: path, exact };
  const http = proxyFor(fe.proxy, url);
  if (http.kind !== "entry" || canUpgrade(http.entry)) return undefined;
  const capable = fe.proxy.entries.filter((e) => canUpgrade(e) || e.fact.ws === undefined);
  return proxyFor({ kind: "known", entries: capable }, url).kind === "none" ? http.entry : undefined;
}

function canUpgrade(entry: ProxyEntry): boolean {
  return entry.fact.ws === true || /^wss?:/i.test(entry.target ?? "");
}

/** The paths a client writes to reach a backend route, through each plain key that forwards to it (its rewrite undone). */
function clientPaths(fe: Frontend, backend: Backend, routePath: string): string[] {
  if (fe.proxy?.kind !== "known") return [];
  const out: string[] = [];
  for (const e of fe.proxy.entries) {
    if (e.key.startsWith("^") || e.fact.rewriteStrips === null || !entryReaches(e, backend)) continue;
    const path = (e.fact.rewriteStrips ?? "") + routePath;
    if (path.startsWith(e.key)) out.push(path);
  }
  return out;
}

