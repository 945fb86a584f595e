/**
 * The walk over a whole module that finds its requests: axios/fetch/WebSocket/EventSource calls
 * with their URL as an `Expr`, axios instances (also made and returned by a factory function),
 * `defaults.baseURL` assignments and the branches only development builds take. It keeps a scope
 * chain, so local `const`s are followed and parameters, `let`s and destructured names are opaque,
 * and skips subtrees that hold none of the words a fact needs.
 */
import type { Accept, CallFact, Callee, DefaultsFact, Expr, InstanceFact, JsFacts } from "../../core/facts";
import { sameStart, type Range } from "../../core/range";
import { buildCondition } from "./build-condition";
import { bindDeclarator, collectBindingNames, getProp, readExpr, type Binding, type Scope } from "./js-expr";
import { childrenOf, field, isConst, rangeOf, type Node } from "../tree-sitter";

const AXIOS_METHODS: Record<string, { method: string | undefined; config: number }> = {
  get: { method: "GET", config: 1 },
  delete: { method: "DELETE", config: 1 },
  head: { method: "HEAD", config: 1 },
  options: { method: "OPTIONS", config: 1 },
  post: { method: "POST", config: 2 },
  put: { method: "PUT", config: 2 },
  patch: { method: "PATCH", config: 2 },
  postForm: { method: "POST", config: 2 },
  putForm: { method: "PUT", config: 2 },
  patchForm: { method: "PATCH", config: 2 },
  request: { method: undefined, config: 0 },
};

export class ScopeChain implements Scope {
  constructor(private readonly names: Map<string, Binding>, private readonly parent?: Scope) {}
  lookup(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }
  set(name: string, binding: Binding): void {
    this.names.set(name, binding);
  }
}

/**
 * Where a fact can start: request APIs, axios instance methods and defaults, direct calls of
 * instances, and build-mode tests (for dev-only branches).
 */
const INTERESTING = /\b(?:fetch|axios|WebSocket|EventSource|defaults|DEV|PROD|MODE|NODE_ENV)\b|\.\s*(?:get|post|put|patch|delete|head|options|request|postForm|putForm|patchForm|create)\b/g;

