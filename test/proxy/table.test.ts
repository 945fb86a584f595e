/** The route table: built from the model's proxy entries, matched by the model's matcher. */
import { strict as assert } from "node:assert";
import { proxyFor } from "../../server/src/model/match";
import { buildTable, loopsBack, tableInfo, TableError } from "../../server/src/proxy/table";
import { topologyOf, type Files } from "../helpers/analysis";
import { viteConfig } from "./servers";

async function table(files: Files, options = {}) {
  return buildTable(await topologyOf(files), options);
}

describe("proxy table", () => {
  it("takes Vite's entries in order, with prefix keys, regex keys, rewrite, ws and changeOrigin", async () => {
    const t = await table(
      viteConfig(`{
      '/api': 'http://127.0.0.1:8000',
      '^/v\\\\d+/': { target: 'http://127.0.0.1:8001', rewrite: (p) => p.replace(/^\\/v1/, '') },
      '/socket': { target: 'ws://127.0.0.1:8002', ws: true },
      '/auth': { target: 'http://localhost:8003', changeOrigin: false },
    }`),
    );
    assert.deepEqual(tableInfo(t).routes, [
      { key: "/api", target: "http://127.0.0.1:8000", ws: false, changeOrigin: true, source: "vite" },
      { key: "^/v\\d+/", target: "http://127.0.0.1:8001", ws: false, changeOrigin: false, rewrite: "strips /v1", source: "vite" },
      { key: "/socket", target: "ws://127.0.0.1:8002", ws: true, changeOrigin: false, source: "vite" },
      { key: "/auth", target: "http://localhost:8003", ws: false, changeOrigin: false, source: "vite" },
    ]);
    assert.equal(t.match("/api/items")?.key, "/api");
    assert.equal(t.match("/apiv2")?.key, "/api", "a plain key matches by prefix, as in Vite");
    assert.equal(t.match("/v2/x")?.key, "^/v\\d+/");
    assert.equal(t.match("/v/x"), undefined);
    assert.equal(t.match("/"), undefined);
    assert.equal(t.matchUpgrade("/api/x"), undefined, "only ws entries take upgrades");
    assert.equal(t.matchUpgrade("/socket/1")?.key, "/socket");
    assert.deepEqual(t.fallback, { kind: "frontend", target: t.fallback.kind === "frontend" ? t.fallback.target : undefined });
    assert.equal(t.fallback.kind === "frontend" && t.fallback.target.url, "http://localhost:5999");
  });

  it("matches exactly as the rules' matcher does (same entries, same function)", async () => {
    const files = viteConfig(`{ '/api': 'http://127.0.0.1:8000', '^/(img|files)/': 'http://127.0.0.1:8001', '/a': 'http://127.0.0.1:8002' }`);
    const topology = await topologyOf(files);
    const t = buildTable(topology, {});
    const fe = topology.frontends[0];
    for (const path of ["/api", "/api/x?y=1", "/img/a.png", "/files/", "/a", "/ab", "/b", "/", "/x/img/"]) {
      const m = proxyFor(fe.proxy, { text: path, exact: true });
      assert.equal(t.match(path)?.key, m.kind === "entry" ? m.entry.key : undefined, path);
      if (m.kind === "entry") assert.equal(t.match(path)?.entry, m.entry, "the model's own entry object");
    }
  });

  it("skips what it cannot read, with a note, and never guesses", async () => {
    const t = await table(
      viteConfig(`{
      '/env': { target: process.env.API },
      '/fallback': { target: process.env.API ?? 'http://127.0.0.1:8000' },
      '/rw': { target: 'http://127.0.0.1:8000', rewrite: (p) => p.replace(/^\\/rw\\/(\\w+)/, '$1') },
      '^([': 'http://127.0.0.1:8000',
    }`),
    );
    assert.deepEqual(t.routes.map((r) => r.key), ["/fallback"]);
    assert.equal(t.routes[0].target.url, "http://127.0.0.1:8000");
    const notes = t.notes.join("\n");
    assert.match(notes, /skipped \/env: its target cannot be read statically/);
    assert.match(notes, /skipped \/rw: its rewrite cannot be read statically/);
    assert.match(notes, /skipped \^\(\[: the key is not a valid regular expression/);
  });

  it("a computed proxy table gives no routes and says so", async () => {
    const t = await table({ "vite.config.ts": "export default { server: { proxy: Object.fromEntries(['/a'].map((k) => [k, 'http://x'])) } }\n" });
    assert.equal(t.routes.length, 0);
    assert.match(t.notes.join("\n"), /computed/);
  });

  it("--route overrides an entry in place and puts new keys first", async () => {
    const t = await table(viteConfig(`{ '/api': 'http://127.0.0.1:8000', '/b': 'http://127.0.0.1:8001' }`), {
      routes: [
        { key: "/b", url: "http://127.0.0.1:9001" },
        { key: "/api/v2", url: "http://127.0.0.1:9002" },
      ],
    });
    assert.deepEqual(t.routes.map((r) => [r.key, r.target.url, r.source]), [
      ["/api/v2", "http://127.0.0.1:9002", "option"],
      ["/api", "http://127.0.0.1:8000", "vite"],
      ["/b", "http://127.0.0.1:9001", "option"],
    ]);
    assert.equal(t.match("/api/v2/x")?.key, "/api/v2");
  });

  it("falls back to --frontend or --static, and names what it cannot start from", async () => {
    const files = viteConfig(`{}`);
    const fe = await table(files, { frontend: "http://127.0.0.1:3000" });
    assert.equal(fe.fallback.kind === "frontend" && fe.fallback.target.url, "http://127.0.0.1:3000");
    const st = await table(files, { staticDir: "/tmp/dist" });
    assert.deepEqual({ kind: st.fallback.kind, dir: st.fallback.kind === "static" && st.fallback.dir }, { kind: "static", dir: "/tmp/dist" });
    await assert.rejects(table({ "api/main.py": "x = 1\n" }), (e: unknown) => e instanceof TableError && e.code === "no-frontend");
    await assert.rejects(table(files, { frontend: "ftp://x" }), (e: unknown) => e instanceof TableError && e.code === "bad-option");
    await assert.rejects(table(files, { routes: [{ key: "api", url: "http://x" }] }), (e: unknown) => e instanceof TableError && e.code === "bad-option");
  });

  it("says when server.port is set but cannot be read, instead of silently assuming 5173", async () => {
    const unread = await table({ "vite.config.ts": "export default { server: { port: Number(process.env.PORT), proxy: {} } }\n" });
    assert.equal(unread.fallback.kind === "frontend" && unread.fallback.target.url, "http://localhost:5173");
    assert.deepEqual(unread.notes, ["table from vite.config.ts", "server.port could not be read: assuming 5173; give --frontend http://localhost:PORT"]);
    const unset = await table({ "vite.config.ts": "export default { server: { proxy: {} } }\n" });
    assert.deepEqual(unset.notes, ["table from vite.config.ts"], "not set: 5173 is Vite's default");
    const given = await table({ "vite.config.ts": "export default { server: { port: Number(process.env.PORT) } }\n" }, { frontend: "http://127.0.0.1:3000" });
    assert.deepEqual(given.notes, ["table from vite.config.ts"], "--frontend answers it");
  });

  it("with several frontends, takes the one --config names", async () => {
    const files: Files = {
      "a/vite.config.ts": "export default { server: { port: 5001, proxy: { '/a': 'http://127.0.0.1:8000' } } }\n",
      "b/vite.config.ts": "export default { server: { port: 5002, proxy: { '/b': 'http://127.0.0.1:8000' } } }\n",
    };
    await assert.rejects(table(files), (e: unknown) => e instanceof TableError && e.code === "bad-option" && /--config/.test(e.message));
    const t = await table(files, { config: "b/vite.config.ts" });
    assert.deepEqual(t.routes.map((r) => r.key), ["/b"]);
    assert.equal(t.fallback.kind === "frontend" && t.fallback.target.url, "http://localhost:5002");
  });

  it("notices a route or fallback that points back at the proxy", async () => {
    const t = await table(viteConfig(`{ '/api': 'http://localhost:5180' }`), { frontend: "http://127.0.0.1:5181" });
    assert.equal(loopsBack(t, 5180), "/api -> http://localhost:5180 is the proxy itself");
    assert.equal(loopsBack(t, 5181), "(frontend) -> http://127.0.0.1:5181 is the proxy itself");
    assert.equal(loopsBack(t, 5182), undefined);
  });

  it("tells how to start a FastAPI target the model knows", async () => {
    const t = await table({
      ...viteConfig(`{ '/api': 'http://127.0.0.1:8000', '/other': 'http://127.0.0.1:9999' }`),
      "backend/app/__init__.py": "",
      "backend/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/api/items')\ndef items(): return []\n",
    });
    assert.equal(t.routes[0].target.hint, "cd backend && uvicorn app.main:app --port 8000");
    assert.equal(t.routes[1].target.hint, "start the server that listens on 127.0.0.1:9999");
  });
});
