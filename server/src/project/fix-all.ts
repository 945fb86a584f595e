/**
 * "Fix all": applies the preferred fix of each fixable finding one at a time, re-analysing in
 * between (two fixes may add the same proxy entry; the second must then not be applied), and
 * returns the new text of every file it changed.
 */
import { analyze, type RuleSettings } from "./run-rules";
import { applyEdits } from "../core/edits";
import { buildTopology } from "../model/build";
import type { Topology } from "../model/topology";
import type { WorkspaceIndex } from "./workspace-index";

const MAX_STEPS = 100;

export function fixAll(index: WorkspaceIndex, settings: RuleSettings, onlyFile?: string): Map<string, string> {
  const texts = new Map<string, string>();
  const scratch = index.fork((path) => texts.get(path) ?? index.text(path));
  const tried = new Set<string>();
  let topology: Topology | undefined;
  for (let step = 0; step < MAX_STEPS; step++) {
    topology = buildTopology(scratch.input(), topology);
    const findings = analyze(topology, settings);
    const next = findings.find((f) => f.fixes.length && (!onlyFile || f.file === onlyFile) && !tried.has(key(f)));
    if (!next) break;
    tried.add(key(next));
    const byFile = new Map<string, typeof next.fixes[0]["edits"]>();
    for (const e of next.fixes[0].edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    for (const [file, edits] of byFile) {
      const before = texts.get(file) ?? index.text(file) ?? "";
      texts.set(file, applyEdits(before, edits));
      scratch.changed(file);
    }
  }
  return texts;
}

function key(f: { rule: string; file: string; message: string; range: { start: { line: number; character: number } } }): string {
  return `${f.rule}:${f.file}:${f.range.start.line}:${f.range.start.character}:${f.message}`;
}
