/**
 * The one index of the workspace: every known file, disk text with open documents laid over it,
 * and the facts of each file that is worth parsing (a Vite config, a `.env*`, a port-giving
 * command file, a source file with a trigger word, or one holding a value that a parsed file
 * needs: see model/demand.ts). Syntax
 * trees are kept only for open documents, which are reparsed incrementally; trees of other files
 * are freed as soon as their facts are read. It does no I/O itself: text comes from `read`.
 */
import type { FileFacts, JsFacts } from "../core/facts";
import { resolveJsModule, resolvePyImport, resolvePyModule } from "../core/paths";
import type { WorkspaceInput } from "../model/topology";
import { grammarFor, type Grammars, type Tree } from "../kinds/tree-sitter";
import { factsOf, fileKind, readFile } from "../kinds/read-file";
import { aliasLookup, type AliasLookup } from "../core/aliases";
import { demandStep, rootsOf, type RemoteDemand } from "./demand";

/** A change to an open document, as LSP sends it (0-based, UTF-16), already applied to `text`. */
export interface DocumentEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

interface Entry {
  /** Facts once read; `null` when the file is not worth parsing; undefined when not read yet. */
  facts: FileFacts | null | undefined;
  /** The file was parsed only because another imports it. */
  onDemand: boolean;
}

interface Open {
  text: string;
  version: number;
  tree: Tree | undefined;
}

