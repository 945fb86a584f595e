/**
 * `proxy-target-mismatch`: a `server.proxy` entry whose paths one FastAPI app serves (its routes
 * start with the forwarded prefix) targets another port, on which no app is known to listen.
 * Silent unless the app's local-dev port is written somewhere (`uvicorn.run(port=)`, a `--port`
 * in package.json scripts, a Makefile or a Procfile): uvicorn's default is only a guess when
 * nothing says how the app is started, and a Dockerfile's or compose file's port is often the
 * deployment's. A `localhost` target may also resolve to `::1` (facts.md).
 */
import type { Finding, Related } from "../core/finding";
import { portOfUrl } from "../model/frontends";
import type { Backend, ProxyEntry, Topology } from "../model/topology";
import { isLocalhostUrl, splitUrl } from "../model/urls";
import { replaceLiteral } from "./fixes/entry-options";
import { defineRule } from "./rule";

const ID = "proxy-target-mismatch";

export const proxyTargetMismatch = defineRule({
  id: ID,
  description: "A proxy entry targets a port other than the one the FastAPI app that serves its paths listens on.",
  defaultSeverity: "warning",
  fixable: true,
  check(topology) {
    const findings: Finding[] = [];
    for (const fe of topology.frontends) {
      if (fe.proxy?.kind !== "known") continue;
      for (const entry of fe.proxy.entries) {
        const backend = servingBackend(topology, entry);
        if (backend) findings.push(finding(entry, backend));
      }
    }
    return findings;
  },
});

const memo = new WeakMap<ProxyEntry, { backends: readonly Backend[]; result: Backend | undefined }>();

/** The one backend that serves an entry's paths on another port than its target's, once per entry and set of backends. */
function servingBackend(topology: Topology, entry: ProxyEntry): Backend | undefined {
  const hit = memo.get(entry);
  if (hit && hit.backends === topology.backends) return hit.result;
  const result = findServing(topology, entry);
  memo.set(entry, { backends: topology.backends, result });
  return result;
}

function findServing(topology: Topology, entry: ProxyEntry): Backend | undefined {
  const target = entry.target;
  if (!target || !isLocalhostUrl(target) || entry.fact.rewriteStrips === null) return undefined;
  const port = portOfUrl(target);
  if (topology.backends.some((b) => b.port === port || !Number.isFinite(b.port))) return undefined;
  const prefix = forwardedPrefix(entry);
  // Route evidence only: a lone backend on another port may well sit beside a service we do not read.
  const serving = prefix === undefined ? [] : topology.backends.filter((b) => b.routes.some((r) => !r.builtin && r.path !== undefined && startsWithSegment(r.path, prefix)));
  // only a port the app is started on in local dev: a Dockerfile's or compose file's is often the deployment's
  const devPort = serving[0]?.portSource === "uvicorn.run" || serving[0]?.portSource === "command";
  return serving.length === 1 && serving[0].portAt && devPort ? serving[0] : undefined;
}

/** The path prefix the backend receives for a plain key (its rewrite applied); undefined for a `^` key or `/`. */
function forwardedPrefix(entry: ProxyEntry): string | undefined {
  if (entry.key.startsWith("^")) return undefined;
  const strip = entry.fact.rewriteStrips;
  const path = strip && entry.key.startsWith(strip) ? entry.key.slice(strip.length) : entry.key;
  const prefix = path.replace(/\/+$/, "");
  return prefix === "" ? undefined : prefix;
}

function startsWithSegment(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + "/");
}

function finding(entry: ProxyEntry, backend: Backend): Finding {
  const target = entry.target!;
  const port = portOfUrl(target);
  const localhost = /^[a-z]+:\/\/localhost(?=[:/]|$)/i.test(target);
  const related: Related[] = [{ ...backend.portAt!, message: `the FastAPI app ${backend.app} listens on ${backend.port}` }];
  const literal = entry.fact.target?.kind === "string" ? entry.fact.target : undefined;
  const url = splitUrl(target)!;
  const fixed = url.origin.replace(/(:\d+)?$/, `:${backend.port}`) + url.path;
  const edit = literal && literal.value === target ? replaceLiteral(entry.file, literal.range, fixed) : undefined;
  const hint = localhost ? " (and 'localhost' may resolve to ::1)" : "";
  return {
    rule: ID,
    file: entry.file,
    range: entry.fact.target?.range ?? entry.fact.keyRange,
    message: `'${entry.key}' targets port ${port}, but the FastAPI app serving it listens on ${backend.port}${hint}.`,
    related,
    fixes: edit ? [{ title: `Target ${fixed}`, edits: [edit] }] : [],
  };
}
