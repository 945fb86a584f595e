/**
 * Suppression comments, read from the text and written for the "Disable for this line" fix:
 * `// cors-doctor-disable-next-line <id>[, <id>]` in JS/TS (applies to the next line) and
 * `# cors-doctor: disable=<id>[,<id>]` at the end of a Python line (applies to that line). No id
 * means every rule.
 */
import type { Suppression } from "./facts";
import type { TextEdit } from "./finding";

/** How a file kind writes suppression comments. */
export type CommentSyntax = "js" | "python";

const JS = /\/[/*]\s*cors-doctor-disable-next-line\b([^\n*]*)/;
const PY = /#.*\bcors-doctor:\s*disable(?:=([\w\-, ]*))?/;

export function readSuppressions(text: string, language: CommentSyntax): Suppression[] {
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

/**
 * The edit that silences `rule` on 0-based `line` of `text`: a comment line above it in JS/TS
 * (indented like it), the end of the line in Python (added to an existing list there).
 */
export function suppressionEdit(file: string, text: string, rule: string, line: number, syntax: CommentSyntax): TextEdit {
  const current = (text.split("\n")[line] ?? "").replace(/\r$/, "");
  if (syntax === "python") {
    const at = { line, character: current.length };
    const existing = /#\s*cors-doctor:\s*disable=([\w\-, ]*)$/.test(current);
    return { file, range: { start: at, end: at }, newText: existing ? `,${rule}` : `  # cors-doctor: disable=${rule}` };
  }
  const indent = /^[ \t]*/.exec(current)![0];
  const at = { line, character: 0 };
  return { file, range: { start: at, end: at }, newText: `${indent}// cors-doctor-disable-next-line ${rule}\n` };
}
