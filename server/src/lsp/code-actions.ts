/**
 * Code actions: each diagnostic's fixes (from `Diagnostic.data`) as quick fixes with versioned
 * multi-file edits, a suppression comment per diagnostic, `source.fixAll.corsDoctor` for one
 * file, and the command that fixes every folder.
 */
import {
  CodeActionKind,
  CreateFile,
  OptionalVersionedTextDocumentIdentifier,
  TextDocumentEdit,
  TextEdit as LspTextEdit,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type WorkspaceEdit,
} from "vscode-languageserver/node";
import { FIX_ALL_COMMAND, FIX_ALL_KIND, SOURCE, type DiagnosticData } from "../../../protocol/lsp";
import type { Fix } from "../core/finding";
import { suppressionEdit } from "../core/suppression";
import { kindOf } from "../kinds/registry";
import type { Folder, Workspace } from "./workspace";

export function registerCodeActions(connection: Connection, workspace: Workspace): void {
  connection.onCodeAction((params) => {
    const found = workspace.find(params.textDocument.uri);
    if (!found) return [];
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (!only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) {
      actions.push(...quickFixes(found.folder, found.file, params.context.diagnostics));
    }
    if (only?.some((k) => FIX_ALL_KIND.startsWith(k) && k !== "")) {
      const action = fixAllAction(workspace, found.folder, found.file);
      if (action) actions.push(action);
    }
    return actions;
  });

  /** Fixes every folder; answers how many files the applied edits changed. */
  connection.onExecuteCommand(async (params) => {
    if (params.command !== FIX_ALL_COMMAND) return null;
    let files = 0;
    for (const folder of workspace.folders) {
      const action = fixAllAction(workspace, folder, undefined);
      if (!action?.edit) continue;
      const result = await connection.workspace.applyEdit({ label: "Fix all CORS Doctor problems", edit: action.edit });
      if (result.applied) files += action.edit.documentChanges?.filter((c) => "edits" in c).length ?? 0;
    }
    return { files };
  });
}

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
    const crlf = folder.project.text(file)?.includes("\r\n") ?? false;
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
function quickFixes(folder: Folder, file: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== SOURCE || typeof d.code !== "string") continue;
    const data = d.data as DiagnosticData | undefined;
    data?.fixes.forEach((fix, i) => {
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: i === 0 && !fix.suggestion, edit: toWorkspaceEdit(folder, fix, data.versions) });
    });
    const suppress = suppression(folder, file, d.code, d.range.start.line);
    if (suppress) actions.push({ title: `Disable ${d.code} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: toWorkspaceEdit(folder, suppress, { [file]: data?.versions[file] ?? folder.project.version(file) ?? null }) });
  }
  return actions;
}

/** The comment that silences `rule` on `line`, written the way the file's kind writes comments. */
function suppression(folder: Folder, file: string, rule: string, line: number): Fix | undefined {
  const text = folder.project.text(file);
  if (text === undefined) return undefined;
  const syntax = kindOf(file)?.comments ?? "js";
  return { title: "", edits: [suppressionEdit(file, text, rule, line, syntax)] };
}

/** Every file the fixes change, replaced whole, with the versions the texts were read at. */
function fixAllAction(workspace: Workspace, folder: Folder, file: string | undefined): CodeAction | undefined {
  const texts = folder.project.fixAll(workspace.settings.rules, file);
  if (texts.size === 0) return undefined;
  const edits = [...texts].map(([f, text]) => {
    const old = folder.project.text(f);
    const lines = old === undefined ? 0 : old.split("\n").length;
    return { file: f, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } }, newText: text, create: old === undefined };
  });
  const versions: Record<string, number | null> = {};
  for (const e of edits) versions[e.file] = folder.project.version(e.file) ?? null;
  return { title: "Fix all CORS Doctor problems", kind: FIX_ALL_KIND, edit: toWorkspaceEdit(folder, { title: "", edits }, versions) };
}
