/** The Vite config kind: `vite.config.*` in any folder, one frontend each. */
import type { Kind } from "../kind";
import { grammarFor } from "../tree-sitter";
import { isViteConfig, readViteConfig } from "./read";

export const vite: Kind = {
  id: "vite",
  role: "frontend-config",
  claims: isViteConfig,
  watch: ["**/vite.config.{js,mjs,cjs,ts,mts,cts}"],
  languageIds: ["javascript", "typescript"],
  grammar: grammarFor,
  comments: "js",
  read: (_path, text, tree) => (tree ? readViteConfig(tree, text) : null),
};
