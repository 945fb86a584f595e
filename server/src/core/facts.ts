/**
 * Per-file facts: what each parser extracts from one file, with ranges, before any cross-file
 * joining. Facts are plain data (no syntax trees), so the index keeps them for files that are not
 * open and frees the trees.
 */
import type { Range } from "./range";

/**
 * A JavaScript/TypeScript value as written, not yet resolved. Identifiers that name a top-level
 * binding stay `ref`s (resolved across modules by the model); local `const`s are inlined by the
 * parser; anything else it cannot follow is `unknown`.
 */
export type Expr =
  | { kind: "string"; value: string; range: Range }
  | { kind: "concat"; parts: Expr[]; range: Range; template: boolean }
  | { kind: "ref"; name: string; range: Range }
  | { kind: "member"; object: Expr; property: string; range: Range }
  | { kind: "env"; name: string; source: "import.meta.env" | "process.env"; range: Range }
  | { kind: "fallback"; op: "||" | "??"; left: Expr; right: Expr; range: Range }
  | { kind: "cond"; test: BuildCondition; then: Expr; else: Expr; range: Range }
  | { kind: "url"; path: Expr; base: Expr | undefined; range: Range }
  | { kind: "object"; props: ObjectProp[]; spreads: Expr[]; spreadAt: number[]; range: Range; complete: boolean }
  | { kind: "literal"; value: boolean | number | null; range: Range }
  | { kind: "regex"; pattern: string; range: Range }
  | { kind: "function"; returns: Expr | undefined; param: string | undefined; range: Range }
  | { kind: "replace"; object: Expr; pattern: string; replacement: Expr; range: Range }
  | { kind: "location"; part: "origin" | "host" | "protocol"; range: Range }
  | { kind: "call"; callee: string; range: Range }
  | { kind: "unknown"; range: Range };

/** Which builds take a branch: `dev` for `import.meta.env.DEV ? a : b`, `prod` for the inverse. */
export type BuildCondition = "dev" | "prod" | "unknown";

/** A property; `spreadAt[i]` of an object is how many properties precede its spread `i`. */
export interface ObjectProp {
  key: string | undefined;
  keyRange: Range;
  value: Expr;
  range: Range;
}

/** How a module names a binding of another. `imported` is a name, `default` or `*`. */
export interface ImportFact {
  local: string;
  imported: string;
  source: string;
}

/** `export { local as exported }`, `export const exported`, or `export { imported as exported } from source`. */
export interface ExportFact {
  exported: string;
  local?: string;
  source?: string;
  imported?: string;
}

/** Who a call is made on. */
export type Callee =
  | { kind: "fetch" }
  | { kind: "axios" }
  | { kind: "instance"; name: string }
  | { kind: "websocket" }
  | { kind: "eventsource" };

/** What a request's `Accept` header allows, as far as the code shows. */
export type Accept = "default" | "json" | "unknown";

/** A request made by client code. */
export interface CallFact {
  callee: Callee;
  /** Upper-case HTTP method, `WS` for a WebSocket, undefined when it cannot be read. */
  method: string | undefined;
  url: Expr | undefined;
  /** The URL argument, or the whole call when there is none. */
  urlRange: Range;
  range: Range;
  credentials: boolean | undefined;
  /** Its `Accept` header: the library's default (which accepts any type), JSON only, or unknown. */
  accept: Accept;
}

/** `axios.create({...})`, bound to a top-level name or anonymous. */
export interface InstanceFact {
  name: string | undefined;
  /** The top-level function that creates and returns it (`const api = createClient()`). */
  factory?: string;
  baseURL: Expr | undefined;
  /** The `baseURL` value, or the create call when there is none. */
  baseURLRange: Range;
  withCredentials: boolean | undefined;
  /** The `Accept` header its config sets for every request through it. */
  accept: Accept;
  range: Range;
}

/** `axios.defaults.baseURL = ...` or `instance.defaults.baseURL = ...`. */
export interface DefaultsFact {
  target: "axios" | string;
  value: Expr;
  range: Range;
}

