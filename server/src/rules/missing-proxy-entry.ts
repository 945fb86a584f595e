/**
 * `missing-proxy-entry`: a root-relative request that no `server.proxy` key of its frontend's
 * Vite config covers. In `vite` dev it never reaches the backend: a GET gets `index.html` with
 * status 200, other requests 404, a WebSocket fails (facts.md, Vite dev server).
 */
import { locationKey } from "../core/range";
import { proxyFor, routesFor, servedByVite } from "../model/match";
import type { Backend, ClientCall } from "../model/topology";
import { firstSegment } from "../model/urls";
import { addProxyEntries, backendOrigin } from "./fixes/proxy-entry";
import type { Finding, Related } from "../core/finding";
import { defineRule } from "./rule";

const ID = "missing-proxy-entry";

export const missingProxyEntry = defineRule({
  id: ID,
  description: "A root-relative request that no Vite server.proxy key covers never reaches the backend in dev.",
  defaultSeverity: "warning",
  fixable: true,
  check(topology) {
    const findings = new Map<string, Finding>();
    for (const call of topology.calls) {
      const backend = topology.pairing.get(call.frontend);
      const found = uncovered(call, backend);
      if (!found) continue;
      const existing = findings.get(found.key);
      if (existing) existing.related.push(found.throughBase!);
      else findings.set(found.key, { ...found.finding, related: [...found.finding.related] });
    }
    return [...findings.values()];
  },
});

/** A call's own finding (before findings on one `baseURL` are merged), memoised per model object. */
interface Uncovered {
  key: string;
  finding: Finding;
  /** Related information for one more request through the same `baseURL`. */
  throughBase: Related | undefined;
}

const memo = new WeakMap<ClientCall, { backend: Backend | undefined; result: Uncovered | undefined }>();

/**
 * Calls and frontends are immutable and reused by incremental builds (a new file set makes new
 * frontends, so new calls), so a check runs once per call object. Keyed on the call, not the model.
 */
function uncovered(call: ClientCall, backend: Backend | undefined): Uncovered | undefined {
  const hit = memo.get(call);
  if (hit && hit.backend === backend) return hit.result;
  const result = check(call, backend);
  memo.set(call, { backend, result });
  return result;
}

function check(call: ClientCall, backend: Backend | undefined): Uncovered | undefined {
  const url = call.devUrl;
  const fe = call.frontend;
  if (!url || !fe.config || !fe.proxy || fe.proxy.kind !== "known") return undefined;
  if (!url.text.startsWith("/") || url.text.startsWith("//")) return undefined;
  const segment = firstSegment(url.text);
  if (!segment || (!url.exact && url.text === segment)) return undefined;
  if (proxyFor(fe.proxy, url).kind !== "none") return undefined;
  if (servedByVite(fe, url) !== false) return undefined;

  const onBase = call.basePath !== undefined && firstSegment(call.basePath) === segment && call.instance;
  const file = onBase ? call.instance!.file : call.file;
  const range = onBase ? call.instance!.fact.baseURLRange : call.fact.urlRange;
  const throughBase: Related = { file: call.file, range: call.fact.urlRange, message: "a request through this baseURL" };
  const related: Related[] = [{ file: fe.configFile!, range: fe.config.anchor, message: `no server.proxy key here covers '${segment}'` }];
  if (backend) {
    // a partly known path (`/uploads/${name}`) is tried with one segment in its hole
    for (const route of routesFor(backend, url.exact ? url.text : url.text + "x").slice(0, 3)) {
      related.push({ file: route.file, range: route.fact.range, message: `FastAPI serves ${route.methods.join("/")} ${route.path} here` });
    }
  }
  if (onBase) related.push(throughBase);
  const ws = call.fact.callee.kind === "websocket";
  const edit = addProxyEntries(fe, [{ key: segment, target: backendOrigin(backend?.port), ws }]);
  const configName = fe.configFile!.split("/").pop()!;
  return {
    key: locationKey(file, range),
    throughBase: onBase ? throughBase : undefined,
    finding: {
      rule: ID,
      file,
      range,
      message: message(call, onBase ? call.basePath! : displayPath(url.text, url.exact), segment, configName),
      related,
      fixes: edit ? [{ title: `Add a '${segment}' proxy entry to ${configName}`, edits: [edit] }] : [],
    },
  };
}

function displayPath(text: string, exact: boolean): string {
  return exact ? text : `${text}…`;
}

/** What happens to this request in `vite` dev, as facts.md says for its kind, method and Accept header. */
function message(call: ClientCall, path: string, segment: string, configName: string): string {
  const lead = `No server.proxy key in ${configName} covers '${path}', so in \`vite\` dev this request never reaches the backend: `;
  const kind = call.fact.callee.kind;
  const method = call.fact.method;
  const accept = call.fact.accept === "default" && call.instance ? call.instance.fact.accept : call.fact.accept;
  let outcome: string;
  if (kind === "websocket") outcome = "the WebSocket fails to connect.";
  else if (kind === "eventsource") outcome = "Vite answers the EventSource with 404.";
  else if (method === "GET" || method === "HEAD") {
    const what = method === "GET" ? "this GET" : "this HEAD request";
    if (accept === "json") outcome = `${what} accepts only JSON, so Vite answers it with 404.`;
    else if (accept === "default") outcome = `Vite answers ${what} with index.html and status 200, so the code receives HTML where it expects data.`;
    else outcome = `Vite answers ${what} with index.html (status 200) when it accepts HTML, else with 404.`;
  } else if (method) outcome = `Vite answers this ${method} with 404.`;
  else outcome = "Vite answers a GET with index.html (status 200) and other methods with 404.";
  return `${lead}${outcome} Add a '${segment}' proxy entry.`;
}
