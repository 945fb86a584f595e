/**
 * One file's facts from its text: which kind claims it, whether it is worth parsing (a trigger
 * word, or another file needs a value from it), and the parse itself. Used by the index for disk
 * files and open documents alike, so both decide the same way.
 */
import type { FileFacts } from "../core/facts";
import type { KindId } from "./kind";
import { kindIdOf, kindOf } from "./registry";
import type { Grammars, Tree } from "./tree-sitter";

/** The id of the kind that claims a path (kept under its old name for the tests and the index). */
export function fileKind(path: string): KindId | undefined {
  return kindIdOf(path);
}

/** What reading a file gave: its facts (null: nothing to read), and for an unparsed JS file its imports. */
export interface FileRead {
  facts: FileFacts | null;
  /** Relative and aliased import specifiers of a JS/TS file that was not parsed. */
  specifiers?: string[];
  parsed: boolean;
  /** Why the file could not be read as far as it parses (for `--verbose`). */
  error?: string;
}

/** `import x from './a'`, `export ... from './a'`, `require('./a')`: relative and aliased specifiers only. */
const IMPORT_SPECIFIER = /\bfrom\s*['"]([.@~#][^'"]*)['"]|\brequire\(\s*['"]([.@~#][^'"]*)['"]\s*\)/g;

/** Reads one file's facts from its text; `needed` parses a source file even without a trigger word. */
export function readFile(grammars: Grammars, path: string, text: string, needed: boolean): FileRead {
  const kind = kindOf(path);
  if (!kind) return { facts: null, parsed: false };
  const grammar = kind.grammar?.(path);
  if (!grammar) return { facts: factsOf(path, text, undefined), parsed: false };
  // Minified bundles (vendored libraries, build output in odd places) are not code anyone edits,
  // and parsing one megabyte of them costs a second.
  if (kind.id === "js" && isMinified(path, text)) return { facts: null, parsed: false };
  if (kind.triggers && !needed && !kind.triggers.some((t) => text.includes(t))) {
    const specifiers = kind.id === "js" ? [...text.matchAll(IMPORT_SPECIFIER)].map((m) => m[1] ?? m[2]) : [];
    return { facts: null, specifiers: specifiers.length ? specifiers : undefined, parsed: false };
  }
  const tree = grammars.parse(grammar, text);
  if (!tree) return { facts: null, parsed: true };
  try {
    return { facts: factsOf(path, text, tree, false, true), parsed: true };
  } catch (e) {
    return { facts: null, parsed: true, error: (e as Error).message };
  } finally {
    tree.delete();
  }
}

/** `*.min.js`, or long text whose lines average more than 500 characters. */
export function isMinified(path: string, text: string): boolean {
  if (/\.min\.[cm]?js$/.test(path)) return true;
  if (text.length < 20_000) return false;
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  return text.length / lines > 500;
}

/** The facts of a file from its text and (for source kinds) its syntax tree; `edited` for open documents. */
export function factsOf(path: string, text: string, tree: Tree | undefined, edited = false, rethrow = false): FileFacts | null {
  const kind = kindOf(path);
  if (!kind) return null;
  try {
    return kind.read(path, text, tree, edited);
  } catch (e) {
    if (rethrow) throw e;
    return null; // a parser bug on one odd file must not take the workspace down
  }
}
