/**
 * Test helpers for the analysis: the grammars (loaded once from dist/wasm, so tests run after
 * `npm run build`), a workspace index over an in-memory map of files or over a folder on disk,
 * the model and the rules run over it, and a fix applied to in-memory texts the way an editor
 * applies a `WorkspaceEdit` (0-based lines, UTF-16 columns, edits in one file from last to first).
 */
import ts from "typescript";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { applyEdits, offsetAt } from "../../server/src/core/edits";
import type { Reported, RuleSettings } from "../../server/src/project/run-rules";
import { Project } from "../../server/src/project/project";
import type { Range } from "../../server/src/core/range";
import type { Topology } from "../../server/src/model/topology";
import { grammarFor, type Grammars, type GrammarName, type Tree } from "../../server/src/kinds/tree-sitter";
import type { Fix, TextEdit } from "../../server/src/core/finding";
import { loadGrammars } from "../../server/src/host/grammars";
import { readText, walk } from "../../server/src/host/files";

/** The repository root (this file is test/helpers/analysis.ts). */
export const ROOT = resolve(__dirname, "..", "..");

/** Workspace-relative path (with `/`) -> text. */
export type Files = Record<string, string>;

let grammarsPromise: Promise<Grammars> | undefined;

/** The tree-sitter grammars from dist/wasm, loaded once per process. */
export function grammars(): Promise<Grammars> {
  const dist = join(ROOT, "dist");
  if (!existsSync(join(dist, "wasm", "tree-sitter.wasm"))) {
    throw new Error("dist/wasm is missing: run `npm run build` before the tests");
  }
  grammarsPromise ??= loadGrammars(dist);
  return grammarsPromise;
}

/** Parses `text` with a grammar, hands the tree to `fn`, and frees the tree. */
export async function withTree<T>(grammar: GrammarName, text: string, fn: (tree: Tree) => T): Promise<T> {
  const g = await grammars();
  const tree = g.parse(grammar, text);
  if (!tree) throw new Error("tree-sitter returned no tree");
  try {
    return fn(tree);
  } finally {
    tree.delete();
  }
}

/** Whether a source file has a syntax error (undefined for a file that is not JS/TS/Python). */
export async function hasSyntaxError(path: string, text: string): Promise<boolean | undefined> {
  const grammar = grammarFor(path);
  if (!grammar) return undefined;
  if (await withTree(grammar, text, (tree) => tree.rootNode.hasError)) return true;
  // tree-sitter recovers from some mistakes silently (`{ a, , }`); TypeScript's parser does not.
  if (grammar === "python") return false;
  const kind = /\.(tsx|jsx)$/.test(path) ? ts.ScriptKind.TSX : /\.m?ts$|\.cts$/.test(path) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
  return ((source as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics ?? []).length > 0;
}

export { applyEdits, offsetAt };

export interface Analysis {
  files: Files;
  project: Project;
  topology: Topology;
  findings: Reported[];
}

/** A project over in-memory files, its model, and the rules run over it. */
export async function analyzeFiles(files: Files, settings: RuleSettings = {}, only?: readonly string[]): Promise<Analysis> {
  const project = new Project(await grammars(), (p) => (Object.prototype.hasOwnProperty.call(files, p) ? files[p] : undefined));
  project.setFiles(Object.keys(files));
  return { files, project, topology: project.topology(), findings: project.findings(settings, only) };
}

/** The model only, for tests of `model/`. */
export async function topologyOf(files: Files): Promise<Topology> {
  return (await analyzeFiles(files)).topology;
}

/**
 * The files of a folder on disk as the CLI sees them (same walk: dependencies, build output and
 * binary files skipped), minus `skip` (fixture metadata such as `*.fixed` twins).
 */
export function readFolder(dir: string, skip: (rel: string) => boolean = () => false): Files {
  const out: Files = {};
  for (const rel of walk(dir).files) {
    if (skip(rel)) continue;
    const text = readText(dir, rel);
    if (text !== undefined) out[rel] = text;
  }
  return out;
}

/** Analyzes a folder on disk. */
export async function analyzeFolder(dir: string, skip?: (rel: string) => boolean): Promise<Analysis> {
  return analyzeFiles(readFolder(dir, skip));
}

/** A text file's content, for `.fixed` twins and the like. */
export function readFixture(...parts: string[]): string {
  return readFileSync(join(...parts), "utf8");
}

/** The text a range covers. */
export function textAt(text: string, range: Range): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

/** A fix applied to a copy of `files`: its edits grouped by file; `create` makes a new file. */
export function applyFix(files: Files, fix: Fix): Files {
  const out: Files = { ...files };
  const byFile = new Map<string, TextEdit[]>();
  for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) {
    const exists = Object.prototype.hasOwnProperty.call(files, file);
    const creates = edits.some((e) => e.create);
    if (creates && exists) throw new Error(`fix '${fix.title}' creates ${file}, which already exists`);
    if (!creates && !exists) throw new Error(`fix '${fix.title}' edits ${file}, which does not exist (and is not marked create)`);
    out[file] = applyEdits(exists ? files[file] : "", edits);
  }
  return out;
}

/** The files a fix touches. */
export function touchedFiles(fix: Fix): string[] {
  return [...new Set(fix.edits.map((e) => e.file))];
}

/** `file:line` (1-based) of a finding, for messages. */
export function where(f: { file: string; range: Range }): string {
  return `${f.file}:${f.range.start.line + 1}`;
}
