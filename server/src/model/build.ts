/**
 * Joins per-file facts into the `Topology`. The join is incremental: given the previous
 * topology, it reuses each stage whose inputs are the same objects as before (facts are
 * immutable and replaced when a file changes): the frontends, the backends, and each browser
 * file's resolved calls as long as neither the file nor any module its values were read from
 * changed. An edit to one client file re-resolves that file only. No I/O.
 */
import { aliasLookup } from "../core/aliases";
import { findBackends } from "./backends";
import { axiosDefaults, fileCalls, instanceKey, isBrowserPath, type FileCalls } from "./calls";
import type { FileFacts, JsFacts } from "../core/facts";
import { envOf, findFrontends, frontendOf, portOfUrl } from "./frontends";
import { JsResolver, type BuildMode } from "./resolve";
import type { Backend, ClientCall, Frontend, Topology, UrlUse, WorkspaceInput } from "./topology";


/** A model and what its build keeps for the next one. */
export interface Built {
  topology: Topology;
  cache: BuildCache;
}

/** What a build keeps for the next one: each stage's inputs (by identity) and outputs. */
interface BuildCache {
  files: ReadonlySet<string>;
  frontendInputs: FileFacts[];
  frontends: Frontend[];
  backendInputs: FileFacts[];
  backends: Backend[];
  cors: Topology["cors"];
  defaults: string;
  perFile: Map<string, { facts: JsFacts; deps: Map<string, FileFacts | undefined>; result: FileCalls }>;
}

/** Joins the facts into a model; with the previous build, reuses every stage whose inputs are unchanged. */
export function buildTopology(input: WorkspaceInput, previous?: Built): Built {
  const prev = previous?.cache;
  const frontendInputs: FileFacts[] = [];
  const backendInputs: FileFacts[] = [];
  for (const f of input.facts.values()) {
    if (f.kind === "vite" || f.kind === "env" || f.kind === "tsconfig") frontendInputs.push(f);
    else if (f.kind === "python" || f.kind === "ports") backendInputs.push(f);
    else if (f.kind === "dockerfile") {
      // a Dockerfile gives ports to backends and build-time values to the frontends it builds
      frontendInputs.push(f);
      backendInputs.push(f);
    }
  }
  const sameFiles = prev?.files === input.files;
  const frontendsReused = !!prev && sameFiles && sameList(prev.frontendInputs, frontendInputs);
  const backendsReused = !!prev && sameFiles && sameList(prev.backendInputs, backendInputs);

  const jsFacts = (file: string) => {
    const f = input.facts.get(file);
    return f?.kind === "js" ? f : undefined;
  };
  let deps: Map<string, FileFacts | undefined> | undefined;
  const aliases = aliasLookup(input.facts);
  // Proxy targets are read without `import.meta.env` (a config sees `loadEnv`, not the client's env).
  const frontends = frontendsReused ? prev!.frontends : findFrontends(input, new JsResolver({ files: input.files, js: jsFacts, aliases, env: () => ({}) }));
  const envs = new Map<string, Record<string, string>>();
  const resolver = new JsResolver({
    files: input.files,
    js: (file) => {
      deps?.set(file, input.facts.get(file));
      return jsFacts(file);
    },
    aliases,
    env: (file: string, mode: BuildMode) => {
      const fe = frontendOf(frontends, file);
      const key = `${fe?.root ?? "\u0000"}:${mode}`;
      let vars = envs.get(key);
      if (!vars) envs.set(key, (vars = envOf(input, fe, mode)));
      return vars;
    },
  });

  // Client call sites, file by file.
  const browserFiles: [string, JsFacts, Frontend][] = [];
  for (const [file, facts] of input.facts) {
    if (facts.kind !== "js" || facts.nodeOrTooling || !isBrowserPath(file)) continue;
    const fe = frontendOf(frontends, file);
    if (fe) browserFiles.push([file, facts, fe]);
  }
  browserFiles.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const defaults = axiosDefaults(browserFiles, resolver);
  const defaultsKey = JSON.stringify([...defaults].map(([fe, v]) => [fe.root, v?.text, v?.exact]));
  const reuseFiles = frontendsReused && prev!.defaults === defaultsKey;
  const perFile: BuildCache["perFile"] = new Map();
  const results: FileCalls[] = [];
  for (const [file, facts, fe] of browserFiles) {
    const cached = reuseFiles ? prev!.perFile.get(file) : undefined;
    if (cached && cached.facts === facts && [...cached.deps].every(([f, seen]) => input.facts.get(f) === seen)) {
      perFile.set(file, cached);
      results.push(cached.result);
      continue;
    }
    deps = new Map([[file, facts]]);
    const result = fileCalls(file, facts, fe, resolver, defaults.get(fe));
    perFile.set(file, { facts, deps, result });
    results.push(result);
    deps = undefined;
  }

  const { calls, urlUses } = linkUses(results);

  const { backends, cors } = backendsReused ? prev! : findBackends(input);
  return {
    topology: { frontends, calls, urlUses, backends, cors, pairing: pair(frontends, backends) },
    cache: { files: input.files, frontendInputs, frontends, backendInputs, backends, cors, defaults: defaultsKey, perFile },
  };
}

/** Every call, and every URL use with each instance call linked to its instance's `baseURL` use (fresh uses: cached ones stay as they were). */
function linkUses(results: readonly FileCalls[]): { calls: ClientCall[]; urlUses: UrlUse[] } {
  const urlUses: UrlUse[] = [];
  const byInstance = new Map<string, UrlUse>();
  for (const r of results) {
    for (const { key, use } of r.baseUses) {
      const fresh = { ...use, calls: [] };
      urlUses.push(fresh);
      if (key) byInstance.set(key, fresh);
    }
  }
  const calls = results.flatMap((r) => r.calls);
  for (const call of calls) if (call.instance) byInstance.get(instanceKey(call.instance.file, call.instance.fact.range))?.calls.push(call);
  for (const r of results) urlUses.push(...r.callUses);
  return { calls, urlUses };
}

/** A frontend talks to the backend its proxy targets' port names, or to the only backend there is. */
function pair(frontends: readonly Frontend[], backends: readonly Backend[]): Map<Frontend, Backend> {
  const pairing = new Map<Frontend, Backend>();
  for (const fe of frontends) {
    const ports = new Set<number>();
    if (fe.proxy?.kind === "known") for (const e of fe.proxy.entries) if (e.target) ports.add(portOfUrl(e.target));
    const candidates = backends.filter((b) => ports.has(b.port));
    const apps = new Set(candidates.map((b) => `${b.file}:${b.app}`));
    if (apps.size === 1) pairing.set(fe, candidates[0]);
    else if (apps.size === 0 && backends.length === 1) pairing.set(fe, backends[0]);
  }
  return pairing;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

