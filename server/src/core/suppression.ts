/**
 * Suppression comments, read from the text: `// cors-doctor-disable-next-line <id>[, <id>]` in
 * JS/TS (applies to the next line) and `# cors-doctor: disable=<id>[,<id>]` at the end of a
 * Python line (applies to that line). No id means every rule.
 */
import type { Suppression } from "./facts";

const JS = /\/[/*]\s*cors-doctor-disable-next-line\b([^\n*]*)/;
const PY = /#.*\bcors-doctor:\s*disable(?:=([\w\-, ]*))?/;

export function readSuppressions(text: string, language: "js" | "python"): Suppression[] {
  if (!text.includes("cors-doctor")) return [];
  const out: Suppression[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const m = (language === "js" ? JS : PY).exec(line);
    if (!m) return;
    const rules = (m[1] ?? "").split(/[\s,]+/).map((s) => s.trim()).filter((s) => /^[a-z0-9-]+$/.test(s));
    out.push({ line: language === "js" ? i + 1 : i, rules });
  });
  return out;
}

/** Whether a finding of `rule` on 0-based `line` is suppressed. */
export function isSuppressed(suppressions: readonly Suppression[], rule: string, line: number): boolean {
  return suppressions.some((s) => s.line === line && (s.rules.length === 0 || s.rules.includes(rule)));
}
