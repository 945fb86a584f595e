/**
 * The joined model: URLs resolved across modules the way axios joins them, which files are
 * browser code, backends with routes across routers and modules, ports, and the pairing.
 */
import { strict as assert } from "node:assert";
import type { Topology } from "../../server/src/model/topology";
import { topologyOf, type Files } from "../helpers/analysis";

const VITE = { "vite.config.js": `export default { server: { proxy: { '/api': 'http://127.0.0.1:8000' } } }\n` };

function urls(t: Topology, file?: string): [string, string | undefined, string | undefined, boolean | undefined][] {
  return t.calls.filter((c) => !file || c.file === file).map((c) => [c.fact.callee.kind, c.fact.method, c.devUrl?.text, c.devUrl?.exact]);
}

async function devUrls(files: Files): Promise<(string | undefined)[]> {
  return (await topologyOf({ ...VITE, ...files })).calls.map((c) => (c.devUrl ? c.devUrl.text + (c.devUrl.exact ? "" : "…") : undefined));
}

describe("model/build", () => {
  describe("URL resolution", () => {
    it("joins baseURL and path the way axios does", async () => {
      const t = await topologyOf({
        ...VITE,
        "src/api.js": `import axios from 'axios'\nconst a = axios.create({ baseURL: '/api/' })\nconst b = axios.create({ baseURL: '/' })\nconst c = axios.create({ baseURL: 'http://localhost:8000/api' })\na.get('/users')\nb.get('/users')\nc.get('users')\nc.get('http://other.example/x')\n`,
      });
      assert.deepEqual(urls(t).map((u) => u[2]), ["/api/users", "/users", "http://localhost:8000/api/users", "http://other.example/x"]);
    });

    it("an instance exported from one module and imported in another (named, default, re-exported)", async () => {
      // Each importing file also mentions fetch, so it is parsed whatever the trigger words are.
      const got = await devUrls({
        "src/lib/http.ts": `import axios from 'axios'\nconst http = axios.create({ baseURL: '/api' })\nexport default http\nexport const named = axios.create({ baseURL: '/svc' })\n`,
        "src/lib/index.ts": `export { default as http, named } from './http'\n`,
        "src/a.ts": `import http from './lib/http'\nhttp.get('/a')\nexport const f = fetch\n`,
        "src/b.ts": `import { named } from './lib/http'\nnamed.get('/b')\nexport const f = fetch\n`,
        "src/c.ts": `import { http } from './lib'\nhttp.post('/c')\nexport const f = fetch\n`,
      });
      assert.deepEqual(got, ["/api/a", "/svc/b", "/api/c"]);
    });

    it("an imported instance is used in a file that mentions no trigger word", async () => {
      // The usual layout: src/api/client.ts creates the instance, pages only call api.get(...).
      const got = await devUrls({
        "src/api/client.ts": `import axios from 'axios'\nconst api = axios.create({ baseURL: '/api' })\nexport default api\n`,
        "src/pages/posts.ts": `import api from '../api/client'\nexport const load = () => api.get('/posts')\n`,
      });
      assert.deepEqual(got, ["/api/posts"]);
    });

    it("export default axios.create(...) imported elsewhere", async () => {
      assert.deepEqual(await devUrls({ "src/http.js": `import axios from 'axios'\nexport default axios.create({ baseURL: '/api' })\n`, "src/a.js": `import api from './http'\napi.get('/x')\nexport const f = fetch\n` }), ["/api/x"]);
    });

    it("axios.defaults.baseURL applies to plain axios calls in the frontend", async () => {
      assert.deepEqual(await devUrls({ "src/setup.js": `import axios from 'axios'\naxios.defaults.baseURL = '/api'\n`, "src/a.js": `import axios from 'axios'\naxios.get('/x')\n` }), ["/api/x"]);
    });

    it("same-file and imported consts, templates and concatenation", async () => {
      const got = await devUrls({
        "src/config.ts": `export const API = '/api'\nexport const V = API + '/v1'\n`,
        "src/a.ts": `import { API, V } from './config'\nconst LOCAL = '/api/local'\nfetch(LOCAL)\nfetch(\`\${API}/x\`)\nfetch(V + '/y')\nfetch(\`\${API}/items/\${id}\`)\n`,
      });
      assert.deepEqual(got, ["/api/local", "/api/x", "/api/v1/y", "/api/items/…"]);
    });

    it("an alias import through resolve.alias", async () => {
      const t = await topologyOf({
        "vite.config.js": `import path from 'path'\nexport default { resolve: { alias: { '@': path.resolve(__dirname, 'src') } }, server: { proxy: { '/api': 'http://127.0.0.1:8000' } } }\n`,
        "src/config.ts": `export const API = '/svc'\n`,
        "src/a.ts": `import { API } from '@/config'\nfetch(API + '/x')\n`,
      });
      assert.deepEqual(urls(t).map((u) => u[2]), ["/svc/x"]);
    });

    it("import.meta.env.X ?? fallback uses .env.development in dev, the fallback otherwise", async () => {
      assert.deepEqual(await devUrls({ "src/a.ts": `fetch((import.meta.env.VITE_API ?? '/api') + '/x')\n` }), ["/api/x"]);
      assert.deepEqual(await devUrls({ ".env.development": "VITE_API=/svc\n", "src/a.ts": `fetch((import.meta.env.VITE_API ?? '/api') + '/x')\n` }), ["/svc/x"]);
    });

    it("an env variable with no value and no fallback is unknown", async () => {
      assert.deepEqual(await devUrls({ "src/a.ts": `fetch(import.meta.env.VITE_API + '/x')\n` }), [undefined]);
    });

    it("location.origin + path is same-origin", async () => {
      const t = await topologyOf({ ...VITE, "src/a.ts": "fetch(`${window.location.origin}/api/x`)\n" });
      assert.equal(t.calls[0].devUrl?.text, "/api/x");
      assert.equal(t.calls[0].devUrl?.sameOrigin, true);
    });

    it("an imported name that is not an axios instance makes no call site", async () => {
      const t = await topologyOf({ ...VITE, "src/a.ts": `import ky from 'ky'\nky.get('/api/x')\n` });
      assert.equal(t.calls.length, 0);
    });
  });

  describe("browser code", () => {
    it("tests, mocks, stories, scripts, tool configs and Node modules are not browser code", async () => {
      const t = await topologyOf({
        ...VITE,
        "src/a.test.ts": `fetch('/x')\n`,
        "src/a.spec.js": `fetch('/x')\n`,
        "src/__tests__/b.js": `fetch('/x')\n`,
        "src/mocks/handlers.js": `fetch('/x')\n`,
        "src/__mocks__/axios.js": `fetch('/x')\n`,
        "src/Button.stories.tsx": `fetch('/x')\n`,
        "scripts/seed.js": `fetch('/x')\n`,
        "e2e/flow.ts": `fetch('/x')\n`,
        "cypress/e2e/a.cy.ts": `fetch('/x')\n`,
        "src/setupTests.ts": `fetch('/x')\n`,
        "vitest.config.ts": `fetch('/x')\n`,
        "src/server.ts": `import express from 'express'\nfetch('/x')\n`,
        "src/config.ts": `fetch('/api/browser')\n`,
      });
      assert.deepEqual(t.calls.map((c) => c.file), ["src/config.ts"]);
    });

    it("a client file belongs to the nearest frontend above it", async () => {
      const t = await topologyOf({
        "vite.config.ts": `export default {}\n`,
        "apps/admin/vite.config.ts": `export default { server: { port: 5174 } }\n`,
        "apps/admin/src/a.ts": `fetch('/a')\n`,
        "src/b.ts": `fetch('/b')\n`,
      });
      assert.deepEqual(t.calls.map((c) => [c.file, c.frontend.root, c.frontend.port]), [["apps/admin/src/a.ts", "apps/admin", 5174], ["src/b.ts", "", 5173]]);
    });
  });

  describe("backends", () => {
    it("routes across modules: include_router with prefixes and APIRouter(prefix=)", async () => {
      const t = await topologyOf({
        "backend/app/__init__.py": "",
        "backend/app/main.py": `from fastapi import FastAPI\nfrom app.routers import posts\nfrom .routers.users import router as users_router\napp = FastAPI()\napp.include_router(posts.router, prefix="/api")\napp.include_router(users_router, prefix="/api")\n@app.websocket("/ws")\nasync def ws(s): ...\n`,
        "backend/app/routers/__init__.py": "",
        "backend/app/routers/posts.py": `from fastapi import APIRouter\nrouter = APIRouter(prefix="/posts")\n@router.get("/")\ndef a(): ...\n@router.get("/{post_id}")\ndef b(post_id: int): ...\n`,
        "backend/app/routers/users.py": `from fastapi import APIRouter\nrouter = APIRouter(prefix="/users")\n@router.post("")\ndef c(): ...\n`,
      });
      assert.equal(t.backends.length, 1);
      const b = t.backends[0];
      assert.deepEqual(b.routes.filter((r) => !r.builtin).map((r) => `${r.methods.join(",")} ${r.path}`).sort(), ["GET /api/posts/", "GET /api/posts/{post_id}", "POST /api/users", "WS /ws"]);
      assert.deepEqual(b.routes.filter((r) => r.fact.handler).map((r) => r.fact.handler!.name), ["ws", "a", "b", "c"]);
      assert.deepEqual(b.routes.filter((r) => r.builtin).map((r) => r.path), ["/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"]);
      assert.equal(b.routesKnown, true);
      assert.deepEqual([b.mounts, b.rootPath, b.redirectSlashes], [[], "", true]);
    });

    it("docs routes follow docs_url / openapi_url; redirect_slashes and root_path are read", async () => {
      const t = await topologyOf({
        "main.py": `from fastapi import FastAPI
app = FastAPI(docs_url="/api/docs", redoc_url=None, root_path="/api")
app.router.redirect_slashes = False
other = FastAPI(openapi_url=None, redirect_slashes=flag)
`,
      });
      const [app, other] = t.backends;
      assert.deepEqual(app.routes.map((r) => r.path), ["/openapi.json", "/api/docs", "/api/docs/oauth2-redirect"]);
      assert.deepEqual([app.rootPath, app.redirectSlashes], ["/api", false]);
      assert.deepEqual(other.routes, []);
      assert.equal(other.redirectSlashes, undefined);
    });

    it("app.mount makes the routes under its prefix unknown, not the whole table", async () => {
      const t = await topologyOf({ "main.py": `from fastapi import FastAPI\napp = FastAPI()\napp.mount("/static", StaticFiles(directory="s"))\napp.mount(path, x)\n` });
      assert.equal(t.backends[0].routesKnown, true);
      assert.equal(t.backends[0].mounts, undefined, "a mount path that cannot be read");
      const known = await topologyOf({ "main.py": `from fastapi import FastAPI\napp = FastAPI()\napp.mount("/static", StaticFiles(directory="s"))\n` });
      assert.deepEqual(known.backends[0].mounts, ["/static"]);
    });

    it("apps in tests and conftest are not backends", async () => {
      const t = await topologyOf({
        "tests/test_api.py": `from fastapi import FastAPI\napp = FastAPI()\n`,
        "conftest.py": `from fastapi import FastAPI\napp = FastAPI()\n`,
        "api/test_main.py": `from fastapi import FastAPI\napp = FastAPI()\n`,
        "api/main.py": `from fastapi import FastAPI\napp = FastAPI()\n`,
      });
      assert.deepEqual(t.backends.map((b) => b.file), ["api/main.py"]);
    });

    it("ports: uvicorn.run, --port in a command file next to the app, default 8000", async () => {
      const t = await topologyOf({
        "a/main.py": `from fastapi import FastAPI\napp = FastAPI()\nimport uvicorn\nuvicorn.run(app, port=8001)\n`,
        "b/main.py": `from fastapi import FastAPI\napp = FastAPI()\n`,
        "b/Procfile": `web: uvicorn main:app --port 8002\n`,
        "c/main.py": `from fastapi import FastAPI\napp = FastAPI()\n`,
      });
      assert.deepEqual(t.backends.map((b) => [b.file, b.port]), [["a/main.py", 8001], ["b/main.py", 8002], ["c/main.py", 8000]]);
    });
  });

  describe("pairing", () => {
    const backend = (port: number) => `from fastapi import FastAPI\napp = FastAPI()\nimport uvicorn\nuvicorn.run(app, port=${port})\n`;

    it("a proxy target is paired with the backend on its port", async () => {
      const t = await topologyOf({ ...VITE, "a/main.py": backend(8000), "b/main.py": backend(9000) });
      assert.equal(t.pairing.get(t.frontends[0])?.file, "a/main.py");
    });

    it("with exactly one backend and no proxy target, it is paired by default", async () => {
      const t = await topologyOf({ "vite.config.js": `export default {}\n`, "a/main.py": backend(9000) });
      assert.equal(t.pairing.get(t.frontends[0])?.file, "a/main.py");
    });

    it("two backends and no proxy target: no pairing", async () => {
      const t = await topologyOf({ "vite.config.js": `export default {}\n`, "a/main.py": backend(8000), "b/main.py": backend(9000) });
      assert.equal(t.pairing.get(t.frontends[0]), undefined);
    });

    it("two backends on the target's port: no pairing", async () => {
      const t = await topologyOf({ ...VITE, "a/main.py": backend(8000), "b/main.py": backend(8000) });
      assert.equal(t.pairing.get(t.frontends[0]), undefined);
    });

    it("a template target whose host is `process.env.X || 'host:port'` resolves to its fallback", async () => {
      const t = await topologyOf({
        "vite.config.ts": `const proxyHost = process.env.PROXY_HOST || "localhost:5000";\nexport default defineConfig({\n  server: { proxy: { "/api": { target: \`http://\${proxyHost}\`, ws: true }, "/ws": { target: \`ws://\${proxyHost}/sock\` }, "/u": { target: \`http://\${process.env.NOPE}\` } } },\n})\n`,
      });
      const p = t.frontends[0].proxy;
      assert.ok(p?.kind === "known");
      assert.deepEqual(p.entries.map((e) => [e.key, e.target]), [["/api", "http://localhost:5000"], ["/ws", "ws://localhost:5000/sock"], ["/u", undefined]]);
    });

    it("an env ?? fallback target is paired by its fallback's port", async () => {
      const t = await topologyOf({
        "vite.config.ts": `export default defineConfig(({ mode }) => {\n  const env = loadEnv(mode, process.cwd())\n  return { server: { proxy: { '/api': env.VITE_BACKEND ?? 'http://127.0.0.1:9000' } } }\n})\n`,
        "a/main.py": backend(8000),
        "b/main.py": backend(9000),
      });
      assert.equal(t.pairing.get(t.frontends[0])?.file, "b/main.py");
    });
  });
});
