/**
 * Backends: every FastAPI/Starlette app outside tests, its routes with full paths (following
 * `include_router` across modules), its CORS attachments and the port it is served on.
 */
import type { AppFact, CorsFact, PyExpr, PyFacts, RouteFact } from "../core/facts";
import { basename, dirname, isUnder, resolvePyImport, resolvePyModule } from "../core/paths";
import { PyResolver, type PyValue } from "./py-values";
import type { Location } from "../core/range";
import type { Backend, CorsSetting, Route, WorkspaceInput } from "./topology";

/** Python files whose apps are not backends: tests and their fixtures. */
export function isPythonTest(path: string): boolean {
  return /(^|\/)(tests?|testing)\//.test(path) || /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/.test(path);
}

export function findBackends(input: WorkspaceInput): { backends: Backend[]; cors: CorsSetting[] } {
  const py = (file: string) => {
    const f = input.facts.get(file);
    return f?.kind === "python" ? f : undefined;
  };
  const backends: Backend[] = [];
  const cors: CorsSetting[] = [];
  const portOf = portFinder(input);
  const resolver = new PyResolver({ files: input.files, py });
  for (const [file, facts] of input.facts) {
    if (facts.kind !== "python" || isPythonTest(file)) continue;
    for (const c of facts.cors) cors.push(corsSetting(file, c, facts, resolver));
    for (const app of facts.apps) {
      const { routes, known, mounts } = collectRoutes(file, app.name, input, py);
      const port = facts.uvicornPort !== undefined ? { port: facts.uvicornPort, at: facts.uvicornPortRange && { file, range: facts.uvicornPortRange }, source: "uvicorn.run" as const } : portOf(file, app.name);
      backends.push({
        file,
        app: app.name,
        range: app.range,
        cors: facts.cors.filter((c) => c.app === app.name),
        routes: [...routes, ...docsRoutes(file, app)],
        routesKnown: known,
        mounts,
        rootPath: strOf(app.rootPath),
        redirectSlashes: boolOf(app.redirectSlashes),
        port: port?.port ?? 8000,
        portAt: port?.at,
        portSource: port?.source,
        importPath: importPath(file, input.files),
      });
    }
  }
  backends.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.line - b.range.start.line));
  cors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.fact.range.start.line - b.fact.range.start.line));
  return { backends, cors };
}

/** A CORS attachment with every argument resolved, and where an `import` would go in its file. */
function corsSetting(file: string, fact: CorsFact, facts: PyFacts, resolver: PyResolver): CorsSetting {
  const values: Record<string, PyValue> = {};
  for (const [name, arg] of Object.entries(fact.args)) values[name] = resolver.value(arg.value, file);
  const modules = facts.imports.filter((i) => i.name === undefined && i.local === i.module).map((i) => i.module);
  return { file, fact, values, imports: { line: facts.importAt, modules } };
}

/** The module uvicorn imports the app from (`pkg.main`), counted from the folder above its package. */
function importPath(file: string, files: ReadonlySet<string>): { module: string; dir: string } {
  let dir = dirname(file);
  let module = basename(file).replace(/\.py$/, "");
  if (module === "__init__") {
    module = basename(dir);
    dir = dirname(dir);
  }
  while (dir !== "" && files.has(`${dir}/__init__.py`)) {
    module = `${basename(dir)}.${module}`;
    dir = dirname(dir);
  }
  return { module, dir };
}

/** FastAPI's documentation routes, unless the app turns them off (`docs_url=None`, ...). */
function docsRoutes(file: string, app: AppFact): Route[] {
  if (app.framework !== "FastAPI") return [];
  const url = (k: keyof AppFact["docs"], fallback: string) => {
    const v = app.docs[k];
    return v === undefined ? fallback : v.kind === "str" ? v.value : v.kind === "none" ? null : undefined;
  };
  const openapi = url("openapi_url", "/openapi.json");
  const paths = [openapi, openapi === null ? null : url("docs_url", "/docs"), openapi === null ? null : url("redoc_url", "/redoc")];
  if (openapi !== null && paths[1]) paths.push(`${paths[1]}/oauth2-redirect`);
  // an unreadable docs setting: its route may be anywhere, so the table is not known there
  if (paths.some((p) => p === undefined)) return [];
  const fact: RouteFact = { owner: app.name, methods: ["GET"], path: { kind: "str", value: "", range: app.range }, range: app.range };
  return paths.filter((p): p is string => !!p).map((path) => ({ methods: ["GET", "HEAD"], path, fact, file, builtin: true as const }));
}

function boolOf(expr: PyExpr | undefined): boolean | undefined {
  if (!expr) return true;
  return expr.kind === "bool" ? expr.value : undefined;
}

function strOf(expr: PyExpr | undefined): string | undefined {
  if (!expr) return "";
  return expr.kind === "str" ? expr.value : undefined;
}

