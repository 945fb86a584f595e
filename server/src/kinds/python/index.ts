/** The Python kind: FastAPI/Starlette apps, routers, CORS settings and the values they read. */
import type { Kind } from "../kind";
import { grammarFor } from "../tree-sitter";
import { PYTHON_TRIGGERS, readPythonModule } from "./fastapi";

export const python: Kind = {
  id: "python",
  role: "backend",
  claims: (path) => grammarFor(path) === "python",
  watch: ["**/*.py"],
  languageIds: ["python"],
  grammar: grammarFor,
  triggers: PYTHON_TRIGGERS,
  comments: "python",
  read: (_path, text, tree) => (tree ? readPythonModule(tree, text) : null),
};
