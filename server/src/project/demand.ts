/**
 * Which values a file needs from the modules it imports, name by name, so the index parses an
 * imported file only when a value the analysis reads comes from it (rules.md, "Parsing on
 * demand"). A file's roots are the names its requests, instances, CORS settings and routers
 * use; each demanded name leads to more names in the same file or to a name in another module.
 */
import type { Expr, FileFacts, JsFacts, PyExpr, PyFacts } from "../core/facts";

/** A name another module must provide: a JS specifier or a Python module, and the name (`*` = all). */
export interface RemoteDemand {
  lang: "js" | "python";
  source: string;
  name: string;
  /** Python: the attribute read from `name` when `name` turns out to be a submodule. */
  attr?: string;
}

export interface DemandStep {
  local: string[];
  remote: RemoteDemand[];
}

/** The names a parsed file needs for its own facts (`*` for a module imported as a whole). */
export function rootsOf(facts: FileFacts): string[] {
  const out = new Set<string>();
  if (facts.kind === "js") {
    for (const c of facts.calls) {
      if (c.url) jsRefs(c.url, out);
      if (c.callee.kind === "instance") out.add(c.callee.name);
    }
    for (const i of facts.instances) if (i.baseURL) jsRefs(i.baseURL, out);
    for (const d of facts.defaults) jsRefs(d.value, out);
  } else if (facts.kind === "python") {
    for (const c of facts.cors) for (const a of Object.values(c.args)) pyRefs(a.value, out);
    for (const inc of facts.includes) {
      pyRefs(inc.router, out);
      if (inc.prefix) pyRefs(inc.prefix, out);
    }
    for (const r of facts.routers) if (r.prefix) pyRefs(r.prefix, out);
    for (const a of facts.apps) if (a.rootPath) pyRefs(a.rootPath, out);
  }
  return [...out];
}

/** What `name` (or `*`) in a file leads to. */
export function demandStep(facts: FileFacts, name: string): DemandStep {
  if (facts.kind === "js") return jsStep(facts, name);
  if (facts.kind === "python") return pyStep(facts, name);
  return { local: [], remote: [] };
}

function jsStep(facts: JsFacts, name: string): DemandStep {
  const local = new Set<string>();
  const remote: RemoteDemand[] = [];
  if (name === "*") {
    for (const e of facts.exports) {
      if (e.local) local.add(e.local);
      if (e.source) remote.push({ lang: "js", source: e.source, name: e.imported ?? e.exported });
    }
    local.add("default");
  } else {
    for (const e of facts.exports) {
      if (e.exported !== name) continue;
      if (e.local && e.local !== name) local.add(e.local);
      if (e.source) remote.push({ lang: "js", source: e.source, name: e.imported ?? name });
    }
    if (name === "default") {
      if (facts.defaultExport) jsRefs(facts.defaultExport, local);
      if (facts.commonjsExport) jsRefs(facts.commonjsExport, local);
    }
    const value = facts.consts[name];
    if (value) jsRefs(value, local);
    for (const i of facts.instances) if ((i.name === name || i.factory === name) && i.baseURL) jsRefs(i.baseURL, local);
    for (const d of facts.defaults) if (d.target === name) jsRefs(d.value, local);
    for (const imp of facts.imports) if (imp.local === name) remote.push({ lang: "js", source: imp.source, name: imp.imported });
  }
  local.delete(name);
  return { local: [...local], remote };
}

function pyStep(facts: PyFacts, demanded: string): DemandStep {
  const local = new Set<string>();
  const remote: RemoteDemand[] = [];
  const all = demanded === "*";
  // `posts.router`: an attribute of a name; of a module import, it is that module's name
  const [name, attr] = all ? ["*", undefined] : splitFirst(demanded);
  const imported = all ? undefined : facts.imports.find((i) => i.local === name);
  if (imported) {
    if (imported.name === undefined) remote.push({ lang: "python", source: imported.module, name: attr ?? "*" });
    else remote.push({ lang: "python", source: imported.module, name: imported.name, attr });
    return { local: [], remote };
  }
  for (const [k, v] of Object.entries(facts.assigns)) if (all || k === name) pyRefs(v, local);
  for (const [k, v] of Object.entries(facts.returns)) if (all || k === name) pyRefs(v, local);
  for (const c of facts.settingsClasses) if (all || c.name === name) for (const d of Object.values(c.fields)) if (d) pyRefs(d, local);
  for (const inc of facts.includes) {
    if (!all && inc.owner !== name) continue;
    pyRefs(inc.router, local);
    if (inc.prefix) pyRefs(inc.prefix, local);
  }
  for (const r of facts.routers) if ((all || r.name === name) && r.prefix) pyRefs(r.prefix, local);
  if (!all) local.delete(demanded);
  return { local: [...local], remote };
}

function splitFirst(dotted: string): [string, string | undefined] {
  const i = dotted.indexOf(".");
  return i < 0 ? [dotted, undefined] : [dotted.slice(0, i), dotted.slice(i + 1).split(".")[0]];
}

/** Top-level names an `Expr` reads (`ref`s, the roots of members, called functions). */
function jsRefs(expr: Expr, into: Set<string>, depth = 0): void {
  if (depth > 40) return;
  const next = (e: Expr) => jsRefs(e, into, depth + 1);
  switch (expr.kind) {
    case "ref":
      into.add(expr.name);
      return;
    case "call":
      into.add(expr.callee);
      return;
    case "member":
      return next(expr.object);
    case "concat":
      return expr.parts.forEach(next);
    case "fallback":
      next(expr.left);
      return next(expr.right);
    case "cond":
      next(expr.then);
      return next(expr.else);
    case "url":
      next(expr.path);
      if (expr.base) next(expr.base);
      return;
    case "object":
      expr.props.forEach((p) => next(p.value));
      return expr.spreads.forEach(next);
    case "function":
      if (expr.returns) next(expr.returns);
      return;
    case "replace":
      next(expr.object);
      return next(expr.replacement);
    default:
      return;
  }
}

/** Names a `PyExpr` reads: `name`, or `name.attr` for an attribute chain (the module case). */
function pyRefs(expr: PyExpr, into: Set<string>, depth = 0): void {
  if (depth > 40) return;
  const next = (e: PyExpr) => pyRefs(e, into, depth + 1);
  switch (expr.kind) {
    case "name":
      into.add(expr.name);
      return;
    case "attr": {
      let root: PyExpr = expr;
      let first = expr.name;
      while (root.kind === "attr") {
        first = root.name;
        root = root.object;
      }
      if (root.kind === "name") into.add(`${root.name}.${first}`);
      else next(root);
      return;
    }
    case "list":
      return expr.items.forEach(next);
    case "env":
      if (expr.default) next(expr.default);
      return;
    case "split":
      return next(expr.object);
    case "cond":
      next(expr.then);
      return next(expr.else);
    case "call":
      return next(expr.callee);
    default:
      return;
  }
}
