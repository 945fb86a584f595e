/**
 * The route rules (issue "Routes in the model"): exact messages and related information, the
 * one-sentence limit of rules.md (at most 120 characters, leading with the path or variable),
 * suggestion fixes that are never preferred nor applied by fix-all, and the facts behind them
 * (facts.md 12, 14, 17; Vite's prefix matching, `rewrite` and ws handling).
 */
import { strict as assert } from "node:assert";
import { analyzeFiles, readFolder, textAt, type Files } from "../helpers/analysis";
import { fixtureCases, isFixtureMeta } from "../helpers/fixtures";

const ROUTE_RULES = ["proxy-target-mismatch", "proxy-prefix-not-routed", "proxy-missing-ws", "trailing-slash-redirect", "unknown-api-route", "production-env-localhost"];
const PY = `from fastapi import FastAPI\napp = FastAPI()\n`;

async function only(files: Files, rule: string) {
  return (await analyzeFiles(files)).findings.filter((f) => f.rule === rule);
}

describe("route rules", () => {
  it("every message in the fixtures is one sentence of at most 120 characters", async () => {
    const long: string[] = [];
    let seen = 0;
    for (const c of fixtureCases().filter((x) => ROUTE_RULES.includes(x.rule))) {
      const { findings } = await analyzeFiles(readFolder(c.dir, isFixtureMeta));
      for (const f of findings.filter((x) => ROUTE_RULES.includes(x.rule))) {
        seen++;
        if (f.message.length > 120 || !/^[^.]*\.$/.test(f.message.replace(/\d+\.\d+\.\d+\.\d+|\.\w+|…/g, ""))) long.push(`${f.rule}: ${f.message}`);
      }
    }
    assert.ok(seen >= 10, `${seen} findings`);
    assert.deepEqual(long, []);
  });

  it("unknown-api-route: a typo, with the nearest route as a suggestion that fix-all never applies", async () => {
    const files = {
      "vite.config.js": `export default { server: { proxy: { '/api': { target: 'http://127.0.0.1:8000' } } } }\n`,
      "src/a.js": `export const u = () => fetch('/api/usres')\n`,
      "main.py": `${PY}@app.get("/api/users")\ndef list_users():\n    return []\n`,
    };
    const { findings, project } = await analyzeFiles(files);
    const [f] = findings.filter((x) => x.rule === "unknown-api-route");
    assert.equal(f.message, "GET /api/usres matches no route of the FastAPI app: it gets 404.");
    assert.equal(textAt(files["src/a.js"], f.range), "'/api/usres'");
    assert.deepEqual(f.related.map((r) => [r.file, r.message]), [
      ["main.py", "the FastAPI app app, paired with this frontend"],
      ["vite.config.js", "forwarded to the backend as /api/usres by this proxy entry"],
      ["main.py", "did you mean GET /api/users?"],
    ]);
    assert.equal(textAt(files["main.py"], f.related[2].range), "list_users", "the handler's name");
    assert.deepEqual(f.fixes.map((x) => [x.title, x.suggestion]), [["Change the URL to '/api/users' (route /api/users)", true]]);
    assert.equal(project.fixAll({}).size, 0, "fix-all applies no suggestion");
  });

  it("unknown-api-route: a rewrite is applied before matching, and root_path allows both forms (facts.md 17)", async () => {
    const vite = `export default { server: { proxy: { '/api': { target: 'http://127.0.0.1:8000', rewrite: (p) => p.replace(/^\\/api/, '') } } } }\n`;
    const calls = `export const a = () => fetch('/api/items')\nexport const b = () => fetch('/api/nope')\n`;
    const stripped = await only({ "vite.config.js": vite, "src/a.js": calls, "main.py": `${PY}@app.get("/items")\ndef items(): ...\n` }, "unknown-api-route");
    assert.deepEqual(stripped.map((f) => f.message), ["GET /api/nope matches no route of the FastAPI app: it gets 404."]);
    const plain = `export default { server: { proxy: { '/api': { target: 'http://127.0.0.1:8000' } } } }\n`;
    const rooted = await only({ "vite.config.js": plain, "src/a.js": calls, "main.py": `from fastapi import FastAPI\napp = FastAPI(root_path="/api")\n@app.get("/items")\ndef items(): ...\n` }, "unknown-api-route");
    assert.deepEqual(rooted.map((f) => f.message), ["GET /api/nope matches no route of the FastAPI app: it gets 404."]);
    const unread = await only({ "vite.config.js": plain, "src/a.js": calls, "main.py": `from fastapi import FastAPI\napp = FastAPI(root_path=settings.ROOT)\n@app.get("/items")\ndef items(): ...\n` }, "unknown-api-route");
    assert.deepEqual(unread, [], "a root_path that cannot be read leaves the table unknown");
  });

  it("unknown-api-route stays silent when the entry itself is wrong (proxy-prefix-not-routed reports it)", async () => {
    const files = {
      "vite.config.js": `export default { server: { proxy: { '/api': { target: 'http://127.0.0.1:8000' } } } }\n`,
      "src/a.js": `export const a = () => fetch('/api/items')\n`,
      "main.py": `${PY}@app.get("/items")\ndef items(): ...\n`,
    };
    const { findings } = await analyzeFiles(files);
    assert.deepEqual(findings.map((f) => f.rule), ["proxy-prefix-not-routed"]);
  });

  it("trailing-slash-redirect: a redirect on the dev origin is fine; changeOrigin or an absolute URL is not", async () => {
    const py = `${PY}@app.get("/api/items/")\ndef items(): ...\n`;
    const call = `export const a = () => fetch('/api/items')\n`;
    const same = await only({ "vite.config.js": `export default { server: { proxy: { '/api': { target: 'http://127.0.0.1:8000' } } } }\n`, "src/a.js": call, "main.py": py }, "trailing-slash-redirect");
    assert.deepEqual(same, []);
    const co = await only({ "vite.config.js": `export default { server: { proxy: { '/api': { target: 'http://127.0.0.1:8000', changeOrigin: true } } } }\n`, "src/a.js": call, "main.py": py }, "trailing-slash-redirect");
    assert.deepEqual(co.map((f) => f.message), ["'/api/items' misses the route /api/items/ by a trailing slash: the 307 redirect leaves the dev origin (changeOrigin)."]);
    const abs = await only({ "index.html": "", "src/a.js": `// cors-doctor-disable-next-line hardcoded-localhost-url\nexport const a = () => fetch('http://localhost:8000/api/items')\n`, "main.py": py }, "trailing-slash-redirect");
    assert.deepEqual(abs.map((f) => f.message), ["'http://localhost:8000/api/items' misses the route /api/items/ by a trailing slash: the 307 redirect is cross-origin too."]);
  });

  it("proxy-missing-ws: Vite upgrades through the first ws-capable key, not the first key", async () => {
    const ws = `export const s = () => new WebSocket('/api/ws')\n`;
    const first = await only({ "vite.config.js": `export default { server: { proxy: { '/api': 'http://127.0.0.1:8000', '/api/ws': { target: 'http://127.0.0.1:8000', ws: true } } } }\n`, "src/a.js": ws }, "proxy-missing-ws");
    assert.deepEqual(first, []);
    const none = await only({ "vite.config.js": `export default { server: { proxy: { '/api': 'http://127.0.0.1:8000' } } }\n`, "src/a.js": ws }, "proxy-missing-ws");
    assert.deepEqual(none.map((f) => f.message), ["'/api' has no ws: true, so Vite does not forward the WebSocket upgrade of /api/ws."]);
  });

  it("proxy-target-mismatch: names the port source and, for localhost, the ::1 possibility", async () => {
    const files = {
      "vite.config.js": `export default { server: { proxy: { '/api': 'http://localhost:8001' } } }\n`,
      "Procfile": "web: uvicorn main:app --port 8000\n",
      "main.py": `${PY}@app.get("/api/items")\ndef items(): ...\n`,
    };
    const [f] = await only(files, "proxy-target-mismatch");
    assert.equal(f.message, "'/api' targets port 8001, but the FastAPI app serving it listens on 8000 (and 'localhost' may resolve to ::1).");
    assert.deepEqual(f.related.map((r) => [r.file, r.range.start.line, r.message]), [["Procfile", 0, "the FastAPI app app listens on 8000"]]);
    assert.deepEqual(f.fixes.map((x) => x.title), ["Target http://localhost:8000"]);
  });

  it("a port that cannot be read (`--port $PORT`, `port=settings.PORT`) is unknown, so proxy-target-mismatch is silent", async () => {
    const base = { "vite.config.js": `export default { server: { proxy: { '/api': 'http://127.0.0.1:8001' } } }\n` };
    const route = `@app.get("/api/items")\ndef items(): ...\n`;
    assert.deepEqual(await only({ ...base, "Procfile": "web: uvicorn main:app --port $PORT\n", "main.py": `${PY}${route}` }, "proxy-target-mismatch"), []);
    assert.deepEqual(await only({ ...base, "main.py": `${PY}${route}import uvicorn\nuvicorn.run(app, port=settings.PORT)\n` }, "proxy-target-mismatch"), []);
  });

  it("production-env-localhost: Vite's loadEnv order for production, a later file winning", async () => {
    const src = { "vite.config.js": "export default {}\n", "src/a.js": `export const a = () => fetch(import.meta.env.VITE_API + '/x')\n` };
    const local = await only({ ...src, ".env.production": "VITE_API=/api\n", ".env.production.local": "VITE_API=http://127.0.0.1:8000\n" }, "production-env-localhost");
    assert.deepEqual(local.map((f) => [f.file, f.message]), [[".env.production.local", "VITE_API is http://127.0.0.1:8000 in production builds, so the deployed app calls the visitor's machine."]]);
    const overridden = await only({ ...src, ".env.local": "VITE_API=http://localhost:8000\n", ".env.production": "VITE_API=/api\n" }, "production-env-localhost");
    assert.deepEqual(overridden, []);
  });
});
