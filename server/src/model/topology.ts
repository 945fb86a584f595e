/**
 * The workspace model every rule reads: frontends with their proxy tables, client call sites
 * with resolved URLs, backends with CORS and routes, and which frontend talks to which backend.
 * Built by `build.ts` from per-file facts; immutable once built.
 */
import type { CallFact, CorsFact, FileFacts, InstanceFact, JsFacts, ProxyEntryFact, PyFacts, RouteFact, ViteConfigFacts } from "../core/facts";
import type { Location } from "../core/range";

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
}

export interface LiteralRef extends Location {
  /** The literal's whole value (its known leading text for a template). */
  value: string;
  /** It is a template literal (`...`) rather than a quoted string. */
  template: boolean;
  /** It is the fallback of `import.meta.env.X || '...'` (or `??`). */
  fallbackOf?: { env: string; exprRange: Location["range"]; leftText: string };
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
}

export interface Backend {
  file: string;
  app: string;
  range: Location["range"];
  cors: CorsFact[];
  routes: Route[];
  /** Every route is known: no mounts, no prefixes that cannot be read. */
  routesKnown: boolean;
  port: number;
  facts: PyFacts;
}

export interface Topology {
  frontends: Frontend[];
  calls: ClientCall[];
  urlUses: UrlUse[];
  backends: Backend[];
  /** CORS attachments per Python file, including those on apps the model could not find. */
  cors: { file: string; fact: CorsFact; facts: PyFacts }[];
  /** The backend a frontend talks to, when the pairing is unambiguous. */
  pairing: ReadonlyMap<Frontend, Backend>;
  /** Facts by file, for rules that need a file's own facts (suppressions, config slots). */
  facts: ReadonlyMap<string, FileFacts>;
  files: ReadonlySet<string>;
  /** JS modules' facts, by file. */
  js(file: string): JsFacts | undefined;
  /** What the next incremental build may reuse; opaque to all but build.ts. */
  cache: object;
}