export function interestingOffsets(text: string): number[] {
  const offsets: number[] = [];
  for (const m of text.matchAll(INTERESTING)) offsets.push(m.index!);
  // `api(config)`: direct calls of an instance created in this module (`const api = axios.create(`)
  for (const create of text.matchAll(/\.create\s*\(/g)) {
    const before = text.slice(Math.max(0, create.index! - 200), create.index);
    const name = /([A-Za-z_$][\w$]*)\s*(?::[^=;\n]*)?=\s*[\w$]+\s*$/.exec(before)?.[1];
    if (!name) continue;
    for (const call of text.matchAll(new RegExp(`\\b${name.replace(/\$/g, "\\$")}\\s*\\(`, "g"))) offsets.push(call.index!);
  }
  return offsets.sort((a, b) => a - b);
}

/** Walks the whole module for call sites, instances, defaults and dev-only branches. */
const MAX_NESTING = 500;

export class CallWalker {
  /** The top-level function being walked, and the instances it binds to local names. */
  private factory: { name: string | undefined; locals: Map<string, InstanceFact> } | undefined;
  /** The name of the top-level const whose function value is visited next. */
  private pendingFactory: string | undefined;
  private depth = 0;

  constructor(
    private readonly facts: JsFacts,
    private readonly axiosNames: Set<string>,
    /** Sorted offsets of the words a request, instance or build-mode branch needs. */
    private readonly offsets: number[],
  ) {}

  /** Whether a node spans any of the offsets: the walk skips subtrees that cannot hold a fact. */
  private interesting(node: Node): boolean {
    const start = node.startIndex;
    const end = node.endIndex;
    let lo = 0;
    let hi = this.offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.offsets.length && this.offsets[lo] < end;
  }

  /** The scope bindings of a declaration, without walking its value. */
  private bindOnly(decl: Node, scope: ScopeChain): void {
    const constant = isConst(decl);
    for (const d of childrenOf(decl)) if (d.type === "variable_declarator") bindDeclarator(d, constant, scope, (n, b) => scope.set(n, b));
  }

  /** `return client` / `return axios.create(...)` in a top-level function marks it a factory. */
  private returned(value: Node): void {
    const name = this.factory?.name;
    if (!name) return;
    const inst =
      value.type === "identifier"
        ? this.factory!.locals.get(value.text)
        : this.facts.instances.find((i) => sameStart(i.range, rangeOf(value)));
    if (inst && !inst.name) inst.factory = name;
  }

  visit(node: Node, scope: ScopeChain, topLevel = false): void {
    if (!this.interesting(node)) {
      // Nothing to find in here; a local declaration still shapes the scope of what follows.
      if (!topLevel && (node.type === "lexical_declaration" || node.type === "variable_declaration")) this.bindOnly(node, scope);
      // `return client` of a factory names no request API itself
      const value = node.type === "return_statement" && this.factory?.locals.size ? childrenOf(node)[0] : undefined;
      if (value) this.returned(value);
      return;
    }
    switch (node.type) {
      case "comment":
      case "string":
      case "template_string":
      case "import_statement":
        return;
      case "arrow_function":
      case "function_expression":
      case "function_declaration":
      case "generator_function_declaration":
      case "function":
      case "method_definition":
        this.visitFunction(node, scope, topLevel);
        return;
      case "return_statement": {
        const value = childrenOf(node)[0];
        this.visitChildren(node, scope);
        if (value) this.returned(value);
        return;
      }
      case "statement_block":
      case "class_body": {
        const inner = new ScopeChain(new Map(), scope);
        this.visitChildren(node, inner);
        return;
      }
      case "lexical_declaration":
      case "variable_declaration":
        this.declare(node, scope, topLevel);
        return;
      case "export_statement":
        for (const child of node.namedChildren) if (child) this.visit(child, scope, topLevel);
        return;
      case "if_statement":
      case "ternary_expression":
      case "binary_expression":
        this.devBranch(node);
        break;
      case "call_expression":
        this.call(node, scope, undefined);
        break;
      case "new_expression":
        this.construct(node, scope);
        break;
      case "assignment_expression":
        this.assign(node, scope);
        break;
    }
    this.visitChildren(node, scope);
  }

  /** A function: its parameters shadow outer names; a top-level one may be a factory of an axios instance. */
  private visitFunction(node: Node, scope: ScopeChain, topLevel: boolean): void {
    const inner = new ScopeChain(new Map(), scope);
    const params = field(node, "parameters") ?? field(node, "parameter");
    if (params) {
      const names = new Set<string>();
      collectBindingNames(params, names);
      for (const n of names) inner.set(n, { kind: "opaque" });
      this.visitChildren(params, inner);
    }
    const name = node.type === "function_declaration" && topLevel ? field(node, "name")?.text : this.pendingFactory;
    this.pendingFactory = undefined;
    const outer = this.factory;
    this.factory = name ? { name, locals: new Map() } : outer && { name: undefined, locals: outer.locals };
    const body = field(node, "body");
    if (body && body.type !== "statement_block" && this.factory?.name) this.returned(body);
    if (body) this.visit(body, inner);
    this.factory = outer;
  }

  /** Records the branch of an `if`, a ternary or a `&&` that only development (or production) builds take. */
  private devBranch(node: Node): void {
    if (node.type === "binary_expression") {
      const left = field(node, "left");
      const right = field(node, "right");
      if (field(node, "operator")?.text === "&&" && left && right && buildCondition(left) === "dev") this.facts.devOnly.push(rangeOf(right));
      return;
    }
    const test = field(node, "condition");
    const condition = test ? buildCondition(test) : "unknown";
    const taken = condition === "dev" ? field(node, "consequence") : undefined;
    const skipped = condition === "prod" ? field(node, "alternative") : undefined;
    for (const branch of [taken, skipped]) if (branch) this.facts.devOnly.push(rangeOf(branch));
  }

  private visitChildren(node: Node, scope: ScopeChain): void {
    // Nesting this deep is generated code, not requests anyone wrote; stop before the stack does.
    if (this.depth > MAX_NESTING) return;
    this.depth++;
    for (const child of node.namedChildren) if (child) this.visit(child, scope);
    this.depth--;
  }

  private declare(decl: Node, scope: ScopeChain, topLevel: boolean): void {
    const constant = isConst(decl);
    for (const d of childrenOf(decl)) {
      if (d.type !== "variable_declarator") continue;
      const name = field(d, "name");
      const value = field(d, "value");
      if (value) {
        const bound = name?.type === "identifier" ? name.text : undefined;
        if (value.type === "call_expression") {
          this.call(value, scope, topLevel ? bound : undefined);
          // a local instance a factory may return
          const created = this.facts.instances[this.facts.instances.length - 1];
          if (!topLevel && bound && created && sameStart(created.range, rangeOf(value))) {
            this.factory?.locals.set(bound, created);
          }
          // the call's own arguments still hold calls
          this.visitChildren(value, scope);
        } else {
          if (topLevel && bound && (value.type === "arrow_function" || value.type === "function_expression" || value.type === "function")) this.pendingFactory = bound;
          this.visit(value, scope);
        }
      }
      if (!topLevel) bindDeclarator(d, constant, scope, (n, b) => scope.set(n, b));
    }
  }

  private call(node: Node, scope: Scope, boundTo: string | undefined): void {
    let fn = field(node, "function");
    // tree-sitter-typescript reads `await x.get<T>(...)` as a call whose function is `await x.get`
    if (fn?.type === "await_expression") fn = childrenOf(fn)[0];
    const argsNode = field(node, "arguments");
    if (!fn || !argsNode || argsNode.type !== "arguments") return;
    const args = childrenOf(argsNode);
    const range = rangeOf(node);
    const fnText = fn.text.replace(/\s+/g, "");
    if (fnText === "fetch" || fnText === "window.fetch" || fnText === "globalThis.fetch" || fnText === "self.fetch") {
      this.facts.calls.push(this.request({ kind: "fetch" }, "GET", args[0], args[1], scope, range, "fetch"));
      return;
    }
    if (fn.type === "identifier" && this.axiosNames.has(fn.text)) {
      // axios(url, config) or axios(config)
      this.facts.calls.push(this.axiosCall({ kind: "axios" }, args, scope, range));
      return;
    }
    if (fn.type !== "member_expression") {
      // instance(url) / instance(config) on an instance created in this module
      if (fn.type === "identifier" && this.facts.instances.some((i) => i.name === fn.text)) {
        this.facts.calls.push(this.axiosCall({ kind: "instance", name: fn.text }, args, scope, range));
      }
      return;
    }
    const object = field(fn, "object");
    const property = field(fn, "property")?.text ?? "";
    if (!object) return;
    const isAxios = object.type === "identifier" && this.axiosNames.has(object.text);
    if (isAxios && property === "create") {
      this.facts.instances.push(this.instance(args[0], scope, range, boundTo));
      return;
    }
    const spec = AXIOS_METHODS[property];
    if (!spec) return;
    let callee: Callee;
    if (isAxios) callee = { kind: "axios" };
    else if (object.type === "identifier" && scope.lookup(object.text)?.kind === "top") callee = { kind: "instance", name: object.text };
    else return;
    if (spec.method === undefined) {
      this.facts.calls.push(this.axiosCall(callee, args, scope, range));
      return;
    }
    this.facts.calls.push(this.request(callee, spec.method, args[0], args[spec.config], scope, range, "axios"));
  }

  private axiosCall(callee: Callee, args: Node[], scope: Scope, range: Range): CallFact {
    const [first, second] = args;
    if (first?.type === "object") {
      const config = readExpr(first, scope);
      const url = prop(config, "url");
      const method = prop(config, "method");
      const call = this.request(callee, "GET", undefined, first, scope, range, "axios");
      call.url = url;
      call.urlRange = url?.range ?? range;
      call.method = method ? (method.kind === "string" ? method.value.toUpperCase() : undefined) : "GET";
      return call;
    }
    return this.request(callee, "GET", first, second, scope, range, "axios");
  }

  private request(callee: Callee, method: string, urlNode: Node | undefined, configNode: Node | undefined, scope: Scope, range: Range, style: "fetch" | "axios"): CallFact {
    const url = urlNode ? readExpr(urlNode, scope) : undefined;
    const call: CallFact = {
      callee,
      method,
      url,
      urlRange: urlNode ? rangeOf(urlNode) : range,
      range,
      credentials: undefined,
      accept: "default",
    };
    const config = configNode ? readExpr(configNode, scope) : undefined;
    if (config?.kind === "object") {
      const m = prop(config, "method");
      if (m) call.method = m.kind === "string" ? m.value.toUpperCase() : undefined;
      const creds = style === "fetch" ? prop(config, "credentials") : prop(config, "withCredentials");
      if (creds) call.credentials = creds.kind === "string" ? creds.value === "include" : creds.kind === "literal" ? creds.value === true : undefined;
      call.accept = acceptOf(config);
    } else if (config) {
      call.method = style === "fetch" ? undefined : call.method;
      call.accept = "unknown";
    }
    return call;
  }

  private instance(configNode: Node | undefined, scope: Scope, range: Range, name: string | undefined): InstanceFact {
    const config = configNode ? readExpr(configNode, scope) : undefined;
    const baseURL = config?.kind === "object" ? prop(config, "baseURL") : undefined;
    const creds = config?.kind === "object" ? prop(config, "withCredentials") : undefined;
    return {
      name,
      baseURL: config && config.kind !== "object" ? { kind: "unknown", range: config.range } : baseURL,
      baseURLRange: baseURL?.range ?? range,
      withCredentials: creds?.kind === "literal" ? creds.value === true : undefined,
      accept: config ? (config.kind === "object" ? acceptOf(config) : "unknown") : "default",
      range,
    };
  }

  private construct(node: Node, scope: Scope): void {
    const ctor = field(node, "constructor")?.text;
    const argsNode = field(node, "arguments");
    if ((ctor !== "WebSocket" && ctor !== "EventSource") || !argsNode) return;
    const args = childrenOf(argsNode);
    const range = rangeOf(node);
    const url = args[0] ? readExpr(args[0], scope) : undefined;
    let credentials: boolean | undefined;
    if (ctor === "EventSource" && args[1]) {
      const init = readExpr(args[1], scope);
      const creds = init.kind === "object" ? prop(init, "withCredentials") : undefined;
      credentials = creds?.kind === "literal" ? creds.value === true : undefined;
    }
    this.facts.calls.push({
      callee: { kind: ctor === "WebSocket" ? "websocket" : "eventsource" },
      method: ctor === "WebSocket" ? "WS" : "GET",
      url,
      urlRange: args[0] ? rangeOf(args[0]) : range,
      range,
      credentials,
      accept: "default",
    });
  }

  private assign(node: Node, scope: Scope): void {
    const left = field(node, "left");
    const right = field(node, "right");
    if (!left || !right) return;
    const m = /^([A-Za-z_$][\w$]*)\.defaults\.baseURL$/.exec(left.text.replace(/\s+/g, ""));
    if (!m) return;
    const fact: DefaultsFact = { target: this.axiosNames.has(m[1]) ? "axios" : m[1], value: readExpr(right, scope), range: rangeOf(right) };
    this.facts.defaults.push(fact);
  }
}

/** What a request config's `headers` say of `Accept`: nothing (the library's default), JSON only, or unknown. */
function acceptOf(config: Expr): Accept {
  const headers = prop(config, "headers");
  if (!headers) return "default";
  if (headers.kind !== "object" || !headers.complete || headers.spreads.length) return "unknown";
  const accept = headers.props.find((p) => p.key?.toLowerCase() === "accept")?.value;
  if (!accept) return "default";
  if (accept.kind !== "string") return "unknown";
  return /^application\/json\s*$/i.test(accept.value) ? "json" : /html|\*\/\*/.test(accept.value) ? "default" : "unknown";
}

/** A property of a request's config object; a spread that cannot be read makes it unknown. */
export function prop(obj: Expr, key: string): Expr | undefined {
  const value = getProp(obj, key);
  return value === "unknown" ? { kind: "unknown", range: obj.range } : value;
}
