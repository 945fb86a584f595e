/**
 * `hardcoded-localhost-url`: an absolute URL to a loopback host that reaches a request target in
 * browser code (a call's URL, an axios `baseURL`, `axios.defaults.baseURL`), directly or through
 * consts, imports and `import.meta.env.X || '...'` fallbacks, in a production build. The built
 * app would call the visitor's own machine.
 */
import { proxyFor } from "../model/match";
import { contains, locationKey } from "../core/range";
import { join } from "../core/paths";
import type { Frontend, LiteralRef, Topology, UrlUse } from "../model/topology";
import { firstSegment, isLocalhostUrl, joinBase, splitUrl } from "../model/urls";
import { portOfUrl } from "../model/frontends";
import { addProxyEntries, backendOrigin } from "./fixes/proxy-entry";
import type { Finding, Fix, TextEdit } from "../core/finding";
import { defineRule } from "./rule";

const ID = "hardcoded-localhost-url";

export const hardcodedLocalhostUrl = defineRule({
  id: ID,
  description: "A localhost URL used as a request target: the built app would call the visitor's own machine.",
  defaultSeverity: "warning",
  fixable: true,
  check(topology) {
    // One finding per literal, however many uses it reaches.
    const byLiteral = new Map<string, { head: LiteralRef; uses: UrlUse[]; frontend: Frontend }>();
    for (const use of topology.urlUses) {
      for (const value of use.values) {
        const head = value.head;
        if (!head || !isLocalhostUrl(value.text) || !isLocalhostUrl(head.value)) continue;
        if (head.devOnly) continue;
        const key = locationKey(head.file, head.range);
        const entry = byLiteral.get(key) ?? { head, uses: [], frontend: use.frontend };
        if (!entry.uses.includes(use)) entry.uses.push(use);
        byLiteral.set(key, entry);
      }
    }
    const findings: Finding[] = [];
    for (const { head, uses, frontend } of byLiteral.values()) {
      const related = uses.flatMap((u) =>
        u.kind === "baseURL"
          ? u.calls.slice(0, 5).map((c) => ({ file: c.file, range: c.fact.urlRange, message: "a request through this axios instance" }))
          : u.file === head.file && contains(u.range, head.range)
            ? []
            : [{ file: u.file, range: u.range, message: u.kind === "defaults" ? "used as axios.defaults.baseURL here" : "used as a request URL here" }],
      );
      const url = splitUrl(head.value);
      findings.push({
        rule: ID,
        file: head.file,
        range: head.range,
        message: `'${url?.origin ?? head.value}' points at the visitor's own machine once the app is built and deployed. Use a relative URL that the Vite proxy (dev) and your production reverse proxy serve, or an environment variable such as import.meta.env.VITE_API_URL.`,
        related,
        fixes: [relativeFix(topology, head, uses, frontend), envFix(head, frontend)].filter((f): f is Fix => !!f),
      });
    }
    return findings;
  },
});

/** Edit that replaces the URL's origin inside the literal by `replacement`. */
function originEdit(head: LiteralRef, replacement: string, whole: boolean): TextEdit | undefined {
  const url = splitUrl(head.value);
  const { start, end } = head.range;
  if (!url || start.line !== end.line) return undefined;
  const from = start.character + 1;
  const to = whole && !head.template ? end.character - 1 : from + url.origin.length;
  return { file: head.file, range: { start: { line: start.line, character: from }, end: { line: start.line, character: to } }, newText: replacement };
}

/** Fix 1: make the URL relative and add the proxy entries its paths need. */
function relativeFix(topology: Topology, head: LiteralRef, uses: UrlUse[], frontend: Frontend): Fix | undefined {
  const url = splitUrl(head.value);
  if (!url || !/^https?:/i.test(url.origin) || !frontend.config || frontend.proxy?.kind !== "known") return undefined;
  const prefixes = new Set<string>();
  const own = firstSegment(url.path);
  if (own) prefixes.add(own);
  else {
    // The literal has no path: the prefixes come from the requests that use it.
    for (const use of uses) {
      for (const value of use.values) {
        if (value.head !== head && value.head?.range !== head.range) continue;
        const full = use.kind === "call" ? [value] : use.calls.map((c) => (c.fact.url ? joinBase(value, { text: c.devUrl?.text.replace(/^[a-z]+:\/\/[^/]*/i, "") ?? "", exact: !!c.devUrl }) : value));
        for (const f of full) {
          const path = splitUrl(f.text)?.path ?? f.text;
          const seg = firstSegment(path);
          if (!seg || (path === seg && !f.exact)) return undefined;
          prefixes.add(seg);
        }
      }
    }
    if (prefixes.size === 0) return undefined;
  }
  const missing = [...prefixes].filter((p) => proxyFor(frontend.proxy, { text: p + "/", exact: false }).kind === "none");
  const paired = topology.pairing.get(frontend);
  const port = portOfUrl(url.origin) || paired?.port;
  const edits: TextEdit[] = [];
  const literal = originEdit(head, "", false);
  if (!literal) return undefined;
  edits.push(literal);
  if (missing.length) {
    const proxy = addProxyEntries(frontend, missing.map((key) => ({ key, target: backendOrigin(port), ws: false })));
    if (!proxy) return undefined;
    edits.push(proxy);
  }
  // With no path, the literal becomes '' and the requests that use it become relative.
  const lead = url.path ? `Use the relative URL '${url.path}'` : `Drop '${url.origin}' so the requests are relative`;
  const title = missing.length ? `${lead} and add ${missing.map((m) => `a '${m}'`).join(" and ")} proxy entr${missing.length > 1 ? "ies" : "y"}` : lead;
  return { title, edits };
}

/** Fix 2: read the URL from `import.meta.env.VITE_API_URL` (added to `.env.development`). */
function envFix(head: LiteralRef, frontend: Frontend): Fix | undefined {
  const url = splitUrl(head.value);
  if (!url || !/^https?:/i.test(url.origin) || head.range.start.line !== head.range.end.line) return undefined;
  const envPath = join(frontend.root, ".env.development");
  const envFacts = frontend.envFiles.get(envPath);
  const variable = head.fallbackOf?.env.startsWith("VITE_") ? head.fallbackOf.env : "VITE_API_URL";
  const existing = envFacts?.vars[variable]?.value;
  const value = head.template ? url.origin : head.value;
  const edits: TextEdit[] = [];
  if (head.fallbackOf && head.fallbackOf.env === variable) {
    // `import.meta.env.X || 'http://localhost...'` -> `import.meta.env.X`, with X set for development.
    edits.push({ file: head.file, range: head.fallbackOf.exprRange, newText: head.fallbackOf.leftText });
  } else if (head.template) {
    edits.push(originEdit(head, "${import.meta.env." + variable + "}", false)!);
  } else {
    edits.push({ file: head.file, range: head.range, newText: `import.meta.env.${variable}` });
  }
  if (existing === undefined) {
    if (envFacts) {
      const at = envFacts.endsWithNewline ? { line: envFacts.lineCount, character: 0 } : { line: envFacts.lineCount - 1, character: envFacts.lastLineLength };
      edits.push({ file: envPath, range: { start: at, end: at }, newText: `${envFacts.endsWithNewline ? "" : "\n"}${variable}=${value}\n` });
    } else {
      const at = { line: 0, character: 0 };
      edits.push({ file: envPath, range: { start: at, end: at }, newText: `${variable}=${value}\n`, create: true });
    }
  } else if (existing !== value) return undefined;
  return { title: `Use import.meta.env.${variable} (set to ${value} in .env.development)`, edits };
}
