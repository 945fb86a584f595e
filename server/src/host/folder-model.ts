/**
 * A folder read from disk into the model: walked and parsed once (`cors-doctor check` reads it
 * once; the dev proxy keeps it and re-joins it incrementally when watched files change). Runs no
 * user code.
 */
import { existsSync } from "node:fs";
import { sep } from "node:path";
import { buildTopology } from "../model/build";
import type { Topology } from "../model/topology";
import { WorkspaceIndex } from "../project/workspace-index";
import { readText, walk } from "./files";
import { loadGrammars } from "./grammars";

export class FolderModel {
  private constructor(readonly root: string, readonly index: WorkspaceIndex, public topology: Topology, readonly notes: string[]) {}

  /**
   * Reads the folder `root` (absolute); `grammarsDir` holds `wasm/` (the bundle's folder by
   * default). `notes` says what could not be read (binary or oversized files, parse failures).
   */
  static async open(root: string, grammarsDir?: string): Promise<FolderModel> {
    const grammars = await loadGrammars(grammarsDir);
    const { files, notes } = walk(root);
    const index = new WorkspaceIndex(grammars, (rel) => readText(root, rel, notes));
    index.setFiles(files);
    const topology = buildTopology(index.input());
    notes.push(...index.notes.splice(0));
    return new FolderModel(root, index, topology, notes);
  }

  /** Files (workspace-relative) changed, appeared or went away: re-join the model. */
  update(paths: Iterable<string>): Topology {
    for (const rel of paths) {
      if (existsSync(this.root + sep + rel.split("/").join(sep))) this.index.changed(rel);
      else this.index.removed(rel);
    }
    this.topology = buildTopology(this.index.input(), this.topology);
    return this.topology;
  }
}
