/**
 * The rule fixtures under test/fixtures/rules/<rule-id>/<case>/: where they are, their
 * `expect: <rule-id>` markers, and the strict comparison of findings with markers that the
 * fixture harness and the fix tests share.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Reported } from "../../server/src/project/run-rules";
import { ROOT, type Files } from "./analysis";

export const FIXTURES = join(ROOT, "test", "fixtures", "rules");
export const MISSION_RULES = ["cors-wildcard-credentials", "hardcoded-localhost-url", "missing-proxy-entry"];

/** Files in a case folder that describe the case rather than belong to its workspace. */
export function isFixtureMeta(rel: string): boolean {
  return rel.endsWith(".fixed") || rel === "fix.json" || rel === "case.json";
}

export interface Marker {
  file: string;
  line: number;
  rule: string;
  optional: boolean;
}

export function markersOf(files: Files): Marker[] {
  const out: Marker[] = [];
  for (const [file, text] of Object.entries(files)) {
    text.split("\n").forEach((line, i) => {
      for (const m of line.matchAll(/expect(-optional)?: ([a-z0-9-]+)/g)) out.push({ file, line: i + 1, rule: m[2], optional: Boolean(m[1]) });
    });
  }
  return out;
}

/** `<rule>/<case>` folders, sorted. */
export function fixtureCases(): { rule: string; name: string; dir: string }[] {
  const out: { rule: string; name: string; dir: string }[] = [];
  for (const rule of readdirSync(FIXTURES).sort()) {
    const ruleDir = join(FIXTURES, rule);
    if (!statSync(ruleDir).isDirectory()) continue;
    for (const name of readdirSync(ruleDir).sort()) {
      const dir = join(ruleDir, name);
      if (statSync(dir).isDirectory()) out.push({ rule, name, dir });
    }
  }
  return out;
}

/** Whether a finding covers a 1-based line of a file. */
const covers = (f: Reported, file: string, line: number) => f.file === file && f.range.start.line + 1 <= line && line <= f.range.end.line + 1;

/** The problems of one case, in the harness's words (`src/api.ts:7 expected x, got none`). */
export function compare(findings: Reported[], markers: Marker[], scored: Set<string>): string[] {
  const problems: string[] = [];
  const relevant = findings.filter((f) => scored.has(f.rule));
  const used = new Set<number>();
  for (const want of markers.filter((m) => scored.has(m.rule))) {
    const hit = relevant.findIndex((f, i) => !used.has(i) && f.rule === want.rule && covers(f, want.file, want.line));
    if (hit >= 0) used.add(hit);
    else if (!want.optional) problems.push(`${want.file}:${want.line} expected ${want.rule}, got none`);
  }
  relevant.forEach((f, i) => {
    if (used.has(i)) return;
    if (markers.some((m) => m.optional && m.rule === f.rule && covers(f, m.file, m.line))) return;
    problems.push(`${f.file}:${f.range.start.line + 1} unexpected ${f.rule}: ${f.message}`);
  });
  return problems;
}

