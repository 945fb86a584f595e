/**
 * Python: reads a module into `PyFacts`: imports, module-level assignments, FastAPI/Starlette
 * apps, routers, routes, `include_router`, mounts, `CORSMiddleware` in its three attachment
 * forms, pydantic settings classes and `uvicorn.run(port=)`. Names assigned inside a function
 * are inlined where that function uses them (app factories).
 */
import type { AppFact, CorsFact, PyExpr, PyFacts, RouteFact, SettingsClassFact } from "../../core/facts";
import { readPyExpr, type Locals } from "./py-expr";
import { readSuppressions } from "../../core/suppression";
import { childrenOf, field, rangeOf, type Node, type Tree } from "../tree-sitter";

/** Words without which a Python file is not parsed (unless another parsed file imports it). */
export const PYTHON_TRIGGERS = ["CORSMiddleware", "FastAPI", "APIRouter", "Starlette", "uvicorn", "include_router", "BaseSettings"];

/** What an app factory's body holds: apps, routers, middleware, includes, mounts, routes, a server start. */
const APP_WORDS = /\b(FastAPI|Starlette|APIRouter|CORSMiddleware|add_middleware|include_router|mount|uvicorn|add_api_route|add_api_websocket_route)\b|@\w+\.(get|post|put|patch|delete|head|options|trace|websocket|api_route|route)\b/;

const ROUTE_METHODS: Record<string, string[]> = {
  get: ["GET"],
  post: ["POST"],
  put: ["PUT"],
  patch: ["PATCH"],
  delete: ["DELETE"],
  head: ["HEAD"],
  options: ["OPTIONS"],
  trace: ["TRACE"],
  websocket: ["WS"],
  websocket_route: ["WS"],
};


export function readPythonModule(tree: Tree, text: string): PyFacts {
  const root = tree.rootNode;
  const facts: PyFacts = {
    kind: "python",
    imports: [],
    assigns: {},
    apps: [],
    routers: [],
    routes: [],
    includes: [],
    mounts: [],
    cors: [],
    settingsClasses: [],
    returns: {},
    importAt: 0,
    uvicornPort: undefined,
    syntaxError: root.hasError,
    suppressions: readSuppressions(text, "python"),
  };
  facts.importAt = importLine(root);
  const reader = new ModuleReader(facts);
  reader.block(root, undefined);
  return facts;
}

/**
 * Where a new `import` goes: at the first top-level import (after `from __future__` ones), so it
 * comes before any code that could use it; with no imports, after a leading docstring.
 */
function importLine(root: Node): number {
  const statements = childrenOf(root);
  let line: number | undefined;
  for (const stmt of statements) {
    if (stmt.type === "future_import_statement") line = stmt.endPosition.row + 1;
    else if (stmt.type === "import_statement" || stmt.type === "import_from_statement") return line ?? stmt.startPosition.row;
  }
  if (line !== undefined) return line;
  const first = statements[0];
  const docstring = first?.type === "expression_statement" && childrenOf(first)[0]?.type === "string";
  return docstring ? first.endPosition.row + 1 : 0;
}

class ModuleReader {
  private readonly corsNames = new Set(["CORSMiddleware"]);
  private readonly settingsBases = new Set(["BaseSettings"]);

  constructor(private readonly facts: PyFacts) {}

  /** Statements of a module or a function body; `locals` is undefined at module level. */
  block(node: Node, locals: Locals | undefined): void {
    for (const stmt of childrenOf(node)) this.statement(stmt, locals);
  }

