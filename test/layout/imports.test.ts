/**
 * Imports only go down (STYLE.md, "A layout that shows it"). Every `import`, `export ... from`,
 * `import x = require()`, `require()`, `import()` and `import("...")` type under server/src,
 * client/src and protocol/ is read with TypeScript's parser (so comments and strings never count)
 * and checked against the layers, lowest first: core < kinds < model < rules < project < host <
 * (lsp | cli | proxy, which do not import each other, except that the CLI runs the dev proxy:
 * cli may import proxy) < main.ts (which may import lsp). core,
 * kinds, model and rules import no Node built-in, `vscode` or `vscode-languageserver*`; protocol/
 * imports nothing of ours and only the client and the adapters import it; the client imports
 * protocol/ and packages, never server/src. A failure names the file, the line and the import:
 * `server/src/model/build.ts:12 imports ../project/demand (model may not import project)`.
 * The checker is tried on synthetic imports first, so a checker that sees nothing fails too.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix } from "node:path";
import ts from "typescript";

const ROOT = join(__dirname, "..", "..");
const ROOTS = ["server/src", "client/src", "protocol"];

/** The server's folders by height; adapters share one height and may not import each other. */
const SERVER_LAYERS: Record<string, number> = { core: 0, kinds: 1, model: 2, rules: 3, project: 4, host: 5, lsp: 6, cli: 6, proxy: 6 };
const ADAPTERS = ["lsp", "cli", "proxy"];
/** The stages that do no I/O (STYLE.md): plain functions on text. */
const PURE = ["core", "kinds", "model", "rules"];
const MAIN = "main.ts";
const SOURCE = /\.(c|m)?[jt]sx?$/;

/** Where a repository-relative path (with `/`, extension optional) sits: a server folder, `main.ts`, `client`, `protocol`, `outside`, or `unknown:<name>`. */
function areaOf(rel: string): string {
  if (rel === "protocol" || rel.startsWith("protocol/")) return "protocol";
  if (rel === "client/src" || rel.startsWith("client/src/")) return "client";
  if (rel === "server/src" || rel.startsWith("server/src/")) {
    const rest = rel.slice("server/src/".length);
    const slash = rest.indexOf("/");
    if (slash < 0) return rest.replace(SOURCE, "") === "main" ? MAIN : `unknown:${rest || "server/src"}`;
    const folder = rest.slice(0, slash);
    return folder in SERVER_LAYERS ? folder : `unknown:${folder}`;
  }
  return "outside";
}

const isBuiltin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec) || builtinModules.includes(spec.split("/")[0]);
const packageName = (spec: string) => spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");
const isEditorApi = (name: string) => name === "vscode" || name.startsWith("vscode-languageserver");

/** Why `from` may not import `spec` (`target` is the area of a local specifier), or undefined when it may. */
function reason(from: string, spec: string, target: string | undefined): string | undefined {
  if (target === undefined) {
    if (!PURE.includes(from)) return undefined;
    if (isBuiltin(spec)) return `${from} may not import Node built-ins`;
    if (isEditorApi(packageName(spec))) return `${from} may not import ${packageName(spec)}`;
    return undefined;
  }
  if (target === "outside") return `${from} may not import outside ${ROOTS.join(", ")}`;
  if (target.startsWith("unknown:")) return `${target.slice("unknown:".length)} is in no layer`;
  if (target === from) return undefined;
  if (from === "client") return target === "protocol" ? undefined : "client may not import server/src";
  if (from === "protocol") return `protocol may not import ${target === "client" ? "client/src" : "server/src"}`;
  if (target === "client") return `${from} may not import client/src`;
  if (target === "protocol") return ADAPTERS.includes(from) ? undefined : `${from} may not import protocol`;
  // `cors-doctor proxy` is the CLI's command that runs the dev proxy; the proxy never imports the CLI.
  if (from === "cli" && target === "proxy") return undefined;
  if (from === MAIN) return target === "lsp" || SERVER_LAYERS[target] < SERVER_LAYERS.lsp ? undefined : `${MAIN} may not import ${target}`;
  if (target === MAIN || SERVER_LAYERS[target] >= SERVER_LAYERS[from]) return `${from} may not import ${target}`;
  return undefined;
}

interface Import {
  line: number;
  /** The specifier, or undefined for a computed one (`require(name)`). */
  spec: string | undefined;
}

