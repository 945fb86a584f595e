/**
 * Applies text edits (LSP positions: 0-based lines, UTF-16 columns) to a text, last first so
 * earlier positions stay valid. Shared by fix-all and the tests.
 */
import type { Position } from "./range";
import type { TextEdit } from "../rules/rule";

export function offsetAt(text: string, pos: Position): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf("\n", offset);
  return Math.min(offset + pos.character, lineEnd < 0 ? text.length : lineEnd);
}

/** Applies edits that belong to one file. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
