/**
 * Code actions: each diagnostic's fixes (from `Diagnostic.data`) as quick fixes with versioned
 * multi-file edits, a suppression comment per diagnostic, and `source.fixAll.corsDoctor`.
 */
import {
  CodeActionKind,
  CreateFile,
  OptionalVersionedTextDocumentIdentifier,
  TextDocumentEdit,
  TextEdit as LspTextEdit,
  type CodeAction,
  type Diagnostic,
  type WorkspaceEdit,
} from "vscode-languageserver/node";
import type { Fix } from "../rules/rule";
import { SOURCE, type DiagnosticData } from "./diagnostics";
import type { Folder } from "./workspace";

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.corsDoctor`;
/** The `workspace/executeCommand` that fixes every folder (the editor command `corsDoctor.fixAll` calls it). */
export const FIX_ALL_COMMAND = "corsDoctor.server.fixAll";

/** A fix as a `WorkspaceEdit`: versions of open documents (a stale edit is refused), new files created. */
export function toWorkspaceEdit(folder: Folder, fix: Fix, versions: Record<string, number | null>): WorkspaceEdit {
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  const byFile = new Map<string, Fix["edits"]>();
  for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) {
    const uri = folder.uriOf(file);
    if (edits.some((e) => e.create)) documentChanges.push(CreateFile.create(uri, { ignoreIfExists: true }));
    const version = versions[file] ?? null;
    // Fixes are written with "\n"; a file with CRLF line ends keeps them.
    const crlf = folder.index.text(file)?.includes("\r\n") ?? false;
    documentChanges.push(
      TextDocumentEdit.create(
        OptionalVersionedTextDocumentIdentifier.create(uri, version),
        edits.map((e) => LspTextEdit.replace(e.range, crlf ? e.newText.replace(/\r?\n/g, "\r\n") : e.newText)),
      ),
    );
  }
  return { documentChanges };
}

/** Quick fixes and a suppression for each of our diagnostics in the request. */
export function quickFixes(folder: Folder, file: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== SOURCE || typeof d.code !== "string") continue;
    const data = d.data as DiagnosticData | undefined;
    data?.fixes.forEach((fix, i) => {
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: i === 0, edit: toWorkspaceEdit(folder, fix, data.versions) });
    });
    const suppress = suppression(folder, file, d.code, d.range.start.line);
    if (suppress) actions.push({ title: `Disable ${d.code} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: toWorkspaceEdit(folder, suppress, { [file]: data?.versions[file] ?? folder.index.version(file) ?? null }) });
  }
  return actions;
}

/** The comment that silences `rule` on `line`: a line above in JS/TS, the end of the line in Python. */
function suppression(folder: Folder, file: string, rule: string, line: number): Fix | undefined {
  const text = folder.index.text(file);
  if (text === undefined) return undefined;
  const lines = text.split("\n");
  const current = (lines[line] ?? "").replace(/\r$/, "");
  if (file.endsWith(".py")) {
    const at = { line, character: current.length };
    const existing = /#\s*cors-doctor:\s*disable=([\w\-, ]*)$/.exec(current);
    if (existing) return { title: "", edits: [{ file, range: { start: at, end: at }, newText: `,${rule}` }] };
    return { title: "", edits: [{ file, range: { start: at, end: at }, newText: `  # cors-doctor: disable=${rule}` }] };
  }
  const indent = /^[ \t]*/.exec(current)![0];
  const at = { line, character: 0 };
  return { title: "", edits: [{ file, range: { start: at, end: at }, newText: `${indent}// cors-doctor-disable-next-line ${rule}\n` }] };
}
