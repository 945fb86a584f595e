/**
 * The facts cache and the demand worklist: every known file, and the facts of each file worth
 * parsing (a Vite config, a `.env*`, a port-giving command file, a source file with a trigger
 * word, or one holding a value that a parsed file needs: see demand.ts and instances.ts). Open
 * documents' facts come from their text and tree (documents.ts); other files are read through
 * `read`, parsed, and their trees freed at once. No I/O of its own.
 */
import { aliasLookup, type AliasLookup } from "../core/aliases";
import type { FileFacts } from "../core/facts";
import { resolveJsModule, resolvePyImport, resolvePyModule } from "../core/paths";
import { factsOf, readFile } from "../kinds/read-file";
import { kindOf } from "../kinds/registry";
import type { Grammars } from "../kinds/tree-sitter";
import type { WorkspaceInput } from "../model/topology";
import { demandStep, rootsOf, type RemoteDemand } from "./demand";
import type { Documents } from "./documents";
import { instanceModules, parseInstanceImporters, type InstanceScope } from "./instances";

interface Entry {
  /** Facts once read; `null` when the file is not worth parsing; undefined when not read yet. */
  facts: FileFacts | null | undefined;
  /** The file was parsed only because another imports it. */
  onDemand: boolean;
}

/** A name a file is asked for: [file, name]. */
type Demand = [string, string];

export class FactsIndex {
  private readonly entries = new Map<string, Entry>();
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

  constructor(
    private readonly grammars: Grammars,
    private readonly docs: Documents,
    private readonly read: (path: string) => string | undefined,
  ) {}

  /** Replaces the set of known files (open documents stay). */
  setFiles(paths: Iterable<string>): void {
    const next = new Set(paths);
    for (const p of [...this.entries.keys()]) if (!next.has(p) && !this.docs.has(p)) this.entries.delete(p);
    for (const p of next) if (!this.entries.has(p)) this.entries.set(p, { facts: undefined, onDemand: false });
    this.dirtyViews();
  }

  /** A file appeared or changed on disk, or an open document changed (its facts are read again). */
  changed(path: string): void {
    const isNew = !this.entries.has(path);
    this.entries.set(path, { facts: undefined, onDemand: false });
    if (isNew) this.dirtyViews();
    else this.dirty.add(path);
  }

  /** A file, or a folder with everything in it, went away (open documents stay). */
  removed(path: string): void {
    const under = path + "/";
    for (const p of [...this.entries.keys()]) {
      if ((p !== path && !p.startsWith(under)) || this.docs.has(p)) continue;
      this.entries.delete(p);
      this.specifiers.delete(p);
    }
    this.dirtyViews();
  }

  has(path: string): boolean {
    return this.entries.has(path);
  }

  files(): ReadonlySet<string> {
    if (!this.filesView) this.filesView = new Set(this.entries.keys());
    return this.filesView;
  }

  /** The model's input: reads what is not read yet, then follows imports to files it needs. */
  input(): WorkspaceInput {
    const files = this.files();
    if (this.factsView && this.dirty.size === 0) return { files, facts: this.factsView };
    const queue: Demand[] = [];
    // A changed alias table (Vite config, tsconfig) can change where any import lands: follow
    // every file's needs again (nothing is re-read for that).
    if (this.factsView && [...this.dirty].some((p) => kindOf(p)?.role === "frontend-config" || kindOf(p)?.role === "aliases")) {
      this.factsView = undefined;
      this.demanded.clear();
    }
    const patchMode = this.factsView !== undefined;
    const facts = patchMode ? this.patchView(this.factsView!, queue) : this.fullView(queue);
    let candidates = patchMode ? [...this.dirty] : [...this.specifiers.keys()];
    this.dirty.clear();
    const aliases = aliasLookup(facts);
    const scope: InstanceScope = { files, aliases, facts, specifiers: this.specifiers, need: (target) => this.need(facts, target, queue) };
    this.follow(scope, queue);
    const modules = instanceModules(scope);
    const key = [...modules].join("\u0000");
    if (patchMode && key !== this.lastInstanceModules) candidates = [...this.specifiers.keys()];
    this.lastInstanceModules = key;
    parseInstanceImporters(scope, modules, candidates);
    this.follow(scope, queue);
    this.factsView = facts;
    return { files, facts };
  }