/** A JS/TS module. */
export interface JsFacts {
  kind: "js";
  imports: ImportFact[];
  exports: ExportFact[];
  /** Top-level `const` bindings (and top-level function declarations as `function` exprs). */
  consts: Record<string, Expr>;
  instances: InstanceFact[];
  defaults: DefaultsFact[];
  calls: CallFact[];
  /** Ranges only development builds run (`if (import.meta.env.DEV) {...}`, `DEV ? x : y`). */
  devOnly: Range[];
  /** It imports a Node built-in, a server framework or a test/mock library. */
  nodeOrTooling: boolean;
  /** Its first lines say it is generated (`auto-generated`, `Do not edit`), or its name ends in `.gen.ts`. */
  generated: boolean;
  syntaxError: boolean;
  /** The module's default export when it is an expression (`export default {...}`). */
  defaultExport: Expr | undefined;
  /** `module.exports = expr`. */
  commonjsExport: Expr | undefined;
  suppressions: Suppression[];
}

/** A `cors-doctor-disable` comment: ids (empty = all) on a 0-based line. */
export interface Suppression {
  line: number;
  rules: string[];
}

/** A Python value as written. */
export type PyExpr =
  | { kind: "str"; value: string; range: Range }
  | { kind: "bool"; value: boolean; range: Range }
  | { kind: "none"; range: Range }
  | { kind: "list"; items: PyExpr[]; range: Range; form: "list" | "tuple" | "set" }
  | { kind: "name"; name: string; range: Range }
  | { kind: "attr"; object: PyExpr; name: string; range: Range }
  | { kind: "env"; name: string; default: PyExpr | undefined; range: Range }
  | { kind: "split"; object: PyExpr; stripped: boolean; range: Range }
  | { kind: "cond"; then: PyExpr; else: PyExpr; range: Range }
  | { kind: "call"; callee: PyExpr; range: Range }
  | { kind: "unknown"; range: Range };

/** `CORSMiddleware` attached to an app, in any of the three forms. */
export interface CorsFact {
  /** The app variable it is attached to (`app.add_middleware`, `FastAPI(middleware=)`, the wrapped app). */
  app: string;
  form: "add_middleware" | "middleware_list" | "wrap";
  args: Record<string, { value: PyExpr; range: Range }>;
  range: Range;
}

export interface AppFact {
  name: string;
  framework: "FastAPI" | "Starlette";
  rootPath: PyExpr | undefined;
  /** `FastAPI(redirect_slashes=...)`, or a later `app.router.redirect_slashes = ...`. */
  redirectSlashes: PyExpr | undefined;
  /** `docs_url`, `redoc_url`, `openapi_url` as given (undefined: FastAPI's default). */
  docs: { docs_url?: PyExpr; redoc_url?: PyExpr; openapi_url?: PyExpr };
  range: Range;
}

export interface RouterFact {
  name: string;
  prefix: PyExpr | undefined;
  range: Range;
}

/** `@app.get("/x")`, `@router.websocket("/ws")`, `@app.api_route("/x", methods=[...])`. */
export interface RouteFact {
  owner: string;
  methods: string[];
  path: PyExpr;
  range: Range;
  /** The handler function (`def list_users`), when the route is declared with a decorator. */
  handler?: { name: string; range: Range };
}

/** `owner.include_router(router, prefix=...)`; `router` may be `module.router`. */
export interface IncludeFact {
  owner: string;
  router: PyExpr;
  prefix: PyExpr | undefined;
  range: Range;
}

export interface MountFact {
  owner: string;
  path: PyExpr;
  range: Range;
}

/** A pydantic settings class: field defaults (the field name doubles as the env variable). */
export interface SettingsClassFact {
  name: string;
  fields: Record<string, PyExpr | undefined>;
  envPrefix: string;
}

export interface PyImportFact {
  /** Dotted module as written, with leading dots for relative imports. */
  module: string;
  /** The imported name, or undefined for `import module`. */
  name: string | undefined;
  local: string;
}

export interface PyFacts {
  kind: "python";
  imports: PyImportFact[];
  /** Module-level assignments (the last one wins). */
  assigns: Record<string, PyExpr>;
  apps: AppFact[];
  routers: RouterFact[];
  routes: RouteFact[];
  includes: IncludeFact[];
  mounts: MountFact[];
  cors: CorsFact[];
  settingsClasses: SettingsClassFact[];
  /** Functions whose body returns a single call (`def get_settings(): return Settings()`). */
  returns: Record<string, PyExpr>;
  /** The 0-based line where a new `import` goes (before any code; see fastapi.ts). */
  importAt: number;
  /** `uvicorn.run(..., port=N)`, and where the port is written. */
  uvicornPort: number | undefined;
  uvicornPortRange?: Range;
  syntaxError: boolean;
  suppressions: Suppression[];
}

