/**
 * Runs the rules over a topology and applies what the user decided: per-rule severity and the
 * suppression comments. The one place findings become reportable; the Project calls it for the
 * LSP, the CLI and fix-all alike.
 */
import type { Finding, Severity, SeveritySetting } from "../core/finding";
import type { Suppression } from "../core/facts";
import { isSuppressed } from "../core/suppression";
import type { Topology } from "../model/topology";
import { RULES } from "../rules/registry";

export type RuleSettings = Readonly<Record<string, SeveritySetting | undefined>>;

export interface Reported extends Finding {
  severity: Severity;
}

/** The findings of every rule that is on (or only those in `only`), sorted, with suppressed ones dropped. */
export function runRules(topology: Topology, suppressionsOf: (file: string) => readonly Suppression[], settings: RuleSettings = {}, only?: readonly string[]): Reported[] {
  const out: Reported[] = [];
  for (const rule of RULES) {
    if (only?.length && !only.includes(rule.id)) continue;
    const severity = settings[rule.id] ?? rule.defaultSeverity;
    if (severity === "off") continue;
    for (const finding of rule.check(topology)) {
      if (isSuppressed(suppressionsOf(finding.file), finding.rule, finding.range.start.line)) continue;
      out.push(reported(finding, severity));
    }
  }
  return out.sort(compareFindings);
}

const reports = new WeakMap<Finding, Reported>();

/**
 * The finding with its severity, the same object as last time for a finding a rule kept (rules
 * memoise per model object), so a publisher can tell by identity that nothing changed.
 */
function reported(finding: Finding, severity: Severity): Reported {
  const last = reports.get(finding);
  if (last?.severity === severity) return last;
  const fresh = { ...finding, severity };
  reports.set(finding, fresh);
  return fresh;
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
