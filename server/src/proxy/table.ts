/**
 * The dev proxy's route table, built from the model: the chosen frontend's `server.proxy` entries
 * (the same `ProxyEntry` objects the rules read, matched by the same `proxyFor`), routes given as
 * options, and the fallback (the frontend dev server or a static folder). Entries whose target,
 * rewrite or flags cannot be read statically are skipped with a note, never guessed, but keep
 * their place in match order as placeholders: requests they take reach the fallback (the frontend
 * dev server, whose own proxy runs the real config) instead of a later, broader key. No I/O.
 */
import { compileKey, proxyFor } from "../model/match";
import { dirname } from "node:path/posix";
import { isThisMachine } from "../../../protocol/loopback";
import type { Backend, Frontend, ProxyEntry, ProxyTable, Topology } from "../model/topology";
import type { FallbackInfo, RouteInfo, TableInfo } from "../../../protocol/proxy-messages";

/** An upstream as the proxy contacts it. */
export interface Target {
  /** As written (for display): `http://127.0.0.1:8000`. */
  url: string;
  protocol: "http:" | "https:";
  hostname: string;
  port: number;
  /** The target's own path, prefixed to every forwarded path ("" for none). */
  path: string;
  /** The target's own query (`?key=1`, "" for none), put before the request's, as Vite does. */
  search: string;
  /** `host:port` as a `Host` header names it (`changeOrigin`). */
  host: string;
  /** `http://host:port`, for recognising redirects to the upstream itself. */
  origin: string;
  /** How to start it, for the 502 page. */
  hint: string;
}

export interface ProxyRoute {
  kind: "route";
  key: string;
  target: Target;
  ws: boolean;
  changeOrigin: boolean;
  /** The prefix `rewrite` strips from the URL before forwarding. */
  rewriteStrips: string | undefined;
  source: "vite" | "option";
  /** The entry the shared matcher sees. */
  entry: ProxyEntry;
}

/** A skipped entry kept in match order: what it matches goes to the fallback. */
export interface Placeholder {
  kind: "placeholder";
  key: string;
  /** Why it was skipped (the note says it too). */
  why: string;
  entry: ProxyEntry;
}

/** What a URL matches: a route, or a placeholder standing for an entry the table could not read. */
export type Matched = ProxyRoute | Placeholder;

export type Fallback = { kind: "frontend"; target: Target } | { kind: "static"; dir: string; hint: string };

export interface RouteTable {
  routes: readonly ProxyRoute[];
  /** Skipped entries, in match order among the routes (not in `routes`). */
  placeholders: readonly Placeholder[];
  fallback: Fallback;
  /** Entries skipped and why; which config the table came from. */
  notes: string[];
  /** False when the frontend's Vite config could not be read (a reload keeps the previous table). */
  readable: boolean;
  /** The frontend the table came from (its folder and config, workspace-relative). */
  frontend: { root: string; configFile: string | undefined } | undefined;
  /** The route (or placeholder) an HTTP request URL takes, undefined when no key matches. */
  match(url: string): Matched | undefined;
  /**
   * The route a WebSocket upgrade takes (only `ws` entries proxy upgrades, as in Vite); every
   * placeholder takes part, as its `ws` may be unknown: the frontend's own proxy decides.
   */
  matchUpgrade(url: string): Matched | undefined;
}

export interface TableOptions {
  /** The Vite config (workspace-relative) when several frontends exist. */
  config?: string;
  /** Overrides the fallback upstream. */
  frontend?: string;
  /** Preview mode: this folder (absolute) is the fallback. */
  staticDir?: string;
  /** `--route KEY=URL`: replaces an entry with the same key, else is tried before the config's. */
  routes?: readonly { key: string; url: string }[];
}

export class TableError extends Error {
  constructor(readonly code: "no-frontend" | "bad-option", message: string) {
    super(message);
  }
}

