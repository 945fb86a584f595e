/**
 * Runs the rules over a topology and applies what the user decided: per-rule severity and the
 * suppression comments. The one place findings become reportable; LSP and CLI both call it.
 */
import type { FileFacts } from "../core/facts";
import type { Topology } from "../model/topology";
import { isSuppressed } from "../core/suppression";
import { RULES } from "../rules/registry";
import type { Finding, Severity, SeveritySetting } from "../rules/rule";

export type RuleSettings = Readonly<Record<string, SeveritySetting | undefined>>;

export interface Reported extends Finding {
  severity: Severity;
}

export function analyze(topology: Topology, settings: RuleSettings = {}, only?: readonly string[]): Reported[] {
  const out: Reported[] = [];
  for (const rule of RULES) {
    if (only?.length && !only.includes(rule.id)) continue;
    const severity = settings[rule.id] ?? rule.defaultSeverity;
    if (severity === "off") continue;
    for (const finding of rule.check(topology)) {
      if (isSuppressed(suppressionsOf(topology.facts.get(finding.file)), finding.rule, finding.range.start.line)) continue;
      out.push({ ...finding, severity });
    }
  }
  return out.sort(compareFindings);
}

function suppressionsOf(facts: FileFacts | undefined) {
  return facts && "suppressions" in facts ? facts.suppressions : [];
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
