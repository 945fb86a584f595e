/**
 * Resolves JS/TS values across modules: a `ref` to its `const` (also imported and re-exported),
 * members of constant objects, `import.meta.env.X` from the frontend's `.env*` files with their
 * `||`/`??` fallbacks, build-mode branches, templates and concatenation, `new URL(path, base)`.
 * The result is a list of the values a URL may take in one build mode; unknown stays unknown.
 */
import type { Expr, InstanceFact, JsFacts } from "../core/facts";
import type { LiteralRef, UrlValue } from "./topology";
import { resolveJsModule } from "../core/paths";
import { contains } from "../core/range";
import { UNKNOWN_URL, isAbsolute, splitUrl } from "./urls";

/** An env variable a developer is told to set (it is in `.env.example`): its value is not known. */
export const UNKNOWN_ENV = "\u0000unknown";

export type BuildMode = "dev" | "prod";

/** How the resolver reads the workspace. */
export interface ResolveContext {
  files: ReadonlySet<string>;
  js(file: string): JsFacts | undefined;
  aliases(file: string): Readonly<Record<string, string>>;
  /** The `import.meta.env` values a build of the file's frontend sees, by mode. */
  env(file: string, mode: BuildMode): Readonly<Record<string, string>>;
}

const MAX_VALUES = 16;
const MAX_DEPTH = 24;
const ORIGIN = "\u0000origin";
const HOST = "\u0000host";
const PROTOCOL = "\u0000proto:";

type Located = { expr: Expr; file: string };

export class JsResolver {
  private readonly visiting = new Set<string>();

  constructor(private readonly ctx: ResolveContext) {}

  /** A module's facts (read through the context, so a build can see what was read). */
  module(file: string): JsFacts | undefined {
    return this.ctx.js(file);
  }

  /** The values `expr` (written in `file`) may take in a `mode` build. */
  values(expr: Expr, file: string, mode: BuildMode): UrlValue[] {
    return this.read(expr, file, mode, 0).map(finish);
  }

  /** One value when every alternative agrees, else undefined. */
  single(expr: Expr, file: string, mode: BuildMode): UrlValue | undefined {
    const all = this.values(expr, file, mode);
    if (all.length === 0) return undefined;
    const [first] = all;
    if (!first.exact && first.text === "") return undefined;
    return all.every((v) => v.text === first.text && v.exact === first.exact && !!v.sameOrigin === !!first.sameOrigin) ? first : undefined;
  }

  /**
   * Where a name used in `file` is declared: the module and its local name there, following
   * imports, export specifiers and re-exports (`default` and CommonJS properties stay as named).
   */
  private origin(file: string, name: string, depth = 0): { file: string; name: string } | undefined {
    const facts = this.ctx.js(file);
    if (!facts || depth > MAX_DEPTH) return undefined;
    if (name in facts.consts || facts.instances.some((i) => i.name === name)) return { file, name };
    const imp = facts.imports.find((i) => i.local === name);
    if (!imp) return { file, name };
    if (imp.imported === "*") return undefined;
    const target = resolveJsModule(file, imp.source, this.ctx.files, this.ctx.aliases(file));
    return target ? this.exportOrigin(target, imp.imported, depth + 1) : undefined;
  }

  private exportOrigin(file: string, exported: string, depth: number): { file: string; name: string } | undefined {
    const facts = this.ctx.js(file);
    if (!facts || depth > MAX_DEPTH) return undefined;
    const exp = facts.exports.find((e) => e.exported === exported);
    if (exp?.local) return this.origin(file, exp.local, depth + 1);
    // not exported by name: only a default export or CommonJS `module.exports` can provide it
    if (!exp?.source) return exported === "default" || facts.commonjsExport ? { file, name: exported } : undefined;
    const target = resolveJsModule(file, exp.source, this.ctx.files, this.ctx.aliases(file));
    return target ? this.exportOrigin(target, exp.imported ?? exported, depth + 1) : undefined;
  }