  /** The facts of every file worth reading, and each one's own needs queued. */
  private fullView(queue: Demand[]): Map<string, FileFacts> {
    const facts = new Map<string, FileFacts>();
    this.demanded.clear();
    for (const [path, entry] of this.entries) {
      if (entry.facts === undefined) entry.facts = this.load(path, false);
      if (entry.facts) {
        facts.set(path, entry.facts);
        queueRoots(queue, path, entry.facts);
      }
    }
    return facts;
  }

  /** The last view with only the files that changed read again, and what they now need from others. */
  private patchView(previous: Map<string, FileFacts>, queue: Demand[]): Map<string, FileFacts> {
    const facts = new Map(previous);
    for (const path of this.dirty) {
      const entry = this.entries.get(path);
      // a file another one needs a value from stays parsed even without a trigger word
      if (entry && entry.facts === undefined) entry.facts = this.load(path, entry.onDemand || facts.has(path));
      const again = this.demanded.get(path) ?? new Set<string>();
      this.demanded.delete(path);
      if (entry?.facts) {
        facts.set(path, entry.facts);
        queueRoots(queue, path, entry.facts);
        for (const name of again) queue.push([path, name]);
      } else facts.delete(path);
    }
    return facts;
  }

  /** Parses a file another one needs a value from; false when it has nothing to give. */
  private need(facts: Map<string, FileFacts>, target: string, queue: Demand[]): boolean {
    if (facts.has(target)) return true;
    const entry = this.entries.get(target);
    if (!entry) return false;
    if (entry.facts === null || entry.facts === undefined) {
      entry.facts = this.load(target, true);
      entry.onDemand = true;
    }
    if (!entry.facts) return false;
    facts.set(target, entry.facts);
    queueRoots(queue, target, entry.facts);
    return true;
  }

  /** Works the queue: each demanded name leads to more names here or in the modules it imports. */
  private follow(scope: InstanceScope, queue: Demand[]): void {
    while (queue.length) {
      const [path, name] = queue.pop()!;
      let done = this.demanded.get(path);
      if (!done) this.demanded.set(path, (done = new Set()));
      if (done.has(name)) continue;
      done.add(name);
      const f = scope.facts.get(path);
      if (!f) continue;
      const step = demandStep(f, name);
      for (const n of step.local) queue.push([path, n]);
      for (const r of step.remote) {
        const target = remoteTarget(path, r, scope.files, scope.aliases);
        if (target && this.need(scope.facts, target[0], queue)) queue.push(target);
      }
    }
  }

  private dirtyViews(): void {
    this.filesView = undefined;
    this.factsView = undefined;
    this.dirty.clear();
    this.demanded.clear();
  }

  /** Reads a file's facts; `needed` parses a source file even without a trigger word. */
  private load(path: string, needed: boolean): FileFacts | null {
    const open = this.docs.get(path);
    if (open) return factsOf(path, open.text, open.tree, true);
    this.specifiers.delete(path);
    if (!kindOf(path)) return null;
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
   * and holds no documents; `changed(path)` rereads a file.
   */
  fork(docs: Documents, read: (path: string) => string | undefined): FactsIndex {
    const copy = new FactsIndex(this.grammars, docs, read);
    for (const [path, entry] of this.entries) copy.entries.set(path, { ...entry });
    return copy;
  }
}

function queueRoots(queue: Demand[], path: string, f: FileFacts): void {
  for (const name of rootsOf(f)) queue.push([path, name]);
}

/** The file and name a demand on another module lands on. */
function remoteTarget(from: string, demand: RemoteDemand, files: ReadonlySet<string>, aliases: AliasLookup): Demand | undefined {
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