/** Builds the table for one frontend of the model; throws `TableError` when it cannot. */
export function buildTable(topology: Topology, options: TableOptions = {}): RouteTable {
  const notes: string[] = [];
  const frontend = pickFrontend(topology.frontends, options.config);
  const routes: Matched[] = [];
  if (frontend) {
    const where = frontend.configFile ?? `${frontend.root || "."} (no Vite config)`;
    notes.push(`table from ${where}`);
    if (!frontend.proxy) notes.push(`${frontend.configFile} could not be read statically: no routes from it; requests go to the frontend`);
    else if (frontend.proxy.kind === "unknown") notes.push(`${frontend.configFile}: server.proxy is computed: no routes from it; requests go to the frontend, whose own proxy runs it`);
    else for (const entry of frontend.proxy.entries) routes.push(fromEntry(entry, topology, notes));
    if (frontend.config?.previewProxy !== undefined && options.staticDir) notes.push("preview.proxy is not read: the table is server.proxy");
  }
  let added = 0;
  for (const opt of options.routes ?? []) {
    const route = fromOption(opt.key, opt.url, topology);
    const at = routes.findIndex((r) => r.key === opt.key);
    if (at < 0) routes.splice(added++, 0, route);
    else {
      const old = routes[at];
      // the route given for a skipped entry: its note no longer applies
      if (old.kind === "placeholder") notes.splice(notes.indexOf(skipNote(old)), 1);
      routes[at] = route;
    }
  }

  let fallback: Fallback;
  if (options.staticDir) fallback = { kind: "static", dir: options.staticDir, hint: `build it first (npm run build${frontend?.root ? ` in ${frontend.root}/` : ""})` };
  else if (options.frontend) fallback = { kind: "frontend", target: parseTarget(options.frontend, frontendHint(frontend)) ?? badOption(`--frontend ${options.frontend} is not an http:// URL`) };
  else if (frontend) {
    fallback = { kind: "frontend", target: parseTarget(frontendUrl(frontend), frontendHint(frontend))! };
    if (frontend.config?.portUnread) notes.push(`server.port could not be read: assuming ${frontend.port}; give --frontend http://localhost:PORT`);
  }
  else throw new TableError("no-frontend", "no Vite frontend found (no vite.config.* and no index.html with sources): give --frontend URL or --static DIR");

  const source = frontend && { root: frontend.root, configFile: frontend.configFile };
  return makeTable(routes, fallback, notes, !frontend?.configFile || !!frontend.proxy, source);
}

function badOption(message: string): never {
  throw new TableError("bad-option", message);
}

/** The table object: routes and placeholders behind the shared matcher, as proxy tables of their own. */
function makeTable(list: Matched[], fallback: Fallback, notes: string[], readable: boolean, frontend: RouteTable["frontend"]): RouteTable {
  // an invalid regex key matches nothing (Vite itself fails to start on it): not in the matcher
  const matchable = list.filter((m) => !m.entry.invalid);
  const byEntry = new Map<ProxyEntry, Matched>(matchable.map((r) => [r.entry, r]));
  const view = (items: Matched[]): ProxyTable => ({ kind: "known", entries: items.map((r) => r.entry) });
  const all = view(matchable);
  const ws = view(matchable.filter((r) => r.kind === "placeholder" || r.ws));
  const find = (table: ProxyTable, url: string) => {
    const m = proxyFor(table, { text: url, exact: true });
    return m.kind === "entry" ? byEntry.get(m.entry) : undefined;
  };
  return {
    routes: list.filter((r): r is ProxyRoute => r.kind === "route"),
    placeholders: list.filter((r): r is Placeholder => r.kind === "placeholder"),
    fallback,
    notes,
    readable,
    frontend,
    match: (url) => find(all, url),
    matchUpgrade: (url) => find(ws, url),
  };
}

