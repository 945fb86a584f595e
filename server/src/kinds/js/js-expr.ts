/**
 * Reads a JavaScript/TypeScript expression node into an `Expr`: the value as written, with
 * ranges. Shared by the client-code parser and the Vite-config parser. Local `const`s are
 * inlined through the scope handed in; top-level names stay `ref`s for the model to resolve.
 */
import type { Expr, ObjectProp } from "../../core/facts";
import { buildCondition } from "./build-condition";
import { childrenOf, field, rangeOf, type Node, isConst } from "../tree-sitter";

/** What a name means at a point of the walk. */
export type Binding = { kind: "const"; expr: Expr } | { kind: "opaque" } | { kind: "top" };

export interface Scope {
  lookup(name: string): Binding | undefined;
}

const MAX_DEPTH = 40;

/** Reads `node` as an `Expr`. */
export function readExpr(node: Node, scope: Scope, depth = 0): Expr {
  const range = rangeOf(node);
  if (depth > MAX_DEPTH) return { kind: "unknown", range };
  const next = (n: Node) => readExpr(n, scope, depth + 1);
  switch (node.type) {
    case "string":
      return { kind: "string", value: stringValue(node), range };
    case "template_string":
      return readTemplate(node, scope, depth);
    case "parenthesized_expression":
    case "as_expression":
    case "satisfies_expression":
    case "non_null_expression":
    case "type_assertion": {
      const inner = childrenOf(node).find((c) => !c.type.endsWith("type") && c.type !== "type_arguments" && !isTypeNode(c));
      return inner ? next(inner) : { kind: "unknown", range };
    }
    case "identifier":
      return readIdentifier(node.text, range, scope);
    case "true":
    case "false":
      return { kind: "literal", value: node.type === "true", range };
    case "null":
    case "undefined":
      return { kind: "literal", value: null, range };
    case "number":
      return { kind: "literal", value: Number(node.text), range };
    case "regex":
      return { kind: "regex", pattern: field(node, "pattern")?.text ?? "", range };
    case "binary_expression":
      return readBinary(node, scope, depth);
    case "ternary_expression": {
      const cond = field(node, "condition");
      const then = field(node, "consequence");
      const other = field(node, "alternative");
      if (!cond || !then || !other) return { kind: "unknown", range };
      return { kind: "cond", test: buildCondition(cond), then: next(then), else: next(other), range };
    }
    case "member_expression":
      return readMember(node, scope, depth);
    case "object":
      return readObject(node, scope, depth);
    case "new_expression": {
      const ctor = field(node, "constructor");
      const args = field(node, "arguments");
      if (ctor?.text === "URL" && args) {
        const [path, base] = childrenOf(args);
        if (path) return { kind: "url", path: next(path), base: base ? next(base) : undefined, range };
      }
      return { kind: "unknown", range };
    }
    case "call_expression":
      return readCall(node, scope, depth);
    case "arrow_function":
    case "function_expression":
    case "function":
      return readFunction(node, scope, depth);
    default:
      return { kind: "unknown", range };
  }
}

function isTypeNode(node: Node): boolean {
  return /type|_annotation$/.test(node.type) && node.type !== "type_assertion";
}

function readIdentifier(name: string, range: Expr["range"], scope: Scope): Expr {
  if (name === "undefined") return { kind: "literal", value: null, range };
  const binding = scope.lookup(name);
  if (!binding) {
    if (name === "location") return { kind: "unknown", range };
    return { kind: "ref", name, range };
  }
  if (binding.kind === "const") return binding.expr;
  if (binding.kind === "top") return { kind: "ref", name, range };
  return { kind: "unknown", range };
}

/** The value of a string literal with its escapes read. */
export function stringValue(node: Node): string {
  let out = "";
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === "string_fragment") out += child.text;
    else if (child.type === "escape_sequence") out += unescape(child.text);
  }
  return out;
}

function unescape(seq: string): string {
  const c = seq[1];
  const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", "0": "\0" };
  if (c in simple) return simple[c];
  if (c === "x") return String.fromCharCode(parseInt(seq.slice(2), 16));
  if (c === "u") return String.fromCodePoint(parseInt(seq.slice(2).replace(/[{}]/g, ""), 16));
  if (c === "\n" || c === "\r") return "";
  return seq.slice(1);
}

function readTemplate(node: Node, scope: Scope, depth: number): Expr {
  const range = rangeOf(node);
  const parts: Expr[] = [];
  let pending = "";
  let pendingRange = range;
  const flush = () => {
    if (pending) parts.push({ kind: "string", value: pending, range: pendingRange });
    pending = "";
  };
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === "string_fragment" || child.type === "escape_sequence") {
      if (!pending) pendingRange = range;
      pending += child.type === "escape_sequence" ? unescape(child.text) : child.text;
    } else if (child.type === "template_substitution") {
      flush();
      const inner = childrenOf(child)[0];
      parts.push(inner ? readExpr(inner, scope, depth + 1) : { kind: "unknown", range: rangeOf(child) });
    }
  }
  flush();
  if (parts.length === 0) return { kind: "string", value: "", range };
  if (parts.length === 1 && parts[0].kind === "string") return { kind: "string", value: parts[0].value, range };
  return { kind: "concat", parts, range, template: true };
}

