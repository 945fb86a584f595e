/**
 * Positions and ranges as the LSP counts them: 0-based lines, UTF-16 columns. Every fact carries
 * its file and range so a rule can report in one file and fix in another.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A range in a named file (workspace-relative path with `/` separators). */
export interface Location {
  file: string;
  range: Range;
}

/** Whether `inner` lies within `outer`. */
export function contains(outer: Range, inner: Range): boolean {
  return compare(outer.start, inner.start) <= 0 && compare(inner.end, outer.end) <= 0;
}

export function compare(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export const ZERO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Whether two ranges start at the same place (an instance and the expression that created it). */
export function sameStart(a: Range, b: Range): boolean {
  return compare(a.start, b.start) === 0;
}

/** A key naming where a range starts in a file: the same place gives the same key. */
export function locationKey(file: string, range: Range): string {
  return `${file}\u0000${range.start.line}:${range.start.character}`;
}
