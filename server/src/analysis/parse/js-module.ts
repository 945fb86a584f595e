/**
 * The module-level facts of a JS/TS file: imports (ES and `require`), exports (declarations,
 * specifiers, re-exports, `export default`, `module.exports`) and top-level `const` values.
 */
import type { ExportFact, ImportFact, JsFacts } from "../model/facts";
import { collectBindingNames, readExpr, stringValue, type Scope } from "./js-expr";
import { childrenOf, field, type Node } from "./tree-sitter";

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

export function readTopLevel(stmt: Node, top: Scope, facts: JsFacts): void {
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
      facts.defaultExport = readExpr(value, top);
      if (value.type === "identifier") facts.exports.push({ exported: "default", local: value.text });
      return;
    }
    const clause = childrenOf(stmt).find((c) => c.type === "export_clause");
    if (!clause) {
      // `export default function f() {}` / `export default class` land here as declarations.
      const def = childrenOf(stmt).find((c) => c.type.includes("function") || c.type.includes("class"));
      if (def) facts.defaultExport = readExpr(def, top);
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

function readDeclaration(decl: Node, top: Scope, facts: JsFacts): void {
  if (decl.type !== "lexical_declaration" && decl.type !== "variable_declaration") {
    if (decl.type === "function_declaration" && field(decl, "name")) {
      facts.consts[field(decl, "name")!.text] = readExpr(decl, top);
    }
    return;
  }
  if (!decl.text.startsWith("const")) return;
  for (const d of childrenOf(decl)) {
    if (d.type !== "variable_declarator") continue;
    const name = field(d, "name");
    const value = field(d, "value");
    if (name?.type === "identifier" && value) facts.consts[name.text] = readExpr(value, top);
  }
}
