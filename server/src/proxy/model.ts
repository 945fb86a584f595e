/**
 * The workspace as the proxy reads it: walked and parsed once at start (as `cors-doctor check`
 * does), kept as a `WorkspaceIndex`, and re-joined incrementally when watched files change. Runs
 * no user code; the table is built from this model only.
 */
import { existsSync } from "node:fs";
import { sep } from "node:path";
import { buildTopology } from "../analysis/model/build";
import type { Topology } from "../analysis/model/topology";
import { WorkspaceIndex } from "../analysis/workspace-index";
import { readText, walk } from "../host/files";
import { loadGrammars } from "../host/grammars";

export class ProxyModel {
  private constructor(readonly root: string, private readonly index: WorkspaceIndex, public topology: Topology, readonly notes: string[]) {}

  /** Reads the folder `root` (absolute); `grammarsDir` holds `wasm/` (the bundle's folder by default). */
  static async open(root: string, grammarsDir?: string): Promise<ProxyModel> {
    const grammars = await loadGrammars(grammarsDir);
    const { files, notes } = walk(root);
    const index = new WorkspaceIndex(grammars, (rel) => readText(root, rel, notes));
    index.setFiles(files);
    const topology = buildTopology(index.input());
    notes.push(...index.notes.splice(0));
    return new ProxyModel(root, index, topology, notes);
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
