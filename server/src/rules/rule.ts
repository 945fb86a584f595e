/**
 * What a rule is and what it returns: plain findings with their related places and fixes. The
 * LSP and the CLI turn these into diagnostics and reports; rules never see either.
 */
import type { Location, Range } from "../core/range";
import type { Topology } from "../model/topology";

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

export interface RuleMeta {
  id: string;
  description: string;
  defaultSeverity: Severity;
  fixable: boolean;
}

export interface Rule extends RuleMeta {
  check(topology: Topology): Finding[];
}

/** Declares a rule: its metadata beside its check. */
export function defineRule(rule: Rule): Rule {
  return rule;
}
