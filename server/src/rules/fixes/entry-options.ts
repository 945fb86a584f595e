/**
 * Edits of one existing `server.proxy` entry: add an option (`ws: true`, a `rewrite`), remove
 * its `rewrite`, and put another value in a string literal (a target's port, a URL's path). A
 * string-shorthand entry becomes the object it stands for (`{ target, changeOrigin: true }`) when
 * it gains an option.
 */
import type { TextEdit } from "../../core/finding";
import type { Range } from "../../core/range";
import type { Frontend, ProxyEntry } from "../../model/topology";

/** Adds `option` (as source text, e.g. `ws: true`) to an entry; undefined when the entry cannot take it. */
export function addEntryOption(frontend: Frontend, entry: ProxyEntry, option: string): TextEdit | undefined {
  const fact = entry.fact;
  const q = frontend.config?.quote ?? "'";
  if (fact.options === undefined) return undefined;
  if (fact.target?.kind === "string" && fact.options.length === 0 && fact.target.range === fact.valueRange) {
    const target = q + fact.target.value + q;
    return { file: entry.file, range: fact.valueRange, newText: `{ target: ${target}, changeOrigin: true, ${option} }` };
  }
  if (!fact.lastPropertyEnd) return undefined;
  return { file: entry.file, range: { start: fact.lastPropertyEnd, end: fact.lastPropertyEnd }, newText: `, ${option}` };
}

/** `rewrite: (path) => path.replace(/^\/api/, '')` in the config's quotes. */
export function rewriteOption(frontend: Frontend, prefix: string): string {
  const q = frontend.config?.quote ?? "'";
  return `rewrite: (path) => path.replace(/^${prefix.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/, ${q}${q})`;
}

/** Removes the entry's `rewrite` property with the comma before it; undefined when there is none to remove. */
export function removeRewrite(entry: ProxyEntry): TextEdit | undefined {
  const prop = entry.fact.rewriteProperty;
  if (!prop?.previousEnd) return undefined;
  return { file: entry.file, range: { start: prop.previousEnd, end: prop.range.end }, newText: "" };
}

/** Replaces the text between the quotes of a one-line string literal. */
export function replaceLiteral(file: string, literal: Range, value: string): TextEdit | undefined {
  if (literal.start.line !== literal.end.line) return undefined;
  return { file, range: { start: { line: literal.start.line, character: literal.start.character + 1 }, end: { line: literal.end.line, character: literal.end.character - 1 } }, newText: value };
}