/** A `server.proxy` entry. */
export interface ProxyEntryFact {
  /** The key as written; undefined when computed and unreadable. */
  key: string | undefined;
  keyRange: Range;
  target: Expr | undefined;
  changeOrigin: boolean | undefined;
  ws: boolean | undefined;
  /** The prefix a `rewrite: (p) => p.replace(/^\/x/, '')` strips; null when there is an unreadable rewrite. */
  rewriteStrips: string | null | undefined;
  /** The option names the entry's object sets (`[]` for the string shorthand); undefined when a spread hides some. */
  options: string[] | undefined;
  range: Range;
  /** The entry's value: the target string (shorthand) or the options object. */
  valueRange: Range;
  /** Where the object's last property ends (a new option goes after it). */
  lastPropertyEnd?: Range["end"];
  /** The `rewrite: ...` property, with the end of the property before it (to remove it with its comma). */
  rewriteProperty?: { range: Range; previousEnd: Range["end"] | undefined };
}

/** Where and how a new property can be inserted into an object literal. */
export interface ObjectSlot {
  /** The `{` and `}` positions. */
  open: Range;
  close: Range;
  /** End of the last property, when there is one. */
  lastPropertyEnd: Range["end"] | undefined;
  trailingComma: boolean;
  /** Indentation of the properties (or of the object plus one unit when empty). */
  indent: string;
  multiline: boolean;
}

export interface ViteConfigFacts {
  kind: "vite";
  /** False when the config object cannot be found or the file does not parse. */
  readable: boolean;
  port: number | undefined;
  /** `server.port` is set (or may be, behind a spread) but cannot be read statically. */
  portUnread: boolean;
  host: Expr | undefined;
  /** Undefined when there is no `server.proxy`; null when it is there but cannot be read. */
  proxy: ProxyEntryFact[] | null | undefined;
  previewProxy: ProxyEntryFact[] | null | undefined;
  base: string | undefined;
  /** `resolve.alias` entries whose target is a folder under the config's root (`'@' -> 'src'`). */
  aliases: Record<string, string>;
  /** `envPrefix`: which `.env` variables reach `import.meta.env` (Vite's default `VITE_`). */
  envPrefix: string[];
  /** Paths a plugin's `server.middlewares.use('/x', ...)` answers in dev. */
  middlewarePaths: string[];
  /** A mock-data plugin answers requests in dev (which ones is not known statically). */
  mockPlugin: boolean;
  /** An app framework (SvelteKit, React Router, ...) serves its own routes and endpoints in dev. */
  appRoutes: boolean;
  /** The config has a `server` property (readable or not). */
  hasServer: boolean;
  configSlot: ObjectSlot | undefined;
  serverSlot: ObjectSlot | undefined;
  proxySlot: ObjectSlot | undefined;
  quote: "'" | '"';
  indentUnit: string;
  /** The range to point at for "the config": the `server` block or the exported object. */
  anchor: Range;
  suppressions: Suppression[];
}

/** `.env*` file: variable -> value and line. */
export interface EnvFacts {
  kind: "env";
  vars: Record<string, { value: string; line: number; end: number }>;
  /** Lines in the file, and whether it ends with a newline (where a new variable goes). */
  lineCount: number;
  endsWithNewline: boolean;
  /** Length of the last line (UTF-16), where text goes when there is no final newline. */
  lastLineLength: number;
}

/** A file that only tells which port a backend is started on (`--port` in a command). */
export interface PortsFacts {
  kind: "ports";
  /** `module:attr` (as uvicorn names apps) or undefined -> port; `hostSide`: through a compose mapping; the 0-based line. */
  commands: { app: string | undefined; port: number; hostSide: boolean; line: number }[];
}

/** A Dockerfile: the ports of the backends it starts, and what a frontend build in it sees. */
export interface DockerfileFacts {
  kind: "dockerfile";
  commands: PortsFacts["commands"];
  /** `ENV` and `ARG` lines: name, value (undefined: an `ARG` with no default), 0-based line. */
  env: { name: string; value: string | undefined; line: number; end: number; instruction: "ENV" | "ARG" }[];
  /** Sources of `COPY` / `ADD` lines. */
  copies: string[];
  /** A `RUN` line builds a frontend (`npm run build`, `vite build`, ...). */
  buildsFrontend: boolean;
}

/** `compilerOptions.paths` of a tsconfig: alias -> folder relative to the tsconfig's folder. */
export interface TsconfigFacts {
  kind: "tsconfig";
  aliases: Record<string, string>;
}

export type FileFacts = JsFacts | PyFacts | ViteConfigFacts | EnvFacts | PortsFacts | DockerfileFacts | TsconfigFacts;