function pickFrontend(frontends: readonly Frontend[], config: string | undefined): Frontend | undefined {
  if (config !== undefined) {
    const want = config.replace(/^\.\//, "");
    const fe = frontends.find((f) => f.configFile === want || (f.configFile && dirname(f.configFile) === want.replace(/\/$/, "")) || f.root === want);
    if (!fe) badOption(`--config ${config}: no Vite config there (found: ${frontends.map((f) => f.configFile ?? f.root).join(", ") || "none"})`);
    return fe;
  }
  if (frontends.length <= 1) return frontends[0];
  const atRoot = frontends.find((f) => f.root === "");
  if (atRoot) return atRoot;
  const configs = frontends.filter((f) => f.configFile);
  if (configs.length === 1) return configs[0];
  return badOption(`several frontends: ${frontends.map((f) => f.configFile ?? f.root).join(", ")}; pick one with --config`);
}

/**
 * Vite (http-proxy) options that change what reaches the upstream or what comes back in ways this
 * proxy does not reproduce: an entry that sets one is a placeholder, never half-applied.
 */
const UNAPPLIED = new Set([
  "bypass", "configure", "headers", "auth", "forward", "agent", "selfHandleResponse", "followRedirects", "ignorePath", "prependPath", "toProxy",
  "localAddress", "rewriteWsOrigin", "hostRewrite", "autoRewrite", "protocolRewrite", "cookieDomainRewrite", "cookiePathRewrite",
]);

function skipNote(p: Placeholder): string {
  return `skipped ${p.key}: ${p.why} (${p.entry.file}:${p.entry.fact.keyRange.start.line + 1})`;
}

function fromEntry(entry: ProxyEntry, topology: Topology, notes: string[]): Matched {
  const { fact } = entry;
  const skip = (why: string): Placeholder => {
    const p: Placeholder = { kind: "placeholder", key: entry.key, why, entry };
    notes.push(skipNote(p));
    return p;
  };
  if (entry.invalid) return skip("the key is not a valid regular expression");
  if (!entry.target) return skip("its target cannot be read statically; give it with --route");
  if (fact.rewriteStrips === null) return skip("its rewrite cannot be read statically; give the route with --route and a target path");
  if (fact.changeOrigin === undefined && fact.target) return skip("changeOrigin cannot be read statically");
  const unapplied = fact.options?.filter((o) => UNAPPLIED.has(o)) ?? [];
  if (unapplied.length) return skip(`it sets ${unapplied.join(", ")}, which this proxy does not apply (the frontend's own proxy does)`);
  const target = parseTarget(entry.target, "");
  if (!target) return skip(`its target ${entry.target} is not an http(s) or ws(s) URL`);
  target.hint = backendHint(target, topology);
  if (target.protocol === "https:" && fact.options?.includes("secure")) notes.push(`${entry.key}: its secure option is not read: the certificate of ${target.url} is always verified (${entry.file}:${fact.keyRange.start.line + 1})`);
  return {
    kind: "route",
    key: entry.key,
    target,
    // an unreadable `ws` proxies no upgrades here: they reach the frontend, whose proxy reads it
    ws: fact.ws === true || /^wss?:/i.test(entry.target),
    changeOrigin: fact.changeOrigin === true,
    rewriteStrips: fact.rewriteStrips ?? undefined,
    source: "vite",
    entry,
  };
}

/** A `--route KEY=URL`: as Vite's string shorthand (`changeOrigin: true`, no `ws` unless a ws:// target). */
function fromOption(key: string, url: string, topology: Topology): ProxyRoute {
  if (!key.startsWith("/") && !key.startsWith("^")) badOption(`--route ${key}=${url}: the key must start with / or ^`);
  const regex = compileKey(key);
  if (key.startsWith("^") && !regex) badOption(`--route ${key}=${url}: the key is not a valid regular expression`);
  const target = parseTarget(url, "") ?? badOption(`--route ${key}=${url}: the target must be an http(s) or ws(s) URL`);
  target.hint = backendHint(target, topology);
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const entry: ProxyEntry = {
    key,
    regex,
    invalid: false,
    target: url,
    fact: { key, keyRange: range, target: undefined, changeOrigin: true, ws: undefined, rewriteStrips: undefined, options: [], range, valueRange: range },
    file: "",
  };
  return { kind: "route", key, target, ws: /^wss?:/i.test(url), changeOrigin: true, rewriteStrips: undefined, source: "option", entry };
}

/** Parses an upstream URL; ws(s) targets are reached over http(s) for plain requests, as in Vite. */
export function parseTarget(url: string, hint: string): Target | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = u.protocol === "ws:" ? "http:" : u.protocol === "wss:" ? "https:" : u.protocol;
  if (scheme !== "http:" && scheme !== "https:") return undefined;
  if (u.username || u.password) return undefined;
  const port = u.port ? Number(u.port) : scheme === "https:" ? 443 : 80;
  const hostname = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  const host = u.port ? u.host : u.hostname;
  const path = u.pathname === "/" ? "" : u.pathname.replace(/\/$/, "");
  return { url, protocol: scheme, hostname, port, path, search: u.search, host, origin: `${scheme}//${u.host}`, hint };
}

