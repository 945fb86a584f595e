/**
 * The Vite config reader on text: every config form rules.md lists, proxy entry forms, and
 * what becomes unknown (not guessed).
 */
import { strict as assert } from "node:assert";
import type { Expr, ProxyEntryFact, ViteConfigFacts } from "../../server/src/core/facts";
import { isViteConfig, readViteConfig } from "../../server/src/kinds/vite/read";
import type { GrammarName } from "../../server/src/kinds/tree-sitter";
import { textAt, withTree } from "../helpers/analysis";

function vite(text: string, grammar: GrammarName = "typescript"): Promise<ViteConfigFacts> {
  return withTree(grammar, text, (tree) => readViteConfig(tree, text));
}

function keys(entries: ProxyEntryFact[] | null | undefined): string[] | null | undefined {
  return entries === null || entries === undefined ? entries : entries.map((e) => e.key ?? "<computed>");
}

function entry(facts: ViteConfigFacts, key: string): ProxyEntryFact {
  const found = facts.proxy?.find((e) => e.key === key);
  assert.ok(found, `no proxy entry '${key}' in ${JSON.stringify(keys(facts.proxy))}`);
  return found;
}

/** A target expression's literal value (a string, or a fallback's right-hand string). */
function literal(expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  if (expr.kind === "string") return expr.value;
  if (expr.kind === "fallback") return literal(expr.right);
  return undefined;
}

const PROXY = `{ server: { port: 3000, proxy: { '/api': 'http://127.0.0.1:8000' } } }`;

