/**
 * What the analysis reports: findings with their related places and fixes, and the text edits a
 * fix is made of. Rules return these; the LSP and the CLI turn them into diagnostics and reports.
 */
import type { Location, Range } from "./range";

export type Severity = "error" | "warning" | "info" | "hint";
export type SeveritySetting = Severity | "off";

/** One text change; `create` marks a file that does not exist yet. */
export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
  create?: boolean;
}

/** A quick fix: one title, edits in one or several files, applied together. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** A guess (the nearest route): never the preferred fix, never applied by fix-all or on save. */
  suggestion?: true;
}

export interface Related extends Location {
  message: string;
}

export interface Finding {
  rule: string;
  file: string;
  range: Range;
  message: string;
  related: Related[];
  fixes: Fix[];
}