export class WorkspaceIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly open = new Map<string, Open>();
  private filesView: Set<string> | undefined;
  private factsView: Map<string, FileFacts> | undefined;
  /** Files whose facts changed since `factsView` was made (the view is patched, not rebuilt). */
  private readonly dirty = new Set<string>();
  /** The modules that create (or pass on) an axios instance, as of the last `input()`. */
  private lastInstanceModules = "";
  /** The names each file was asked for (kept so a changed file is asked again). */
  private readonly demanded = new Map<string, Set<string>>();
  /** Import specifiers of JS/TS files read but not parsed (no trigger word), by file. */
  private readonly specifiers = new Map<string, string[]>();
  /** Files that could not be read, for `--verbose` and the server log. */
  readonly notes: string[] = [];
  /** How many files were parsed since the index was made (for tests and benchmarks). */
  parseCount = 0;

  constructor(private readonly grammars: Grammars, private readonly read: (path: string) => string | undefined) {}

  /** Replaces the set of known files. */
  setFiles(paths: Iterable<string>): void {
    const next = new Set(paths);
    for (const p of [...this.entries.keys()]) if (!next.has(p) && !this.open.has(p)) this.entries.delete(p);
    for (const p of next) if (!this.entries.has(p)) this.entries.set(p, { facts: undefined, onDemand: false });
    this.dirtyViews();
  }

  /** A file appeared or changed on disk. */
  changed(path: string): void {
    if (this.open.has(path)) return; // the open document's text wins
    const isNew = !this.entries.has(path);
    this.entries.set(path, { facts: undefined, onDemand: false });
    if (isNew) this.dirtyViews();
    else this.dirty.add(path);
  }

  /** A file, or a folder with everything in it, was deleted. */
  removed(path: string): void {
    const under = path + "/";
    for (const p of [...this.entries.keys()]) {
      if ((p !== path && !p.startsWith(under)) || this.open.has(p)) continue;
      this.entries.delete(p);
      this.specifiers.delete(p);
    }
    this.dirtyViews();
  }

  /** Opens or updates a document; with `edits`, the old tree is edited and reparsed incrementally. */
  setDocument(path: string, text: string, version: number, edits?: readonly DocumentEdit[]): void {
    const prev = this.open.get(path);
    let old: Tree | undefined;
    if (prev?.tree && edits?.length) {
      old = prev.tree;
      for (const e of edits) old.edit(e);
    } else prev?.tree?.delete();
    const grammar = grammarFor(path);
    const tree = grammar ? this.grammars.parse(grammar, text, old) : undefined;
    if (old && old !== tree) old.delete();
    this.parseCount++;
    this.open.set(path, { text, version, tree });
    const isNew = !this.entries.has(path);
    this.entries.set(path, { facts: factsOf(path, text, tree, true), onDemand: false });
    if (isNew) this.dirtyViews();
    else this.dirty.add(path);
  }

  closeDocument(path: string): void {
    const doc = this.open.get(path);
    if (!doc) return;
    doc.tree?.delete();
    this.open.delete(path);
    // a document whose file was deleted while it was open is gone now
    if (this.read(path) === undefined) {
      this.entries.delete(path);
      this.specifiers.delete(path);
      this.dirtyViews();
      return;
    }
    this.entries.set(path, { facts: undefined, onDemand: false });
    this.dirty.add(path);
  }

  /** The text of a file: the open document's, or the disk's. */
  text(path: string): string | undefined {
    return this.open.get(path)?.text ?? this.read(path);
  }

  version(path: string): number | undefined {
    return this.open.get(path)?.version;
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  files(): ReadonlySet<string> {
    if (!this.filesView) this.filesView = new Set(this.entries.keys());
    return this.filesView;
  }

  /** The model's input: reads what is not read yet, then follows imports to files it needs. */
  input(): WorkspaceInput {
    const files = this.files();
    let facts = this.factsView;
    if (facts && this.dirty.size === 0) return { files, facts };
    const queue: [string, string][] = [];
    const roots = (path: string, f: FileFacts) => {
      for (const name of rootsOf(f)) queue.push([path, name]);
    };
    // A changed alias table (Vite config, tsconfig) can change where any import lands: follow
    // every file's needs again (nothing is re-read for that).
    if (facts && [...this.dirty].some((p) => { const k = fileKind(p); return k === "vite" || k === "tsconfig"; })) {
      facts = undefined;
      this.demanded.clear();
    }
    const patchMode = facts !== undefined;
    if (facts) {
      // Patch the view: only the files that changed, and what they now need from others.
      facts = new Map(facts);
      for (const path of this.dirty) {
        const entry = this.entries.get(path);
        // a file another one needs a value from stays parsed even without a trigger word
        if (entry && entry.facts === undefined) entry.facts = this.load(path, entry.onDemand || facts.has(path));
        const again = this.demanded.get(path) ?? new Set<string>();
        this.demanded.delete(path);
        if (entry?.facts) {
          facts.set(path, entry.facts);
          roots(path, entry.facts);
          for (const name of again) queue.push([path, name]);
        } else facts.delete(path);
      }
    } else {
      facts = new Map<string, FileFacts>();
      this.demanded.clear();
      for (const [path, entry] of this.entries) {
        if (entry.facts === undefined) entry.facts = this.load(path, false);
        if (entry.facts) {
          facts.set(path, entry.facts);
          roots(path, entry.facts);
        }
      }
    }
    let candidates = patchMode ? [...this.dirty] : [...this.specifiers.keys()];
    this.dirty.clear();
    const aliases = aliasLookup(facts);
    const need = (target: string): boolean => {
      if (facts!.has(target)) return true;
      const entry = this.entries.get(target);
      if (!entry) return false;
      if (entry.facts === null || entry.facts === undefined) {
        entry.facts = this.load(target, true);
        entry.onDemand = true;
      }
      if (!entry.facts) return false;
      facts!.set(target, entry.facts);
      roots(target, entry.facts);
      return true;
    };
    const follow = () => {
      while (queue.length) {
        const [path, name] = queue.pop()!;
        let done = this.demanded.get(path);
        if (!done) this.demanded.set(path, (done = new Set()));
        if (done.has(name)) continue;
        done.add(name);
        const f = facts!.get(path);
        if (!f) continue;
        const step = demandStep(f, name);
        for (const n of step.local) queue.push([path, n]);
        for (const r of step.remote) {
          const target = this.remoteTarget(path, r, files, aliases);
          if (target && need(target[0])) queue.push(target);
        }
      }
    };
    follow();
    // A file with no trigger word that imports an axios instance (directly or through modules
    // that re-export it) makes requests through it: parse it, and again for what it re-exports.
    const instanceModules = new Set<string>();
    for (const [path, f] of facts) if (f.kind === "js" && f.instances.some((i) => i.name || i.factory)) instanceModules.add(path);
    const passesOn = (path: string, f: FileFacts) =>
      f.kind === "js" && passedOn(f).some((spec) => instanceModules.has(resolveJsModule(path, spec, files, aliases(path)) ?? ""));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [path, f] of facts) {
        if (instanceModules.has(path) || !passesOn(path, f)) continue;
        instanceModules.add(path);
        grew = true;
      }
    }
    if (patchMode && [...instanceModules].join("\u0000") !== this.lastInstanceModules) candidates = [...this.specifiers.keys()];
    this.lastInstanceModules = [...instanceModules].join("\u0000");
    const leadsToInstance = (path: string, specs: readonly string[]) => specs.some((spec) => instanceModules.has(resolveJsModule(path, spec, files, aliases(path)) ?? ""));
    for (let grew = true; grew; ) {
      grew = false;
      for (const path of candidates) {
        const specs = this.specifiers.get(path);
        if (!specs || facts.has(path) || !leadsToInstance(path, specs)) continue;
        need(path);
        const f = facts.get(path);
        // a barrel (`export { api } from './client'`) passes the instance on to its importers
        if (f && passesOn(path, f)) {
          instanceModules.add(path);
          grew = true;
        }
      }
      if (grew) candidates = [...this.specifiers.keys()];
    }
    follow();
    this.factsView = facts;
    return { files, facts };
  }

  /** The file and name a demand on another module lands on. */
  private remoteTarget(from: string, demand: RemoteDemand, files: ReadonlySet<string>, aliases: AliasLookup): [string, string] | undefined {
    if (demand.lang === "js") {
      const target = resolveJsModule(from, demand.source, files, aliases(from));
      return target ? [target, demand.name] : undefined;
    }
    if (demand.name === "*") {
      const mod = resolvePyModule(from, demand.source, files);
      return mod ? [mod, "*"] : undefined;
    }
    const found = resolvePyImport(from, demand.source, demand.name, files);
    return found && [found.file, found.name ?? demand.attr ?? "*"];
  }

  private dirtyViews(): void {
    this.filesView = undefined;
    this.factsView = undefined;
    this.dirty.clear();
    this.demanded.clear();
  }

  /** Reads a file's facts; `needed` parses a source file even without a trigger word. */
  private load(path: string, needed: boolean): FileFacts | null {
    const open = this.open.get(path);
    if (open) return factsOf(path, open.text, open.tree, true);
    this.specifiers.delete(path);
    if (!fileKind(path)) return null;
    const text = this.read(path);
    if (text === undefined) return null;
    const read = readFile(this.grammars, path, text, needed);
    if (read.parsed) this.parseCount++;
    if (read.error) this.notes.push(`skipped ${path}: it could not be read (${read.error})`);
    if (read.specifiers) this.specifiers.set(path, read.specifiers);
    return read.facts;
  }

  /**
   * A scratch copy reading text through `read` (for fix-all): it starts from this index's facts
   * and holds no trees; `changed(path)` rereads a file.
   */
  fork(read: (path: string) => string | undefined): WorkspaceIndex {
    const copy = new WorkspaceIndex(this.grammars, read);
    for (const [path, entry] of this.entries) copy.entries.set(path, { ...entry });
    return copy;
  }

  /** Free every tree (WebAssembly memory is not garbage-collected). */
  dispose(): void {
    for (const doc of this.open.values()) doc.tree?.delete();
    this.open.clear();
  }
}

const passedOnMemo = new WeakMap<JsFacts, string[]>();

/** The modules whose values a JS module re-exports (`export { x } from './a'`, or an import it exports). */
function passedOn(f: JsFacts): string[] {
  let out = passedOnMemo.get(f);
  if (!out) {
    const imported = new Map(f.imports.map((i) => [i.local, i.source]));
    out = [];
    for (const e of f.exports) {
      const source = e.source ?? (e.local !== undefined ? imported.get(e.local) : undefined);
      if (source !== undefined) out.push(source);
    }
    passedOnMemo.set(f, out);
  }
  return out;
}
