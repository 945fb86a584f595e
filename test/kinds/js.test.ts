/**
 * The client-code reader on text: axios in all its call forms, fetch, WebSocket, EventSource,
 * URL expressions (templates, concatenation, consts, env fallbacks), dev-only branches, and
 * names that parameters shadow.
 */
import { strict as assert } from "node:assert";
import type { CallFact, Expr, JsFacts } from "../../server/src/core/facts";
import { readClientModule } from "../../server/src/kinds/js/http-calls";
import type { GrammarName } from "../../server/src/kinds/tree-sitter";
import { textAt, withTree } from "../helpers/analysis";

function js(text: string, grammar: GrammarName = "typescript"): Promise<JsFacts> {
  return withTree(grammar, text, (tree) => readClientModule(tree, text));
}

/** An Expr without ranges, for deepEqual. */
function shape(e: Expr | undefined): unknown {
  return e === undefined ? undefined : JSON.parse(JSON.stringify(e, (k, v) => (k === "range" ? undefined : v)));
}

function callee(c: CallFact): string {
  return c.callee.kind === "instance" ? `instance:${c.callee.name}` : c.callee.kind;
}

function summary(facts: JsFacts): [string, string | undefined, unknown][] {
  return facts.calls.map((c) => [callee(c), c.method, shape(c.url)]);
}

const AX = `import axios from 'axios'\n`;
const S = (value: string) => ({ kind: "string", value });

