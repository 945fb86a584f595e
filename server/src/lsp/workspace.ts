/**
 * What the server keeps between messages: the workspace folders (each a Project over its disk
 * files, with the mapping between URIs and workspace-relative paths and what was last published
 * per file), the open documents as the editor sent them, the settings, and what the client can do.
 */
import { realpathSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { URI } from "vscode-uri";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { FolderModel } from "../host/folder-model";
import { isSkippedPath } from "../host/files";
import type { Grammars } from "../kinds/tree-sitter";
import type { Project } from "../project/project";
import { DEFAULT_SETTINGS, type Settings } from "./settings";

export class Folder {
  private readonly model: FolderModel;
  /** JSON of the diagnostics last published per file (absent = none published). */
  readonly published = new Map<string, string>();
  /** The findings and document version each file's last publication was made from (to skip unchanged files cheaply). */
  readonly publishedFrom = new Map<string, { findings: readonly object[]; version: number | undefined; refs: string }>();
  private exclude: (rel: string) => boolean = () => false;

  constructor(readonly uri: string, readonly path: string, grammars: Grammars) {
    this.model = new FolderModel(path, grammars);
  }

  get project(): Project {
    return this.model.project;
  }

  /** What could not be read since the last call (for the log). */
  takeNotes(): string[] {
    return [...this.model.notes.splice(0), ...this.project.notes.splice(0)];
  }

  /** Walks the folder (again) with the current excludes; answers how many files it holds. */
  scan(exclude: (rel: string) => boolean): number {
    this.exclude = exclude;
    return this.model.scan(exclude);
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

/** What the client declared it supports. */
export interface ClientSupport {
  configuration: boolean;
  watchers: boolean;
  progress: boolean;
}

export class Workspace {
  readonly folders: Folder[] = [];
  /** Open documents by URI, as the editor sent them (also those outside every folder). */
  readonly docs = new Map<string, TextDocument>();
  settings: Settings = DEFAULT_SETTINGS;
  support: ClientSupport = { configuration: false, watchers: false, progress: false };
  /** Set once the folders are indexed: changes before then are picked up by the first flush. */
  ready = false;

  /** The innermost folder holding a URI, with the path in it, when the analysis reads that path. */
  find(uri: string): { folder: Folder; file: string } | undefined {
    let best: { folder: Folder; file: string } | undefined;
    for (const folder of this.folders) {
      const file = folder.relPath(uri);
      if (file !== undefined && (!best || folder.path.length > best.folder.path.length)) best = { folder, file };
    }
    return best;
  }

  /** Like `find`, but only for paths the folder reads (not excluded, not in skipped folders). */
  wanted(uri: string): { folder: Folder; file: string } | undefined {
    const found = this.find(uri);
    return found && found.folder.wants(found.file) ? found : undefined;
  }
}
