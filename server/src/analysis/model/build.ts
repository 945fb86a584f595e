/**
 * Joins per-file facts into the `Topology`: frontends (Vite configs and config-less folders),
 * browser-code call sites with their URLs resolved, backends with routes across routers and
 * modules, and the frontend-backend pairing. No I/O: the input holds everything.
 */
import type { EnvFacts, JsFacts, PortsFacts, PyExpr, PyFacts, ViteConfigFacts } from "./facts";
import { dirname, isUnder, join, resolvePyModule } from "./paths";
import { aliasLookup } from "./aliases";
import { compileKey } from "./match";
import { JsResolver, type BuildMode } from "./resolve";
import type { Backend, ClientCall, Frontend, ProxyEntry, ProxyTable, Route, Topology, UrlUse, UrlValue, WorkspaceInput } from "./topology";
import { firstSegment, isAbsolute, joinBase } from "./urls";

/** Vite's lookup order when a folder holds several configs. */
const CONFIG_ORDER = ["js", "mjs", "ts", "cjs", "mts", "cts"];

const TEST_OR_TOOLING = [
  /(^|\/)[^/]+\.config\.[^/]+$/, // vite/vitest/playwright/... configs; an app's src/config.ts is not one
  /\.(test|spec|stories|story|cy)\.[^/]+$/,
  /(^|\/)(__tests__|__mocks__|mocks|tests?|e2e|cypress|playwright|scripts|\.storybook|fixtures)\//,
  /(^|\/)(setupTests|setup-tests|vitest\.setup|jest\.setup|test-utils)\.[^/]+$/,
];

/** Whether a JS/TS file is browser code (not a test, mock, story, tool config or Node script). */
export function isBrowserPath(path: string): boolean {
  return !TEST_OR_TOOLING.some((re) => re.test(path));
}

/** Python files whose apps are not backends: tests and their fixtures. */
export function isPythonTest(path: string): boolean {
  return /(^|\/)(tests?|testing)\//.test(path) || /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/.test(path);
}

