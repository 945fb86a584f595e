/**
 * A folder on disk as a Project: walked (without following links out of it), read through
 * `readText` (size, binary and encoding checks), and updated from paths that changed.
 * `cors-doctor check` reads it once; the dev proxy keeps it and re-joins it when watched files
 * change; the language server keeps one per workspace folder. Runs no user code.
 */
import { existsSync } from "node:fs";
import { sep } from "node:path";
import type { Grammars } from "../kinds/tree-sitter";
import type { Topology } from "../model/topology";
import { Project } from "../project/project";
import { readText, walk } from "./files";
import { loadGrammars } from "./grammars";

export class FolderModel {
  readonly project: Project;
  /** What could not be read (binary or oversized files, parse failures), for `--verbose` and the log. */
  readonly notes: string[] = [];

  constructor(readonly root: string, grammars: Grammars) {
    this.project = new Project(grammars, (rel) => readText(root, rel, this.notes));
  }

  /**
   * Reads the folder `root` (absolute) and joins its model; `grammarsDir` holds `wasm/` (the
   * bundle's folder by default).
   */
  static async open(root: string, grammarsDir?: string): Promise<FolderModel> {
    const folder = new FolderModel(root, await loadGrammars(grammarsDir));
    folder.scan();
    folder.project.topology();
    folder.notes.push(...folder.project.notes.splice(0));
    return folder;
  }

  /** Walks the folder (again) with `exclude`; answers how many files it holds. */
  scan(exclude?: (rel: string) => boolean): number {
    const { files, notes } = walk(this.root, exclude);
    this.notes.push(...notes);
    this.project.setFiles(files);
    return files.length;
  }

  /** Files (workspace-relative) changed, appeared or went away: re-join the model. */
  update(paths: Iterable<string>): Topology {
    for (const rel of paths) {
      if (existsSync(this.root + sep + rel.split("/").join(sep))) this.project.changed(rel);
      else this.project.removed(rel);
    }
    return this.project.topology();
  }
}
