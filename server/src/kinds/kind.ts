/**
 * What a file kind declares: which paths it claims, what editors and watchers must send for it,
 * its grammar, the words that make a file worth parsing, its comment syntax, its role in the
 * model, and the reader that turns its text into facts. One object per kind, listed in
 * registry.ts; everything that needs to know about file kinds reads that list.
 */
import type { FileFacts } from "../core/facts";
import type { CommentSyntax } from "../core/suppression";
import type { GrammarName, Tree } from "./tree-sitter";

export type KindId = "vite" | "env" | "dockerfile" | "ports" | "tsconfig" | "python" | "js";

/** What the model does with a kind's facts. */
export type Role = "frontend-config" | "env" | "ports" | "aliases" | "backend" | "browser-code";

export interface Kind {
  id: KindId;
  role: Role;
  /** Whether a workspace-relative path (with `/`) is of this kind (the first kind that claims a path wins). */
  claims(path: string): boolean;
  /** Globs an editor's file watcher reports for this kind. */
  watch: readonly string[];
  /**
   * Editor language ids of the open documents of this kind the server reads (the client syncs
   * them; protocol/lsp.ts lists them for the client). Empty: read from disk on save.
   */
  languageIds: readonly string[];
  /** The grammar a file is parsed with; undefined for kinds read without tree-sitter. */
  grammar?(path: string): GrammarName | undefined;
  /** A file of a source kind is parsed only when its text holds one of these (or a parsed file needs a value from it). */
  triggers?: readonly string[];
  /** How suppression comments are written in this kind. */
  comments?: CommentSyntax;
  /** The facts of a file from its text and, for a kind with a grammar, its tree (`edited`: an open document). */
  read(path: string, text: string, tree: Tree | undefined, edited: boolean): FileFacts | null;
}