/** Every import of a module's text, with its 1-based line; comments and string contents are not imports. */
function importsOf(file: string, text: string): Import[] {
  const kind = /x$/.test(file) ? ts.ScriptKind.TSX : /\.(c|m)?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out: Import[] = [];
  const add = (at: ts.Node, spec: ts.Node | undefined) => {
    const literal = spec && (ts.isStringLiteral(spec) || ts.isNoSubstitutionTemplateLiteral(spec)) ? spec.text : undefined;
    out.push({ line: sf.getLineAndCharacterOfPosition(at.getStart(sf)).line + 1, spec: literal });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) add(n, n.moduleSpecifier);
    else if (ts.isExportDeclaration(n) && n.moduleSpecifier) add(n, n.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) add(n, n.moduleReference.expression);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n, n.argument.literal);
    else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === "require"))) add(n, n.arguments[0]);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The violations of one file (repository-relative path with `/`), each `<file>:<line> imports <spec> (<why>)`. */
function violationsOf(rel: string, text: string): string[] {
  const from = areaOf(rel);
  if (from === "outside" || from.startsWith("unknown:")) return [`${rel} is in no layer (server/src has ${[...Object.keys(SERVER_LAYERS), MAIN].join(", ")})`];
  const out: string[] = [];
  for (const { line, spec } of importsOf(rel, text)) {
    if (spec === undefined) {
      out.push(`${rel}:${line} imports a computed specifier (its layer cannot be checked)`);
      continue;
    }
    const target = spec.startsWith(".") ? areaOf(posix.join(posix.dirname(rel), spec)) : undefined;
    const why = reason(from, spec, target);
    if (why) out.push(`${rel}:${line} imports ${spec} (${why})`);
  }
  return out;
}

