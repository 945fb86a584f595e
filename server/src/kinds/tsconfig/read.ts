/**
 * `tsconfig*.json` / `jsconfig.json`: the `compilerOptions.paths` aliases (`"@/*": ["./src/*"]`),
 * so imports such as `@/api/client` resolve. Read with `jsonc-parser` (the comment- and
 * trailing-comma-tolerant JSON reader VS Code itself uses) since these files are JSONC.
 */
import { parse } from "jsonc-parser";
import type { TsconfigFacts } from "../../core/facts";

export function isTsconfig(path: string): boolean {
  return /(^|\/)(tsconfig(\.[\w-]+)?|jsconfig)\.json$/.test(path);
}

export function readTsconfig(text: string): TsconfigFacts {
  const aliases: Record<string, string> = {};
  const json = parse(text, [], { allowTrailingComma: true, disallowComments: false }) as { compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined;
  const options = json?.compilerOptions;
  const baseUrl = typeof options?.baseUrl === "string" ? options.baseUrl : ".";
  const paths = options?.paths && typeof options.paths === "object" ? (options.paths as Record<string, unknown>) : {};
  for (const [pattern, targets] of Object.entries(paths)) {
    const first = Array.isArray(targets) ? targets[0] : undefined;
    if (typeof first !== "string") continue;
    const wildcard = pattern.endsWith("/*") && first.endsWith("/*");
    if (!wildcard && (pattern.includes("*") || first.includes("*"))) continue;
    const name = wildcard ? pattern.slice(0, -2) : pattern;
    const target = wildcard ? first.slice(0, -2) : first;
    aliases[name] = `${baseUrl.replace(/\/$/, "")}/${target.replace(/^\.\//, "")}`;
  }
  return { kind: "tsconfig", aliases };
}
