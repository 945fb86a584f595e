/**
 * What a rule is: its metadata beside its check, which returns plain findings (core/finding.ts).
 * The LSP and the CLI turn these into diagnostics and reports; rules never see either.
 */
import type { Finding, Severity } from "../core/finding";
import type { Topology } from "../model/topology";

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
