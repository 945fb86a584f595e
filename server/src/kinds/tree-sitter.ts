/**
 * The tree-sitter grammars, initialised once from bytes the entry point reads (this folder does
 * no I/O), and a few helpers over syntax nodes that every parser in this folder shares.
 */
import { Language, Parser, type Node, type Tree } from "@vscode/tree-sitter-wasm";
import type { Range } from "../core/range";

export type { Node, Tree };

/** The grammar a file is parsed with. */
export type GrammarName = "python" | "typescript" | "tsx" | "javascript";

/** The WebAssembly bytes of the tree-sitter runtime and of each grammar. */
export interface GrammarBytes {
  runtime: Uint8Array;
  python: Uint8Array;
  typescript: Uint8Array;
  tsx: Uint8Array;
  javascript: Uint8Array;
}

/** Initialised grammars with one reusable parser each. */
export class Grammars {
  private readonly parsers = new Map<GrammarName, Parser>();

  private constructor(languages: Record<GrammarName, Language>) {
    for (const name of Object.keys(languages) as GrammarName[]) {
      const parser = new Parser();
      parser.setLanguage(languages[name]);
      this.parsers.set(name, parser);
    }
  }

  /** Loads the runtime and the four grammars. Call once per process. */
  static async load(bytes: GrammarBytes): Promise<Grammars> {
    await Parser.init({ wasmBinary: bytes.runtime } as never);
    const [python, typescript, tsx, javascript] = await Promise.all([
      Language.load(bytes.python),
      Language.load(bytes.typescript),
      Language.load(bytes.tsx),
      Language.load(bytes.javascript),
    ]);
    return new Grammars({ python, typescript, tsx, javascript });
  }

  /**
   * Parses `text`; with `old` (already edited with `Tree.edit`) tree-sitter reuses the unchanged
   * parts. The caller owns the returned tree and must `delete()` it.
   */
  parse(grammar: GrammarName, text: string, old?: Tree): Tree | undefined {
    const parser = this.parsers.get(grammar)!;
    return parser.parse(text, old ?? null) ?? undefined;
  }
}

/** The grammar for a file name, or undefined when it is not a source file we read. */
export function grammarFor(path: string): GrammarName | undefined {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  switch (ext) {
    case "py":
      return "python";
    case "ts":
    case "mts":
    case "cts":
      return "typescript";
    case "tsx":
      return "tsx";
    case "js":
    case "mjs":
    case "cjs":
    case "jsx":
      return "javascript";
    default:
      return undefined;
  }
}

/** The node's range, 0-based lines and UTF-16 columns. */
export function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

/** Named children that are not comments. */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  for (const child of node.namedChildren) if (child && child.type !== "comment") out.push(child);
  return out;
}

/** The child in a field, or undefined. */
export function field(node: Node, name: string): Node | undefined {
  return node.childForFieldName(name) ?? undefined;
}

/** A `const` declaration (checked on its first token: `.text` would copy the whole statement). */
export function isConst(decl: Node): boolean {
  return decl.firstChild?.type === "const";
}
