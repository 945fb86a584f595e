/**
 * The files of a workspace folder as the analysis sees them: walked without following links out
 * of the folder or in circles, skipping dependencies, virtual environments and build output, and
 * read as text only when small enough and not binary (cli.md, "What it skips"). Only regular
 * files are ever read: a FIFO or a device under a watched name would block the reading process
 * (the language server, the dev proxy) for good.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, realpathSync, type Dirent } from "node:fs";
import { sep } from "node:path";

export const MAX_FILE_BYTES = 1024 * 1024;

const SKIP_DIRS = new Set(["node_modules", ".git", ".hg", ".svn", ".venv", "venv", "dist", "build", "out", ".next", "coverage", "__pycache__", ".mypy_cache", ".pytest_cache", ".tox", ".turbo", ".cache", ".vscode-test", ".vscode-e2e", ".nuxt", ".svelte-kit", ".output"]);

/** Whether a workspace-relative path lies in a skipped folder. */
export function isSkippedPath(rel: string): boolean {
  const parts = rel.split("/");
  return parts.slice(0, -1).some((p) => SKIP_DIRS.has(p));
}

export interface WalkResult {
  files: string[];
  /** Notes for `--verbose`: what was skipped and why. */
  notes: string[];
}

/**
 * Lists the workspace-relative paths (with `/`) of every file under `root` worth knowing about.
 * `exclude` drops further paths (the `files.exclude` / `corsDoctor.files.exclude` globs).
 */
export function walk(root: string, exclude: (rel: string) => boolean = () => false): WalkResult {
  const rootReal = realpathSync(root);
  const files: string[] = [];
  const notes: string[] = [];
  // folders as [absolute path, workspace-relative path ("" for the root)]
  const stack: [string, string][] = [[rootReal, ""]];
  while (stack.length) {
    const [dir, relDir] = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      notes.push(`skipped ${relDir || "."}: ${(e as Error).message}`);
      continue;
    }
    if (relDir && entries.some((e) => e.name === "pyvenv.cfg")) {
      notes.push(`skipped ${relDir}: a virtual environment`);
      continue;
    }
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      // Links are not followed: one into the folder is walked under its real name anyway (and
      // could hide it or loop), one out of it is not the workspace's.
      if (entry.isSymbolicLink()) {
        notes.push(`skipped ${rel}: a symbolic link`);
        continue;
      }
      if (entry.isDirectory()) {
        if (SKIP_DIRS.has(entry.name) || exclude(rel + "/")) continue;
        stack.push([dir + sep + entry.name, rel]);
      } else if (entry.isFile() && !exclude(rel)) {
        files.push(rel);
      }
    }
  }
  files.sort();
  return { files, notes };
}

/** Non-blocking where the platform has it: opening a FIFO with no writer then returns at once. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * The bytes of the file at `path` when it is a regular file of at most `maxBytes`, or why it is
 * not read. The file opened is the one checked (`fstat` after a non-blocking open, so nothing can
 * be swapped in between and a FIFO does not wait for a writer). Throws what opening throws.
 */
export function readRegularFile(path: string, maxBytes: number): { bytes: Buffer } | { skipped: string } {
  const fd = openSync(path, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { skipped: "not a regular file" };
    if (st.size > maxBytes) return { skipped: `larger than ${maxBytes === MAX_FILE_BYTES ? "1 MiB" : `${maxBytes} bytes`}` };
    return { bytes: readFileSync(fd) };
  } finally {
    closeSync(fd);
  }
}

/** A file's text, or undefined when it is too large, binary, not a regular file or unreadable (with the reason in `notes`). */
export function readText(root: string, rel: string, notes?: string[]): string | undefined {
  const full = root + sep + rel.split("/").join(sep);
  try {
    const read = readRegularFile(full, MAX_FILE_BYTES);
    if ("skipped" in read) {
      notes?.push(`skipped ${rel}: ${read.skipped}`);
      return undefined;
    }
    const bytes = read.bytes;
    if (bytes.includes(0)) {
      notes?.push(`skipped ${rel}: not text`);
      return undefined;
    }
    const text = bytes.toString("utf8");
    // Mostly undecodable bytes: not text (a stray Latin-1 letter is fine).
    const bad = (text.match(/\uFFFD/g) ?? []).length;
    if (bad > 8 && bad > text.length / 50) {
      notes?.push(`skipped ${rel}: not text`);
      return undefined;
    }
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    notes?.push(`skipped ${rel}: ${(e as Error).message}`);
    return undefined;
  }
}
