/**
 * Frontends: one per Vite config (Vite's lookup order when a folder has several) and one per
 * config-less folder with an `index.html` and sources beneath it; their proxy tables with
 * targets resolved; and the `.env*` values a build of each sees.
 */
import type { DockerfileFacts, EnvFacts, Expr, ViteConfigFacts } from "../core/facts";
import { compileKey } from "./match";
import { dirname, isEnvExample, isUnder, join } from "../core/paths";
import { UNKNOWN_ENV, type BuildMode, type JsResolver } from "./resolve";
import type { FileSet, Frontend, ProxyEntry, ProxyTable, WorkspaceInput } from "./topology";
import { isAbsolute } from "./urls";

/** Vite's lookup order when a folder holds several configs. */
const CONFIG_ORDER = ["js", "mjs", "ts", "cjs", "mts", "cts"];

/** The frontends, each whole: `resolver` reads the proxy targets (same-file consts, fallbacks). */
export function findFrontends(input: WorkspaceInput, resolver: JsResolver): Frontend[] {
  const byRoot = new Map<string, Frontend>();
  const files = fileSet(input.files);
  const envFiles = (root: string) => {
    const out = new Map<string, EnvFacts>();
    for (const [path, f] of input.facts) if (f.kind === "env" && dirname(path) === root) out.set(path, f);
    return out;
  };
  const dockerfiles = (root: string) => {
    const out = new Map<string, DockerfileFacts>();
    for (const [path, f] of input.facts) if (f.kind === "dockerfile" && f.buildsFrontend && builds(dirname(path), f, root)) out.set(path, f);
    return out;
  };
  const configs = [...input.facts.entries()].filter((e): e is [string, ViteConfigFacts] => e[1].kind === "vite");
  configs.sort((a, b) => CONFIG_ORDER.indexOf(a[0].split(".").pop()!) - CONFIG_ORDER.indexOf(b[0].split(".").pop()!));
  for (const [file, config] of configs) {
    const root = dirname(file);
    if (byRoot.has(root)) continue;
    byRoot.set(root, { root, configFile: file, config, port: config.port ?? 5173, proxy: proxyTable(file, config, resolver), envFiles: envFiles(root), dockerfiles: dockerfiles(root), files });
  }
  // Vite also runs with no config: a folder with index.html and JS/TS sources beneath it.
  for (const root of configlessRoots(input.files)) {
    if (!byRoot.has(root)) byRoot.set(root, { root, configFile: undefined, config: undefined, port: 5173, proxy: { kind: "known", entries: [] }, envFiles: envFiles(root), dockerfiles: dockerfiles(root), files });
  }
  return [...byRoot.values()].sort((a, b) => (a.root < b.root ? -1 : 1));
}