/** The app's routes with full paths, following `include_router` across modules. */
function collectRoutes(file: string, app: string, input: WorkspaceInput, py: (f: string) => PyFacts | undefined): { routes: Route[]; known: boolean; mounts: string[] | undefined } {
  const routes: Route[] = [];
  let known = true;
  let mounts: string[] | undefined = [];
  const seen = new Set<string>();
  const visit = (f: string, owner: string, prefix: string | undefined, depth: number) => {
    const key = `${f}:${owner}:${prefix}`;
    const facts = py(f);
    if (!facts || seen.has(key) || depth > 12) return;
    seen.add(key);
    // a file that does not parse (half-typed) may hold routes the tree lost: the table is not known
    if (facts.syntaxError) known = false;
    const router = facts.routers.find((r) => r.name === owner);
    let own = prefix;
    if (router?.prefix) {
      const p = strOf(router.prefix);
      own = own === undefined || p === undefined ? undefined : own + p;
    }
    for (const m of facts.mounts) {
      if (m.owner !== owner) continue;
      const p = strOf(m.path);
      if (own === undefined || p === undefined || !p) mounts = undefined;
      else mounts?.push(own + p);
    }
    for (const r of facts.routes) {
      if (r.owner !== owner) continue;
      const p = strOf(r.path);
      const path = own === undefined || p === undefined ? undefined : own + p;
      if (path === undefined) known = false;
      routes.push({ methods: r.methods, path, fact: r, file: f });
    }
    for (const inc of facts.includes) {
      if (inc.owner !== owner) continue;
      const target = findRouter(f, inc.router, input, py);
      const p = strOf(inc.prefix);
      if (!target) {
        known = false;
        continue;
      }
      visit(target.file, target.name, own === undefined || p === undefined ? undefined : own + p, depth + 1);
    }
  };
  visit(file, app, "", 0);
  if (routes.some((r) => r.path === undefined)) known = false;
  return { routes, known, mounts };
}

function findRouter(file: string, expr: PyExpr, input: WorkspaceInput, py: (f: string) => PyFacts | undefined, depth = 0): { file: string; name: string } | undefined {
  const facts = py(file);
  if (!facts || depth > 8) return undefined;
  if (expr.kind === "name") {
    if (facts.routers.some((r) => r.name === expr.name) || facts.routes.some((r) => r.owner === expr.name)) return { file, name: expr.name };
    const imp = facts.imports.find((i) => i.local === expr.name && i.name);
    if (!imp) return undefined;
    const mod = resolvePyModule(file, imp.module, input.files);
    return mod ? findRouter(mod, { kind: "name", name: imp.name!, range: expr.range }, input, py, depth + 1) : undefined;
  }
  if (expr.kind === "attr" && expr.object.kind === "name") {
    const moduleName = expr.object.name;
    const imp = facts.imports.find((i) => i.local === moduleName);
    if (!imp) return undefined;
    // `posts.router`: `posts` is a module (`import app.routers.posts as posts` or a submodule import)
    const found = imp.name ? resolvePyImport(file, imp.module, imp.name, input.files) : undefined;
    const module = imp.name ? (found && !found.name ? found.file : undefined) : resolvePyModule(file, imp.module, input.files);
    return module ? findRouter(module, { kind: "name", name: expr.name, range: expr.range }, input, py, depth + 1) : undefined;
  }
  return undefined;
}

/** The port a command (`uvicorn pkg.main:app --port N` in a Dockerfile, compose file, ...) gives an app. */
function portFinder(input: WorkspaceInput): (file: string, app: string) => { port: number; at: Location; source: Backend["portSource"] } | undefined {
  const commands: { app: string | undefined; port: number; hostSide: boolean; line: number; from: string; source: Backend["portSource"] }[] = [];
  for (const [file, facts] of input.facts) {
    if (facts.kind !== "ports" && facts.kind !== "dockerfile") continue;
    const source = facts.kind === "dockerfile" ? "dockerfile" : /(^|\/)(docker-)?compose[^/]*\.ya?ml$/.test(file) ? "compose" : "command";
    for (const c of facts.commands) commands.push({ ...c, from: file, source });
  }
  // the host side of a compose mapping is where a browser or proxy reaches the app
  commands.sort((a, b) => Number(b.hostSide) - Number(a.hostSide));
  return (file, app) => {
    const module = file.replace(/\.py$/, "").replace(/\/__init__$/, "").split("/");
    for (const c of commands) {
      // a command names modules from its own folder (or below it, for a build context)
      if (!c.app || !isUnder(file, dirname(c.from))) continue;
      const [mod, attr] = c.app.split(":");
      if ((attr ?? "app") !== app) continue;
      const parts = mod.split(".");
      if (parts.length <= module.length && parts.every((p, i) => module[module.length - parts.length + i] === p)) {
        return { port: c.port, at: { file: c.from, range: { start: { line: c.line, character: 0 }, end: { line: c.line, character: 0 } } }, source: c.source };
      }
    }
    return undefined;
  };
}
