/**
 * Reload triggers: the frontend's folder is watched for its Vite config and `.env*` files, and the
 * folders of the modules the config imports for those modules (editors that save by renaming are
 * seen because folders, not files, are watched). Changes are batched (a save is several events)
 * and handed over as workspace-relative paths. Nothing is watched recursively.
 */
import { statSync, watch, type FSWatcher } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { MAX_FILE_BYTES, readRegularFile } from "../host/files";
import { kindOf } from "../kinds/registry";

/** A Vite config or a `.env*` file, as the kind registry names them: what a reload reads. */
const reloads = (name: string) => ["frontend-config", "env"].includes(kindOf(name)?.role ?? "");
const EXTENSIONS = ["", ".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", "/index.ts", "/index.js"];

export interface ConfigWatcher {
  /** Re-reads which modules the config imports (after a reload). */
  refresh(configFile: string | undefined): void;
  close(): void;
}

/**
 * Watches `frontendDir` (absolute) and the config's imports; `onChange` gets the changed paths
 * relative to `root`, `delayMs` after the last event of a burst.
 */
export function watchConfig(root: string, frontendDir: string, configFile: string | undefined, onChange: (paths: string[]) => void, delayMs = 60): ConfigWatcher {
  const watchers = new Map<string, FSWatcher>();
  /** Absolute paths of imported modules worth a reload. */
  let imported = new Set<string>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const interesting = (dir: string, name: string) => (dir === frontendDir && reloads(name)) || imported.has(join(dir, name));
  const watchDir = (dir: string) => {
    if (watchers.has(dir)) return;
    try {
      const w = watch(dir, (_event, filename) => {
        if (!filename || !interesting(dir, filename.toString())) return;
        pending.add(relative(root, join(dir, filename.toString())).split(sep).join("/"));
        clearTimeout(timer);
        timer = setTimeout(() => {
          const paths = [...pending];
          pending.clear();
          onChange(paths);
        }, delayMs);
      });
      w.on("error", () => watchers.delete(dir));
      watchers.set(dir, w);
    } catch {
      // a folder that cannot be watched: edits there need a restart
    }
  };

  const refresh = (config: string | undefined) => {
    imported = config ? importsOf(config) : new Set();
    const dirs = new Set([frontendDir, ...[...imported].map((f) => dirname(f))]);
    for (const [dir, w] of watchers) if (!dirs.has(dir)) (w.close(), watchers.delete(dir));
    for (const dir of dirs) watchDir(dir);
  };
  refresh(configFile);
  return {
    refresh,
    close() {
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/**
 * The local modules a config file imports (absolute paths), read with a pattern: no code runs.
 * Only a regular file is read (a FIFO in its place would block the proxy).
 */
function importsOf(configFile: string): Set<string> {
  const out = new Set<string>();
  let text: string;
  try {
    const read = readRegularFile(configFile, MAX_FILE_BYTES);
    if (!("bytes" in read)) return out;
    text = read.bytes.toString("utf8");
  } catch {
    return out;
  }
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(["'])(\.{1,2}\/[^"']+)\1/gm)) {
    const base = join(dirname(configFile), m[2]);
    const found = EXTENSIONS.map((e) => base + e).find((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
    if (found) out.add(found);
  }
  return out;
}
