/**
 * The Project: one object from files to findings. It owns the open documents, the facts cache and
 * its demand closure, the incremental model, running the rules (severity, suppression) and
 * fix-all. The LSP, the CLI and the dev proxy are adapters over it: they tell it what changed
 * (`setFiles`, `changed`, `removed`, `setDocument`, `closeDocument`) and ask it `topology()`,
 * `findings(settings)` or `fixAll(settings)`. Text comes through `read`; it does no I/O itself.
 */
import type { FileFacts, Suppression } from "../core/facts";
import type { Grammars } from "../kinds/tree-sitter";
import { buildTopology, type Built } from "../model/build";
import type { Topology, WorkspaceInput } from "../model/topology";
import { Documents, type DocumentEdit } from "./documents";
import { FactsIndex } from "./facts-index";
import { fixAll } from "./fix-all";
import { runRules, type Reported, type RuleSettings } from "./run-rules";

export class Project {
  private readonly docs: Documents;
  private readonly index: FactsIndex;
  private built: Built | undefined;
  private builtFrom: WorkspaceInput | undefined;

  constructor(
    private readonly grammars: Grammars,
    private readonly read: (path: string) => string | undefined,
    index?: (docs: Documents) => FactsIndex,
  ) {
    this.docs = new Documents(grammars);
    this.index = index ? index(this.docs) : new FactsIndex(grammars, this.docs, read);
  }

  /** Files that could not be read; the adapters log them and empty the list. */
  get notes(): string[] {
    return this.index.notes;
  }

  /** How many files were parsed since the project was made (for tests and benchmarks). */
  get parseCount(): number {
    return this.index.parseCount;
  }

  /** Replaces the set of known files (workspace-relative, `/`-separated). */
  setFiles(paths: Iterable<string>): void {
    this.index.setFiles(paths);
  }

  /** A file appeared or changed on disk (an open document's text wins over the disk's). */
  changed(path: string): void {
    if (!this.docs.has(path)) this.index.changed(path);
  }

  /** A file, or a folder with everything in it, was deleted. */
  removed(path: string): void {
    this.index.removed(path);
  }

  /** Opens or updates a document; with `edits`, its tree is reparsed incrementally. */
  setDocument(path: string, text: string, version: number, edits?: readonly DocumentEdit[]): void {
    this.docs.set(path, text, version, edits);
    this.index.parseCount++;
    this.index.changed(path);
  }

  /** Closes a document: the disk's text counts again (a file deleted while open is gone now). */
  closeDocument(path: string): void {
    if (!this.docs.close(path)) return;
    if (this.read(path) === undefined) this.index.removed(path);
    else this.index.changed(path);
  }

  /** The text of a file: the open document's, or the disk's. */
  text(path: string): string | undefined {
    return this.docs.get(path)?.text ?? this.read(path);
  }

  version(path: string): number | undefined {
    return this.docs.get(path)?.version;
  }

  isOpen(path: string): boolean {
    return this.docs.has(path);
  }

  /** Whether a path is known (on disk or open). */
  has(path: string): boolean {
    return this.index.has(path);
  }

  files(): ReadonlySet<string> {
    return this.index.files();
  }

  /** The model, joined again (incrementally) only when something changed since the last call. */
  topology(): Topology {
    const input = this.index.input();
    if (!this.built || this.builtFrom?.facts !== input.facts || this.builtFrom.files !== input.files) {
      this.built = buildTopology(input, this.built);
      this.builtFrom = input;
    }
    return this.built.topology;
  }

  /** The findings with the user's severities (or only the rules in `only`), suppressed ones dropped. */
  findings(settings: RuleSettings = {}, only?: readonly string[]): Reported[] {
    const topology = this.topology();
    const facts = this.builtFrom!.facts;
    return runRules(topology, (file) => suppressionsOf(facts.get(file)), settings, only);
  }

  /** The new text of every file the preferred fixes change (of one file's findings, with `onlyFile`). */
  fixAll(settings: RuleSettings, onlyFile?: string): Map<string, string> {
    return fixAll(this, settings, onlyFile);
  }

  /** A scratch copy reading text through `read` (for fix-all): this project's facts, no documents. */
  fork(read: (path: string) => string | undefined): Project {
    return new Project(this.grammars, read, (docs) => this.index.fork(docs, read));
  }

  /** Frees every syntax tree (WebAssembly memory is not garbage-collected). */
  dispose(): void {
    this.docs.dispose();
  }
}

function suppressionsOf(facts: FileFacts | undefined): readonly Suppression[] {
  return facts && "suppressions" in facts ? facts.suppressions : [];
}
