/**
 * `trailing-slash-redirect`: a request path that differs from a route only by a trailing slash.
 * FastAPI answers it with a 307 to the twin whose `Location` names the host the backend saw
 * (facts.md 12): through a proxy entry with `changeOrigin: true` that is the backend's own origin,
 * and for an absolute URL it is cross-origin anyway, so the browser leaves the dev origin. With
 * the app's `redirect_slashes` off it is a plain 404 (facts.md 14). Silent when the redirect
 * stays on the dev origin, when `changeOrigin` or `redirect_slashes` cannot be read, for
 * WebSockets, and inside generated files.
 */
import type { Finding } from "../core/finding";
import { routedRequest, type BackendRequest } from "../model/requests";
import type { Route } from "../model/topology";
import { routeRelated, urlEdit } from "./fixes/route-path";
import { defineRule } from "./rule";

const ID = "trailing-slash-redirect";

export const trailingSlashRedirect = defineRule({
  id: ID,
  description: "A request path that differs from its route by a trailing slash: a redirect that leaves the dev origin, or a 404.",
  defaultSeverity: "warning",
  fixable: true,
  check(topology) {
    const findings: Finding[] = [];
    for (const call of topology.calls) {
      if (call.generated) continue;
      const routed = routedRequest(call, topology.pairing.get(call.frontend));
      if (!routed || routed.request.method === "WS" || !routed.request.path.exact) continue;
      const { request, match } = routed;
      if (match.kind !== "none" || !match.slashTwin.length) continue;
      const outcome = outcomeOf(request);
      if (outcome) findings.push(finding(request, match.slashTwin[0], outcome));
    }
    return findings;
  },
});

/** What the browser gets, or undefined when the redirect stays on the dev origin (or that is unknown). */
function outcomeOf(request: BackendRequest): string | undefined {
  const slashes = request.backend.redirectSlashes;
  if (slashes === false) return "redirect_slashes is off, so it gets 404";
  if (slashes === undefined) return undefined;
  if (!request.entry) return "the 307 redirect is cross-origin too";
  if (request.entry.fact.changeOrigin === true) return "the 307 redirect leaves the dev origin (changeOrigin)";
  return undefined;
}

function finding(request: BackendRequest, route: Route, outcome: string): Finding {
  const { call } = request;
  const shown = call.devUrl!.text;
  const related = [routeRelated(route, `FastAPI serves ${route.methods.join("/")} ${route.path} here`)];
  if (request.entry) related.push({ file: request.entry.file, range: request.entry.fact.keyRange, message: "the proxy entry the request goes through" });
  // the client's own URL with its trailing slash toggled (a route with parameters names no literal path)
  const target = shown.endsWith("/") ? shown.slice(0, -1) : shown + "/";
  const edit = urlEdit(request, target);
  return {
    rule: ID,
    file: call.file,
    range: call.fact.urlRange,
    message: `'${shown}' misses the route ${route.path} by a trailing slash: ${outcome}.`,
    related,
    fixes: edit ? [{ title: `Use '${target}', the route's own path`, edits: [edit] }] : [],
  };
}
