/**
 * "Fix all": applies the preferred fix of each fixable finding one at a time, re-analysing in
 * between (two fixes may add the same proxy entry; the second must then not be applied), and
 * returns the new text of every file it changed. It works on a scratch fork of the project.
 */
import { locationKey } from "../core/range";
import { applyEdits } from "../core/edits";
import type { Finding, Fix, TextEdit } from "../core/finding";
import type { Project } from "./project";
import type { RuleSettings } from "./run-rules";

const MAX_STEPS = 100;

export function fixAll(project: Project, settings: RuleSettings, onlyFile?: string): Map<string, string> {
  const texts = new Map<string, string>();
  const scratch = project.fork((path) => texts.get(path) ?? project.text(path));
  const tried = new Set<string>();
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = scratch.findings(settings).find((f) => preferred(f) && (!onlyFile || f.file === onlyFile) && !tried.has(key(f)));
    if (!next) break;
    tried.add(key(next));
    const byFile = new Map<string, TextEdit[]>();
    for (const e of preferred(next)!.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    const after = new Map<string, string>();
    try {
      for (const [file, edits] of byFile) after.set(file, applyEdits(texts.get(file) ?? project.text(file) ?? "", edits));
    } catch {
      continue; // a fix whose edits do not fit the text is skipped, never half-applied
    }
    for (const [file, text] of after) {
      texts.set(file, text);
      scratch.changed(file);
    }
  }
  return texts;
}

/** The fix fix-all applies: the first, unless it is only a suggestion. */
function preferred(f: Finding): Fix | undefined {
  return f.fixes[0]?.suggestion ? undefined : f.fixes[0];
}

function key(f: Finding): string {
  return `${f.rule}\u0000${locationKey(f.file, f.range)}\u0000${f.message}`;
}
