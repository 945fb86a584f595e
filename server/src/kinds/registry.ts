/**
 * The file-kind registry: every kind the analysis reads, in the order they claim paths (a Vite
 * config is JavaScript too; it is claimed as a config first). The LSP's watchers, the document
 * selector the client must match, the index's routing and the suppression syntax all read this
 * list. Adding a kind: a folder beside this file with read.ts and index.ts, and one line here.
 */
import { dockerfile } from "./dockerfile/index";
import { env } from "./env/index";
import { js } from "./js/index";
import type { Kind, KindId } from "./kind";
import { ports } from "./ports/index";
import { python } from "./python/index";
import { tsconfig } from "./tsconfig/index";
import { vite } from "./vite/index";

export const KINDS: readonly Kind[] = [vite, env, dockerfile, ports, tsconfig, python, js];

/** Files the model looks at only for being there (Vite's `index.html` and `public/`), watched too. */
export const PRESENCE_GLOBS: readonly string[] = ["**/*.{html,json}", "**/public/**"];

/** The kind that claims a workspace-relative path, if any. */
export function kindOf(path: string): Kind | undefined {
  return KINDS.find((k) => k.claims(path));
}

/** The id of the kind that claims a path, if any. */
export function kindIdOf(path: string): KindId | undefined {
  return kindOf(path)?.id;
}

/** Every glob an editor's watcher must report: each kind's, and the presence globs. */
export function watchGlobs(): string[] {
  return [...new Set([...KINDS.flatMap((k) => k.watch), ...PRESENCE_GLOBS])];
}

/** Every editor language id the server reads documents of. */
export function languageIds(): string[] {
  return [...new Set(KINDS.flatMap((k) => k.languageIds))].sort();
}
