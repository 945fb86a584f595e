/**
 * The module-level facts of a JS/TS file: imports (ES and `require`), exports (declarations,
 * specifiers, re-exports, `export default`, `module.exports`) and top-level `const` values.
 */
import type { ExportFact, Expr, ImportFact, JsFacts } from "../../core/facts";
import { collectBindingNames, readExpr, stringValue, type Scope } from "./js-expr";
import { childrenOf, field, rangeOf, type Node, isConst } from "../tree-sitter";

export function requireSource(value: Node | undefined): string | undefined {
  if (value?.type !== "call_expression" || field(value, "function")?.text !== "require") return undefined;
  const arg = childrenOf(field(value, "arguments")!)[0];
  return arg?.type === "string" ? stringValue(arg) : undefined;
}

export function readImport(stmt: Node, into: ImportFact[]): void {
  const sourceNode = field(stmt, "source");
  if (!sourceNode) return;
  const source = stringValue(sourceNode);
  const clause = childrenOf(stmt).find((c) => c.type === "import_clause");
  if (!clause) return;
  for (const part of childrenOf(clause)) {
    if (part.type === "identifier") into.push({ local: part.text, imported: "default", source });
    else if (part.type === "namespace_import") {
      const id = childrenOf(part).find((c) => c.type === "identifier");
      if (id) into.push({ local: id.text, imported: "*", source });
    } else if (part.type === "named_imports") {
      for (const spec of childrenOf(part)) {
        if (spec.type !== "import_specifier") continue;
        const name = field(spec, "name");
        const alias = field(spec, "alias");
        if (name) into.push({ local: (alias ?? name).text, imported: name.type === "string" ? stringValue(name) : name.text, source });
      }
    }
  }
}

/** The parts of a module's facts a top-level statement writes. */
export type TopLevelFacts = Pick<JsFacts, "exports" | "consts" | "defaultExport" | "commonjsExport">;

export function readTopLevel(stmt: Node, top: Scope, facts: TopLevelFacts): void {
  if (stmt.type === "export_statement") {
    const decl = field(stmt, "declaration");
    const value = field(stmt, "value");
    const source = field(stmt, "source");
    if (decl) {
      readDeclaration(decl, top, facts);
      for (const name of declaredNames(decl)) facts.exports.push({ exported: name, local: name });
      return;
    }
    if (value) {
      facts.defaultExport = isFunctionNode(value) ? opaqueFunction(value) : readExpr(value, top);
      if (value.type === "identifier") facts.exports.push({ exported: "default", local: value.text });
      return;
    }
    const clause = childrenOf(stmt).find((c) => c.type === "export_clause");
    if (!clause) {
      // `export default function f() {}` / `export default class` land here as declarations.
      const def = childrenOf(stmt).find((c) => c.type.includes("function") || c.type.includes("class"));
      if (def) facts.defaultExport = opaqueFunction(def);
      return;
    }
    for (const spec of childrenOf(clause)) {
      if (spec.type !== "export_specifier") continue;
      const name = field(spec, "name");
      const alias = field(spec, "alias");
      if (!name) continue;
      const exported: ExportFact = { exported: (alias ?? name).text };
      if (source) {
        exported.source = stringValue(source);
        exported.imported = name.text;
      } else exported.local = name.text;
      facts.exports.push(exported);
    }
    return;
  }
  if (stmt.type === "lexical_declaration" || stmt.type === "variable_declaration") {
    readDeclaration(stmt, top, facts);
    return;
  }
  if (stmt.type === "expression_statement") {
    const expr = childrenOf(stmt)[0];
    if (expr?.type === "assignment_expression" && field(expr, "left")?.text.replace(/\s/g, "") === "module.exports") {
      facts.commonjsExport = readExpr(field(expr, "right")!, top);
    }
  }
}

function declaredNames(decl: Node): string[] {
  if (decl.type === "lexical_declaration" || decl.type === "variable_declaration") {
    const names = new Set<string>();
    for (const d of childrenOf(decl)) {
      const name = d.type === "variable_declarator" ? field(d, "name") : undefined;
      if (name) collectBindingNames(name, names);
    }
    return [...names];
  }
  const name = field(decl, "name");
  return name ? [name.text] : [];
}

function readDeclaration(decl: Node, top: Scope, facts: TopLevelFacts): void {
  if (decl.type !== "lexical_declaration" && decl.type !== "variable_declaration") {
    const name = field(decl, "name");
    if (decl.type === "function_declaration" && name) facts.consts[name.text] = opaqueFunction(decl);
    return;
  }
  if (!isConst(decl)) return;
  for (const d of childrenOf(decl)) {
    if (d.type !== "variable_declarator") continue;
    const name = field(d, "name");
    const value = field(d, "value");
    if (name?.type !== "identifier" || !value) continue;
    // A function's body is the call walker's business; as a value it is never a URL.
    facts.consts[name.text] = isFunctionNode(value) ? opaqueFunction(value) : readExpr(value, top);
  }
}

function isFunctionNode(node: Node): boolean {
  return node.type === "arrow_function" || node.type === "function_expression" || node.type === "function" || node.type === "class";
}

function opaqueFunction(node: Node): Expr {
  return { kind: "function", returns: undefined, param: undefined, range: rangeOf(node) };
}