  private statement(stmt: Node, locals: Locals | undefined): void {
    switch (stmt.type) {
      case "import_statement":
      case "import_from_statement":
        if (!locals) this.importStatement(stmt);
        return;
      case "expression_statement": {
        const expr = childrenOf(stmt)[0];
        if (!expr) return;
        if (expr.type === "assignment") this.assignment(expr, locals);
        else if (expr.type === "call") this.call(expr, locals, undefined);
        return;
      }
      case "decorated_definition": {
        const def = field(stmt, "definition");
        const name = def?.type === "function_definition" ? field(def, "name") : undefined;
        const handler = name ? { name: name.text, range: rangeOf(name) } : undefined;
        for (const dec of childrenOf(stmt)) if (dec.type === "decorator") this.decorator(dec, locals, handler);
        if (def) this.statement(def, locals);
        return;
      }
      case "function_definition": {
        const body = field(stmt, "body");
        const name = field(stmt, "name")?.text;
        if (!body) return;
        const inner: Locals = new Map(locals ?? []);
        // An app factory's body is read; the bodies of all other functions hold nothing we use.
        if (APP_WORDS.test(body.text)) this.block(body, inner);
        // def get_settings(): return Settings()
        const ret = childrenOf(body).find((s) => s.type === "return_statement");
        const value = ret ? childrenOf(ret)[0] : undefined;
        if (name && value && !locals) this.facts.returns[name] = readPyExpr(value, inner);
        return;
      }
      case "class_definition":
        if (!locals) this.classDefinition(stmt);
        return;
      case "if_statement":
      case "try_statement":
      case "with_statement":
      case "else_clause":
      case "elif_clause":
      case "except_clause":
      case "finally_clause":
      case "block":
        for (const child of childrenOf(stmt)) {
          if (child.type === "block" || child.type.endsWith("_clause")) this.statement(child, locals);
          else if (child.type !== "comment") this.statement(child, locals);
        }
        return;
      default:
        return;
    }
  }

  private importStatement(stmt: Node): void {
    if (stmt.type === "import_statement") {
      for (const name of childrenOf(stmt)) {
        if (name.type === "dotted_name") this.facts.imports.push({ module: name.text, name: undefined, local: name.text.split(".")[0] });
        else if (name.type === "aliased_import") {
          const n = field(name, "name")?.text;
          const alias = field(name, "alias")?.text;
          if (n && alias) this.facts.imports.push({ module: n, name: undefined, local: alias });
        }
      }
      return;
    }
    const moduleNode = field(stmt, "module_name");
    if (!moduleNode) return;
    const module = moduleNode.text.replace(/\s+/g, "");
    for (const child of childrenOf(stmt)) {
      if (child === moduleNode || child.startIndex === moduleNode.startIndex) continue;
      let name: string | undefined;
      let local: string | undefined;
      if (child.type === "dotted_name") name = local = child.text;
      else if (child.type === "aliased_import") {
        name = field(child, "name")?.text;
        local = field(child, "alias")?.text;
      }
      if (!name || !local) continue;
      this.facts.imports.push({ module, name, local });
      if (name === "CORSMiddleware") this.corsNames.add(local);
      if (name === "BaseSettings") this.settingsBases.add(local);
    }
  }

  private assignment(node: Node, locals: Locals | undefined): void {
    const left = field(node, "left");
    const right = field(node, "right");
    if (!left || !right) return;
    if (left.type !== "identifier") {
      if (right.type === "call") this.call(right, locals, undefined);
      // app.router.redirect_slashes = False
      const m = /^(\w+)\.router\.redirect_slashes$/.exec(left.text.replace(/\s+/g, ""));
      const app = m && this.facts.apps.find((a) => a.name === m[1]);
      if (app) app.redirectSlashes = readPyExpr(right, locals);
      return;
    }
    const name = left.text;
    if (right.type === "call") this.call(right, locals, name);
    const value = readPyExpr(right, locals);
    if (locals) locals.set(name, value);
    else this.facts.assigns[name] = value;
  }

