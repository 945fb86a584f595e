/**
 * Which builds take a branch: reads the test of an `if`, a `?:` or an `&&` as the text it is
 * written in (`import.meta.env.DEV`, `MODE === 'development'`, `process.env.NODE_ENV !== 'production'`),
 * so a hardcoded URL that only development builds use is told apart from one that ships.
 */
import type { BuildCondition } from "../../core/facts";
import type { Node } from "../tree-sitter";

/**
 * Which builds take the consequent of a test: `dev` for `import.meta.env.DEV`, `!PROD`,
 * `MODE === 'development'` and `process.env.NODE_ENV === 'development'` / `!== 'production'`.
 */
export function buildCondition(test: Node): BuildCondition {
  let text = test.text.replace(/\s+/g, "");
  let negated = false;
  for (;;) {
    if (/^\(.*\)$/.test(text)) text = text.slice(1, -1);
    else if (text.startsWith("!") && !text.startsWith("!=")) {
      negated = !negated;
      text = text.slice(1);
    } else break;
  }
  let result: BuildCondition = "unknown";
  if (text === "import.meta.env.DEV") result = "dev";
  else if (text === "import.meta.env.PROD") result = "prod";
  else {
    const left = /^(?:import\.meta\.env\.MODE|process\.env\.NODE_ENV)(===|==|!==|!=)(['"`])(\w+)\2$/.exec(text);
    const right = /^(['"`])(\w+)\1(===|==|!==|!=)(?:import\.meta\.env\.MODE|process\.env\.NODE_ENV)$/.exec(text);
    const [op, value] = left ? [left[1], left[3]] : right ? [right[3], right[2]] : [];
    const equal = op === "===" || op === "==";
    if (value === "development") result = equal ? "dev" : "unknown";
    else if (value === "production") result = equal ? "prod" : "dev";
  }
  if (negated) result = result === "dev" ? "prod" : result === "prod" ? "dev" : "unknown";
  return result;
}