function readBinary(node: Node, scope: Scope, depth: number): Expr {
  const range = rangeOf(node);
  const op = field(node, "operator")?.text;
  const left = field(node, "left");
  const right = field(node, "right");
  if (!left || !right) return { kind: "unknown", range };
  if (op === "+") {
    const l = readExpr(left, scope, depth + 1);
    const r = readExpr(right, scope, depth + 1);
    const parts = [...(l.kind === "concat" && !l.template ? l.parts : [l]), ...(r.kind === "concat" && !r.template ? r.parts : [r])];
    return { kind: "concat", parts, range, template: false };
  }
  if (op === "||" || op === "??") {
    return { kind: "fallback", op, left: readExpr(left, scope, depth + 1), right: readExpr(right, scope, depth + 1), range };
  }
  return { kind: "unknown", range };
}

function readMember(node: Node, scope: Scope, depth: number): Expr {
  const range = rangeOf(node);
  const text = memberPath(node);
  const env = /^(import\.meta\.env|process\.env)\.([A-Za-z_$][\w$]*)$/.exec(text);
  if (env) return { kind: "env", name: env[2], source: env[1] as "import.meta.env" | "process.env", range };
  const loc = /^(?:(?:window|globalThis|self|document)\.)?location\.(origin|host|protocol)$/.exec(text);
  if (loc && !scope.lookup("location")) return { kind: "location", part: loc[1] as "origin" | "host" | "protocol", range };
  const object = field(node, "object");
  const property = field(node, "property");
  if (!object || !property || property.type === "private_property_identifier") return { kind: "unknown", range };
  return { kind: "member", object: readExpr(object, scope, depth + 1), property: property.text, range };
}

/** `a.b.c` of a member chain, through casts and parentheses (`(import.meta as any).env.X`). */
function memberPath(node: Node): string {
  switch (node.type) {
    case "member_expression": {
      const object = field(node, "object");
      const property = field(node, "property");
      return object && property ? `${memberPath(object)}.${property.text}` : "?";
    }
    case "parenthesized_expression":
    case "as_expression":
    case "satisfies_expression":
    case "non_null_expression": {
      const inner = node.namedChildren[0];
      return inner ? memberPath(inner) : "?";
    }
    case "meta_property":
      return node.text.replace(/\s+/g, "");
    case "identifier":
    case "this":
      return node.text;
    default:
      return "?";
  }
}

function readObject(node: Node, scope: Scope, depth: number): Expr {
  const range = rangeOf(node);
  const props: ObjectProp[] = [];
  const spreads: Expr[] = [];
  const spreadAt: number[] = [];
  let complete = true;
  for (const child of childrenOf(node)) {
    if (child.type === "pair") {
      const keyNode = field(child, "key");
      const valueNode = field(child, "value");
      if (!keyNode || !valueNode) continue;
      const key = propertyKey(keyNode, scope);
      if (key === undefined) complete = false;
      props.push({ key, keyRange: rangeOf(keyNode), value: readExpr(valueNode, scope, depth + 1), range: rangeOf(child) });
    } else if (child.type === "shorthand_property_identifier") {
      const r = rangeOf(child);
      props.push({ key: child.text, keyRange: r, value: readIdentifier(child.text, r, scope), range: r });
    } else if (child.type === "spread_element") {
      const inner = childrenOf(child)[0];
      spreads.push(inner ? readExpr(inner, scope, depth + 1) : { kind: "unknown", range: rangeOf(child) });
      spreadAt.push(props.length);
    } else if (child.type === "method_definition") {
      const name = field(child, "name");
      const r = rangeOf(child);
      props.push({ key: name?.text, keyRange: name ? rangeOf(name) : r, value: readFunction(child, scope, depth), range: r });
    } else {
      complete = false;
    }
  }
  return { kind: "object", props, spreads, spreadAt, range, complete };
}

/**
 * A property of an object `Expr` as JS evaluates it (a later spread overrides an earlier key):
 * its value, undefined when absent, "unknown" when a spread that cannot be read may hold it.
 */
export function getProp(obj: Expr | undefined, key: string): Expr | undefined | "unknown" {
  if (!obj || obj.kind !== "object") return obj ? "unknown" : undefined;
  let found: Expr | undefined | "unknown" = obj.complete ? undefined : "unknown";
  let spread = 0;
  const fromSpreads = (upTo: number) => {
    for (; spread < obj.spreads.length && obj.spreadAt[spread] <= upTo; spread++) {
      const inSpread = getProp(obj.spreads[spread], key);
      if (inSpread !== undefined) found = inSpread;
    }
  };
  obj.props.forEach((p, i) => {
    fromSpreads(i);
    if (p.key === key) found = p.value;
  });
  fromSpreads(obj.props.length);
  return found;
}

