/**
 * What the language server and the VS Code client agree on: the diagnostic source, the custom
 * notification and command, the code-action kind of Fix All, what a diagnostic carries in
 * `data`, and which open documents the client sends (the server's kind registry is checked
 * against this selector by a test). Plain values and types, no imports.
 */

/** `Diagnostic.source`, the diagnostic collection's name, the CLI's tool name. */
export const SOURCE = "cors-doctor";

/** Sent by the server once the workspace is indexed: `{ files, ms }`. */
export const INDEXED_NOTIFICATION = "corsDoctor/indexed";

/** The `workspace/executeCommand` that fixes every folder (the editor command `corsDoctor.fixAll` calls it). */
export const FIX_ALL_COMMAND = "corsDoctor.server.fixAll";

/** The code-action kind of "fix everything in this file" (`source.fixAll.corsDoctor`). */
export const FIX_ALL_KIND = "source.fixAll.corsDoctor";

/** One text change of a fix, in a workspace-relative file. */
export interface FixEdit {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
  create?: boolean;
}

/** What a diagnostic carries for its code actions. */
export interface DiagnosticData {
  fixes: { title: string; edits: FixEdit[]; suggestion?: true }[];
  /** The versions of the open documents the diagnostic and its fixes were computed against (null: not open). */
  versions: Record<string, number | null>;
}

/** The open documents the server reads (closed files it reads from disk itself). */
export const DOCUMENTS = {
  languages: ["javascript", "javascriptreact", "python", "typescript", "typescriptreact"],
  patterns: ["**/.env*"],
} as const;
