/**
 * The CLI's output formats (cli.md): `json` (the contract the acceptance check reads), `text`
 * with code frames, and SARIF 2.1.0 for code scanning. Text goes to a terminal, so nothing taken
 * from the workspace (file names, code lines, messages quoting them) reaches it with a raw control
 * character: an escape sequence in a file name would otherwise drive the terminal.
 */
import type { Reported } from "../project/run-rules";
import { RULES } from "../rules/registry";
import { docsUrl } from "../rules/docs";

export function toJson(root: string, findings: readonly Reported[]): string {
  return JSON.stringify(
    {
      version: 1,
      root,
      findings: findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        file: f.file,
        line: f.range.start.line + 1,
        column: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
        message: f.message,
        related: f.related.map((r) => ({ file: r.file, line: r.range.start.line + 1, message: r.message })),
        fixes: f.fixes.map((x) => x.title),
      })),
    },
    null,
    2,
  );
}

const COLORS = { error: "\x1b[31m", warning: "\x1b[33m", info: "\x1b[36m", hint: "\x1b[90m", dim: "\x1b[2m", reset: "\x1b[0m" };

/** C0 and C1 control characters but the tab (harmless, and common in code lines). */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/** `s` with each control character written out (`\n`, `\r`, `\x1b`), safe to print on a terminal. */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
}

/**
 * One `file:line:column  severity  message  rule` line per finding with a code frame. Each file
 * is split into lines once, however many findings it has (once per finding made 8,000 findings
 * in a 1 MB file run out of memory).
 */
export function toText(findings: readonly Reported[], text: (file: string) => string | undefined, color: boolean): string {
  const paint = (c: keyof typeof COLORS, s: string) => (color ? `${COLORS[c]}${s}${COLORS.reset}` : s);
  const linesOf = new Map<string, string[] | undefined>();
  const out: string[] = [];
  for (const f of findings) {
    const { start, end } = f.range;
    const where = `${escapeControls(f.file)}:${start.line + 1}:${start.character + 1}`;
    out.push(`${where}  ${paint(f.severity, f.severity)}  ${escapeControls(f.message)}  ${paint("dim", f.rule)}`);
    let lines = linesOf.get(f.file);
    if (!linesOf.has(f.file)) linesOf.set(f.file, (lines = text(f.file)?.split(/\r?\n/)));
    const line = lines?.[start.line];
    if (line !== undefined) {
      const num = String(start.line + 1);
      const cut = line.length > 200 ? line.slice(0, 200) : line;
      const shown = escapeControls(cut) + (cut === line ? "" : "…");
      // columns on the escaped line: an escaped character before the range moves the caret
      const from = Math.min(start.character, cut.length);
      const to = end.line === start.line ? Math.max(from + 1, Math.min(end.character, cut.length)) : cut.length;
      const col = escapeControls(cut.slice(0, from)).length;
      const width = Math.max(1, escapeControls(cut.slice(from, to)).length);
      out.push(`  ${paint("dim", num + " |")} ${shown}`);
      out.push(`  ${" ".repeat(num.length)} ${paint("dim", "|")} ${" ".repeat(col)}${paint(f.severity, "^".repeat(Math.min(width, 200)))}`);
    }
    for (const fix of f.fixes) out.push(`  ${paint("dim", "fix:")} ${escapeControls(fix.title)}`);
    out.push("");
  }
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const errors = count("error");
  const warnings = count("warning");
  const others = findings.length - errors - warnings;
  out.push(
    findings.length === 0
      ? "No problems found."
      : `${findings.length} problem${findings.length === 1 ? "" : "s"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}${others ? `, ${others} other` : ""})`,
  );
  return out.join("\n");
}

export function toSarif(findings: readonly Reported[], version: string): string {
  const level = (s: string) => (s === "error" ? "error" : s === "warning" ? "warning" : "note");
  return JSON.stringify(
    {
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      version: "2.1.0",
      runs: [
        {
          tool: {
            driver: {
              name: "cors-doctor",
              version,
              informationUri: docsUrl(),
              rules: RULES.map((r) => ({
                id: r.id,
                shortDescription: { text: r.description },
                helpUri: docsUrl(r.id),
                defaultConfiguration: { level: level(r.defaultSeverity) },
              })),
            },
          },
          results: findings.map((f) => ({
            ruleId: f.rule,
            ruleIndex: RULES.findIndex((r) => r.id === f.rule),
            level: level(f.severity),
            message: { text: f.message },
            locations: [location(f.file, f.range)],
            relatedLocations: f.related.map((r, i) => ({ id: i, ...location(r.file, r.range), message: { text: r.message } })),
          })),
        },
      ],
    },
    null,
    2,
  );
}

function location(file: string, range: Reported["range"]) {
  return {
    physicalLocation: {
      artifactLocation: { uri: file.split("/").map(encodeURIComponent).join("/") },
      region: { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 },
    },
  };
}
