/**
 * Client call sites of one browser-code file: each request with its URL resolved for `vite`
 * dev (joined with its axios instance's `baseURL` or `axios.defaults.baseURL`), and every place
 * a URL reaches a request target with the values it may take in a production build.
 */
import { locationKey, type Range } from "../core/range";
import type { Expr, JsFacts } from "../core/facts";
import type { JsResolver } from "./resolve";
import type { ClientCall, Frontend, UrlUse, UrlValue } from "./topology";
import { firstSegment, isAbsolute, joinBase } from "./urls";

const TEST_OR_TOOLING = [
  /(^|\/)[^/]+\.config\.[^/]+$/, // vite/vitest/playwright/... configs; an app's src/config.ts is not one
  /\.(test|spec|stories|story|cy)\.[^/]+$/,
  /(^|\/)(__tests__|__mocks__|mocks|tests?|e2e|cypress|playwright|scripts|\.storybook|fixtures)\//,
  /(^|\/)(setupTests|setup-tests|vitest\.setup|jest\.setup|test-utils)\.[^/]+$/,
];
const browserPaths = new Map<string, boolean>();

/** Whether a JS/TS file is browser code (not a test, mock, story, tool config or Node script). */
export function isBrowserPath(path: string): boolean {
  let yes = browserPaths.get(path);
  if (yes === undefined) {
    yes = !TEST_OR_TOOLING.some((re) => re.test(path));
    browserPaths.set(path, yes);
  }
  return yes;
}

/** What one file contributes; instance `baseURL` uses get their calls linked by the builder. */
export interface FileCalls {
  calls: ClientCall[];
  /** `baseURL` of instances created here, by instance key, and `defaults.baseURL` assignments. */
  baseUses: { key: string | undefined; use: UrlUse }[];
  callUses: UrlUse[];
}

/** The key that links an instance's calls to its `baseURL` use. */
export function instanceKey(file: string, range: Range): string {
  return locationKey(file, range);
}

/** `axios.defaults.baseURL` of a frontend: one value, `null` when files disagree or it is unknown. */
export function axiosDefaults(files: readonly [string, JsFacts, Frontend][], resolver: JsResolver): Map<Frontend, UrlValue | null> {
  const out = new Map<Frontend, UrlValue | null>();
  for (const [file, facts, fe] of files) {
    for (const d of facts.defaults) {
      if (d.target !== "axios") continue;
      const value = resolver.single(d.value, file, "dev");
      const prev = out.get(fe);
      out.set(fe, prev === undefined ? value ?? null : prev && value && prev.text === value.text ? prev : null);
    }
  }
  return out;
}

export function fileCalls(file: string, facts: JsFacts, fe: Frontend, resolver: JsResolver, defaultsBase: UrlValue | null | undefined): FileCalls {
  const result: FileCalls = { calls: [], baseUses: [], callUses: [] };
  for (const d of facts.defaults) {
    if (d.target !== "axios" && !facts.instances.some((i) => i.name === d.target)) continue;
    result.baseUses.push({ key: undefined, use: { file, frontend: fe, range: d.range, kind: "defaults", values: resolver.values(d.value, file, "prod"), calls: [] } });
  }
  for (const inst of facts.instances) {
    if (!inst.baseURL) continue;
    const use: UrlUse = { file, frontend: fe, range: inst.baseURLRange, kind: "baseURL", values: resolver.values(inst.baseURL, file, "prod"), calls: [] };
    result.baseUses.push({ key: instanceKey(file, inst.range), use });
  }
  for (const fact of facts.calls) {
    let instance: ClientCall["instance"];
    let base: UrlValue | undefined;
    let basePath: string | undefined;
    if (fact.callee.kind === "instance") {
      instance = resolver.instance(file, fact.callee.name);
      if (!instance) continue;
      const baseExpr = instance.fact.baseURL ?? instanceDefaults(resolver, instance.file, instance.fact.name);
      if (baseExpr) {
        base = resolver.single(baseExpr, instance.file, "dev") ?? { text: "", exact: false };
        if (base.exact && !base.sameOrigin && base.text.startsWith("/") && firstSegment(base.text)) basePath = base.text.replace(/\/+$/, "");
      }
    } else if (fact.callee.kind === "axios") {
      base = defaultsBase === null ? { text: "", exact: false } : defaultsBase;
    }
    const url = fact.url ? resolver.single(fact.url, file, "dev") : undefined;
    const joins = fact.callee.kind === "axios" || fact.callee.kind === "instance";
    const devUrl = url ? (joins ? joinBase(base, url) : url) : undefined;
    if (basePath && (!url || isAbsolute(url.text))) basePath = undefined;
    const call: ClientCall = { file, frontend: fe, fact, instance, devUrl: devUrl && (devUrl.exact || devUrl.text) ? devUrl : undefined, basePath, generated: facts.generated };
    result.calls.push(call);
    if (fact.url) result.callUses.push({ file, frontend: fe, range: fact.urlRange, kind: "call", values: resolver.values(fact.url, file, "prod"), calls: [call] });
  }
  return result;
}

/** `api.defaults.baseURL = ...` set on a named instance in its own module. */
function instanceDefaults(resolver: JsResolver, file: string, name: string | undefined): Expr | undefined {
  const facts = resolver.module(file);
  if (!facts || !name) return undefined;
  const set = facts.defaults.filter((d) => d.target === name);
  return set.length === 1 ? set[0].value : set.length > 1 ? { kind: "unknown", range: set[0].range } : undefined;
}
