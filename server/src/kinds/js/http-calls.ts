/**
 * Client code: reads a JS/TS module into `JsFacts`: its imports and exports, top-level consts,
 * axios instances and defaults, and every axios/fetch/WebSocket/EventSource call with its URL
 * as an `Expr`. Local `const`s are followed through a scope chain; parameters, `let`s and
 * destructured names are opaque.
 */
import type { Expr, ImportFact, JsFacts } from "../../core/facts";
import { sameStart } from "../../core/range";
import { collectBindingNames, type Scope } from "./js-expr";
import { CallWalker, ScopeChain, interestingOffsets } from "./call-walker";
import { readImport, readTopLevel, requireSource } from "./js-module";
import { readSuppressions } from "../../core/suppression";
import { childrenOf, field, type Node, type Tree } from "../tree-sitter";

/** Words without which a file holds no client call site. */
export const CLIENT_TRIGGERS = ["axios", "fetch", "WebSocket", "EventSource"];

const NODE_BUILTINS = new Set([
  "fs", "path", "os", "child_process", "http", "https", "net", "tls", "crypto", "stream", "zlib",
  "worker_threads", "cluster", "dgram", "dns", "readline", "vm", "module", "process", "util", "fs/promises",
]);
const TOOLING = /^(node:|express$|fastify$|koa$|@hapi\/|http-proxy|@nestjs\/|hono\/node|vitest$|jest$|@jest\/|@testing-library\/|@playwright\/test$|playwright$|cypress$|msw$|msw\/|nock$|supertest$|@storybook\/|vite$|@vitejs\/)/;

/** What one top-level statement contributes to a module's names, imports, exports and consts. */
interface TopLevelPart {
  names: string[];
  imports: ImportFact[];
  exports: JsFacts["exports"];
  consts: JsFacts["consts"];
  defaultExport: Expr | undefined;
  commonjsExport: Expr | undefined;
}

/**
 * Memo of `topLevelPart` by position and text: a statement's part depends on nothing else (at
 * the top level every name is read as a `ref`), and one keystroke changes one statement.
 */
const partMemo = new Map<string, TopLevelPart>();
const MEMO_LIMIT = 50_000;
const NO_SCOPE: Scope = { lookup: () => undefined };

function topLevelPart(stmt: Node, remember: boolean): TopLevelPart {
  const key = remember ? `${stmt.startPosition.row}:${stmt.startPosition.column}:${stmt.text}` : "";
  const memo = remember ? partMemo.get(key) : undefined;
  if (memo) return memo;
  const part: TopLevelPart = { names: [], imports: [], exports: [], consts: {}, defaultExport: undefined, commonjsExport: undefined };
  const decl = stmt.type === "export_statement" ? field(stmt, "declaration") ?? stmt : stmt;
  if (decl.type === "import_statement") readImport(decl, part.imports);
  else if (decl.type === "lexical_declaration" || decl.type === "variable_declaration") {
    for (const d of childrenOf(decl)) {
      if (d.type !== "variable_declarator") continue;
      const name = field(d, "name");
      if (!name) continue;
      const names = new Set<string>();
      collectBindingNames(name, names);
      const required = requireSource(field(d, "value"));
      if (required !== undefined) {
        if (name.type === "identifier") part.imports.push({ local: name.text, imported: "default", source: required });
        else for (const n of names) part.imports.push({ local: n, imported: n, source: required });
      }
      part.names.push(...names);
    }
  } else if ((decl.type === "function_declaration" || decl.type === "class_declaration") && field(decl, "name")) {
    part.names.push(field(decl, "name")!.text);
  }
  readTopLevel(stmt, NO_SCOPE, part);
  if (remember) {
    if (partMemo.size >= MEMO_LIMIT) partMemo.clear();
    partMemo.set(key, part);
  }
  return part;
}

/**
 * Reads the facts of one module from its syntax tree. `edited` (an open document, read again on
 * every keystroke) remembers each top-level statement's part for the next read.
 */
export function readClientModule(tree: Tree, text: string, edited = false): JsFacts {
  const root = tree.rootNode;
  const facts: JsFacts = {
    kind: "js",
    imports: [],
    exports: [],
    consts: {},
    instances: [],
    defaults: [],
    calls: [],
    devOnly: [],
    generated: false,
    nodeOrTooling: false,
    syntaxError: root.hasError,
    defaultExport: undefined,
    commonjsExport: undefined,
    suppressions: readSuppressions(text, "js"),
  };
  const top = new ScopeChain(new Map());
  const axiosNames = new Set<string>();
  const statements = childrenOf(root);

  // Passes 1 and 2, per top-level statement (memoised: an edit leaves the others as they were):
  // the module's own names, so references to them stay `ref`s, its imports, exports and consts.
  for (const stmt of statements) {
    const part = topLevelPart(stmt, edited);
    facts.imports.push(...part.imports);
    facts.exports.push(...part.exports);
    Object.assign(facts.consts, part.consts);
    if (part.defaultExport) facts.defaultExport = part.defaultExport;
    if (part.commonjsExport) facts.commonjsExport = part.commonjsExport;
    for (const n of part.names) top.set(n, { kind: "top" });
  }
  for (const imp of facts.imports) {
    top.set(imp.local, { kind: "top" });
    if (imp.source === "axios" && (imp.imported === "default" || imp.imported === "*")) axiosNames.add(imp.local);
    if (NODE_BUILTINS.has(imp.source) || TOOLING.test(imp.source)) facts.nodeOrTooling = true;
  }


  // Pass 3: every call, instance and dev-only branch, anywhere in the module.
  const walker = new CallWalker(facts, axiosNames, interestingOffsets(text));
  for (const stmt of statements) walker.visit(stmt, top, true);
  // `export default axios.create({...})`: the instance is the module's default export.
  const def = facts.defaultExport;
  if (def) for (const inst of facts.instances) if (!inst.name && sameStart(inst.range, def.range)) inst.name = "default";
  return facts;
}

