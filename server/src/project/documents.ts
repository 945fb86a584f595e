/**
 * Open documents: the editor's text over the disk's, each with its syntax tree, reparsed
 * incrementally from the edits an editor sends (tree-sitter needs byte-free edit records: start,
 * old end and new end, as offsets and as rows/columns). Trees are WebAssembly memory: freed here.
 */
import { TextDocument, type TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import type { Grammars, Tree } from "../kinds/tree-sitter";
import { kindOf } from "../kinds/registry";

/** A change to an open document as tree-sitter takes it (0-based, UTF-16), already applied to the text. */
export interface DocumentEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

export interface OpenDocument {
  text: string;
  version: number;
  tree: Tree | undefined;
}

export class Documents {
  private readonly open = new Map<string, OpenDocument>();

  constructor(private readonly grammars: Grammars) {}

  /** Opens or updates a document; with `edits`, the old tree is edited and reparsed incrementally. */
  set(path: string, text: string, version: number, edits?: readonly DocumentEdit[]): OpenDocument {
    const prev = this.open.get(path);
    let old: Tree | undefined;
    if (prev?.tree && edits?.length) {
      old = prev.tree;
      for (const e of edits) old.edit(e);
    } else prev?.tree?.delete();
    const grammar = kindOf(path)?.grammar?.(path);
    const tree = grammar ? this.grammars.parse(grammar, text, old) : undefined;
    if (old && old !== tree) old.delete();
    const doc = { text, version, tree };
    this.open.set(path, doc);
    return doc;
  }

  /** Closes a document and frees its tree; false when it was not open. */
  close(path: string): boolean {
    const doc = this.open.get(path);
    if (!doc) return false;
    doc.tree?.delete();
    this.open.delete(path);
    return true;
  }

  get(path: string): OpenDocument | undefined {
    return this.open.get(path);
  }

  has(path: string): boolean {
    return this.open.has(path);
  }

  /** Free every tree (WebAssembly memory is not garbage-collected). */
  dispose(): void {
    for (const doc of this.open.values()) doc.tree?.delete();
    this.open.clear();
  }
}

/**
 * Applies an editor's content changes to a document, one after the other, and returns the new
 * document with the tree edits for them; `edits` is undefined when a change replaced the whole text.
 */
export function applyChanges(doc: TextDocument, changes: readonly TextDocumentContentChangeEvent[], version: number): { doc: TextDocument; edits: DocumentEdit[] | undefined } {
  const edits: DocumentEdit[] = [];
  let whole = false;
  let current = doc;
  for (const change of changes) {
    const edit = treeEdit(current, change);
    if (edit) edits.push(edit);
    else {
      edits.length = 0;
      whole = true;
    }
    current = TextDocument.update(current, [change], version);
  }
  return { doc: current, edits: whole ? undefined : edits };
}

/** The tree-sitter edit for one incremental change, computed against the text before it. */
function treeEdit(doc: TextDocument, change: TextDocumentContentChangeEvent): DocumentEdit | undefined {
  if (!("range" in change)) return undefined;
  const startIndex = doc.offsetAt(change.range.start);
  const oldEndIndex = doc.offsetAt(change.range.end);
  const lines = change.text.split("\n");
  const start = doc.positionAt(startIndex);
  const oldEnd = doc.positionAt(oldEndIndex);
  const newEnd = lines.length === 1 ? { row: start.line, column: start.character + change.text.length } : { row: start.line + lines.length - 1, column: lines[lines.length - 1].length };
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + change.text.length,
    startPosition: { row: start.line, column: start.character },
    oldEndPosition: { row: oldEnd.line, column: oldEnd.character },
    newEndPosition: newEnd,
  };
}
