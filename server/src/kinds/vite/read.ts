/**
 * Reads a `vite.config.*` statically (never executed): the config object behind
 * `export default {...}`, `defineConfig(...)` in its object, arrow and block forms,
 * `module.exports`, or a same-file `const`; then `server.port`, `server.proxy`, `preview.proxy`,
 * `base` and `resolve.alias`, plus where a new proxy entry would be inserted.
 */
import type { Expr, ObjectSlot, ProxyEntryFact, ViteConfigFacts } from "../../core/facts";
import { ZERO_RANGE } from "../../core/range";
import { getProp, propertyKey, readExpr, type Binding, type Scope } from "../js/js-expr";
import { readSuppressions } from "../../core/suppression";
import { childrenOf, field, rangeOf, type Node, type Tree, isConst } from "../tree-sitter";

/** Whether a path names a Vite config file. */
export function isViteConfig(path: string): boolean {
  return /(^|\/)vite\.config\.(js|mjs|cjs|ts|mts|cts)$/.test(path);
}

export function readViteConfig(tree: Tree, text: string): ViteConfigFacts {
  const root = tree.rootNode;
  const { top, topConsts } = topLevelConsts(root);
  const facts = emptyFacts(text);
  const exported = exportedNode(root);
  if (!exported) return facts;
  facts.anchor = rangeOf(exported);
  const found = configObject(exported, top, topConsts);
  if (!found || root.hasError) return facts;
  const { node: configNode, expr: config } = found;
  facts.readable = true;
  facts.configSlot = slotOf(configNode, text, facts.indentUnit);
  readServer(facts, config, configNode, text, topConsts);
  const preview = getProp(config, "preview");
  facts.previewProxy = preview === "unknown" ? null : preview?.kind === "object" ? readProxy(getProp(preview, "proxy")) : undefined;
  const base = getProp(config, "base");
  if (base && base !== "unknown" && base.kind === "string") facts.base = base.value;
  const envPrefix = getProp(config, "envPrefix");
  // an array or a computed prefix: any variable may reach the client
  if (envPrefix) facts.envPrefix = envPrefix !== "unknown" && envPrefix.kind === "string" ? [envPrefix.value] : [""];
  facts.aliases = readAliases(propertyNode(configNode, "resolve", topConsts)?.value, top, topConsts);
  // Paths the dev server answers itself: `server.middlewares.use('/x', ...)` in a plugin.
  facts.middlewarePaths = [...text.matchAll(/\bmiddlewares\.use\(\s*['"`](\/[^'"`]*)['"`]/g)].map((m) => m[1]);
  facts.mockPlugin = MOCK_PLUGINS.test(text);
  facts.appRoutes = APP_FRAMEWORKS.test(text);
  return facts;
}

/** The file's top-level `const`s, and a scope that reads them (each once; a cycle reads as unknown). */
function topLevelConsts(root: Node): { top: Scope; topConsts: Map<string, Node> } {
  const topConsts = new Map<string, Node>();
  for (const stmt of childrenOf(root)) {
    const decl = stmt.type === "export_statement" ? field(stmt, "declaration") : stmt;
    if (decl?.type !== "lexical_declaration" || !isConst(decl)) continue;
    for (const d of childrenOf(decl)) {
      const name = field(d, "name");
      const value = field(d, "value");
      if (d.type === "variable_declarator" && name?.type === "identifier" && value) topConsts.set(name.text, value);
    }
  }
  const cache = new Map<string, Binding>();
  const top: Scope = {
    lookup(name) {
      const node = topConsts.get(name);
      if (!node) return undefined;
      let binding = cache.get(name);
      if (!binding) {
        cache.set(name, { kind: "opaque" }); // a cycle reads as unknown
        binding = { kind: "const", expr: readExpr(node, top) };
        cache.set(name, binding);
      }
      return binding;
    },
  };
  return { top, topConsts };
}

/** The facts of a config that cannot be read (yet): Vite's defaults, and how the file writes code. */
function emptyFacts(text: string): ViteConfigFacts {
  return {
    kind: "vite",
    readable: false,
    port: undefined,
    portUnread: false,
    host: undefined,
    proxy: undefined,
    previewProxy: undefined,
    base: undefined,
    aliases: {},
    envPrefix: ["VITE_"],
    middlewarePaths: [],
    mockPlugin: false,
    appRoutes: false,
    hasServer: false,
    configSlot: undefined,
    serverSlot: undefined,
    proxySlot: undefined,
    quote: preferredQuote(text),
    indentUnit: indentUnit(text),
    anchor: ZERO_RANGE,
    suppressions: readSuppressions(text, "js"),
  };
}

/** `server`: its port and host, its proxy table, and where an edit would add to them. */
function readServer(facts: ViteConfigFacts, config: Expr, configNode: Node, text: string, topConsts: Map<string, Node>): void {
  const server = getProp(config, "server");
  facts.hasServer = server !== undefined;
  if (server === "unknown" || (server && server.kind !== "object")) {
    facts.proxy = null;
    return;
  }
  if (!server) return;
  const serverNode = propertyNode(configNode, "server", topConsts);
  if (serverNode) {
    facts.serverSlot = slotOf(serverNode.value, text, facts.indentUnit);
    facts.anchor = rangeOf(serverNode.pair);
  }
  const port = getProp(server, "port");
  if (port && port !== "unknown" && port.kind === "literal" && typeof port.value === "number") facts.port = port.value;
  else if (port !== undefined) facts.portUnread = true;
  const host = getProp(server, "host");
  if (host && host !== "unknown") facts.host = host;
  facts.proxy = readProxy(getProp(server, "proxy"));
  const proxyNode = serverNode ? propertyNode(serverNode.value, "proxy", topConsts) : undefined;
  if (proxyNode) facts.proxySlot = slotOf(proxyNode.value, text, facts.indentUnit);
}

/** Plugins that answer requests in dev with mock data (paths unknown statically). */
const MOCK_PLUGINS = /from\s+['"](vite-plugin-mock|vite-plugin-mock-server|vite-plugin-fake-server|vite-plugin-mock-dev-server|vite-plugin-api-mock)['"]/;

/** Frameworks whose dev server also serves the app's own routes and endpoints (SvelteKit's `+server.ts`, ...). */
const APP_FRAMEWORKS = /from\s+['"](@sveltejs\/kit\/vite|@remix-run\/dev|@react-router\/dev\/vite|vike\/plugin|@analogjs\/platform|@builder\.io\/qwik-city\/vite|@solidjs\/start\/config|@tanstack\/(react-)?start\/plugin\/vite|waku|vinxi)['"]/;

/** `resolve.alias` as an object (`{ '@': path.resolve(__dirname, 'src') }`) or an array of `{ find, replacement }`. */
function readAliases(resolveNode: Node | undefined, scope: Scope, consts: Map<string, Node>): Record<string, string> {
  const out: Record<string, string> = {};
  const pair = resolveNode ? childrenOf(resolveNode).find((c) => c.type === "pair" && field(c, "key")?.text.replace(/['"]/g, "") === "alias") : undefined;
  let value = pair ? field(pair, "value") : undefined;
  if (value?.type === "identifier") value = consts.get(value.text);
  const add = (name: string | undefined, target: Node | undefined) => {
    const literals = target ? [...target.text.matchAll(/['"`]([^'"`]*)['"`]/g)].map((m) => m[1]) : [];
    const dir = literals[literals.length - 1];
    if (name && dir !== undefined && !dir.startsWith("/") && !dir.includes("://")) out[name] = dir.replace(/^\.\//, "").replace(/\/$/, "");
  };
  for (const item of value ? childrenOf(value) : []) {
    if (value!.type === "object" && item.type === "pair") {
      const key = field(item, "key");
      add(key ? propertyKey(key, scope) : undefined, field(item, "value"));
    } else if (value!.type === "array" && item.type === "object") {
      const props = childrenOf(item).filter((c) => c.type === "pair");
      const find = props.find((p) => field(p, "key")?.text === "find");
      const replacement = props.find((p) => field(p, "key")?.text === "replacement");
      const findValue = find ? field(find, "value") : undefined;
      add(findValue?.type === "string" ? findValue.text.slice(1, -1) : undefined, replacement ? field(replacement, "value") : undefined);
    }
  }
  return out;
}

function readProxy(proxy: Expr | undefined | "unknown"): ProxyEntryFact[] | null | undefined {
  if (proxy === undefined) return undefined;
  if (proxy === "unknown" || proxy.kind !== "object" || !proxy.complete || proxy.spreads.length > 0) return null;
  const entries: ProxyEntryFact[] = [];
  for (const p of proxy.props) {
    if (p.key === undefined) return null;
    // Vite skips an entry whose value is falsy (`'/x': undefined`)
    if ((p.value.kind === "literal" && !p.value.value) || (p.value.kind === "string" && p.value.value === "")) continue;
    const entry: ProxyEntryFact = {
      key: p.key,
      keyRange: p.keyRange,
      target: undefined,
      changeOrigin: undefined,
      ws: undefined,
      rewriteStrips: undefined,
      options: [],
      range: p.range,
      valueRange: p.value.range,
    };
    const v = p.value;
    if (v.kind === "string" || v.kind === "concat" || v.kind === "fallback" || v.kind === "env") {
      entry.target = v;
      entry.changeOrigin = true; // the string shorthand means { target, changeOrigin: true }
      entry.ws = false;
    } else if (v.kind === "object") {
      const target = getProp(v, "target");
      entry.target = target === "unknown" ? undefined : target;
      const co = getProp(v, "changeOrigin");
      entry.changeOrigin = co === undefined ? false : co !== "unknown" && co.kind === "literal" ? co.value === true : undefined;
      const ws = getProp(v, "ws");
      entry.ws = ws === undefined ? false : ws !== "unknown" && ws.kind === "literal" ? ws.value === true : undefined;
      const rewrite = getProp(v, "rewrite");
      if (rewrite !== undefined) entry.rewriteStrips = readRewrite(rewrite);
      const at = v.props.findIndex((o) => o.key === "rewrite");
      if (at >= 0) entry.rewriteProperty = { range: v.props[at].range, previousEnd: at > 0 ? v.props[at - 1].range.end : undefined };
      if (v.props.length) entry.lastPropertyEnd = v.props[v.props.length - 1].range.end;
      entry.options = v.complete && v.spreads.length === 0 && v.props.every((o) => o.key !== undefined) ? v.props.map((o) => o.key!) : undefined;
    }
    // a key written twice is one property: the last value, in the first one's place (JS semantics)
    const earlier = entries.findIndex((e) => e.key === entry.key);
    if (earlier >= 0) entries[earlier] = entry;
    else entries.push(entry);
  }
  return entries;
}

/** `(path) => path.replace(/^\/api/, '')` strips `/api`; anything else is unreadable (null). */
function readRewrite(rewrite: Expr | "unknown"): string | null {
  if (rewrite === "unknown" || rewrite.kind !== "function" || rewrite.returns?.kind !== "replace") return null;
  const { pattern, replacement } = rewrite.returns;
  if (replacement.kind !== "string" || replacement.value !== "") return null;
  const m = /^\^((?:\\\/|[\w\-.~])+)$/.exec(pattern);
  return m ? m[1].replace(/\\\//g, "/").replace(/\\\./g, ".") : null;
}

/** The expression after `export default` or `module.exports =`. */
function exportedNode(root: Node): Node | undefined {
  for (const stmt of childrenOf(root)) {
    if (stmt.type === "export_statement" && stmt.children.some((c) => c?.type === "default")) {
      return field(stmt, "value") ?? childrenOf(stmt).find((c) => c.type !== "comment");
    }
    if (stmt.type === "expression_statement") {
      const expr = childrenOf(stmt)[0];
      if (expr?.type === "assignment_expression" && field(expr, "left")?.text.replace(/\s/g, "") === "module.exports") {
        return field(expr, "right");
      }
    }
  }
  return undefined;
}

/** Follows wrappers (`defineConfig`, arrows, returns, same-file consts, type casts) to the object. */
function configObject(node: Node, scope: Scope, consts: Map<string, Node>, depth = 0): { node: Node; expr: Expr } | undefined {
  if (depth > 8) return undefined;
  switch (node.type) {
    case "object":
      return { node, expr: readExpr(node, scope) };
    case "parenthesized_expression":
    case "as_expression":
    case "satisfies_expression": {
      const inner = childrenOf(node)[0];
      return inner ? configObject(inner, scope, consts, depth + 1) : undefined;
    }
    case "identifier": {
      const value = consts.get(node.text);
      return value ? configObject(value, scope, consts, depth + 1) : undefined;
    }
    case "call_expression": {
      const fn = field(node, "function")?.text;
      const args = field(node, "arguments");
      const first = args ? childrenOf(args)[0] : undefined;
      return fn === "defineConfig" && first ? configObject(first, scope, consts, depth + 1) : undefined;
    }
    case "arrow_function":
    case "function_expression":
    case "function": {
      const body = field(node, "body");
      if (!body) return undefined;
      if (body.type !== "statement_block") return configObject(body, scope, consts, depth + 1);
      // Read the block with its locals in scope, then find the object its last `return` gives;
      // a `return` inside a branch (`if (command === 'serve') return {...}`) makes it unknown.
      if (childrenOf(body).some((stmt) => stmt.type !== "return_statement" && hasReturn(stmt))) return undefined;
      const fnExpr = readExpr(node, scope);
      const ret = [...childrenOf(body)].reverse().find((s) => s.type === "return_statement");
      const value = ret ? childrenOf(ret)[0] : undefined;
      if (!value || fnExpr.kind !== "function" || !fnExpr.returns) return undefined;
      const objectNode = unwrap(value);
      if (objectNode?.type === "object" && fnExpr.returns.kind === "object") return { node: objectNode, expr: fnExpr.returns };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Whether a statement returns from the function it is in (not counting nested functions). */
function hasReturn(node: Node): boolean {
  if (node.type === "return_statement") return true;
  if (/function|arrow_function|method_definition|class/.test(node.type)) return false;
  return childrenOf(node).some(hasReturn);
}

function unwrap(node: Node): Node | undefined {
  let n: Node | undefined = node;
  while (n && (n.type === "parenthesized_expression" || n.type === "as_expression" || n.type === "satisfies_expression")) n = childrenOf(n)[0];
  return n;
}

/** The `key: {...}` pair of an object node and its object value (following a same-file const). */
function propertyNode(obj: Node | undefined, key: string, consts: Map<string, Node>): { pair: Node; value: Node } | undefined {
  if (!obj) return undefined;
  for (const child of childrenOf(obj).reverse()) {
    if (child.type === "pair") {
      const k = field(child, "key");
      const name = k?.type === "string" ? k.text.slice(1, -1) : k?.text;
      const value = field(child, "value");
      if (name !== key || !value) continue;
      const target = value.type === "identifier" ? consts.get(value.text) : unwrap(value);
      return target?.type === "object" ? { pair: child, value: target } : undefined;
    }
    if (child.type === "shorthand_property_identifier" && child.text === key) {
      const target = consts.get(key);
      return target?.type === "object" ? { pair: child, value: target } : undefined;
    }
  }
  return undefined;
}

/** Where a property can be added to an object literal, in the file's own style. */
export function slotOf(obj: Node, text: string, unit: string): ObjectSlot {
  const children = obj.children.filter((c): c is Node => c !== null);
  const open = children[0];
  const close = children[children.length - 1];
  const props = childrenOf(obj);
  const last = props[props.length - 1];
  const afterLast = last ? children.slice(children.indexOf(last) + 1) : [];
  const multiline = obj.startPosition.row !== obj.endPosition.row;
  const lines = text.split("\n");
  const lineIndent = (row: number) => /^[ \t]*/.exec(lines[row] ?? "")![0];
  const indent = props.length && multiline && props[0].startPosition.row !== obj.startPosition.row
    ? lineIndent(props[0].startPosition.row)
    : lineIndent(obj.startPosition.row) + unit;
  return {
    open: rangeOf(open),
    close: rangeOf(close),
    lastPropertyEnd: last ? rangeOf(last).end : undefined,
    trailingComma: afterLast.some((c) => c.type === ","),
    indent,
    multiline,
  };
}

function preferredQuote(text: string): "'" | '"' {
  const single = (text.match(/'[^'\n]*'/g) ?? []).length;
  const double = (text.match(/"[^"\n]*"/g) ?? []).length;
  return single > double ? "'" : '"';
}

function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return "  ";
  return m[1].startsWith("\t") ? "\t" : m[1].length >= 4 && m[1].length % 4 === 0 && !/\n {2}\S/.test(text) ? "    " : "  ";
}