/** Source files under a repository-relative folder, with `/`, sorted. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== "node_modules") out.push(...sources(rel));
    else if (entry.isFile() && SOURCE.test(entry.name)) out.push(rel);
  }
  return out.sort();
}

describe("layout: imports only go down", () => {
  describe("the checker (synthetic files)", () => {
    const check = (rel: string, text: string) => violationsOf(rel, text);

    it("names file, line and import of an upward import", () => {
      const text = `// model\nimport type { Topology } from "./topology";\nimport { closure } from "../project/demand";\n`;
      assert.deepEqual(check("server/src/model/build.ts", text), ["server/src/model/build.ts:3 imports ../project/demand (model may not import project)"]);
    });

    it("sees every import form, and none in comments or strings", () => {
      const text = [
        `/** \`import x from '../project/a'\`, \`require('../project/b')\` */`,
        `const s = "import y from '../project/c'";`,
        `import "../project/d";`,
        `import type { T } from "../project/e";`,
        `export { f } from "../project/f";`,
        `export * from "../project/g";`,
        `import h = require("../project/h");`,
        `const i = require("../project/i");`,
        `const j = () => import("../project/j");`,
        `let k: typeof import("../project/k");`,
        `const l = require(name);`,
      ].join("\n");
      assert.deepEqual(check("server/src/rules/x.ts", text), [
        "server/src/rules/x.ts:3 imports ../project/d (rules may not import project)",
        "server/src/rules/x.ts:4 imports ../project/e (rules may not import project)",
        "server/src/rules/x.ts:5 imports ../project/f (rules may not import project)",
        "server/src/rules/x.ts:6 imports ../project/g (rules may not import project)",
        "server/src/rules/x.ts:7 imports ../project/h (rules may not import project)",
        "server/src/rules/x.ts:8 imports ../project/i (rules may not import project)",
        "server/src/rules/x.ts:9 imports ../project/j (rules may not import project)",
        "server/src/rules/x.ts:10 imports ../project/k (rules may not import project)",
        "server/src/rules/x.ts:11 imports a computed specifier (its layer cannot be checked)",
      ]);
    });

    it("allows imports down and within a layer", () => {
      assert.deepEqual(check("server/src/kinds/js/http-calls.ts", `import { a } from "../tree-sitter";\nimport { b } from "./js-expr";\nimport { c } from "../../core/facts";\nimport { parse } from "yaml";\n`), []);
      assert.deepEqual(check("server/src/rules/r.ts", `import type { T } from "../model/topology";\nimport { d } from "./fixes/proxy-entry";\n`), []);
      assert.deepEqual(check("server/src/host/h.ts", `import { readFileSync } from "node:fs";\nimport { W } from "../project/workspace-index";\n`), []);
      assert.deepEqual(check("server/src/lsp/l.ts", `import { x } from "../host/files";\nimport { y } from "../../../protocol/proxy-messages";\nimport { z } from "vscode-languageserver/node";\n`), []);
      assert.deepEqual(check("server/src/main.ts", `import { startServer } from "./lsp/server";\nimport { loadGrammars } from "./host/grammars";\n`), []);
      assert.deepEqual(check("client/src/c.ts", `import * as vscode from "vscode";\nimport { spawn } from "node:child_process";\nimport type { M } from "../../protocol/proxy-messages";\n`), []);
      assert.deepEqual(check("protocol/p.ts", `import type { M } from "./proxy-messages";\nimport { isIP } from "node:net";\n`), []);
    });

    it("keeps the pure stages free of Node and the editor APIs", () => {
      const text = `import { readFileSync } from "node:fs";\nimport { join } from "path";\nimport { readFile } from "fs/promises";\nimport { createConnection } from "vscode-languageserver/node";\nimport type { Diagnostic } from "vscode-languageserver-types";\nimport * as vscode from "vscode";\nimport { Parser } from "@vscode/tree-sitter-wasm";\n`;
      assert.deepEqual(check("server/src/core/c.ts", text), [
        "server/src/core/c.ts:1 imports node:fs (core may not import Node built-ins)",
        "server/src/core/c.ts:2 imports path (core may not import Node built-ins)",
        "server/src/core/c.ts:3 imports fs/promises (core may not import Node built-ins)",
        "server/src/core/c.ts:4 imports vscode-languageserver/node (core may not import vscode-languageserver)",
        "server/src/core/c.ts:5 imports vscode-languageserver-types (core may not import vscode-languageserver-types)",
        "server/src/core/c.ts:6 imports vscode (core may not import vscode)",
      ]);
    });

    it("keeps the adapters apart, protocol/ at the edges and the client off the server", () => {
      assert.deepEqual(check("server/src/cli/proxy.ts", `import { P } from "../proxy/server";\n`), []);
      assert.deepEqual(check("server/src/proxy/x.ts", `import { main } from "../cli/main";\n`), ["server/src/proxy/x.ts:1 imports ../cli/main (proxy may not import cli)"]);
      assert.deepEqual(check("server/src/lsp/x.ts", `import { check } from "../cli/check";\n`), ["server/src/lsp/x.ts:1 imports ../cli/check (lsp may not import cli)"]);
      assert.deepEqual(check("server/src/lsp/x.ts", `import { m } from "../main";\n`), ["server/src/lsp/x.ts:1 imports ../main (lsp may not import main.ts)"]);
      assert.deepEqual(check("server/src/main.ts", `import { run } from "./cli/main";\n`), ["server/src/main.ts:1 imports ./cli/main (main.ts may not import cli)"]);
      assert.deepEqual(check("server/src/project/x.ts", `import type { M } from "../../../protocol/proxy-messages";\n`), ["server/src/project/x.ts:1 imports ../../../protocol/proxy-messages (project may not import protocol)"]);
      assert.deepEqual(check("protocol/p.ts", `import type { Range } from "../server/src/core/range";\n`), ["protocol/p.ts:1 imports ../server/src/core/range (protocol may not import server/src)"]);
      assert.deepEqual(check("client/src/c.ts", `import { RULES } from "../../server/src/rules/registry";\n`), ["client/src/c.ts:1 imports ../../server/src/rules/registry (client may not import server/src)"]);
      assert.deepEqual(check("server/src/core/x.ts", `import { v } from "../../../package.json";\n`), ["server/src/core/x.ts:1 imports ../../../package.json (core may not import outside server/src, client/src, protocol)"]);
    });

    it("places every file in a layer", () => {
      assert.deepEqual(check("server/src/util/x.ts", ""), ["server/src/util/x.ts is in no layer (server/src has core, kinds, model, rules, project, host, lsp, cli, proxy, main.ts)"]);
      assert.deepEqual(check("server/src/rules/x.ts", `import { u } from "../util/u";\n`), ["server/src/rules/x.ts:1 imports ../util/u (util is in no layer)"]);
    });
  });

  describe("the tree", () => {
    const files = ROOTS.flatMap(sources);
    const byArea = new Map<string, string[]>();
    for (const f of files) byArea.set(areaOf(f), [...(byArea.get(areaOf(f)) ?? []), f]);

    it("is read: every root has files, and the entry points' imports are seen", () => {
      for (const dir of ROOTS) assert.ok(files.some((f) => f.startsWith(`${dir}/`)), `no source files under ${dir}`);
      const main = importsOf("server/src/main.ts", readFileSync(join(ROOT, "server/src/main.ts"), "utf8"));
      assert.ok(main.some((i) => i.spec === "./lsp/server"), `server/src/main.ts imports: ${JSON.stringify(main)}`);
    });

    for (const area of [...Object.keys(SERVER_LAYERS), MAIN, "protocol", "client"]) {
      it(`${area}: no import goes up`, () => {
        const violations = (byArea.get(area) ?? []).flatMap((f) => violationsOf(f, readFileSync(join(ROOT, f), "utf8")));
        if (violations.length) assert.fail(`${violations.length} import(s) against the layers:\n  ${violations.join("\n  ")}`);
      });
    }

    it("every file is in a layer", () => {
      const stray = [...byArea.entries()].filter(([area]) => area.startsWith("unknown:") || area === "outside").flatMap(([, fs]) => fs);
      assert.deepEqual(stray, []);
    });
  });
});
