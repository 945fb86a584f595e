/**
 * The axios-instance closure: a file with no trigger word that imports an axios instance
 * (directly, or through modules that re-export it) makes requests through it, so the index must
 * parse it. These are the two fixpoints behind that: which modules pass an instance on, and
 * which unparsed files lead to one.
 */
import type { AliasLookup } from "../core/aliases";
import type { FileFacts, JsFacts } from "../core/facts";
import { resolveJsModule } from "../core/paths";

/** How the closure sees the workspace. */
export interface InstanceScope {
  files: ReadonlySet<string>;
  aliases: AliasLookup;
  facts: Map<string, FileFacts>;
  /** Import specifiers of JS/TS files read but not parsed, by file. */
  specifiers: ReadonlyMap<string, readonly string[]>;
  /** Parses a file the closure found it needs (adding it to `facts`). */
  need(path: string): void;
}

/** The modules that create or pass on an axios instance, among the parsed files. */
export function instanceModules(scope: InstanceScope): Set<string> {
  const modules = new Set<string>();
  for (const [path, f] of scope.facts) if (f.kind === "js" && f.instances.some((i) => i.name || i.factory)) modules.add(path);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [path, f] of scope.facts) {
      if (modules.has(path) || !passesOn(scope, modules, path, f)) continue;
      modules.add(path);
      grew = true;
    }
  }
  return modules;
}

/** Parses every candidate file that imports an instance module, and grows `modules` with the barrels among them. */
export function parseInstanceImporters(scope: InstanceScope, modules: Set<string>, candidates: string[]): void {
  const leads = (path: string, specs: readonly string[]) => specs.some((spec) => modules.has(resolveJsModule(path, spec, scope.files, scope.aliases(path)) ?? ""));
  for (let grew = true; grew; ) {
    grew = false;
    for (const path of candidates) {
      const specs = scope.specifiers.get(path);
      if (!specs || scope.facts.has(path) || !leads(path, specs)) continue;
      scope.need(path);
      const f = scope.facts.get(path);
      // a barrel (`export { api } from './client'`) passes the instance on to its importers
      if (f && passesOn(scope, modules, path, f)) {
        modules.add(path);
        grew = true;
      }
    }
    if (grew) candidates = [...scope.specifiers.keys()];
  }
}

function passesOn(scope: InstanceScope, modules: ReadonlySet<string>, path: string, f: FileFacts): boolean {
  return f.kind === "js" && passedOn(f).some((spec) => modules.has(resolveJsModule(path, spec, scope.files, scope.aliases(path)) ?? ""));
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