describe("parse/http-calls", () => {
  describe("axios", () => {
    for (const m of ["get", "delete", "head", "options", "post", "put", "patch"]) {
      it(`axios.${m}(url)`, async () => {
        const f = await js(`${AX}axios.${m}('/api/x')\n`);
        assert.deepEqual(summary(f), [["axios", m.toUpperCase(), S("/api/x")]]);
      });
    }

    it("axios(url)", async () => {
      assert.deepEqual(summary(await js(`${AX}axios('/api/x')\n`)), [["axios", "GET", S("/api/x")]]);
    });

    it("axios(config) reads url and method", async () => {
      assert.deepEqual(summary(await js(`${AX}axios({ url: '/api/x', method: 'post' })\n`)), [["axios", "POST", S("/api/x")]]);
    });

    it("axios(url, config) reads method from config", async () => {
      assert.deepEqual(summary(await js(`${AX}axios('/api/x', { method: 'PUT' })\n`)), [["axios", "PUT", S("/api/x")]]);
    });

    it("axios.request(config)", async () => {
      assert.deepEqual(summary(await js(`${AX}axios.request({ url: '/api/x', method: 'delete' })\n`)), [["axios", "DELETE", S("/api/x")]]);
    });

    it("axios.post(url, data, config) reads withCredentials from the third argument", async () => {
      const f = await js(`${AX}axios.post('/api/x', { a: 1 }, { withCredentials: true })\n`);
      assert.equal(f.calls[0].credentials, true);
    });

    it("axios.get(url, config) reads withCredentials from the second argument", async () => {
      const f = await js(`${AX}axios.get('/api/x', { withCredentials: true })\n`);
      assert.equal(f.calls[0].credentials, true);
    });

    it("an explicit Accept: application/json marks the request JSON-only", async () => {
      const f = await js(`${AX}axios.get('/api/x', { headers: { Accept: 'application/json' } })\n`);
      assert.equal(f.calls[0].accept, "json");
    });

    it("a renamed default import and a namespace import are axios", async () => {
      const f = await js(`import http from 'axios'\nimport * as ax from 'axios'\nhttp.get('/a')\nax.get('/b')\n`);
      assert.deepEqual(summary(f).map((s) => s[0]), ["axios", "axios"]);
    });

    it("require('axios') is axios", async () => {
      const f = await js(`const axios = require('axios')\naxios.get('/a')\n`, "javascript");
      assert.deepEqual(summary(f), [["axios", "GET", S("/a")]]);
    });

    it("a method call on a local (non-top-level) object is not a call site", async () => {
      const f = await js(`export function f() {\n  const x = { get(u) { return u } }\n  return x.get('/b')\n}\n`);
      assert.deepEqual(f.calls, []);
    });

    it("axios.create({ baseURL }) bound to a name", async () => {
      const f = await js(`${AX}const api = axios.create({ baseURL: '/api', withCredentials: true })\n`);
      assert.equal(f.instances.length, 1);
      assert.equal(f.instances[0].name, "api");
      assert.deepEqual(shape(f.instances[0].baseURL), S("/api"));
      assert.equal(f.instances[0].withCredentials, true);
    });

    it("baseURLRange is the baseURL value", async () => {
      const text = `${AX}const api = axios.create({\n  baseURL: 'http://localhost:8000/api',\n})\n`;
      const f = await js(text);
      assert.equal(textAt(text, f.instances[0].baseURLRange), "'http://localhost:8000/api'");
    });

    it("calls on an instance created in the module", async () => {
      const f = await js(`${AX}const api = axios.create({ baseURL: '/api' })\napi.get('/posts')\napi.post('/posts', {})\napi('/x')\napi.request({ url: '/y', method: 'patch' })\n`);
      assert.deepEqual(summary(f), [
        ["instance:api", "GET", S("/posts")],
        ["instance:api", "POST", S("/posts")],
        ["instance:api", "GET", S("/x")],
        ["instance:api", "PATCH", S("/y")],
      ]);
    });

    it("calls on an instance declared with `export const` in the same module", async () => {
      // A common layout: `export const api = axios.create(...)` and helpers below it that use it.
      const f = await js(`${AX}export const api = axios.create({ baseURL: '/api' })\nexport const listPosts = () => api.get('/posts')\n`);
      assert.deepEqual(summary(f), [["instance:api", "GET", S("/posts")]]);
    });

    it("calls on an instance inside functions", async () => {
      const f = await js(`${AX}const api = axios.create({ baseURL: '/api' })\nexport async function load() {\n  const { data } = await api.get<Post[]>('/posts')\n  return data\n}\n`);
      assert.deepEqual(summary(f), [["instance:api", "GET", S("/posts")]]);
    });

    it("calls on an imported name are recorded as instance calls (resolved by the model)", async () => {
      const f = await js(`import api from './api'\napi.get('/posts')\n`);
      assert.deepEqual(summary(f), [["instance:api", "GET", S("/posts")]]);
    });

    it("export default axios.create(...) is an instance named default", async () => {
      const f = await js(`${AX}export default axios.create({ baseURL: '/api' })\n`);
      assert.equal(f.instances.length, 1);
      assert.equal(f.instances[0].name, "default");
    });

    it("axios.defaults.baseURL = ...", async () => {
      const f = await js(`${AX}axios.defaults.baseURL = 'http://localhost:8000'\n`);
      assert.equal(f.defaults.length, 1);
      assert.equal(f.defaults[0].target, "axios");
      assert.deepEqual(shape(f.defaults[0].value), S("http://localhost:8000"));
    });

    it("instance.defaults.baseURL = ...", async () => {
      const f = await js(`${AX}const api = axios.create()\napi.defaults.baseURL = '/api'\n`);
      assert.equal(f.defaults[0].target, "api");
    });
  });

  describe("fetch, WebSocket, EventSource", () => {
    it("fetch(url) is a GET", async () => {
      assert.deepEqual(summary(await js(`fetch('/api/x')\n`)), [["fetch", "GET", S("/api/x")]]);
    });

    it("fetch with method and credentials", async () => {
      const f = await js(`fetch('/api/x', { method: 'post', credentials: 'include' })\n`);
      assert.equal(f.calls[0].method, "POST");
      assert.equal(f.calls[0].credentials, true);
    });

    it("credentials: 'same-origin' is not include", async () => {
      const f = await js(`fetch('/api/x', { credentials: 'same-origin' })\n`);
      assert.equal(f.calls[0].credentials, false);
    });

    it("fetch with an init it cannot read has an unknown method", async () => {
      const f = await js(`fetch('/api/x', init)\n`);
      assert.equal(f.calls[0].method, undefined);
    });

    it("window.fetch and globalThis.fetch", async () => {
      assert.equal((await js(`window.fetch('/a')\nglobalThis.fetch('/b')\n`)).calls.length, 2);
    });

    it("new WebSocket(url) is a WS call", async () => {
      assert.deepEqual(summary(await js(`new WebSocket('/ws/chat')\n`)), [["websocket", "WS", S("/ws/chat")]]);
    });

    it("new EventSource(url, { withCredentials: true })", async () => {
      const f = await js(`new EventSource('/api/events', { withCredentials: true })\n`);
      assert.deepEqual(summary(f), [["eventsource", "GET", S("/api/events")]]);
      assert.equal(f.calls[0].credentials, true);
    });

    it("urlRange is the URL argument", async () => {
      const text = `export const x = () => fetch(\`/api/items/\${id}\`)\n`;
      const f = await js(text);
      assert.equal(textAt(text, f.calls[0].urlRange), "`/api/items/${id}`");
    });

    it("reads calls in JSX", async () => {
      const f = await js(`export function A() {\n  useEffect(() => { fetch('/api/a') }, [])\n  return <a href="http://localhost:8000/docs">docs</a>\n}\n`, "tsx");
      assert.deepEqual(summary(f), [["fetch", "GET", S("/api/a")]]);
    });
  });

  describe("URL expressions", () => {
    it("a template literal with a substitution", async () => {
      const f = await js(`fetch(\`/api/items/\${id}\`)\n`);
      const url = f.calls[0].url;
      assert.equal(url?.kind, "concat");
      assert.deepEqual(shape(url && url.kind === "concat" ? url.parts[0] : undefined), S("/api/items/"));
    });

    it("a template literal without substitutions is a plain string", async () => {
      assert.deepEqual(shape((await js("fetch(`/api/x`)\n")).calls[0].url), S("/api/x"));
    });

    it("concatenation flattens", async () => {
      const url = (await js(`fetch('/api' + '/x' + y)\n`)).calls[0].url;
      assert.equal(url?.kind, "concat");
      assert.equal(url?.kind === "concat" ? url.parts.length : 0, 3);
    });

    it("a top-level const stays a ref (resolved by the model)", async () => {
      assert.deepEqual(shape((await js(`const BASE = '/api'\nfetch(BASE)\n`)).calls[0].url), { kind: "ref", name: "BASE" });
    });

    it("an imported const stays a ref", async () => {
      assert.deepEqual(shape((await js(`import { BASE } from './config'\nfetch(BASE)\n`)).calls[0].url), { kind: "ref", name: "BASE" });
    });

    it("a local const inside a function is inlined", async () => {
      const f = await js(`export function load() {\n  const url = '/api/local'\n  return fetch(url)\n}\n`);
      assert.deepEqual(shape(f.calls[0].url), S("/api/local"));
    });

    it("a local let is unknown", async () => {
      const f = await js(`export function load() {\n  let url = '/api/local'\n  url = other\n  return fetch(url)\n}\n`);
      assert.deepEqual(shape(f.calls[0].url), { kind: "unknown" });
    });

    for (const grammar of ["javascript", "typescript", "tsx"] as const) {
      it(`a parameter shadows a top-level const (${grammar})`, async () => {
        const f = await js(`const BASE = 'http://localhost:8000'\nexport function load(BASE) {\n  return fetch(BASE + '/x')\n}\nexport const g = (BASE) => fetch(BASE + '/y')\n`, grammar);
        for (const c of f.calls) {
          const first = c.url?.kind === "concat" ? c.url.parts[0] : c.url;
          assert.deepEqual(shape(first), { kind: "unknown" }, `the parameter read as ${JSON.stringify(shape(c.url))}`);
        }
      });

      it(`a destructured parameter shadows a top-level const (${grammar})`, async () => {
        const f = await js(`const BASE = 'http://localhost:8000'\nexport function load({ BASE }) {\n  return fetch(BASE + '/x')\n}\n`, grammar);
        const url = f.calls[0].url;
        assert.deepEqual(shape(url?.kind === "concat" ? url.parts[0] : url), { kind: "unknown" });
      });
    }

    it("a parameter with a default value shadows a top-level const", async () => {
      const f = await js(`const BASE = 'http://localhost:8000'\nexport function load(BASE = '/api') {\n  return fetch(BASE + '/x')\n}\n`, "javascript");
      const url = f.calls[0].url;
      assert.notDeepEqual(shape(url?.kind === "concat" ? url.parts[0] : url), { kind: "ref", name: "BASE" });
    });

    it("import.meta.env.X ?? 'fallback'", async () => {
      const url = (await js(`fetch(import.meta.env.VITE_API_URL ?? 'http://localhost:8000')\n`)).calls[0].url;
      assert.deepEqual(shape(url), { kind: "fallback", op: "??", left: { kind: "env", name: "VITE_API_URL", source: "import.meta.env" }, right: S("http://localhost:8000") });
    });

    it("import.meta.env.X || 'fallback'", async () => {
      const url = (await js(`fetch(import.meta.env.VITE_API_URL || 'http://localhost:8000')\n`)).calls[0].url;
      assert.equal(url?.kind, "fallback");
    });

    it("(import.meta as any).env.X reads as import.meta.env.X", async () => {
      const url = (await js(`fetch((import.meta as any).env.VITE_API_URL || 'http://localhost:8000')\n`)).calls[0].url;
      assert.deepEqual(shape(url), { kind: "fallback", op: "||", left: { kind: "env", name: "VITE_API_URL", source: "import.meta.env" }, right: S("http://localhost:8000") });
    });

    it("new URL(path, base)", async () => {
      const url = (await js(`fetch(new URL('/api/x', 'http://localhost:8000'))\n`)).calls[0].url;
      assert.deepEqual(shape(url), { kind: "url", path: S("/api/x"), base: S("http://localhost:8000") });
    });

    it("location.origin", async () => {
      const url = (await js("fetch(`${window.location.origin}/api/x`)\n")).calls[0].url;
      assert.equal(url?.kind === "concat" ? url.parts[0].kind : url?.kind, "location");
    });
  });

  describe("dev-only branches", () => {
    const cases: Record<string, string> = {
      "import.meta.env.DEV ? a : b": `const base = import.meta.env.DEV ? 'http://localhost:8000' : '/'\n`,
      "import.meta.env.PROD ? b : a": `const base = import.meta.env.PROD ? '/' : 'http://localhost:8000'\n`,
      "if (import.meta.env.DEV) {...}": `if (import.meta.env.DEV) {\n  fetch('http://localhost:8000/x')\n}\n`,
      "if (import.meta.env.MODE === 'development') {...}": `if (import.meta.env.MODE === 'development') {\n  fetch('http://localhost:8000/x')\n}\n`,
      "if (!import.meta.env.PROD) {...}": `if (!import.meta.env.PROD) {\n  fetch('http://localhost:8000/x')\n}\n`,
      "import.meta.env.DEV && ...": `import.meta.env.DEV && fetch('http://localhost:8000/x')\n`,
    };
    for (const [name, text] of Object.entries(cases)) {
      it(name, async () => {
        const f = await js(text);
        assert.equal(f.devOnly.length, 1);
        const literalAt = text.indexOf("'http://localhost:8000");
        const line = text.slice(0, literalAt).split("\n").length - 1;
        assert.ok(f.devOnly.some((r) => r.start.line <= line && line <= r.end.line), "the dev-only range covers the literal");
      });
    }
    it("an unknown condition is not dev-only", async () => {
      assert.equal((await js(`const base = useLocal ? 'http://localhost:8000' : '/'\n`)).devOnly.length, 0);
    });
  });

  describe("module kind", () => {
    it("a module importing a Node built-in is Node code", async () => {
      assert.equal((await js(`import fs from 'node:fs'\nfetch('http://localhost:8000')\n`)).nodeOrTooling, true);
      assert.equal((await js(`const path = require('path')\n`, "javascript")).nodeOrTooling, true);
    });
    it("a module importing msw or a test library is tooling", async () => {
      assert.equal((await js(`import { http } from 'msw'\n`)).nodeOrTooling, true);
      assert.equal((await js(`import { render } from '@testing-library/react'\n`)).nodeOrTooling, true);
    });
    it("a module importing react and axios is browser code", async () => {
      assert.equal((await js(`import React from 'react'\nimport axios from 'axios'\n`)).nodeOrTooling, false);
    });
    it("records a syntax error", async () => {
      assert.equal((await js(`fetch('/api/x'\n`)).syntaxError, true);
    });
    it("records exports and re-exports", async () => {
      const f = await js(`export const A = '/a'\nconst B = '/b'\nexport { B as C }\nexport { D } from './d'\n`);
      assert.deepEqual(f.exports, [{ exported: "A", local: "A" }, { exported: "C", local: "B" }, { exported: "D", source: "./d", imported: "D" }]);
    });
  });
});
