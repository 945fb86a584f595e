/**
 * Publishing: one debounced flush re-joins each folder's model and sends the diagnostics that
 * changed, for every file, open or not (an empty list for a file that went clean). A file whose
 * diagnostics did not change is sent again only when it is open (its version moved on).
 */
import type { Connection } from "vscode-languageserver/node";
import type { Reported } from "../project/run-rules";
import { toDiagnostic } from "./diagnostics";
import type { Folder, Workspace } from "./workspace";

export class Publisher {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  /** `debounceMs`: between the last change and the flush (0: right after the queued messages). */
  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    public debounceMs = 100,
  ) {}

  /** Asks for a flush after the debounce (nothing before the workspace is indexed). */
  schedule(): void {
    if (!this.workspace.ready) return;
    if (this.debounceMs === 0) {
      // no debounce: right after the messages already queued (a 0 ms timer still waits 1 ms)
      if (!this.immediate) this.immediate = setImmediate(() => this.flush());
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  /** Re-joins the model of each folder and publishes what changed. */
  flush(): void {
    this.timer = undefined;
    this.immediate = undefined;
    for (const folder of this.workspace.folders) {
      let findings: Reported[] | undefined;
      try {
        findings = folder.project.findings(this.workspace.settings.rules);
      } catch (e) {
        this.connection.console.log(`analysis failed: ${(e as Error).stack ?? e}`);
      }
      for (const note of folder.takeNotes()) this.connection.console.log(note);
      if (findings) this.publish(folder, findings);
    }
  }

  private publish(folder: Folder, findings: Reported[]): void {
    const byFile = new Map<string, Reported[]>();
    for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    const versionOf = (f: string) => folder.project.version(f);
    for (const file of new Set([...byFile.keys(), ...folder.published.keys()])) {
      const mine = byFile.get(file) ?? [];
      const version = versionOf(file);
      // the same finding objects at the same versions (of the file and of every file its fixes edit) publish the same diagnostics
      const refs = mine.map((f) => f.fixes.map((x) => x.edits.map((e) => versionOf(e.file)).join()).join()).join(";");
      const from = folder.publishedFrom.get(file);
      if (from && from.version === version && from.refs === refs && sameItems(from.findings, mine) && (version === undefined || !folder.project.isOpen(file))) continue;
      folder.publishedFrom.set(file, { findings: mine, version, refs });
      const diagnostics = mine.map((f) => toDiagnostic(f, (r) => folder.uriOf(r), versionOf));
      const json = JSON.stringify(diagnostics);
      if (folder.published.get(file) === json && (version === undefined || !folder.project.isOpen(file))) continue;
      if (diagnostics.length) folder.published.set(file, json);
      else folder.published.delete(file);
      void this.connection.sendDiagnostics({ uri: folder.uriOf(file), version, diagnostics });
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
  }
}

function sameItems(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
