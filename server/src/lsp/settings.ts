/**
 * The server's settings, pulled with `workspace/configuration`: per-rule severity and extra
 * excluded globs (`corsDoctor.files.exclude` plus the editor's `files.exclude`).
 */
import picomatch from "picomatch";
import type { RuleSettings } from "../project/run-rules";
import { RULES } from "../rules/registry";
import type { SeveritySetting } from "../core/finding";

export interface Settings {
  rules: RuleSettings;
  exclude: string[];
}

export const DEFAULT_SETTINGS: Settings = { rules: {}, exclude: [] };

const SEVERITIES = new Set(["off", "hint", "info", "warning", "error"]);

/** Reads the `corsDoctor` section and `files.exclude` as the client sends them; bad values are ignored. */
export function readSettings(section: unknown, filesExclude: unknown): Settings {
  const rules: Record<string, SeveritySetting> = {};
  const s = (section ?? {}) as { rules?: Record<string, unknown>; files?: { exclude?: unknown } };
  for (const rule of RULES) {
    const v = s.rules?.[rule.id];
    if (typeof v === "string" && SEVERITIES.has(v)) rules[rule.id] = v as SeveritySetting;
  }
  const exclude: string[] = [];
  if (Array.isArray(s.files?.exclude)) for (const g of s.files!.exclude) if (typeof g === "string") exclude.push(g);
  if (filesExclude && typeof filesExclude === "object") {
    for (const [glob, on] of Object.entries(filesExclude)) if (on === true) exclude.push(glob);
  }
  return { rules, exclude };
}

/** A predicate over workspace-relative paths (folders end with `/`). */
export function excluder(globs: readonly string[]): (rel: string) => boolean {
  if (globs.length === 0) return () => false;
  const match = picomatch(globs.map((g) => g.replace(/\/$/, "")), { dot: true });
  return (rel) => match(rel.replace(/\/$/, ""));
}
