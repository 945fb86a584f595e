/**
 * `unknown-api-route`: a request that reaches the paired FastAPI backend (through a proxy entry,
 * its `rewrite` applied, or by absolute URL on its port) and that no route of a fully known table
 * serves: FastAPI answers 404 (405 when the path is served for other methods). Silent where the
 * table is partial (a mount, an unread prefix, a `root_path` that cannot be read), for unknown
 * paths, inside generated files, and for a trailing-slash twin (`trailing-slash-redirect`'s).
 */
import type { Finding, Fix, Related } from "../core/finding";
import { matchRoutes } from "../model/match";
import { routedRequest, type BackendRequest } from "../model/requests";
import type { Backend, ClientCall } from "../model/topology";
import { clientUrl, nearestRoutes, routeRelated, urlEdit } from "./fixes/route-path";
import { defineRule } from "./rule";

const ID = "unknown-api-route";

export const unknownApiRoute = defineRule({
  id: ID,
  description: "A request to the paired FastAPI backend that no route serves: it gets 404.",
  defaultSeverity: "warning",
  fixable: true,
  check(topology) {
    const findings: Finding[] = [];
    for (const call of topology.calls) {
      if (call.generated) continue;
      const found = checked(call, topology.pairing.get(call.frontend));
      if (found) findings.push(found);
    }
    return findings;
  },
});

const memo = new WeakMap<ClientCall, { backend: Backend | undefined; finding: Finding | undefined }>();

/** The call's finding, once per call and backend object (both are reused while unchanged). */
function checked(call: ClientCall, backend: Backend | undefined): Finding | undefined {
  const hit = memo.get(call);
  if (hit && hit.backend === backend) return hit.finding;
  const routed = routedRequest(call, backend);
  const match = routed?.match;
  const found = routed && match?.kind === "none" && !match.slashTwin.length && !entryIsTheProblem(routed.request) ? finding(routed.request, match.otherMethods.flatMap((r) => r.methods)) : undefined;
  memo.set(call, { backend, finding: found });
  return found;
}

/**
 * Nothing at all is routed under the entry's forwarded prefix, or the request would be routed
 * without the entry's rewrite: the entry is wrong, not the call (`proxy-prefix-not-routed`).
 */
function entryIsTheProblem(request: BackendRequest): boolean {
  const entry = request.entry;
  if (!entry || entry.key.startsWith("^")) return false;
  const strip = entry.fact.rewriteStrips;
  const prefix = (strip && entry.key.startsWith(strip) ? entry.key.slice(strip.length) : entry.key).replace(/\/+$/, "");
  if (prefix && matchRoutes(request.backend, { text: prefix, exact: false }).kind === "none") return true;
  return !!strip && matchRoutes(request.backend, request.call.devUrl!, request.method).kind === "routes";
}

function finding(request: BackendRequest, otherMethods: string[]): Finding {
  const { call, backend } = request;
  const url = call.devUrl!;
  const shown = url.exact ? url.text : `${url.text}…`;
  const what = request.method === "WS" ? `The WebSocket ${shown}` : `${request.method ? request.method + " " : ""}${shown}`;
  const others = [...new Set(otherMethods)].filter((m) => m !== "HEAD");
  const outcome = request.method === "WS" ? "the handshake is refused" : others.length ? `405 (it serves ${others.join("/")})` : "404";
  const related: Related[] = [{ file: backend.file, range: backend.range, message: `the FastAPI app ${backend.app}, paired with this frontend` }];
  if (request.entry) related.push({ file: request.entry.file, range: request.entry.fact.keyRange, message: `forwarded to the backend as ${request.path.text}${url.exact ? "" : "…"} by this proxy entry` });
  const fixes: Fix[] = [];
  for (const route of nearestRoutes(request)) {
    related.push(routeRelated(route, `did you mean ${route.methods.join("/")} ${route.path}?`));
    const target = clientUrl(request, route.path!);
    const edit = target && urlEdit(request, target);
    if (edit) fixes.push({ title: `Change the URL to '${target}' (route ${route.path})`, edits: [edit], suggestion: true });
  }
  return { rule: ID, file: call.file, range: call.fact.urlRange, message: `${what} matches no route of the FastAPI app: it gets ${outcome}.`, related, fixes };
}
