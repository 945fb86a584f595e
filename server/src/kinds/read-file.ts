/**
 * One file's facts from its text: which kind of file it is, whether it is worth parsing (a
 * trigger word, or another file needs a value from it), and the parse itself. Used by the index
 * and by parse workers alike, so both decide the same way.
 */
import type { FileFacts } from "../core/facts";
import { isEnvFile, readEnvFile } from "./env/read";
import { PYTHON_TRIGGERS, readPythonModule } from "./python/fastapi";
import { CLIENT_TRIGGERS, readClientModule } from "./js/http-calls";
import { isPortsFile, readPorts } from "./ports/read";
import { grammarFor, type Grammars, type Tree } from "./tree-sitter";
import { isTsconfig, readTsconfig } from "./tsconfig/read";
import { isViteConfig, readViteConfig } from "./vite/read";

export type FileKind = "vite" | "python" | "js" | "env" | "ports" | "tsconfig";

export function fileKind(path: string): FileKind | undefined {
  if (isViteConfig(path)) return "vite";
  if (isEnvFile(path)) return "env";
  if (isPortsFile(path)) return "ports";
  if (isTsconfig(path)) return "tsconfig";
  const grammar = grammarFor(path);
  if (grammar === "python") return "python";
  if (grammar) return /\.d\.[mc]?ts$/.test(path) ? undefined : "js";
  return undefined;
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
  const kind = fileKind(path);
  if (!kind) return { facts: null, parsed: false };
  if (kind === "env" || kind === "ports" || kind === "tsconfig") return { facts: factsOf(path, text, undefined), parsed: false };
  // Minified bundles (vendored libraries, build output in odd places) are not code anyone edits,
  // and parsing one megabyte of them costs a second.
  if (kind === "js" && isMinified(path, text)) return { facts: null, parsed: false };
  if (kind !== "vite" && !needed) {
    const triggers = kind === "python" ? PYTHON_TRIGGERS : CLIENT_TRIGGERS;
    if (!triggers.some((t) => text.includes(t))) {
      const specifiers = kind === "js" ? [...text.matchAll(IMPORT_SPECIFIER)].map((m) => m[1] ?? m[2]) : [];
      return { facts: null, specifiers: specifiers.length ? specifiers : undefined, parsed: false };
    }
  }
  const grammar = grammarFor(path)!;
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

/** The facts of a file from its text and (for source files) its syntax tree; `edited` for open documents. */
export function factsOf(path: string, text: string, tree: Tree | undefined, edited = false, rethrow = false): FileFacts | null {
  const kind = fileKind(path);
  if (kind === "env") return readEnvFile(text);
  if (kind === "ports") return readPorts(text, path);
  if (kind === "tsconfig") return readTsconfig(text);
  if (!tree) return null;
  try {
    if (kind === "vite") return readViteConfig(tree, text);
    if (kind === "python") return readPythonModule(tree, text);
    if (kind === "js") return readClientModule(tree, text, edited);
  } catch (e) {
    if (rethrow) throw e;
    return null; // a parser bug on one odd file must not take the workspace down
  }
  return null;
}
