/** The JS/TS kind: browser code and the modules it imports values from (type declarations excluded). */
import type { Kind } from "../kind";
import { grammarFor } from "../tree-sitter";
import { CLIENT_TRIGGERS, readClientModule } from "./http-calls";

export const js: Kind = {
  id: "js",
  role: "browser-code",
  claims: (path) => {
    const grammar = grammarFor(path);
    return !!grammar && grammar !== "python" && !/\.d\.[mc]?ts$/.test(path);
  },
  watch: ["**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}"],
  languageIds: ["javascript", "javascriptreact", "typescript", "typescriptreact"],
  grammar: grammarFor,
  triggers: CLIENT_TRIGGERS,
  comments: "js",
  read: (_path, text, tree, edited) => (tree ? readClientModule(tree, text, edited) : null),
};
