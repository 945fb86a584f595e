/**
 * Workspace paths (relative, `/`-separated) and module resolution for both languages: which file
 * an import names. Pure: it only asks the set of known files.
 */

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function join(...parts: string[]): string {
  const out: string[] = [];
  for (const part of parts.join("/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/** Whether `path` is `dir` or below it (`""` is the workspace root). */
export function isUnder(path: string, dir: string): boolean {
  return dir === "" || path === dir || path.startsWith(dir + "/");
}

const JS_EXTENSIONS = [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];

/**
 * The file a JS/TS import specifier names: relative specifiers, and aliases such as
 * `@/x` -> `<root>/src/x` from the frontend's Vite config. Packages resolve to undefined.
 */
export function resolveJsModule(from: string, spec: string, files: ReadonlySet<string>, aliases: Readonly<Record<string, string>> = EMPTY): string | undefined {
  if (!spec.startsWith(".") && !Object.keys(aliases).some((a) => spec === a || spec.startsWith(a + "/"))) return undefined;
  // Memoised per file set: the same import is resolved for every value read through it.
  let memo = jsMemo.get(files);
  if (!memo) jsMemo.set(files, (memo = new Map()));
  const key = `${dirname(from)}\u0000${spec}\u0000${aliases === EMPTY ? "" : JSON.stringify(aliases)}`;
  if (memo.has(key)) return memo.get(key);
  const found = resolveJsUncached(from, spec, files, aliases);
  memo.set(key, found);
  return found;
}

const EMPTY: Readonly<Record<string, string>> = {};
const jsMemo = new WeakMap<ReadonlySet<string>, Map<string, string | undefined>>();
const pyMemo = new WeakMap<ReadonlySet<string>, Map<string, string | undefined>>();

function resolveJsUncached(from: string, spec: string, files: ReadonlySet<string>, aliases: Readonly<Record<string, string>>): string | undefined {
  let base: string | undefined;
  if (spec.startsWith("./") || spec.startsWith("../") || spec === "." || spec === "..") base = join(dirname(from), spec);
  else {
    for (const [alias, target] of Object.entries(aliases)) {
      if (spec === alias || spec.startsWith(alias + "/")) {
        base = join(target, spec.slice(alias.length));
        break;
      }
    }
  }
  if (base === undefined) return undefined;
  const stem = base.replace(/\.(js|jsx|mjs|cjs)$/, "");
  const candidates = [base, ...JS_EXTENSIONS.map((e) => stem + e), ...JS_EXTENSIONS.map((e) => `${base}/index${e}`)];
  return candidates.find((c) => files.has(c));
}

/**
 * What `from module import name` names: a submodule (`from app.routers import posts`: the whole
 * of `app/routers/posts.py`), or `name` inside the module's own file.
 */
export function resolvePyImport(from: string, module: string, name: string, files: ReadonlySet<string>): { file: string; name?: string } | undefined {
  const sub = resolvePyModule(from, `${module}${module.endsWith(".") ? "" : "."}${name}`, files);
  if (sub) return { file: sub };
  const mod = resolvePyModule(from, module, files);
  return mod ? { file: mod, name } : undefined;
}

/**
 * The file a Python import names. Relative imports count dots from the importing file's package;
 * absolute ones are looked for from the importing file's folder upwards (the nearest wins), as
 * the usual source roots are.
 */
export function resolvePyModule(from: string, module: string, files: ReadonlySet<string>): string | undefined {
  let memo = pyMemo.get(files);
  if (!memo) pyMemo.set(files, (memo = new Map()));
  const key = `${dirname(from)}\u0000${module}`;
  if (memo.has(key)) return memo.get(key);
  const found = resolvePyUncached(from, module, files);
  memo.set(key, found);
  return found;
}

function resolvePyUncached(from: string, module: string, files: ReadonlySet<string>): string | undefined {
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots).split(".").filter(Boolean).join("/");
  const tryAt = (dir: string) => {
    const base = join(dir, rest);
    if (rest && files.has(base + ".py")) return base + ".py";
    if (files.has(join(base, "__init__.py"))) return join(base, "__init__.py");
    return undefined;
  };
  if (dots > 0) {
    let dir = dirname(from);
    for (let i = 1; i < dots; i++) dir = dirname(dir);
    return tryAt(dir);
  }
  let dir = dirname(from);
  for (;;) {
    const found = tryAt(dir);
    if (found) return found;
    if (dir === "") return undefined;
    dir = dirname(dir);
  }
}

/** `.env.example` and the like: not loaded by Vite, but they name the variables a developer sets. */
export function isEnvExample(path: string): boolean {
  return /(^|\/)\.env(\.[\w.-]+)?\.(example|sample|template|dist)$/.test(path);
}
