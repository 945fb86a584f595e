/** Skipped entries keep their place in match order: what they take goes to the frontend, not to a later, broader key. */
import { strict as assert } from "node:assert";
import { buildTable } from "../../server/src/proxy/table";
import { topologyOf } from "../helpers/analysis";
import { echo, send, startProxy, tracker, viteConfig } from "./servers";

const CONFIG = (api: string) => `{
  '/api/auth': { target: process.env.AUTH_URL, changeOrigin: true },
  '/api/files': { target: '${api}', rewrite: (p) => p.replace('/api/files', '/files') },
  '/api': { target: '${api}', changeOrigin: true, ws: true },
}`;

describe("proxy placeholders for skipped entries", () => {
  const { track } = tracker();

  it("match and matchUpgrade stop at a skipped entry, as Vite would", async () => {
    const t = buildTable(await topologyOf(viteConfig(CONFIG("http://127.0.0.1:8000"))));
    assert.deepEqual(t.routes.map((r) => r.key), ["/api"]);
    assert.deepEqual(t.placeholders.map((p) => p.key), ["/api/auth", "/api/files"]);
    assert.equal(t.match("/api/auth/login")?.kind, "placeholder");
    assert.equal(t.match("/api/auth/login")?.key, "/api/auth");
    assert.equal(t.match("/api/files/a.txt")?.key, "/api/files");
    assert.equal(t.match("/api/items")?.key, "/api");
    assert.equal(t.matchUpgrade("/api/auth/ws")?.key, "/api/auth", "a placeholder's upgrades go to the frontend too");
    assert.equal(t.matchUpgrade("/api/ws")?.key, "/api");
  });

  it("--route replaces a placeholder in place and drops its note", async () => {
    const t = buildTable(await topologyOf(viteConfig(CONFIG("http://127.0.0.1:8000"))), { routes: [{ key: "/api/auth", url: "http://127.0.0.1:9000" }] });
    assert.deepEqual(t.routes.map((r) => r.key), ["/api/auth", "/api"]);
    assert.deepEqual(t.notes, [
      "table from vite.config.ts",
      "skipped /api/files: its rewrite cannot be read statically; give the route with --route and a target path (vite.config.ts:7)",
    ]);
  });

  it("sends a skipped entry's requests to the frontend, logged under its key", async () => {
    const api = track(await echo());
    const fe = track(await echo());
    const p = track(await startProxy(viteConfig(CONFIG(api.url)), { frontend: fe.url }));
    const r = JSON.parse((await send(p.port, { path: "/api/auth/login" })).body);
    assert.equal(r.url, "/api/auth/login");
    assert.equal(r.headers.host, `127.0.0.1:${p.port}`, "the frontend gets it as it came");
    await send(p.port, { path: "/api/items" });
    assert.deepEqual([api.connections, fe.connections], [1, 1]);
    assert.deepEqual(p.records.map((x) => [x.path, x.route, x.status]), [
      ["/api/auth/login", "/api/auth", 200],
      ["/api/items", "/api", 200],
    ]);
  });

  it("in preview mode, answers 502 naming the skipped entry instead of serving a file", async () => {
    const p = track(await startProxy(viteConfig(CONFIG("http://127.0.0.1:1")), { staticDir: __dirname }));
    const r = await send(p.port, { path: "/api/auth/login", headers: { accept: "application/json" } });
    assert.equal(r.status, 502);
    assert.match(JSON.parse(r.body).reason, /skipped: its target cannot be read statically/);
  });
});

describe("proxy options it does not apply", () => {
  it("makes an entry with bypass, configure, headers or auth a placeholder that says why, and notes secure", async () => {
    const t = buildTable(
      await topologyOf(
        viteConfig(`{
      '/api/byp': { target: 'http://127.0.0.1:8000', bypass: (req) => '/index.html' },
      '/api/cfg': { target: 'http://127.0.0.1:8000', configure: (proxy) => proxy.on('proxyReq', () => {}) },
      '/api/hdr': { target: 'http://127.0.0.1:8000', headers: { 'X-Api-Key': 'secret' } },
      '/api/auth': { target: 'http://127.0.0.1:8000', auth: 'user:pass' },
      '/sec': { target: 'https://127.0.0.1:7443', secure: false, changeOrigin: true },
      '/api': { target: 'http://127.0.0.1:8000', timeout: 120000, secure: false },
    }`),
      ),
    );
    assert.deepEqual(t.routes.map((r) => r.key), ["/sec", "/api"]);
    assert.deepEqual(t.placeholders.map((p) => [p.key, p.why]), [
      ["/api/byp", "it sets bypass, which this proxy does not apply (the frontend's own proxy does)"],
      ["/api/cfg", "it sets configure, which this proxy does not apply (the frontend's own proxy does)"],
      ["/api/hdr", "it sets headers, which this proxy does not apply (the frontend's own proxy does)"],
      ["/api/auth", "it sets auth, which this proxy does not apply (the frontend's own proxy does)"],
    ]);
    assert.equal(t.match("/api/hdr/x")?.kind, "placeholder", "not the broader /api");
    // and nothing about /api: secure on an http target changes nothing
    assert.deepEqual(t.notes, [
      "table from vite.config.ts",
      "skipped /api/byp: it sets bypass, which this proxy does not apply (the frontend's own proxy does) (vite.config.ts:6)",
      "skipped /api/cfg: it sets configure, which this proxy does not apply (the frontend's own proxy does) (vite.config.ts:7)",
      "skipped /api/hdr: it sets headers, which this proxy does not apply (the frontend's own proxy does) (vite.config.ts:8)",
      "skipped /api/auth: it sets auth, which this proxy does not apply (the frontend's own proxy does) (vite.config.ts:9)",
      "/sec: its secure option is not read: the certificate of https://127.0.0.1:7443 is always verified (vite.config.ts:10)",
    ]);
  });

  it("ignores a falsy entry, as Vite does", async () => {
    const t = buildTable(await topologyOf(viteConfig(`{ '/x': undefined, '/y': '', '/api': 'http://127.0.0.1:8000' }`)));
    assert.deepEqual([...t.routes, ...t.placeholders].map((r) => r.key), ["/api"]);
    assert.deepEqual(t.notes, ["table from vite.config.ts"]);
  });
});
