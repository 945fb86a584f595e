/**
 * The CLI's output formats (cli.md): `json` (the contract the acceptance check reads), `text`
 * with code frames, and SARIF 2.1.0 for code scanning.
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

export function toText(findings: readonly Reported[], text: (file: string) => string | undefined, color: boolean): string {
  const paint = (c: keyof typeof COLORS, s: string) => (color ? `${COLORS[c]}${s}${COLORS.reset}` : s);
  const out: string[] = [];
  for (const f of findings) {
    const where = `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
    out.push(`${where}  ${paint(f.severity, f.severity)}  ${f.message}  ${paint("dim", f.rule)}`);
    const lines = text(f.file)?.split(/\r?\n/);
    const line = lines?.[f.range.start.line];
    if (line !== undefined) {
      const num = String(f.range.start.line + 1);
      const shown = line.length > 200 ? line.slice(0, 200) + "…" : line;
      const width = f.range.end.line === f.range.start.line ? Math.max(1, f.range.end.character - f.range.start.character) : Math.max(1, shown.length - f.range.start.character);
      out.push(`  ${paint("dim", num + " |")} ${shown}`);
      out.push(`  ${" ".repeat(num.length)} ${paint("dim", "|")} ${" ".repeat(Math.min(f.range.start.character, shown.length))}${paint(f.severity, "^".repeat(Math.min(width, 200)))}`);
    }
    for (const fix of f.fixes) out.push(`  ${paint("dim", "fix:")} ${fix.title}`);
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
