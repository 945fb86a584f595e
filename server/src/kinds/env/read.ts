/**
 * `.env*` files: `KEY=value` lines as Vite's dotenv reads them (quotes stripped, `export `
 * allowed, `#` comments). Written here rather than taken from `dotenv`, whose module pulls in
 * `fs`/`path` and which this folder may not import; the format needed is a few lines.
 */
import type { EnvFacts } from "../../core/facts";

/** Whether a file name is a dotenv file (`.env`, `.env.production`, `.env.local`, `.env.example`, ...). */
export function isEnvFile(path: string): boolean {
  return /(^|\/)\.env(\.[\w.-]+)?$/.test(path);
}

export function readEnvFile(text: string): EnvFacts {
  const vars: EnvFacts["vars"] = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)?\s*$/.exec(line);
    if (!m) return;
    let value = (m[2] ?? "").trim();
    const quoted = /^(['"`])([\s\S]*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, "");
    vars[m[1]] = { value, line: i, end: line.length };
  });
  const raw = text.split("\n");
  return {
    kind: "env",
    vars,
    lineCount: text.endsWith("\n") ? lines.length - 1 : lines.length,
    endsWithNewline: text.length === 0 || text.endsWith("\n"),
    lastLineLength: raw[raw.length - 1].length,
  };
}
