/**
 * One workspace folder as the server keeps it: the index (disk text under open documents), the
 * walk that fills it, the mapping between URIs and workspace-relative paths, and what was last
 * published per file so a flush sends only the diagnostics that changed.
 */
import { realpathSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { URI } from "vscode-uri";
import { WorkspaceIndex } from "../project/workspace-index";
import type { Topology } from "../model/topology";
import type { Grammars } from "../kinds/tree-sitter";
import { isSkippedPath, readText, walk } from "../host/files";

export class Folder {
  readonly index: WorkspaceIndex;
  /** JSON of the diagnostics last published per file (absent = none published). */
  readonly published = new Map<string, string>();
  /** The last model built, which the next (incremental) build starts from. */
  topology: Topology | undefined;
  private exclude: (rel: string) => boolean = () => false;

  constructor(readonly uri: string, readonly path: string, grammars: Grammars) {
    this.index = new WorkspaceIndex(grammars, (rel) => readText(this.path, rel));
  }

  /** Walks the folder (again) with the current excludes. */
  scan(exclude: (rel: string) => boolean): number {
    this.exclude = exclude;
    const { files } = walk(this.path, exclude);
    this.index.setFiles(files);
    return files.length;
  }

  /** The workspace-relative path of a URI inside this folder, else undefined. */
  relPath(uri: string): string | undefined {
    let fsPath: string;
    try {
      const parsed = URI.parse(uri);
      if (parsed.scheme !== "file") return undefined;
      fsPath = parsed.fsPath;
    } catch {
      return undefined;
    }
    const rel = relative(this.path, fsPath);
    if (!rel || rel.startsWith("..") || rel.includes(`..${sep}`) && rel.split(sep)[0] === "..") return undefined;
    const posix = rel.split(sep).join("/");
    return posix.startsWith("../") ? undefined : posix;
  }

  /** Whether a path is one the analysis reads (not in node_modules, build output, excluded globs). */
  wants(rel: string): boolean {
    return !isSkippedPath(rel) && !this.exclude(rel);
  }

  /** Whether a path names the file itself, not a way to it through a symbolic link. */
  isReal(rel: string): boolean {
    try {
      return realpathSync(join(this.path, rel)) === join(realpathSync(this.path), rel);
    } catch {
      return false;
    }
  }

  uriOf(rel: string): string {
    return URI.file(this.path + "/" + rel).toString();
  }
}