/** The key of an object property: identifiers, strings, numbers, and computed keys that resolve. */
export function propertyKey(node: Node, scope: Scope): string | undefined {
  switch (node.type) {
    case "property_identifier":
    case "identifier":
      return node.text;
    case "string":
      return stringValue(node);
    case "number":
      return String(Number(node.text));
    case "computed_property_name": {
      const inner = childrenOf(node)[0];
      if (!inner) return undefined;
      const value = readExpr(inner, scope);
      return value.kind === "string" ? value.value : undefined;
    }
    default:
      return undefined;
  }
}

function readCall(node: Node, scope: Scope, depth: number): Expr {
  const range = rangeOf(node);
  const fn = field(node, "function");
  const args = field(node, "arguments");
  if (!fn || !args) return { kind: "unknown", range };
  const argNodes = childrenOf(args);
  // path.replace(/^\/api/, '') inside a proxy `rewrite`
  if (fn.type === "member_expression" && field(fn, "property")?.text === "replace" && argNodes.length === 2) {
    const object = field(fn, "object");
    const pattern = argNodes[0];
    if (object && pattern.type === "regex") {
      return {
        kind: "replace",
        object: readExpr(object, scope, depth + 1),
        pattern: field(pattern, "pattern")?.text ?? "",
        replacement: readExpr(argNodes[1], scope, depth + 1),
        range,
      };
    }
  }
  // defineConfig({...}) / defineConfig(() => ({...})) and String(x) are transparent
  if ((fn.text === "defineConfig" || fn.text === "String") && argNodes.length === 1) {
    return readExpr(argNodes[0], scope, depth + 1);
  }
  // a call of a module-level function: kept by name (it may be an axios instance factory)
  if (fn.type === "identifier" && scope.lookup(fn.text)?.kind !== "opaque") return { kind: "call", callee: fn.text, range };
  return { kind: "unknown", range };
}

function readFunction(node: Node, scope: Scope, depth: number): Expr {
  const range = rangeOf(node);
  const params = field(node, "parameters") ?? field(node, "parameter");
  const firstParam = params ? (params.type === "identifier" ? params : firstIdentifier(params)) : undefined;
  const opaque = new Set<string>();
  if (params) collectBindingNames(params, opaque);
  const inner: Scope = {
    lookup: (name) => (opaque.has(name) ? { kind: "opaque" } : scope.lookup(name)),
  };
  const body = field(node, "body");
  if (!body) return { kind: "function", returns: undefined, param: firstParam?.text, range };
  if (body.type !== "statement_block") {
    return { kind: "function", returns: readExpr(body, inner, depth + 1), param: firstParam?.text, range };
  }
  // A block body: follow its top-level `const`s to its final `return`.
  const locals = new Map<string, Binding>();
  const blockScope: Scope = { lookup: (name) => locals.get(name) ?? inner.lookup(name) };
  let returns: Expr | undefined;
  for (const stmt of childrenOf(body)) {
    if (stmt.type === "lexical_declaration" || stmt.type === "variable_declaration") {
      const constant = isConst(stmt);
      for (const decl of childrenOf(stmt)) {
        if (decl.type === "variable_declarator") bindDeclarator(decl, constant, blockScope, (n, b) => locals.set(n, b), depth + 1);
      }
    } else if (stmt.type === "return_statement") {
      const value = childrenOf(stmt)[0];
      returns = value ? readExpr(value, blockScope, depth + 1) : undefined;
    }
  }
  return { kind: "function", returns, param: firstParam?.text, range };
}

function firstIdentifier(node: Node): Node | undefined {
  if (node.type === "identifier") return node;
  for (const child of childrenOf(node)) {
    if (child.type === "type_annotation") continue;
    const found = firstIdentifier(child);
    if (found) return found;
  }
  return undefined;
}

/** What a declarator binds: a `const` name with a value reads as that value; any other name is opaque. */
export function bindDeclarator(decl: Node, constant: boolean, scope: Scope, bind: (name: string, binding: Binding) => void, depth = 0): void {
  const name = field(decl, "name");
  const value = field(decl, "value");
  if (!name) return;
  if (name.type === "identifier" && constant && value) {
    bind(name.text, { kind: "const", expr: readExpr(value, scope, depth) });
    return;
  }
  const names = new Set<string>();
  collectBindingNames(name, names);
  for (const n of names) bind(n, { kind: "opaque" });
}

/** Adds every name a binding pattern (parameters, destructuring) introduces. Over-collecting is safe. */
export function collectBindingNames(node: Node, into: Set<string>): void {
  if (node.type === "identifier" || node.type === "shorthand_property_identifier_pattern") {
    into.add(node.text);
    return;
  }
  if (node.type === "type_annotation" || node.type === "type_identifier") return;
  for (const child of childrenOf(node)) {
    // `{ a: b }` binds b, not a; `x = default` binds x only.
    if (child.type === "property_identifier") continue;
    if (node.type === "assignment_pattern" && child.id !== node.namedChildren[0]?.id) continue;
    if (node.type === "required_parameter" || node.type === "optional_parameter") {
      if (child.id !== field(node, "pattern")?.id) continue;
    }
    collectBindingNames(child, into);
  }
}