  /** Calls that define or configure apps; `boundTo` is the name the call's result is assigned to. */
  private call(node: Node, locals: Locals | undefined, boundTo: string | undefined): void {
    const fn = field(node, "function");
    const args = field(node, "arguments");
    if (!fn || !args) return;
    const fnText = fn.text.replace(/\s+/g, "");
    const positional = childrenOf(args).filter((a) => a.type !== "keyword_argument" && a.type !== "list_splat" && a.type !== "dictionary_splat");
    const keywords = new Map<string, Node>();
    for (const a of childrenOf(args)) {
      if (a.type === "keyword_argument") {
        const k = field(a, "name")?.text;
        if (k) keywords.set(k, a);
      }
    }
    const kwValue = (k: string) => {
      const kw = keywords.get(k);
      const v = kw ? field(kw, "value") : undefined;
      return v ? readPyExpr(v, locals) : undefined;
    };
    const short = fnText.split(".").pop()!;
    if ((short === "FastAPI" || short === "Starlette") && boundTo) {
      const docs: AppFact["docs"] = {};
      for (const k of ["docs_url", "redoc_url", "openapi_url"] as const) if (keywords.has(k)) docs[k] = kwValue(k);
      const app: AppFact = { name: boundTo, framework: short, rootPath: kwValue("root_path"), redirectSlashes: kwValue("redirect_slashes"), docs, range: rangeOf(node) };
      this.facts.apps.push(app);
      const middleware = keywords.get("middleware");
      const list = middleware ? field(middleware, "value") : undefined;
      for (const item of list ? this.listItems(list) : []) {
        if (item.type !== "call" || field(item, "function")?.text.split(".").pop() !== "Middleware") continue;
        const margs = field(item, "arguments");
        const first = margs ? childrenOf(margs)[0] : undefined;
        if (first && this.corsNames.has(first.text.split(".").pop()!)) this.cors(boundTo, "middleware_list", item, locals);
      }
      return;
    }
    if (short === "APIRouter" && boundTo) {
      this.facts.routers.push({ name: boundTo, prefix: kwValue("prefix"), range: rangeOf(node) });
      return;
    }
    if (this.corsNames.has(short) && boundTo) {
      const wrapped = keywords.get("app") ? field(keywords.get("app")!, "value") : positional[0];
      this.cors(wrapped?.type === "identifier" ? wrapped.text : boundTo, "wrap", node, locals);
      return;
    }
    if (fn.type !== "attribute") return;
    const owner = field(fn, "object")?.text ?? "";
    const method = field(fn, "attribute")?.text ?? "";
    if (method === "add_middleware" && positional[0] && this.corsNames.has(positional[0].text.split(".").pop()!)) {
      this.cors(owner, "add_middleware", node, locals);
    } else if (method === "include_router" && positional[0]) {
      this.facts.includes.push({ owner, router: readPyExpr(positional[0], locals), prefix: kwValue("prefix"), range: rangeOf(node) });
    } else if (method === "mount" && (positional[0] || keywords.has("path"))) {
      this.facts.mounts.push({ owner, path: positional[0] ? readPyExpr(positional[0], locals) : kwValue("path")!, range: rangeOf(node) });
    } else if (method === "add_api_route" || method === "add_api_websocket_route") {
      if (positional[0]) {
        const methods = method === "add_api_websocket_route" ? ["WS"] : this.methodsOf(kwValue("methods")) ?? ["GET"];
        this.facts.routes.push({ owner, methods, path: readPyExpr(positional[0], locals), range: rangeOf(node) });
      }
    } else if (owner === "uvicorn" && method === "run") {
      const value = keywords.get("port") && field(keywords.get("port")!, "value");
      if (value) {
        // a port that is not a number literal (`settings.PORT`, `int(os.getenv(...))`) is unknown: NaN
        this.facts.uvicornPort = /^\d+$/.test(value.text) ? Number(value.text) : NaN;
        this.facts.uvicornPortRange = rangeOf(value);
      }
    }
  }

  private listItems(node: Node): Node[] {
    if (node.type === "list" || node.type === "tuple") return childrenOf(node);
    return [];
  }

  private cors(app: string, form: CorsFact["form"], call: Node, locals: Locals | undefined): void {
    const args = field(call, "arguments");
    const fact: CorsFact = { app, form, args: {}, range: rangeOf(call) };
    for (const a of args ? childrenOf(args) : []) {
      if (a.type !== "keyword_argument") continue;
      const k = field(a, "name")?.text;
      const v = field(a, "value");
      if (k && v) fact.args[k] = { value: readPyExpr(v, locals), range: rangeOf(a) };
    }
    this.facts.cors.push(fact);
  }

