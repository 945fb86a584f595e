/**
 * Resolves Python values across modules: module-level names (also imported), pydantic settings
 * field defaults behind `settings.x` / `get_settings().x`, `os.getenv` defaults and `.split`.
 */
import type { PyExpr, PyFacts, SettingsClassFact } from "../core/facts";
import type { Location } from "../core/range";
import { resolvePyImport, resolvePyModule } from "../core/paths";

/** A resolved Python value; `at` is where it is written. */
export type PyValue =
  | { kind: "str"; value: string; at: Location }
  | { kind: "bool"; value: boolean; at: Location }
  | { kind: "list"; items: PyValue[]; at: Location }
  | { kind: "env"; name: string; default: PyValue | undefined; at: Location }
  | { kind: "split"; source: PyValue; stripped: boolean; at: Location }
  | { kind: "cond"; then: PyValue; else: PyValue; at: Location }
  | { kind: "unknown" };

const UNKNOWN: PyValue = { kind: "unknown" };
const MAX_DEPTH = 20;

export interface PyContext {
  files: ReadonlySet<string>;
  py(file: string): PyFacts | undefined;
}

type Target = { kind: "value"; expr: PyExpr; file: string } | { kind: "module"; file: string } | { kind: "settings"; cls: SettingsClassFact; file: string };

export class PyResolver {
  constructor(private readonly ctx: PyContext) {}

  value(expr: PyExpr, file: string, depth = 0): PyValue {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const at = { file, range: expr.range };
    const next = (e: PyExpr, f = file) => this.value(e, f, depth + 1);
    switch (expr.kind) {
      case "str":
        return { kind: "str", value: expr.value, at };
      case "bool":
        return { kind: "bool", value: expr.value, at };
      case "list":
        return { kind: "list", items: expr.items.map((i) => next(i)), at };
      case "env":
        return { kind: "env", name: expr.name, default: expr.default ? next(expr.default) : undefined, at };
      case "split":
        return { kind: "split", source: next(expr.object), stripped: expr.stripped, at };
      case "cond":
        return { kind: "cond", then: next(expr.then), else: next(expr.else), at };
      case "name":
      case "attr": {
        const target = this.target(expr, file, depth + 1);
        if (target?.kind === "value") return this.value(target.expr, target.file, depth + 1);
        return UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  /** Where a name or attribute chain leads: a value, a module, or a settings class instance. */
  private target(expr: PyExpr, file: string, depth: number): Target | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const facts = this.ctx.py(file);
    if (!facts) return undefined;
    if (expr.kind === "name") {
      const assigned = facts.assigns[expr.name];
      if (assigned) return this.asTarget(assigned, file, depth + 1);
      const imp = facts.imports.find((i) => i.local === expr.name);
      if (!imp) return undefined;
      if (imp.name === undefined) {
        const mod = resolvePyModule(file, imp.module, this.ctx.files);
        return mod ? { kind: "module", file: mod } : undefined;
      }
      const found = resolvePyImport(file, imp.module, imp.name, this.ctx.files);
      if (!found?.name) return found && { kind: "module", file: found.file };
      return this.target({ kind: "name", name: found.name, range: expr.range }, found.file, depth + 1);
    }
    if (expr.kind === "attr") {
      const object = this.target(expr.object, file, depth + 1);
      if (!object) return undefined;
      if (object.kind === "module") return this.target({ kind: "name", name: expr.name, range: expr.range }, object.file, depth + 1);
      if (object.kind === "settings") {
        if (!(expr.name in object.cls.fields)) return undefined;
        const def = object.cls.fields[expr.name];
        const envName = (object.cls.envPrefix + expr.name).toUpperCase();
        return { kind: "value", expr: { kind: "env", name: envName, default: def, range: def?.range ?? expr.range }, file: object.file };
      }
      return undefined;
    }
    return this.asTarget(expr, file, depth + 1);
  }

  private asTarget(expr: PyExpr, file: string, depth: number): Target | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (expr.kind === "call") {
      // Settings() or get_settings() (a function returning Settings())
      const callee = expr.callee;
      if (callee.kind === "name") {
        const cls = this.settingsClass(callee.name, file, depth + 1);
        if (cls) return cls;
        const facts = this.ctx.py(file);
        const ret = facts?.returns[callee.name];
        if (ret) return this.asTarget(ret, file, depth + 1);
        const imp = facts?.imports.find((i) => i.local === callee.name && i.name);
        const mod = imp ? resolvePyModule(file, imp.module, this.ctx.files) : undefined;
        if (mod && imp?.name) return this.asTarget({ ...expr, callee: { kind: "name", name: imp.name, range: callee.range } }, mod, depth + 1);
      }
      return undefined;
    }
    if (expr.kind === "name" || expr.kind === "attr") return this.target(expr, file, depth + 1);
    return { kind: "value", expr, file };
  }

  private settingsClass(name: string, file: string, depth: number): Target | undefined {
    const facts = this.ctx.py(file);
    if (!facts || depth > MAX_DEPTH) return undefined;
    const cls = facts.settingsClasses.find((c) => c.name === name);
    if (cls) return { kind: "settings", cls, file };
    const imp = facts.imports.find((i) => i.local === name && i.name);
    const mod = imp ? resolvePyModule(file, imp.module, this.ctx.files) : undefined;
    return mod && imp?.name ? this.settingsClass(imp.name, mod, depth + 1) : undefined;
  }
}

/** The strings a value may hold as a list, when statically known, with the env variable it comes from. */
export interface OriginList {
  items: { value: string; at: Location }[];
  /** The environment variable whose default these are (the list applies when it is unset). */
  env: string | undefined;
  /** `"a,b".split(",")` without strip, or a str used directly. */
  form: "list" | "str" | "split";
}

/** Reads a value as a list of origins (`allow_origins`); undefined when it is not statically known. */
export function originList(v: PyValue, env?: string): OriginList | undefined {
  switch (v.kind) {
    case "list": {
      const items: OriginList["items"] = [];
      for (const i of v.items) {
        if (i.kind !== "str") return undefined;
        items.push({ value: i.value, at: i.at });
      }
      return { items, env, form: "list" };
    }
    case "str":
      return { items: [{ value: v.value, at: v.at }], env, form: "str" };
    case "env":
      return v.default ? originList(v.default, v.name) : undefined;
    case "split": {
      const src = v.source.kind === "env" ? v.source.default : v.source;
      const name = v.source.kind === "env" ? v.source.name : env;
      if (src?.kind === "str") {
        const parts = src.value.split(",").map((s) => (v.stripped ? s.trim() : s)).filter((s) => !v.stripped || s);
        return { items: parts.map((value) => ({ value, at: src.at })), env: name, form: "split" };
      }
      if (src?.kind === "list") return originList(src, name);
      return undefined;
    }
    case "cond": {
      const a = originList(v.then, env);
      const b = originList(v.else, env);
      if (!a || !b) return undefined;
      const aw = a.items.some((i) => i.value === "*");
      const bw = b.items.some((i) => i.value === "*");
      return aw && bw ? a : aw ? b : a;
    }
    default:
      return undefined;
  }
}

/** Whether a value is `True` (a literal, a name bound to it, or a settings default). */
export function isTrue(v: PyValue): boolean {
  if (v.kind === "bool") return v.value;
  if (v.kind === "env") return v.default ? isTrue(v.default) : false;
  return false;
}
