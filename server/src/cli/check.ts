/**
 * `cors-doctor check <dir>`: walks the folder, builds the model once, runs the rules.
 */
import { analyze, type Reported } from "../analysis/analyze";
import { buildTopology } from "../analysis/model/build";
import { WorkspaceIndex } from "../analysis/workspace-index";
import { loadGrammars } from "../host/grammars";
import { readText, walk } from "../host/files";

export interface CheckResult {
  findings: Reported[];
  notes: string[];
  /** Text of each file a finding is in, for code frames. */
  text(file: string): string | undefined;
}

export async function check(root: string, rules: readonly string[]): Promise<CheckResult> {
  const grammars = await loadGrammars();
  const { files, notes } = walk(root);
  const index = new WorkspaceIndex(grammars, (rel) => readText(root, rel, notes));
  index.setFiles(files);

  const topology = buildTopology(index.input());
  const findings = analyze(topology, {}, rules);
  notes.push(...index.notes.splice(0));
  for (const fe of topology.frontends) {
    if (fe.configFile && !fe.config?.readable) notes.push(`${fe.configFile} could not be read statically (a syntax error, or no config object): proxy checks are off for that frontend`);
    else if (fe.proxy?.kind === "unknown") notes.push(`${fe.configFile}: server.proxy is computed: proxy checks are off for that frontend`);
  }
  return { findings, notes, text: (file) => index.text(file) };
}