  /** The value a name has in a module: its const, or what an import of it names. */
  binding(file: string, name: string): Located | undefined {
    const at = this.origin(file, name);
    const facts = at && this.ctx.js(at.file);
    if (!at || !facts) return undefined;
    const own = facts.consts[at.name];
    if (own) return { expr: own, file: at.file };
    if (at.name === "default") {
      const value = facts.defaultExport ?? facts.commonjsExport;
      return value && { expr: value, file: at.file };
    }
    const cjs = facts.commonjsExport?.kind === "object" ? facts.commonjsExport.props.find((x) => x.key === at.name) : undefined;
    return cjs && { expr: cjs.value, file: at.file };
  }

  /**
   * The axios instance a name denotes in `file`: created there or where it is imported from,
   * also through `const api = other` and `const api = createClient()` (a function returning one).
   */
  instance(file: string, name: string, depth = 0): { file: string; fact: InstanceFact } | undefined {
    const at = this.origin(file, name);
    const facts = at && this.ctx.js(at.file);
    if (!at || !facts || depth > MAX_DEPTH) return undefined;
    const own = facts.instances.find((i) => i.name === at.name);
    if (own) return { file: at.file, fact: own };
    const alias = facts.consts[at.name];
    if (alias?.kind === "ref") return this.instance(at.file, alias.name, depth + 1);
    if (alias?.kind !== "call") return undefined;
    const factory = this.origin(at.file, alias.callee);
    const made = factory && this.ctx.js(factory.file)?.instances.find((i) => i.factory === factory.name);
    return made && { file: factory!.file, fact: made };
  }

  private read(expr: Expr, file: string, mode: BuildMode, depth: number): UrlValue[] {
    if (depth > MAX_DEPTH) return [UNKNOWN_URL];
    const next = (e: Expr, f = file) => this.read(e, f, mode, depth + 1);
    switch (expr.kind) {
      case "string": {
        const head: LiteralRef = { file, range: expr.range, value: expr.value, template: false };
        if (this.ctx.js(file)?.devOnly.some((r) => contains(r, expr.range))) head.devOnly = true;
        return [{ text: expr.value, exact: true, head }];
      }
      case "concat": {
        let acc: UrlValue[] = [{ text: "", exact: true }];
        for (const part of expr.parts) acc = cap(acc.flatMap((a) => next(part).map((b) => concat(a, b))));
        if (expr.template && expr.parts[0]?.kind === "string") {
          const first = expr.parts[0];
          acc = acc.map((v) => (v.head?.range === first.range ? { ...v, head: { ...v.head, range: expr.range, template: true } } : v));
        }
        return acc;
      }
      case "ref": {
        const key = `${file}\u0000${expr.name}`;
        if (this.visiting.has(key)) return [UNKNOWN_URL];
        const bound = this.binding(file, expr.name);
        if (!bound) return [UNKNOWN_URL];
        this.visiting.add(key);
        try {
          return next(bound.expr, bound.file);
        } finally {
          this.visiting.delete(key);
        }
      }
      case "member": {
        const object = this.deref(expr.object, file, depth + 1);
        if (object?.expr.kind === "object") {
          const p = [...object.expr.props].reverse().find((x) => x.key === expr.property);
          if (p) return next(p.value, object.file);
        }
        return [UNKNOWN_URL];
      }
      case "location":
        return [{ text: expr.part === "origin" ? ORIGIN : expr.part === "host" ? HOST : PROTOCOL, exact: true }];
      case "env": {
        const value = expr.source === "import.meta.env" ? this.ctx.env(file, mode)[expr.name] : undefined;
        return [value !== undefined && value !== UNKNOWN_ENV ? { text: value, exact: true, fromEnv: expr.name } : UNKNOWN_URL];
      }
      case "fallback": {
        const right = () => next(expr.right).map((v) => withFallback(v, expr));
        if (expr.left.kind === "env") {
          if (expr.left.source === "import.meta.env") {
            const value = this.ctx.env(file, mode)[expr.left.name];
            if (value === UNKNOWN_ENV) return cap([UNKNOWN_URL, ...right()]);
            // `??` keeps a variable set to "", `||` does not
            const taken = expr.op === "??" ? value !== undefined : !!value;
            return taken ? [{ text: value!, exact: true, fromEnv: expr.left.name }] : right();
          }
          return cap([UNKNOWN_URL, ...right()]);
        }
        const left = next(expr.left);
        if (left.every((v) => v.exact && v.text !== "")) return left;
        return cap([...left, ...right()]);
      }
      case "cond": {
        if (expr.test === "unknown") return cap([...next(expr.then), ...next(expr.else)]);
        const takesThen = (expr.test === "dev") === (mode === "dev");
        return next(takesThen ? expr.then : expr.else);
      }
      case "url": {
        const paths = next(expr.path);
        if (!expr.base) return paths.map((p) => (isAbsolute(p.text) ? p : UNKNOWN_URL));
        const bases = next(expr.base);
        return cap(paths.flatMap((p) => (isAbsolute(p.text) || p.text.startsWith(ORIGIN) ? [p] : bases.map((b) => resolveAgainst(p, b)))));
      }
      default:
        return [UNKNOWN_URL];
    }
  }