  private decorator(dec: Node, locals: Locals | undefined, handler: RouteFact["handler"]): void {
    const call = childrenOf(dec)[0];
    if (call?.type !== "call") return;
    const fn = field(call, "function");
    const args = field(call, "arguments");
    if (fn?.type !== "attribute" || !args) return;
    const owner = field(fn, "object")?.text;
    const method = field(fn, "attribute")?.text ?? "";
    const first = childrenOf(args).find((a) => a.type !== "keyword_argument");
    const pathKw = childrenOf(args).find((a) => a.type === "keyword_argument" && field(a, "name")?.text === "path");
    const pathNode = first ?? (pathKw ? field(pathKw, "value") : undefined);
    if (!owner || !pathNode) return;
    let methods = ROUTE_METHODS[method];
    if (method === "api_route" || method === "route") {
      const kw = childrenOf(args).find((a) => a.type === "keyword_argument" && field(a, "name")?.text === "methods");
      const v = kw ? field(kw, "value") : undefined;
      methods = (v ? this.methodsOf(readPyExpr(v, locals)) : undefined) ?? ["GET"];
    }
    if (!methods) return;
    this.facts.routes.push({ owner, methods, path: readPyExpr(pathNode, locals), range: rangeOf(dec), handler });
  }

  private methodsOf(value: PyExpr | undefined): string[] | undefined {
    if (value?.kind !== "list") return undefined;
    const out = value.items.map((i) => (i.kind === "str" ? i.value.toUpperCase() : undefined));
    return out.every((m) => m) ? (out as string[]) : undefined;
  }

  private classDefinition(node: Node): void {
    const name = field(node, "name")?.text;
    const supers = field(node, "superclasses");
    const body = field(node, "body");
    if (!name || !supers || !body) return;
    const isSettings = childrenOf(supers).some((s) => this.settingsBases.has(s.text.split(".").pop()!));
    if (!isSettings) return;
    this.settingsBases.add(name);
    const cls: SettingsClassFact = { name, fields: {}, envPrefix: "" };
    for (const stmt of childrenOf(body)) {
      if (stmt.type === "expression_statement") {
        const a = childrenOf(stmt)[0];
        const left = a?.type === "assignment" ? field(a, "left") : undefined;
        if (!a || left?.type !== "identifier") continue;
        const right = field(a, "right");
        if (left.text === "model_config" && right) {
          const m = /env_prefix\s*=\s*['"]([^'"]*)['"]/.exec(right.text);
          if (m) cls.envPrefix = m[1];
          continue;
        }
        cls.fields[left.text] = right ? this.fieldDefault(right) : undefined;
      } else if (stmt.type === "class_definition" && field(stmt, "name")?.text === "Config") {
        const m = /env_prefix\s*=\s*['"]([^'"]*)['"]/.exec(stmt.text);
        if (m) cls.envPrefix = m[1];
      }
    }
    this.facts.settingsClasses.push(cls);
  }

  /** `x: str = "a"`, `Field("a")`, `Field(default="a")`, `Field(default_factory=lambda: [...])`. */
  private fieldDefault(node: Node): PyExpr {
    if (node.type === "call" && field(node, "function")?.text.split(".").pop() === "Field") {
      const args = field(node, "arguments");
      for (const a of args ? childrenOf(args) : []) {
        if (a.type === "keyword_argument") {
          const name = field(a, "name")?.text;
          const value = field(a, "value");
          if (name === "default" && value) return readPyExpr(value, undefined);
          // default_factory=lambda: ["*"] (or list / a named function: unknown)
          if (name === "default_factory" && value?.type === "lambda") {
            const body = field(value, "body");
            if (body) return readPyExpr(body, undefined);
          }
        } else return readPyExpr(a, undefined);
      }
      return { kind: "unknown", range: rangeOf(node) };
    }
    return readPyExpr(node, undefined);
  }
}
