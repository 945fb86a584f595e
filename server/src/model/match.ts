/**
 * The one matcher: which proxy entry a path takes (Vite's semantics: plain keys by prefix, `^`
 * keys as regular expressions, first match in object order), which routes serve a path, and
 * which paths Vite serves itself. Rules and the dev proxy both use it.
 */
import type { Backend, Frontend, ProxyEntry, ProxyTable, Route, UrlValue } from "./topology";
import { join } from "../core/paths";

/** What the proxy does with a path: an entry, `none` (no key matches), or `unknown`. */
export type ProxyMatch = { kind: "entry"; entry: ProxyEntry } | { kind: "none" } | { kind: "unknown" };

/** Holes in a partly known path are tried with these, so a regex key that could match does. */
const HOLE_SAMPLES = ["", "x", "1", "x/y", "-", "x.json"];

/** The proxy entry of a table (undefined: the config cannot be read) that takes a root-relative path (possibly only partly known). */
export function proxyFor(table: ProxyTable | undefined, path: UrlValue): ProxyMatch {
  if (!table || table.kind === "unknown") return { kind: "unknown" };
  for (const entry of table.entries) {
    const m = entryMatches(entry, path);
    if (m === "yes") return { kind: "entry", entry };
    if (m === "maybe") return { kind: "unknown" };
  }
  return { kind: "none" };
}

function entryMatches(entry: ProxyEntry, path: UrlValue): "yes" | "no" | "maybe" {
  if (entry.key.startsWith("^")) {
    if (!entry.regex) return "maybe";
    if (path.exact) return entry.regex.test(path.text) ? "yes" : "no";
    const hits = HOLE_SAMPLES.filter((s) => entry.regex!.test(path.text + s)).length;
    return hits === HOLE_SAMPLES.length ? "yes" : hits > 0 ? "maybe" : "no";
  }
  if (path.text.startsWith(entry.key)) return "yes";
  if (!path.exact && entry.key.startsWith(path.text)) return "maybe";
  return "no";
}

/** Compiles a `^` proxy key the way Vite does (`new RegExp(key)`). */
export function compileKey(key: string): RegExp | undefined {
  if (!key.startsWith("^")) return undefined;
  try {
    return new RegExp(key);
  } catch {
    return undefined;
  }
}