  /** Follows refs and members to the expression they stand for (objects, mostly). */
  private deref(expr: Expr, file: string, depth: number): Located | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (expr.kind === "ref") {
      const bound = this.binding(file, expr.name);
      return bound ? this.deref(bound.expr, bound.file, depth + 1) : undefined;
    }
    if (expr.kind === "member") {
      const object = this.deref(expr.object, file, depth + 1);
      if (object?.expr.kind !== "object") return undefined;
      const p = [...object.expr.props].reverse().find((x) => x.key === expr.property);
      return p ? this.deref(p.value, object.file, depth + 1) : undefined;
    }
    return { expr, file };
  }
}

function cap(values: UrlValue[]): UrlValue[] {
  return values.length > MAX_VALUES ? [...values.slice(0, MAX_VALUES - 1), UNKNOWN_URL] : values;
}

function concat(a: UrlValue, b: UrlValue): UrlValue {
  if (!a.exact) return a;
  const head = a.text === "" && !a.head ? b.head : a.head;
  const fromEnv = a.text === "" ? b.fromEnv : a.fromEnv;
  return { text: a.text + b.text, exact: b.exact, head, ...(fromEnv ? { fromEnv } : {}) };
}

function withFallback(v: UrlValue, expr: Extract<Expr, { kind: "fallback" }>): UrlValue {
  if (!v.head || expr.left.kind !== "env" || v.head.range !== (expr.right.kind === "string" || expr.right.kind === "concat" ? expr.right.range : undefined)) return v;
  const head: LiteralRef = { ...v.head, fallbackOf: { env: expr.left.name, exprRange: expr.range, leftText: `${expr.left.source}.${expr.left.name}` } };
  return { ...v, head };
}

/** `new URL(path, base)` for a root-relative or relative path. */
function resolveAgainst(path: UrlValue, base: UrlValue): UrlValue {
  if (base.text.startsWith(ORIGIN)) return path.text.startsWith("/") ? { ...path, text: ORIGIN + path.text } : UNKNOWN_URL;
  const parts = splitUrl(base.text);
  if (!parts || (!base.exact && parts.path === "")) return UNKNOWN_URL;
  if (path.text.startsWith("/")) return { text: parts.origin + path.text, exact: path.exact, head: base.head };
  if (!base.exact) return UNKNOWN_URL;
  const dir = parts.path.replace(/[^/]*$/, "") || "/";
  return { text: parts.origin + dir + path.text, exact: path.exact, head: base.head };
}

/** Turns the `location` placeholders into a same-origin path, or cuts the text where they stay. */
function finish(v: UrlValue): UrlValue {
  if (!v.text.includes("\u0000")) return v;
  let text = v.text.replace(/^(?:https?:|wss?:|\u0000proto:)\/\/\u0000host/, ORIGIN);
  if (text.startsWith(ORIGIN)) {
    text = text.slice(ORIGIN.length);
    if (text.includes("\u0000")) return { text: text.slice(0, text.indexOf("\u0000")), exact: false, sameOrigin: true };
    return { text: text === "" ? "/" : text, exact: v.exact, sameOrigin: true };
  }
  return { ...v, text: text.slice(0, text.indexOf("\u0000")), exact: false };
}
