/**
 * Reads a Python expression node into a `PyExpr`: literals, lists and tuples, names and
 * attributes, `os.getenv`/`os.environ` with defaults, `.split(",")` (and a stripping list
 * comprehension over it), conditionals. Names assigned earlier in the same function are inlined.
 */
import type { PyExpr } from "../../core/facts";
import { childrenOf, field, rangeOf, type Node } from "../tree-sitter";

/** Names assigned earlier in the enclosing function. */
export type Locals = Map<string, PyExpr>;

/** A Python expression as a `PyExpr`; names assigned earlier in the same function are inlined. */
export function readPyExpr(node: Node, locals: Locals | undefined, depth = 0): PyExpr {
  const range = rangeOf(node);
  if (depth > 30) return { kind: "unknown", range };
  const next = (n: Node) => readPyExpr(n, locals, depth + 1);
  switch (node.type) {
    case "string": {
      if (childrenOf(node).some((c) => c.type === "interpolation")) return { kind: "unknown", range };
      return { kind: "str", value: pyStringValue(node), range };
    }
    case "concatenated_string": {
      const parts = childrenOf(node).map(next);
      if (parts.every((p) => p.kind === "str")) return { kind: "str", value: parts.map((p) => (p as { value: string }).value).join(""), range };
      return { kind: "unknown", range };
    }
    case "true":
    case "false":
      return { kind: "bool", value: node.type === "true", range };
    case "none":
      return { kind: "none", range };
    case "list":
    case "tuple":
    case "set":
      return { kind: "list", items: childrenOf(node).map(next), range, form: node.type };
    case "parenthesized_expression": {
      const inner = childrenOf(node)[0];
      return inner ? next(inner) : { kind: "unknown", range };
    }
    case "identifier":
      return locals?.get(node.text) ?? { kind: "name", name: node.text, range };
    case "attribute": {
      const object = field(node, "object");
      const attr = field(node, "attribute");
      return object && attr ? { kind: "attr", object: next(object), name: attr.text, range } : { kind: "unknown", range };
    }
    case "subscript": {
      const m = /^(?:os\.)?environ\[\s*['"]([^'"]+)['"]\s*\]$/.exec(node.text);
      return m ? { kind: "env", name: m[1], default: undefined, range } : { kind: "unknown", range };
    }
    case "conditional_expression": {
      const parts = childrenOf(node);
      return parts.length === 3 ? { kind: "cond", then: next(parts[0]), else: next(parts[2]), range } : { kind: "unknown", range };
    }
    case "binary_operator": {
      const l = field(node, "left");
      const r = field(node, "right");
      if (field(node, "operator")?.text === "+" && l && r) {
        const a = next(l);
        const b = next(r);
        if (a.kind === "list" && b.kind === "list") return { kind: "list", items: [...a.items, ...b.items], range, form: "list" };
        if (a.kind === "str" && b.kind === "str") return { kind: "str", value: a.value + b.value, range };
      }
      return { kind: "unknown", range };
    }
    case "list_comprehension": {
      const body = field(node, "body");
      const clause = childrenOf(node).find((c) => c.type === "for_in_clause");
      const iterable = clause ? field(clause, "right") : undefined;
      if (!body || !iterable) return { kind: "unknown", range };
      const source = next(iterable);
      const strips = /\.strip\(\s*\)/.test(body.text);
      if (source.kind === "split") return { ...source, stripped: source.stripped || strips, range };
      return { kind: "unknown", range };
    }
    case "call":
      return readCall(node, locals, depth);
    default:
      return { kind: "unknown", range };
  }
}

function readCall(node: Node, locals: Locals | undefined, depth: number): PyExpr {
  const range = rangeOf(node);
  const fn = field(node, "function");
  const args = field(node, "arguments");
  if (!fn || !args) return { kind: "unknown", range };
  const fnText = fn.text.replace(/\s+/g, "");
  const argNodes = childrenOf(args);
  const positional = argNodes.filter((a) => a.type !== "keyword_argument");
  const keyword = (k: string) => {
    const kw = argNodes.find((a) => a.type === "keyword_argument" && field(a, "name")?.text === k);
    return kw ? field(kw, "value") : undefined;
  };
  if (/^(?:os\.)?(?:getenv|environ\.get)$/.test(fnText) && positional[0]?.type === "string") {
    const def = positional[1] ?? keyword("default");
    return { kind: "env", name: pyStringValue(positional[0]), default: def ? readPyExpr(def, locals, depth + 1) : undefined, range };
  }
  if (fn.type === "attribute") {
    const object = field(fn, "object");
    const attr = field(fn, "attribute")?.text;
    if (object && attr === "split") {
      const sep = positional[0];
      if (!sep || sep.type === "string") return { kind: "split", object: readPyExpr(object, locals, depth + 1), stripped: !sep, range };
    }
    if (object && (attr === "strip" || attr === "lower")) return readPyExpr(object, locals, depth + 1);
  }
  if ((fnText === "list" || fnText === "tuple" || fnText === "str") && positional.length === 1) return readPyExpr(positional[0], locals, depth + 1);
  return { kind: "call", callee: readPyExpr(fn, locals, depth + 1), range };
}

/** The value of a Python string literal (raw strings keep their backslashes). */
export function pyStringValue(node: Node): string {
  const raw = /^[a-zA-Z]*r/i.test(node.text.replace(/^[bBuUfF]*/, (p) => p).slice(0, 3)) && /^[a-zA-Z]*[rR]/.test(node.text);
  let out = "";
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === "string_content") out += child.text;
    else if (child.type === "escape_sequence") out += raw ? child.text : pyUnescape(child.text);
  }
  return out;
}

function pyUnescape(seq: string): string {
  const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0" };
  return map[seq[1]] ?? seq;
}
