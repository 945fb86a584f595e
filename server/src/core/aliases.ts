/**
 * Import aliases a file sees: `resolve.alias` of its frontend's Vite config and `paths` of the
 * tsconfig/jsconfig files above it, the nearest first. Used by the index (to follow imports) and
 * the model (to resolve them), so both agree.
 */
import type { FileFacts } from "./facts";
import { dirname, isUnder, join } from "./paths";

export type AliasLookup = (file: string) => Readonly<Record<string, string>>;

export function aliasLookup(facts: ReadonlyMap<string, FileFacts>): AliasLookup {
  const tables: { root: string; aliases: Record<string, string> }[] = [];
  for (const [path, f] of facts) {
    if (f.kind !== "vite" && f.kind !== "tsconfig") continue;
    const root = dirname(path);
    const aliases: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.aliases)) aliases[k] = join(root, v);
    tables.push({ root, aliases });
  }
  tables.sort((a, b) => b.root.length - a.root.length);
  if (tables.length === 0) return () => ({});
  const cache = new Map<string, Record<string, string>>();
  return (file) => {
    const dir = dirname(file);
    let merged = cache.get(dir);
    if (!merged) {
      merged = {};
      for (const t of tables) if (isUnder(dir, t.root)) for (const [k, v] of Object.entries(t.aliases)) if (!(k in merged)) merged[k] = v;
      cache.set(dir, merged);
    }
    return merged;
  };
}