/** Vite's dev server for a frontend: `server.port`, on `localhost` unless the config names a host (Vite's default). */
function frontendUrl(frontend: Frontend): string {
  const host = frontend.config?.host;
  const literal = host?.kind === "string" ? host.value : host?.kind === "literal" ? host.value : undefined;
  // Vite listens on `localhost` by default, which may be ::1 only: a `localhost` target tries both families.
  const name = literal === true || literal === "0.0.0.0" || literal === "127.0.0.1" || literal === "::" ? "127.0.0.1" : "localhost";
  return `http://${name}:${frontend.port}`;
}

function frontendHint(frontend: Frontend | undefined): string {
  if (!frontend) return "start the frontend dev server";
  const root = frontend.root;
  const cmd = frontend.files.has(root ? `${root}/package.json` : "package.json") ? "npm run dev" : "npx vite";
  return root ? `cd ${root} && ${cmd}` : cmd;
}

/** `uvicorn module:app --port N` when a FastAPI app of the model serves the target's port. */
function backendHint(target: Target, topology: Topology): string {
  const generic = `start the server that listens on ${target.host}`;
  if (!isThisMachine(target.hostname)) return generic;
  const apps = topology.backends.filter((b) => b.port === target.port);
  if (apps.length !== 1) return generic;
  return uvicornCommand(apps[0]);
}

/** The command that starts a backend, run from the folder above its package. */
export function uvicornCommand(backend: Backend): string {
  const { module, dir } = backend.importPath;
  const cmd = `uvicorn ${module}:${backend.app} --port ${backend.port}`;
  return dir === "" ? cmd : `cd ${dir} && ${cmd}`;
}

/** The table as the CLI prints it and the IPC channel sends it. */
export function tableInfo(table: RouteTable): TableInfo {
  const routes = table.routes.map((r) => {
    const info: RouteInfo = { key: r.key, target: r.target.url, ws: r.ws, changeOrigin: r.changeOrigin, source: r.source };
    if (r.rewriteStrips !== undefined) info.rewrite = `strips ${r.rewriteStrips}`;
    return info;
  });
  const fallback: FallbackInfo = table.fallback.kind === "static" ? { kind: "static", target: table.fallback.dir } : { kind: "frontend", target: table.fallback.target.url };
  return { routes, fallback, notes: table.notes };
}

/** A route or the fallback that would send requests back to the proxy itself (`port` on loopback). */
export function loopsBack(table: RouteTable, port: number): string | undefined {
  const targets = table.routes.map((r) => [r.key, r.target] as const);
  if (table.fallback.kind === "frontend") targets.push(["(frontend)", table.fallback.target]);
  const hit = targets.find(([, t]) => t.port === port && isThisMachine(t.hostname));
  return hit && `${hit[0]} -> ${hit[1].url} is the proxy itself`;
}
