/**
 * Dockerfiles: the commands that start a backend on a port (as in every port-giving file), the
 * `ENV` and `ARG` values a build sees, what the file copies in, and whether it builds a frontend
 * (`npm run build`, `vite build`, ...): a frontend built there sees those values as
 * `import.meta.env`. Read line by line (continuations joined); nothing is run.
 */
import type { DockerfileFacts } from "../../core/facts";
import { readPorts } from "../ports/read";

export function isDockerfile(path: string): boolean {
  return /(^|\/)(Dockerfile[^/]*|[^/]+\.dockerfile)$/i.test(path);
}

export function readDockerfile(text: string, path = ""): DockerfileFacts {
  const facts: DockerfileFacts = { kind: "dockerfile", commands: readPorts(text, path).commands, env: [], copies: [], buildsFrontend: false };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = line.replace(/\\\s*$/, " ") + lines[++i];
    const m = /^\s*(ENV|ARG|COPY|ADD|RUN)\s+(.*?)(?:\s+#.*)?$/i.exec(line);
    if (!m) continue;
    const instruction = m[1].toUpperCase();
    if (instruction === "ENV" || instruction === "ARG") facts.env.push(...variables(instruction, m[2], start, lines[start].length));
    else if (instruction === "RUN") facts.buildsFrontend ||= /\b(npm|pnpm|yarn|bun)\s+(run\s+)?build\b|\bvite\s+build\b/.test(m[2]);
    else facts.copies.push(...m[2].split(/\s+/).filter((w) => w && !w.startsWith("--")).slice(0, -1));
  }
  return facts;
}

/** `ENV A=1 B="2"`, `ENV A 1` (the old form), `ARG A`, `ARG A=1`: each name with its value (undefined: none given). */
function variables(instruction: string, rest: string, line: number, end: number): DockerfileFacts["env"] {
  const kind = instruction as "ENV" | "ARG";
  const pairs = [...rest.matchAll(/([A-Za-z_][\w.-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)];
  if (kind === "ENV" && pairs.length && !rest.includes("=")) {
    const m = /^([A-Za-z_][\w.-]*)\s+(.*)$/.exec(rest.trim());
    return m ? [{ name: m[1], value: unquote(m[2].trim()), line, end, instruction: kind }] : [];
  }
  // `ENV A=1 B=2` names only pairs; `ARG A` (no default) is a name alone
  return pairs.filter((p) => kind === "ARG" || p[2] !== undefined).map((p) => ({ name: p[1], value: p[2] === undefined ? undefined : unquote(p[2]), line, end, instruction: kind }));
}

function unquote(v: string): string {
  return /^".*"$|^'.*'$/.test(v) ? v.slice(1, -1) : v;
}
