/**
 * Loads the tree-sitter WebAssembly files shipped beside the bundle (dist/wasm) once per process.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Grammars } from "../kinds/tree-sitter";

let loading: Promise<Grammars> | undefined;

/** The grammars, read from `<dir>/wasm` (the bundle's own folder by default). */
export function loadGrammars(dir: string = __dirname): Promise<Grammars> {
  loading ??= (async () => {
    const read = (name: string) => readFileSync(join(dir, "wasm", name));
    return Grammars.load({
      runtime: read("tree-sitter.wasm"),
      python: read("tree-sitter-python.wasm"),
      typescript: read("tree-sitter-typescript.wasm"),
      tsx: read("tree-sitter-tsx.wasm"),
      javascript: read("tree-sitter-javascript.wasm"),
    });
  })();
  return loading;
}