/** The file set as frontends ask it: membership, and the files under a folder (each folder listed once). */
function fileSet(files: ReadonlySet<string>): FileSet {
  const under = new Map<string, string[]>();
  return {
    has: (path) => files.has(path),
    under(dir) {
      let list = under.get(dir);
      if (!list) under.set(dir, (list = [...files].filter((f) => f.startsWith(dir + "/"))));
      return list;
    },
  };
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

function proxyTable(file: string, config: ViteConfigFacts, resolver: JsResolver): ProxyTable | undefined {
  if (!config.readable) return undefined;
  if (config.proxy === null) return { kind: "unknown" };
  const entries: ProxyEntry[] = (config.proxy ?? []).map((fact) => {
    const regex = compileKey(fact.key!);
    return {
      key: fact.key!,
      regex,
      invalid: fact.key!.startsWith("^") && !regex,
      target: fact.target ? proxyTarget(fact.target, file, resolver) : undefined,
      fact,
      file,
    };
  });
  return { kind: "known", entries };
}

/**
 * A target's value; `env.X ?? 'http://...'` resolves to its fallback, also inside a template
 * (`http://${host}` with `const host = process.env.X || 'localhost:5000'`).
 */
function proxyTarget(expr: Expr, file: string, resolver: JsResolver): string | undefined {
  const v = resolver.single(withFallbacks(expr), file, "dev");
  return v?.exact && isAbsolute(v.text) ? v.text : undefined;
}

function withFallbacks(expr: Expr): Expr {
  if (expr.kind === "fallback") return withFallbacks(expr.right);
  if (expr.kind === "concat") return { ...expr, parts: expr.parts.map(withFallbacks) };
  return expr;
}

/** The frontend a file belongs to: the nearest root above it. */
export function frontendOf(frontends: readonly Frontend[], file: string): Frontend | undefined {
  let best: Frontend | undefined;
  for (const fe of frontends) if (isUnder(file, fe.root) && (!best || fe.root.length > best.root.length)) best = fe;
  return best;
}

/**
 * The `import.meta.env` a `mode` build of a frontend sees, from its `.env*` files (later files
 * win). In dev, a variable only an example file names is `UNKNOWN_ENV`: the developer sets it.
 */
export function envOf(input: WorkspaceInput, frontend: Frontend | undefined, mode: BuildMode): Record<string, string> {
  const vars: Record<string, string> = {};
  // only variables with the config's `envPrefix` (default `VITE_`) reach `import.meta.env`
  const prefixes = frontend?.config?.envPrefix ?? ["VITE_"];
  const exposed = (k: string) => prefixes.some((p) => k.startsWith(p));
  if (mode === "dev") {
    const root = frontend?.root ?? "";
    for (const [path, facts] of input.facts) {
      if (facts.kind !== "env" || dirname(path) !== root || !isEnvExample(path)) continue;
      for (const k of Object.keys(facts.vars)) if (exposed(k)) vars[k] = UNKNOWN_ENV;
    }
  }
  if (mode === "prod") {
    for (const [k, v] of prodEnv(frontend)) if (exposed(k)) vars[k] = v.value ?? UNKNOWN_ENV;
    return vars;
  }
  for (const name of [".env", ".env.local", ".env.development", ".env.development.local"]) {
    const facts = input.facts.get(join(frontend?.root ?? "", name));
    if (facts?.kind === "env") for (const [k, v] of Object.entries((facts as EnvFacts).vars)) if (exposed(k)) vars[k] = v.value;
  }
  return vars;
}

/** Where a production build's variable is set: the file, the line, and its value (undefined: an `ARG` with no default). */
export interface EnvSource {
  file: string;
  line: number;
  end: number;
  value: string | undefined;
}

/**
 * The values a production build of a frontend sees, as Vite's `loadEnv` reads them (`.env`,
 * `.env.local`, `.env.production`, `.env.production.local`, a later file winning), with the
 * `ENV`/`ARG` lines of a Dockerfile that builds it winning over the files.
 */
export function prodEnv(frontend: Frontend | undefined): Map<string, EnvSource> {
  const out = new Map<string, EnvSource>();
  if (!frontend) return out;
  for (const name of [".env", ".env.local", ".env.production", ".env.production.local"]) {
    const file = join(frontend.root, name);
    const facts = frontend.envFiles.get(file);
    if (facts) for (const [k, v] of Object.entries(facts.vars)) out.set(k, { file, line: v.line, end: v.end, value: v.value });
  }
  for (const [file, facts] of frontend.dockerfiles) for (const v of facts.env) out.set(v.name, { file, line: v.line, end: v.end, value: v.value });
  return out;
}

/** Whether a Dockerfile in `dir` builds the frontend at `root`: it sits there, or above it and copies it in. */
function builds(dir: string, facts: DockerfileFacts, root: string): boolean {
  if (dir === root) return true;
  if (!isUnder(root, dir)) return false;
  const rel = root.slice(dir === "" ? 0 : dir.length + 1);
  return facts.copies.some((c) => c.replace(/^\.\//, "").replace(/\/+$/, "") === rel);
}

export function portOfUrl(url: string): number {
  const m = /^([a-z]+):\/\/(?:\[[^\]]*\]|[^/:?#]*)(?::(\d+))?/i.exec(url);
  if (!m) return NaN;
  if (m[2]) return Number(m[2]);
  return /^(https|wss)$/i.test(m[1]) ? 443 : 80;
}