/** Whether Vite's dev server itself answers a root-relative path (public files, sources, its own endpoints). */
export function servedByVite(frontend: Frontend, path: UrlValue): boolean | "maybe" {
  const text = path.text.split(/[?#]/)[0];
  if (/^\/(src|@vite|@fs|@id|@react-refresh|node_modules)(\/|$)/.test(text)) return true;
  if (frontend.config?.mockPlugin || frontend.config?.appRoutes) return "maybe";
  if (frontend.config?.middlewarePaths.some((p) => text.startsWith(p) || (!path.exact && p.startsWith(text)))) return "maybe";
  if (text === "/" || text === "/index.html") return path.exact ? true : "maybe";
  const rel = decodeSafe(text.slice(1));
  const publicPath = join(frontend.root, "public", rel);
  const rootPath = join(frontend.root, rel);
  if (path.exact) return frontend.files.has(publicPath) || frontend.files.has(rootPath);
  // A partly known path may still name a public file: silent when any public file could match.
  const prefix = join(frontend.root, "public") + "/" + rel;
  return frontend.files.under(join(frontend.root, "public")).some((f) => f.startsWith(prefix)) ? "maybe" : false;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Routes of a backend that serve a path (`{param}` segments match one segment, `{p:path}` the rest), in registration order. */
export function routesFor(backend: Backend, path: string, method?: string): Route[] {
  const clean = path.split(/[?#]/)[0];
  return candidates(backend, clean).filter((r) => routePattern(r.path!).test(clean) && allows(r, method));
}

/**
 * Per backend (immutable), its routes by their first two path segments when both are literal;
 * the others (shorter paths, a parameter among the first two) are tried for every path.
 */
const indexes = new WeakMap<Backend, { byPrefix: Map<string, Route[]>; loose: Route[]; order: Map<Route, number> }>();

/** The routes that could serve a path, in registration order. */
function candidates(backend: Backend, path: string): Route[] {
  let index = indexes.get(backend);
  if (!index) {
    index = { byPrefix: new Map(), loose: [], order: new Map(backend.routes.map((r, i) => [r, i])) };
    for (const r of backend.routes) {
      if (r.path === undefined) continue;
      const key = prefixOf(r.path);
      if (key === undefined) index.loose.push(r);
      else {
        const list = index.byPrefix.get(key);
        if (list) list.push(r);
        else index.byPrefix.set(key, [r]);
      }
    }
    indexes.set(backend, index);
  }
  const own = index.byPrefix.get(prefixOf(path) ?? "\u0000") ?? [];
  if (!index.loose.length) return own;
  if (!own.length) return index.loose;
  const order = index.order;
  return [...own, ...index.loose].sort((x, y) => order.get(x)! - order.get(y)!);
}

/** `/api/users/1` -> `api/users`; undefined for a one-segment path or a parameter among the first two segments. */
function prefixOf(path: string): string | undefined {
  const [, first, second] = path.split("/", 3);
  if (second === undefined || first.includes("{") || second.includes("{")) return undefined;
  return `${first}/${second}`;
}

/**
 * What a backend does with a request path (possibly only partly known) and method, as far as its
 * route table tells: the routes that serve it (first in registration order first); `none`, with
 * the routes the other methods or the trailing-slash twin would reach; or `unknown` (the table is
 * partial there: a mount, an unread prefix, an unread `root_path`, holes that no route rules out).
 */
export type RouteMatch =
  | { kind: "routes"; routes: Route[] }
  | { kind: "none"; otherMethods: Route[]; slashTwin: Route[] }
  | { kind: "unknown" };

export function matchRoutes(backend: Backend, path: UrlValue, method?: string): RouteMatch {
  let memo = matches.get(backend);
  if (!memo) matches.set(backend, (memo = new Map()));
  const key = `${path.exact ? "=" : "~"}${method ?? ""} ${path.text}`;
  let found = memo.get(key);
  if (!found) memo.set(key, (found = match(backend, path, method)));
  return found;
}

/** Answers per backend object (immutable, replaced when a Python file changes) and query. */
const matches = new WeakMap<Backend, Map<string, RouteMatch>>();

function match(backend: Backend, path: UrlValue, method: string | undefined): RouteMatch {
  if (!backend.routesKnown || backend.mounts === undefined || backend.rootPath === undefined) return { kind: "unknown" };
  const text = path.text.split(/[?#]/)[0];
  if (!text.startsWith("/")) return { kind: "unknown" };
  // with a root_path, both the path as sent and the path without it may reach a route (facts.md 17)
  const root = backend.rootPath.replace(/\/$/, "");
  const forms = root && (text === root || text.startsWith(root + "/")) ? [text, text.slice(root.length) || "/"] : [text];
  if (forms.some((f) => backend.mounts!.some((m) => underPrefix(f, m) || (!path.exact && underPrefix(m, f))))) return { kind: "unknown" };
  if (!path.exact) return forms.some((f) => backend.routes.some((r) => couldServe(r, f) && allows(r, method))) ? { kind: "unknown" } : none(backend, forms, method, false);
  const routes = forms.flatMap((f) => routesFor(backend, f, method));
  return routes.length ? { kind: "routes", routes } : none(backend, forms, method, true);
}

function none(backend: Backend, forms: string[], method: string | undefined, exact: boolean): RouteMatch {
  const otherMethods = exact ? forms.flatMap((f) => routesFor(backend, f)) : [];
  const twin = (f: string) => (f.endsWith("/") && f.length > 1 ? f.slice(0, -1) : f + "/");
  const slashTwin = exact ? forms.flatMap((f) => routesFor(backend, twin(f), method)) : [];
  return { kind: "none", otherMethods, slashTwin };
}

/** Whether a mount at `prefix` serves `path` (Starlette's Mount: the prefix, then `/` or the end). */
function underPrefix(path: string, prefix: string): boolean {
  const p = prefix.replace(/\/$/, "");
  return p === "" || path === p || path.startsWith(p + "/");
}

/** Whether a route could serve some path that starts with the known text `prefix`. */
function couldServe(route: Route, prefix: string): boolean {
  if (route.path === undefined) return true;
  const literal = route.path.split("{")[0];
  if (literal.startsWith(prefix)) return true;
  if (!prefix.startsWith(literal)) return false;
  return HOLE_SAMPLES.some((s) => routePattern(route.path!).test(prefix + s)) || route.path.includes("{");
}

function allows(route: Route, method: string | undefined): boolean {
  if (!method) return true;
  if (method === "WS") return route.methods.includes("WS");
  if (route.methods.includes("WS")) return false;
  return route.methods.includes(method) || (method === "HEAD" && route.methods.includes("GET"));
}

const patterns = new Map<string, RegExp>();

function routePattern(route: string): RegExp {
  let re = patterns.get(route);
  if (!re) {
    const body = route
      .split(/(\{[^}]+\})/)
      .map((part) => (/^\{[^}]+:path\}$/.test(part) ? ".*" : /^\{[^}]+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
      .join("");
    re = new RegExp(`^${body}$`);
    patterns.set(route, re);
  }
  return re;
}