describe("parse/vite-config", () => {
  describe("file names", () => {
    for (const ok of ["vite.config.js", "vite.config.mjs", "vite.config.cjs", "vite.config.ts", "vite.config.mts", "vite.config.cts", "apps/web/vite.config.ts"]) {
      it(`${ok} is a Vite config`, () => assert.equal(isViteConfig(ok), true));
    }
    for (const no of ["vitest.config.ts", "vite.config.json", "src/vite.config.ts.bak", "my-vite.config.ts"]) {
      it(`${no} is not a Vite config`, () => assert.equal(isViteConfig(no), false));
    }
  });

  describe("config forms", () => {
    const forms: Record<string, string> = {
      "export default {...}": `export default ${PROXY}\n`,
      "defineConfig({...})": `import { defineConfig } from 'vite'\nexport default defineConfig(${PROXY})\n`,
      "defineConfig(() => ({...}))": `import { defineConfig } from 'vite'\nexport default defineConfig(() => (${PROXY}))\n`,
      "defineConfig(({ mode }) => { ...; return {...} })": `import { defineConfig, loadEnv } from 'vite'\nexport default defineConfig(({ mode }) => {\n  const env = loadEnv(mode, process.cwd(), '')\n  const port = 3000\n  return { server: { port, proxy: { '/api': 'http://127.0.0.1:8000' } } }\n})\n`,
      "defineConfig(function () { return {...} })": `export default defineConfig(function () {\n  return ${PROXY}\n})\n`,
      "module.exports = {...}": `module.exports = ${PROXY}\n`,
      "module.exports = defineConfig({...})": `const { defineConfig } = require('vite')\nmodule.exports = defineConfig(${PROXY})\n`,
      "const config = {...} exported later": `const config = ${PROXY}\n\nexport default config\n`,
      "const config = defineConfig({...}) exported later": `const config = defineConfig(${PROXY})\nexport default config\n`,
      "export default {...} satisfies UserConfig": `import type { UserConfig } from 'vite'\nexport default ${PROXY} satisfies UserConfig\n`,
      "export default {...} as UserConfig": `export default (${PROXY} as UserConfig)\n`,
      "shorthand server from a same-file const": `const proxy = { '/api': 'http://127.0.0.1:8000' }\nconst server = { port: 3000, proxy }\nexport default defineConfig({ server })\n`,
      "spread of a same-file const": `const server = { port: 3000, proxy: { '/api': 'http://127.0.0.1:8000' } }\nconst base = { server }\nexport default defineConfig({ ...base, plugins: [] })\n`,
    };
    for (const [name, text] of Object.entries(forms)) {
      it(name, async () => {
        const f = await vite(text);
        assert.equal(f.readable, true, "readable");
        assert.equal(f.port, 3000, "server.port");
        assert.deepEqual(keys(f.proxy), ["/api"]);
        assert.equal(literal(entry(f, "/api").target), "http://127.0.0.1:8000");
        assert.equal(f.hasServer, true);
      });
    }

    it("reads a JavaScript config with the javascript grammar", async () => {
      const f = await vite(`export default defineConfig(${PROXY})\n`, "javascript");
      assert.equal(f.readable, true);
      assert.deepEqual(keys(f.proxy), ["/api"]);
    });

    it("no server block: port undefined (Vite's 5173 default is applied by the model), no proxy", async () => {
      const f = await vite(`export default defineConfig({ plugins: [react()] })\n`);
      assert.equal(f.readable, true);
      assert.equal(f.port, undefined);
      assert.equal(f.proxy, undefined);
      assert.equal(f.hasServer, false);
      assert.ok(f.configSlot, "there is a slot to add server to");
    });

    it("a server block without proxy: proxy undefined, a server slot", async () => {
      const f = await vite(`export default defineConfig({\n  server: {\n    port: 5174,\n  },\n})\n`);
      assert.equal(f.port, 5174);
      assert.equal(f.proxy, undefined);
      assert.ok(f.serverSlot);
      assert.equal(f.serverSlot.trailingComma, true);
      assert.equal(f.serverSlot.indent, "    ");
    });

    it("reads server.host and base", async () => {
      const f = await vite(`export default { base: '/app/', server: { host: '0.0.0.0' } }\n`);
      assert.equal(f.base, "/app/");
      assert.equal(f.host?.kind, "string");
    });

    it("reads preview.proxy", async () => {
      const f = await vite(`export default defineConfig(() => ({ preview: { proxy: { '/p': 'http://127.0.0.1:9000' } } }))\n`);
      assert.deepEqual(keys(f.previewProxy), ["/p"]);
      assert.equal(f.proxy, undefined);
    });

    it("reads resolve.alias to folders under the root", async () => {
      const f = await vite(`import path from 'path'\nexport default { resolve: { alias: { '@': path.resolve(__dirname, './src') } } }\n`);
      assert.deepEqual(f.aliases, { "@": "src" });
    });
  });

  describe("proxy entries", () => {
    it("string shorthand means changeOrigin: true", async () => {
      const f = await vite(`export default { server: { proxy: { '/api': 'http://localhost:8000' } } }\n`);
      const e = entry(f, "/api");
      assert.equal(e.changeOrigin, true);
      assert.equal(literal(e.target), "http://localhost:8000");
    });

    it("object form defaults changeOrigin and ws to false", async () => {
      const f = await vite(`export default { server: { proxy: { '/api': { target: 'http://127.0.0.1:8000' } } } }\n`);
      const e = entry(f, "/api");
      assert.equal(e.changeOrigin, false);
      assert.equal(e.ws, false);
      assert.equal(e.rewriteStrips, undefined);
    });

    it("object form with changeOrigin and ws", async () => {
      const f = await vite(`export default { server: { proxy: { '/ws': { target: 'ws://127.0.0.1:8000', changeOrigin: true, ws: true } } } }\n`);
      const e = entry(f, "/ws");
      assert.equal(e.changeOrigin, true);
      assert.equal(e.ws, true);
    });

    it("keeps entries in object order", async () => {
      const f = await vite(`export default { server: { proxy: { '/api/v2': 'http://a:1', '/api': 'http://b:2', "/x": 'http://c:3', y: 'http://d:4' } } }\n`);
      assert.deepEqual(keys(f.proxy), ["/api/v2", "/api", "/x", "y"]);
    });

    it("regex keys are kept as written", async () => {
      const f = await vite(`export default { server: { proxy: { '^/fallback/.*': { target: 'http://127.0.0.1:8000', rewrite: (path) => path.replace(/^\\/fallback/, '') } } } }\n`);
      const e = entry(f, "^/fallback/.*");
      assert.equal(e.rewriteStrips, "/fallback");
    });

    it("rewrite path.replace(/^\\/api/, '') strips /api", async () => {
      const f = await vite(`export default { server: { proxy: { '/api': { target: 'http://127.0.0.1:8000', rewrite: (path) => path.replace(/^\\/api/, '') } } } }\n`);
      assert.equal(entry(f, "/api").rewriteStrips, "/api");
    });

    it("rewrite with a function body and a typed parameter", async () => {
      const f = await vite(`export default { server: { proxy: { '/api': { target: 'http://x:1', rewrite: (p: string) => { return p.replace(/^\\/api/, '') } } } } }\n`);
      assert.equal(entry(f, "/api").rewriteStrips, "/api");
    });

    it("a key written twice is one entry: the last value, in the first key's place", async () => {
      const f = await vite(`export default { server: { proxy: { '/dup': 'http://127.0.0.1:8001', '/b': 'http://127.0.0.1:8002', '/dup': 'http://127.0.0.1:8009' } } }\n`);
      assert.deepEqual(keys(f.proxy), ["/dup", "/b"]);
      assert.equal(literal(entry(f, "/dup").target), "http://127.0.0.1:8009");
    });

    it("tells a server.port that is not set from one it cannot read", async () => {
      const unset = await vite(`export default { server: { proxy: {} } }\n`);
      assert.deepEqual([unset.port, unset.portUnread], [undefined, false]);
      const literal = await vite(`export default { server: { port: 3000 } }\n`);
      assert.deepEqual([literal.port, literal.portUnread], [3000, false]);
      const env = await vite(`export default { server: { port: Number(process.env.PORT) } }\n`);
      assert.deepEqual([env.port, env.portUnread], [undefined, true]);
    });

    it("lists the options an entry sets, and drops falsy entries as Vite does", async () => {
      const f = await vite(`const common = { changeOrigin: true }\nexport default { server: { proxy: { '/a': { target: 'http://x:1', headers: { k: 'v' }, secure: false }, '/s': 'http://x:1', '/spread': { ...common, target: 'http://x:1' }, '/no': undefined, '/null': null, '/off': false } } }\n`);
      assert.deepEqual(keys(f.proxy), ["/a", "/s", "/spread"]);
      assert.deepEqual(entry(f, "/a").options, ["target", "headers", "secure"]);
      assert.deepEqual(entry(f, "/s").options, []);
      assert.equal(entry(f, "/spread").options, undefined, "a spread hides which options are set");
    });

    it("a rewrite it cannot read is null (unknown), not a guess", async () => {
      const f = await vite(`export default { server: { proxy: { '/api': { target: 'http://x:1', rewrite: (p) => p.replace(/^\\/api/, '/v1') }, '/b': { target: 'http://x:1', rewrite: strip } } } }\n`);
      assert.equal(entry(f, "/api").rewriteStrips, null);
      assert.equal(entry(f, "/b").rewriteStrips, null);
    });

    it("env ?? fallback targets keep the fallback", async () => {
      const f = await vite(`export default defineConfig(({ mode }) => {\n  const env = loadEnv(mode, process.cwd())\n  return { server: { proxy: { '/api': { target: env.VITE_BACKEND ?? 'http://127.0.0.1:8001' }, '/b': process.env.B || 'http://127.0.0.1:8002' } } }\n})\n`);
      assert.equal(literal(entry(f, "/api").target), "http://127.0.0.1:8001");
      assert.equal(entry(f, "/api").target?.kind, "fallback");
      assert.equal(literal(entry(f, "/b").target), "http://127.0.0.1:8002");
    });

    it("a target from a same-file const", async () => {
      const f = await vite(`const backend = 'http://127.0.0.1:8000'\nexport default { server: { proxy: { '/api': backend, '/b': { target: backend } } } }\n`);
      assert.equal(literal(entry(f, "/api").target), "http://127.0.0.1:8000");
      assert.equal(literal(entry(f, "/b").target), "http://127.0.0.1:8000");
    });

    it("records the key's range", async () => {
      const text = `export default {\n  server: {\n    proxy: {\n      '/api': 'http://x:1',\n    },\n  },\n}\n`;
      const f = await vite(text);
      assert.equal(textAt(text, entry(f, "/api").keyRange), "'/api'");
      assert.equal(entry(f, "/api").keyRange.start.line, 3);
    });

    it("a computed proxy table is null (unknown is not empty)", async () => {
      const f = await vite(`export default { server: { proxy: makeProxy() } }\n`);
      assert.equal(f.readable, true);
      assert.equal(f.proxy, null);
    });

    it("a computed key makes the table null", async () => {
      const f = await vite(`export default { server: { proxy: { [prefix]: 'http://x:1' } } }\n`);
      assert.equal(f.proxy, null);
    });

    it("a spread of an unknown object into proxy makes it null", async () => {
      const f = await vite(`import extra from './extra'\nexport default { server: { proxy: { ...extra, '/api': 'http://x:1' } } }\n`);
      assert.equal(f.proxy, null);
    });

    it("a server from an unknown spread makes the proxy null", async () => {
      const f = await vite(`import base from './base'\nexport default { ...base }\n`);
      assert.equal(f.readable, true);
      assert.equal(f.proxy, null);
    });

    it("a computed key that resolves to a same-file const string is read", async () => {
      const f = await vite(`const API = '/api'\nexport default { server: { proxy: { [API]: 'http://x:1' } } }\n`);
      assert.deepEqual(keys(f.proxy), ["/api"]);
    });
  });

  describe("unreadable configs", () => {
    it("a syntax error makes it unreadable", async () => {
      const f = await vite(`export default defineConfig({\n  server: {\n    proxy: {\n      '/api': { target: 'http://x:1',\n`);
      assert.equal(f.readable, false);
      assert.equal(f.proxy, undefined);
    });

    it("a config that exports a call result it cannot follow is unreadable", async () => {
      const f = await vite(`import { makeConfig } from './shared'\nexport default makeConfig({ port: 3000 })\n`);
      assert.equal(f.readable, false);
    });

    it("a file with no export is unreadable", async () => {
      const f = await vite(`const config = { server: {} }\n`);
      assert.equal(f.readable, false);
    });
  });

  describe("style of the file (for fixes)", () => {
    it("prefers single quotes when the file does", async () => {
      assert.equal((await vite(`import { defineConfig } from 'vite'\nexport default defineConfig({ base: '/' })\n`)).quote, "'");
    });
    it("prefers double quotes when the file does", async () => {
      assert.equal((await vite(`import { defineConfig } from "vite";\nexport default defineConfig({ base: "/" });\n`)).quote, '"');
    });
    it("detects a 4-space indentation unit", async () => {
      assert.equal((await vite(`export default {\n    server: {\n        port: 1,\n    },\n}\n`)).indentUnit, "    ");
    });
    it("detects a 2-space indentation unit", async () => {
      assert.equal((await vite(`export default {\n  server: {\n    port: 1,\n  },\n}\n`)).indentUnit, "  ");
    });
    it("points the anchor at the server block when there is one", async () => {
      const text = `export default {\n  plugins: [],\n  server: { port: 1 },\n}\n`;
      const f = await vite(text);
      assert.equal(f.anchor.start.line, 2);
    });
  });

  it("reads suppression comments", async () => {
    const f = await vite(`export default {\n  // cors-doctor-disable-next-line missing-proxy-entry\n  server: {},\n}\n`);
    assert.deepEqual(f.suppressions, [{ line: 2, rules: ["missing-proxy-entry"] }]);
  });
});