export function buildTopology(input: WorkspaceInput): Topology {
  const jsFacts = (file: string) => {
    const f = input.facts.get(file);
    return f?.kind === "js" ? f : undefined;
  };
  const pyFacts = (file: string) => {
    const f = input.facts.get(file);
    return f?.kind === "python" ? f : undefined;
  };
  const frontends = findFrontends(input);
  const frontendOf = (file: string): Frontend | undefined => {
    let best: Frontend | undefined;
    for (const fe of frontends) if (isUnder(file, fe.root) && (!best || fe.root.length > best.root.length)) best = fe;
    return best;
  };
  const envCache = new Map<string, Record<string, string>>();
  const env = (file: string, mode: BuildMode) => {
    const fe = frontendOf(file);
    const key = `${fe?.root ?? "\u0000"}:${mode}`;
    let vars = envCache.get(key);
    if (!vars) {
      vars = {};
      const names = mode === "dev" ? [".env", ".env.local", ".env.development", ".env.development.local"] : [".env", ".env.production"];
      for (const name of names) {
        const facts = input.facts.get(join(fe?.root ?? "", name));
        if (facts?.kind === "env") for (const [k, v] of Object.entries((facts as EnvFacts).vars)) vars[k] = v.value;
      }
      envCache.set(key, vars);
    }
    return vars;
  };
  const aliases = aliasLookup(input.facts);
  const resolver = new JsResolver({ files: input.files, js: jsFacts, aliases, env });

  for (const fe of frontends) fe.proxy = proxyTable(fe, resolver);

  // Client call sites in browser code.
  const calls: ClientCall[] = [];
  const urlUses: UrlUse[] = [];
  const instanceUses = new Map<string, UrlUse>();
  const defaultsBase = new Map<Frontend, UrlValue | undefined | null>();
  const browserFiles: [string, JsFacts, Frontend][] = [];
  for (const [file, facts] of input.facts) {
    if (facts.kind !== "js" || facts.nodeOrTooling || !isBrowserPath(file)) continue;
    const fe = frontendOf(file);
    if (fe) browserFiles.push([file, facts, fe]);
  }
  browserFiles.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [file, facts, fe] of browserFiles) {
    for (const d of facts.defaults) {
      if (d.target !== "axios") {
        if (facts.instances.some((i) => i.name === d.target)) urlUses.push({ file, frontend: fe, range: d.range, kind: "defaults", values: resolver.values(d.value, file, "prod"), calls: [] });
        continue;
      }
      const value = resolver.single(d.value, file, "dev");
      const prev = defaultsBase.get(fe);
      defaultsBase.set(fe, prev === undefined ? value ?? null : prev && value && prev.text === value.text ? prev : null);
      urlUses.push({ file, frontend: fe, range: d.range, kind: "defaults", values: resolver.values(d.value, file, "prod"), calls: [] });
    }
    for (const inst of facts.instances) {
      if (!inst.baseURL) continue;
      const use: UrlUse = { file, frontend: fe, range: inst.baseURLRange, kind: "baseURL", values: resolver.values(inst.baseURL, file, "prod"), calls: [] };
      urlUses.push(use);
      instanceUses.set(`${file}\u0000${inst.range.start.line}:${inst.range.start.character}`, use);
    }
  }
  for (const [file, facts, fe] of browserFiles) {
    for (const fact of facts.calls) {
      let instance: ClientCall["instance"];
      let base: UrlValue | undefined;
      let basePath: string | undefined;
      if (fact.callee.kind === "instance") {
        instance = resolver.instance(file, fact.callee.name);
        if (!instance) continue;
        const baseExpr = instance.fact.baseURL ?? instanceDefaults(jsFacts(instance.file), instance.fact.name);
        if (baseExpr) {
          base = resolver.single(baseExpr, instance.file, "dev") ?? { text: "", exact: false };
          if (base.exact && !base.sameOrigin && base.text.startsWith("/") && firstSegment(base.text)) basePath = base.text.replace(/\/+$/, "");
        }
      } else if (fact.callee.kind === "axios") {
        const d = defaultsBase.get(fe);
        base = d === null ? { text: "", exact: false } : d;
      }
      const url = fact.url ? resolver.single(fact.url, file, "dev") : undefined;
      const devUrl = url ? (fact.callee.kind === "fetch" || fact.callee.kind === "websocket" || fact.callee.kind === "eventsource" ? url : joinBase(base, url)) : undefined;
      if (basePath && (!url || isAbsolute(url.text))) basePath = undefined;
      const call: ClientCall = { file, frontend: fe, fact, instance, devUrl: devUrl && (devUrl.exact || devUrl.text) ? devUrl : undefined, basePath };
      calls.push(call);
      if (fact.url) urlUses.push({ file, frontend: fe, range: fact.urlRange, kind: "call", values: resolver.values(fact.url, file, "prod"), calls: [call] });
      if (instance) instanceUses.get(`${instance.file}\u0000${instance.fact.range.start.line}:${instance.fact.range.start.character}`)?.calls.push(call);
    }
  }

  // Backends.
  const backends: Backend[] = [];
  const cors: Topology["cors"] = [];
  const portOf = portFinder(input);
  for (const [file, facts] of input.facts) {
    if (facts.kind !== "python" || isPythonTest(file)) continue;
    for (const c of facts.cors) cors.push({ file, fact: c, facts });
    for (const app of facts.apps) {
      const { routes, known } = collectRoutes(file, app.name, input, pyFacts);
      backends.push({
        file,
        app: app.name,
        range: app.range,
        cors: facts.cors.filter((c) => c.app === app.name),
        routes,
        routesKnown: known && strOf(app.rootPath) !== undefined,
        port: facts.uvicornPort ?? portOf(file, app.name) ?? 8000,
        facts,
      });
    }
  }
  backends.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.line - b.range.start.line));
  cors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.fact.range.start.line - b.fact.range.start.line));

  const pairing = new Map<Frontend, Backend>();
  for (const fe of frontends) {
    const ports = new Set<number>();
    if (fe.proxy?.kind === "known") for (const e of fe.proxy.entries) if (e.target) ports.add(portOfUrl(e.target));
    const candidates = backends.filter((b) => ports.has(b.port));
    const uniqueApps = new Set(candidates.map((b) => `${b.file}:${b.app}`));
    if (uniqueApps.size === 1) pairing.set(fe, candidates[0]);
    else if (uniqueApps.size === 0 && backends.length === 1) pairing.set(fe, backends[0]);
  }

  return {
    frontends,
    calls,
    urlUses,
    backends,
    cors,
    pairing,
    facts: input.facts,
    files: input.files,
    js: jsFacts,
  };
}

/** `api.defaults.baseURL = ...` set on a named instance in its own module. */
function instanceDefaults(facts: JsFacts | undefined, name: string | undefined): import("./facts").Expr | undefined {
  if (!facts || !name) return undefined;
  const set = facts.defaults.filter((d) => d.target === name);
  return set.length === 1 ? set[0].value : set.length > 1 ? { kind: "unknown", range: set[0].range } : undefined;
}

function findFrontends(input: WorkspaceInput): Frontend[] {
  const byRoot = new Map<string, Frontend>();
  const configs = [...input.facts.entries()].filter((e): e is [string, ViteConfigFacts] => e[1].kind === "vite");
  configs.sort((a, b) => CONFIG_ORDER.indexOf(a[0].split(".").pop()!) - CONFIG_ORDER.indexOf(b[0].split(".").pop()!));
  for (const [file, config] of configs) {
    const root = dirname(file);
    if (byRoot.has(root)) continue;
    byRoot.set(root, { root, configFile: file, config, port: config.port ?? 5173, proxy: undefined });
  }
  // Vite also runs with no config: a folder with index.html and JS/TS sources beneath it.
  for (const root of configlessRoots(input.files)) {
    if (!byRoot.has(root)) byRoot.set(root, { root, configFile: undefined, config: undefined, port: 5173, proxy: { kind: "known", entries: [] } });
  }
  return [...byRoot.values()].sort((a, b) => (a.root < b.root ? -1 : 1));
}

