/**
 * The workspace model every rule reads: frontends with their proxy tables, client call sites
 * with resolved URLs, backends with CORS and routes, and which frontend talks to which backend.
 * Built by `build.ts` from per-file facts; immutable once built.
 */
import type { CallFact, CorsFact, DockerfileFacts, EnvFacts, FileFacts, InstanceFact, ProxyEntryFact, RouteFact, ViteConfigFacts } from "../core/facts";
import type { Location } from "../core/range";
import type { PyValue } from "./py-values";

/** What the model is built from: every file path known, and the facts of the files parsed. */
export interface WorkspaceInput {
  files: ReadonlySet<string>;
  facts: ReadonlyMap<string, FileFacts>;
}

/**
 * A URL as far as it can be known statically: its known leading text, whether that is all of it,
 * and the string literal that spells its start (for reporting and fixing).
 */
export interface UrlValue {
  text: string;
  exact: boolean;
  /** The text is a path on the page's own origin (`${location.origin}/x`). */
  sameOrigin?: boolean;
  /** The literal whose text starts the URL, when one does. */
  head?: LiteralRef;
  /** The `import.meta.env` variable whose value starts the URL, when one does. */
  fromEnv?: string;
}

export interface LiteralRef extends Location {
  /** The literal's whole value (its known leading text for a template). */
  value: string;
  /** It is a template literal (`...`) rather than a quoted string. */
  template: boolean;
  /** It is the fallback of `import.meta.env.X || '...'` (or `??`). */
  fallbackOf?: { env: string; exprRange: Location["range"]; leftText: string };
  /** It stands in a branch only development builds take (`if (import.meta.env.DEV)`). */
  devOnly?: true;
}

/** The workspace's file paths, as far as a frontend needs them (public files, package.json). */
export interface FileSet {
  has(path: string): boolean;
  /** The files under a folder (workspace-relative, no trailing `/`). */
  under(dir: string): readonly string[];
}

export interface ProxyEntry {
  key: string;
  /** A `^` key, compiled; undefined for a prefix key or an invalid regex. */
  regex: RegExp | undefined;
  invalid: boolean;
  /** The resolved target, undefined when unknown. */
  target: string | undefined;
  fact: ProxyEntryFact;
  file: string;
}

/** A frontend's `server.proxy`: its known entries (none when it has no proxy), or `unknown`. */
export type ProxyTable = { kind: "known"; entries: ProxyEntry[] } | { kind: "unknown" };

export interface Frontend {
  root: string;
  /** The Vite config file; undefined for a config-less frontend (Vite's defaults). */
  configFile: string | undefined;
  config: ViteConfigFacts | undefined;
  port: number;
  /** The proxy table, or undefined when the config cannot be read. */
  readonly proxy: ProxyTable | undefined;
  /** The `.env*` files in the frontend's root, by workspace path (values and where to append). */
  envFiles: ReadonlyMap<string, EnvFacts>;
  /** Dockerfiles that build this frontend (in its folder, or above it copying it in): their `ENV`/`ARG` values win in production. */
  dockerfiles: ReadonlyMap<string, DockerfileFacts>;
  /** The workspace's files: what Vite serves from `public/` and the root, whether a package.json is there. */
  files: FileSet;
}

/** A client request with its URL resolved for development (`dev`) and production (`prod`) builds. */
export interface ClientCall {
  file: string;
  frontend: Frontend;
  fact: CallFact;
  /** The instance the call is made on, when it is an axios instance call. */
  instance: { file: string; fact: InstanceFact } | undefined;
  /** The effective URL in `vite` dev (base joined), or undefined when unknown. */
  devUrl: UrlValue | undefined;
  /** The part of `devUrl` that comes from the instance's root-relative `baseURL`, when it does. */
  basePath: string | undefined;
  /** The call stands in a generated file (per-call route rules stay silent there). */
  generated: boolean;
}

/** Every place a URL reaches a request target, with the values it may take in a production build. */
export interface UrlUse {
  file: string;
  frontend: Frontend;
  /** Where the URL is written: a call's URL argument or an instance's `baseURL`. */
  range: Location["range"];
  kind: "call" | "baseURL" | "defaults";
  values: UrlValue[];
  /** The calls this URL takes part in (for related information and path prefixes). */
  calls: ClientCall[];
}

export interface Route {
  methods: string[];
  /** The full path, `undefined` when a prefix cannot be read. */
  path: string | undefined;
  fact: RouteFact;
  file: string;
  /** FastAPI's own documentation route (`/docs`, `/redoc`, `/openapi.json`, `/docs/oauth2-redirect`). */
  builtin?: true;
}

export interface Backend {
  file: string;
  app: string;
  range: Location["range"];
  cors: CorsFact[];
  routes: Route[];
  /** Every route is known: no router, prefix or inclusion that cannot be read (mounts aside). */
  routesKnown: boolean;
  /** Path prefixes a mount serves (routes there are unknown, not absent); undefined: a mount path cannot be read. */
  mounts: string[] | undefined;
  /** `root_path` ("" when none; undefined when it cannot be read): with one, both path forms may reach a route (facts.md 17). */
  rootPath: string | undefined;
  /** Whether the app's router answers a trailing-slash twin with a 307 (FastAPI's default); undefined when unknown. */
  redirectSlashes: boolean | undefined;
  port: number;
  /** Where the port is written (`uvicorn.run(port=)`, a command's `--port`), when it is. */
  portAt: Location | undefined;
  /**
   * What gives the port: `uvicorn.run`, a local-dev `command` (package.json scripts, Makefile,
   * Procfile), a `compose` mapping or a `dockerfile` (both describe containers, often not dev).
   */
  portSource: "uvicorn.run" | "command" | "compose" | "dockerfile" | undefined;
  /** How uvicorn names the app (`pkg.main:app`) and the folder to run it from ("" for the root). */
  importPath: { module: string; dir: string };
}

/** A CORS attachment with its arguments' values resolved across modules. */
export interface CorsSetting {
  file: string;
  fact: CorsFact;
  /** Each keyword argument's value, as far as it can be read. */
  values: Readonly<Record<string, PyValue>>;
  /** Where an `import` goes in the file, and the modules it already imports whole (`import os`). */
  imports: { line: number; modules: readonly string[] };
}

export interface Topology {
  frontends: Frontend[];
  calls: ClientCall[];
  urlUses: UrlUse[];
  backends: Backend[];
  /** CORS attachments per Python file, including those on apps the model could not find. */
  cors: CorsSetting[];
  /** The backend a frontend talks to, when the pairing is unambiguous. */
  pairing: ReadonlyMap<Frontend, Backend>;
}
