/**
 * Applies text edits (LSP positions: 0-based lines, UTF-16 columns) to a text, strictly: a
 * position past the end of its line or of the text, an edit that ends before it starts, and
 * overlapping edits are errors, never clamped (a fix that does that is a bug to see). Edits at
 * one place keep their order. Fix-all and the tests share it.
 */
import type { TextEdit } from "./finding";
import type { Position } from "./range";

/** The UTF-16 offset of a position (lines split on `\n`; a `\r` belongs to its line). */
export function offsetAt(text: string, pos: Position): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf("\n", offset);
    if (nl < 0) throw new Error(`line ${pos.line} is past the end of the text (${line + 1} lines)`);
    offset = nl + 1;
  }
  const lineEnd = text.indexOf("\n", offset);
  const length = (lineEnd < 0 ? text.length : lineEnd) - offset;
  if (pos.character > length) throw new Error(`character ${pos.character} is past the end of line ${pos.line} (${length} characters)`);
  return offset + pos.character;
}

/** Applies edits that belong to one text, from last to first so earlier positions stay valid. */
export function applyEdits(text: string, edits: readonly Pick<TextEdit, "range" | "newText">[]): string {
  const located = edits.map((e, i) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText, i }));
  for (const e of located) if (e.end < e.start) throw new Error(`an edit ends before it starts: ${JSON.stringify(edits[e.i].range)}`);
  located.sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  for (let k = 1; k < located.length; k++) {
    const prev = located[k - 1];
    const cur = located[k];
    if (cur.start < prev.end) throw new Error(`overlapping edits: ${JSON.stringify(edits[prev.i].range)} and ${JSON.stringify(edits[cur.i].range)}`);
  }
  let out = text;
  for (let k = located.length - 1; k >= 0; k--) {
    const e = located[k];
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  }
  return out;
}
