/**
 * `cors-doctor check <dir>`: walks the folder, builds the model once, runs the rules.
 */
import { FolderModel } from "../host/folder-model";
import type { Reported } from "../project/run-rules";

export interface CheckResult {
  findings: Reported[];
  notes: string[];
  /** Text of each file a finding is in, for code frames. */
  text(file: string): string | undefined;
}

export async function check(root: string, rules: readonly string[]): Promise<CheckResult> {
  const { project, notes } = await FolderModel.open(root);
  const findings = project.findings({}, rules);
  for (const fe of project.topology().frontends) {
    if (fe.configFile && !fe.config?.readable) notes.push(`${fe.configFile} could not be read statically (a syntax error, or no config object): proxy checks are off for that frontend`);
    else if (fe.proxy?.kind === "unknown") notes.push(`${fe.configFile}: server.proxy is computed: proxy checks are off for that frontend`);
  }
  return { findings, notes, text: (file) => project.text(file) };
}
