/**
 * Findings as LSP diagnostics: `source`, `code` = rule id with its docs link, related
 * information, and the fixes in `data` so the code-action handler is a mapping.
 */
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver/node";
import { SOURCE, type DiagnosticData } from "../../../protocol/lsp";
import type { Reported } from "../project/run-rules";
import { docsUrl } from "../rules/docs";

const SEVERITY: Record<Reported["severity"], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Reported, uriOf: (file: string) => string, versionOf: (file: string) => number | undefined): Diagnostic {
  const versions: Record<string, number | null> = { [f.file]: versionOf(f.file) ?? null };
  for (const fix of f.fixes) for (const e of fix.edits) versions[e.file] = versionOf(e.file) ?? null;
  const data: DiagnosticData = { fixes: f.fixes, versions };
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    source: SOURCE,
    code: f.rule,
    codeDescription: { href: docsUrl(f.rule) },
    message: f.message,
    relatedInformation: f.related.map((r) => ({ location: { uri: uriOf(r.file), range: r.range }, message: r.message })),
    data,
  };
}