const configlessCache = new WeakMap<ReadonlySet<string>, string[]>();

/** Folders holding an `index.html` with JS/TS sources beneath (cached per file set: it walks every path). */
function configlessRoots(files: ReadonlySet<string>): string[] {
  let roots = configlessCache.get(files);
  if (roots) return roots;
  const sourceDirs = new Set<string>();
  for (const f of files) {
    if (!/\.(m?[jt]sx?)$/.test(f)) continue;
    for (let d = dirname(f); ; d = dirname(d)) {
      if (sourceDirs.has(d)) break;
      sourceDirs.add(d);
      if (d === "") break;
    }
  }
  roots = [];
  for (const f of files) {
    if (f !== "index.html" && !f.endsWith("/index.html")) continue;
    const root = dirname(f);
    if (!/(^|\/)public$/.test(root) && sourceDirs.has(root)) roots.push(root);
  }
  configlessCache.set(files, roots);
  return roots;
}

function proxyTable(fe: Frontend, resolver: JsResolver): ProxyTable | undefined {
  if (!fe.config) return fe.proxy;
  if (!fe.config.readable || fe.config.proxy === null) return fe.config.readable ? { kind: "unknown" } : undefined;
  const entries: ProxyEntry[] = (fe.config.proxy ?? []).map((fact) => {
    const regex = compileKey(fact.key!);
    return {
      key: fact.key!,
      regex,
      invalid: fact.key!.startsWith("^") && !regex,
      target: fact.target ? proxyTarget(fact.target, fe.configFile!, resolver) : undefined,
      fact,
      file: fe.configFile!,
    };
  });
  return { kind: "known", entries };
}

/** A target's value; `env.X ?? 'http://...'` resolves to its fallback. */
function proxyTarget(expr: import("./facts").Expr, file: string, resolver: JsResolver): string | undefined {
  if (expr.kind === "fallback") return proxyTarget(expr.right, file, resolver);
  const v = resolver.single(expr, file, "dev");
  return v?.exact && isAbsolute(v.text) ? v.text : undefined;
}

export function portOfUrl(url: string): number {
  const m = /^([a-z]+):\/\/(?:\[[^\]]*\]|[^/:?#]*)(?::(\d+))?/i.exec(url);
  if (!m) return NaN;
  if (m[2]) return Number(m[2]);
  return /^(https|wss)$/i.test(m[1]) ? 443 : 80;
}

function strOf(expr: PyExpr | undefined): string | undefined {
  if (!expr) return "";
  return expr.kind === "str" ? expr.value : undefined;
}

/** The app's routes with full paths, following `include_router` across modules. */
function collectRoutes(file: string, app: string, input: WorkspaceInput, py: (f: string) => PyFacts | undefined): { routes: Route[]; known: boolean } {
  const routes: Route[] = [];
  let known = true;
  const seen = new Set<string>();
  const visit = (f: string, owner: string, prefix: string | undefined, depth: number) => {
    const key = `${f}:${owner}:${prefix}`;
    const facts = py(f);
    if (!facts || seen.has(key) || depth > 12) return;
    seen.add(key);
    const router = facts.routers.find((r) => r.name === owner);
    let own = prefix;
    if (router?.prefix) {
      const p = strOf(router.prefix);
      own = own === undefined || p === undefined ? undefined : own + p;
    }
    if (facts.mounts.some((m) => m.owner === owner)) known = false;
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
  return { routes, known };
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
    const modPath = imp.name ? `${imp.module}${imp.module.endsWith(".") ? "" : "."}${imp.name}` : imp.module;
    const mod = resolvePyModule(file, modPath, input.files);
    return mod ? findRouter(mod, { kind: "name", name: expr.name, range: expr.range }, input, py, depth + 1) : undefined;
  }
  return undefined;
}

/** The port a command (`uvicorn pkg.main:app --port N` in a Dockerfile, compose file, ...) gives an app. */
function portFinder(input: WorkspaceInput): (file: string, app: string) => number | undefined {
  const commands: { app: string | undefined; port: number; from: string }[] = [];
  for (const [file, facts] of input.facts) if (facts.kind === "ports") for (const c of (facts as PortsFacts).commands) commands.push({ ...c, from: file });
  return (file, app) => {
    const module = file.replace(/\.py$/, "").replace(/\/__init__$/, "").split("/");
    for (const c of commands) {
      // a command names modules from its own folder (or below it, for a build context)
      if (!c.app || !isUnder(file, dirname(c.from))) continue;
      const [mod, attr] = c.app.split(":");
      if ((attr ?? "app") !== app) continue;
      const parts = mod.split(".");
      if (parts.length <= module.length && parts.every((p, i) => module[module.length - parts.length + i] === p)) return c.port;
    }
    return undefined;
  };
}
