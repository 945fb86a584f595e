/**
 * The one matcher, with Vite's semantics: plain keys by prefix (`'/api'` also takes `/apiv2`),
 * `^` keys as regular expressions, the first matching key in object order wins; a table that
 * cannot be read is unknown. And routesFor over FastAPI path patterns.
 */
import { strict as assert } from "node:assert";
import { proxyFor, routesFor, servedByVite } from "../../server/src/model/match";
import type { Frontend, Topology } from "../../server/src/model/topology";
import { topologyOf, type Files } from "../helpers/analysis";

async function frontend(proxy: string, extra: Files = {}): Promise<{ fe: Frontend; topology: Topology }> {
  const topology = await topologyOf({ "vite.config.js": `export default { server: { proxy: ${proxy} } }\n`, "index.html": "<div></div>\n", "src/main.js": "", ...extra });
  assert.equal(topology.frontends.length, 1);
  return { fe: topology.frontends[0], topology };
}

function taken(fe: Frontend, path: string, exact = true): string {
  const m = proxyFor(fe.proxy, { text: path, exact });
  return m.kind === "entry" ? m.entry.key : m.kind;
}

describe("model/match", () => {
  describe("proxyFor", () => {
    it("a prefix key takes paths that start with it, including /apiv2", async () => {
      const { fe } = await frontend(`{ '/api': 'http://127.0.0.1:8000' }`);
      assert.equal(taken(fe, "/api"), "/api");
      assert.equal(taken(fe, "/api/users"), "/api");
      assert.equal(taken(fe, "/apiv2/users"), "/api");
      assert.equal(taken(fe, "/api-docs"), "/api");
      assert.equal(taken(fe, "/uploads/a.png"), "none");
      assert.equal(taken(fe, "/ap"), "none");
    });

    it("the first matching key in object order wins", async () => {
      const { fe } = await frontend(`{ '/api': 'http://127.0.0.1:8000', '/api/v2': 'http://127.0.0.1:9000' }`);
      assert.equal(taken(fe, "/api/v2/x"), "/api");
      const other = (await frontend(`{ '/api/v2': 'http://127.0.0.1:9000', '/api': 'http://127.0.0.1:8000' }`)).fe;
      assert.equal(taken(other, "/api/v2/x"), "/api/v2");
      assert.equal(taken(other, "/api/v1/x"), "/api");
    });

    it("a ^ key is a regular expression tested against the path", async () => {
      const { fe } = await frontend(`{ '^/fallback/.*': 'http://127.0.0.1:8000', '^/(users|posts)': 'http://127.0.0.1:8000' }`);
      assert.equal(taken(fe, "/fallback/x"), "^/fallback/.*");
      assert.equal(taken(fe, "/fallback"), "none");
      assert.equal(taken(fe, "/users/1"), "^/(users|posts)");
      assert.equal(taken(fe, "/posts"), "^/(users|posts)");
      assert.equal(taken(fe, "/comments"), "none");
    });

    it("a key without a leading / takes no root-relative path (Vite's startsWith)", async () => {
      const { fe } = await frontend(`{ 'api': 'http://127.0.0.1:8000' }`);
      assert.equal(taken(fe, "/api/x"), "none");
    });

    it("a partly known path: a key it may or may not reach is unknown", async () => {
      const { fe } = await frontend(`{ '/api/v1': 'http://127.0.0.1:8000' }`);
      assert.equal(taken(fe, "/api/", false), "unknown");
      assert.equal(taken(fe, "/api/v1/", false), "/api/v1");
      assert.equal(taken(fe, "/other/", false), "none");
    });

    it("a partly known path against a regex key", async () => {
      const { fe } = await frontend(`{ '^/api/.*': 'http://127.0.0.1:8000' }`);
      assert.equal(taken(fe, "/api/", false), "^/api/.*");
      assert.equal(taken(fe, "/other/", false), "none");
    });

    it("a computed proxy table is unknown for every path", async () => {
      const { fe } = await frontend(`makeProxy()`);
      assert.equal(taken(fe, "/api/x"), "unknown");
    });

    it("an invalid regex key is unknown, not a miss", async () => {
      const { fe } = await frontend(`{ '^/api/(': 'http://127.0.0.1:8000' }`);
      assert.equal(taken(fe, "/api/x"), "unknown");
    });

    it("an unreadable config has no table (unknown)", async () => {
      const topology = await topologyOf({ "vite.config.js": `export default { server: { proxy: { '/api': ` });
      assert.equal(proxyFor(topology.frontends[0].proxy, { text: "/api/x", exact: true }).kind, "unknown");
    });

    it("a config-less frontend (index.html + sources) has an empty known table", async () => {
      const topology = await topologyOf({ "index.html": "<div></div>\n", "src/main.js": "fetch('/api/x')\n" });
      assert.equal(topology.frontends.length, 1);
      assert.equal(topology.frontends[0].configFile, undefined);
      assert.equal(topology.frontends[0].port, 5173);
      assert.equal(taken(topology.frontends[0], "/api/x"), "none");
    });
  });

  describe("servedByVite", () => {
    it("public files, index.html and Vite's own paths", async () => {
      const { fe } = await frontend(`{}`, { "public/manifest.json": "{}", "public/img/logo.svg": "<svg/>" });
      const served = (text: string, exact = true) => servedByVite(fe, { text, exact });
      assert.equal(served("/manifest.json"), true);
      assert.equal(served("/img/logo.svg"), true);
      assert.equal(served("/index.html"), true);
      assert.equal(served("/src/data.json"), true);
      assert.equal(served("/@vite/client"), true);
      assert.equal(served("/node_modules/x/y.js"), true);
      assert.equal(served("/missing.json"), false);
      assert.equal(served("/api/x"), false);
      assert.equal(served("/img/", false), "maybe");
    });
  });

  describe("routesFor", () => {
    it("matches path parameters, path converters and methods", async () => {
      const topology = await topologyOf({
        "main.py": `from fastapi import FastAPI\napp = FastAPI()\n@app.get("/api/items/{item_id}")\ndef a(item_id: int): ...\n@app.post("/api/items")\ndef b(): ...\n@app.get("/files/{p:path}")\ndef c(p: str): ...\n@app.get("/api/items/")\ndef d(): ...\n`,
      });
      const backend = topology.backends[0];
      const paths = (p: string, m?: string) => routesFor(backend, p, m).map((r) => r.path);
      assert.deepEqual(paths("/api/items/3"), ["/api/items/{item_id}"]);
      assert.deepEqual(paths("/api/items/3/x"), []);
      assert.deepEqual(paths("/api/items", "POST"), ["/api/items"]);
      assert.deepEqual(paths("/api/items", "GET"), []);
      assert.deepEqual(paths("/api/items/", "GET"), ["/api/items/"]);
      assert.deepEqual(paths("/files/a/b/c.txt"), ["/files/{p:path}"]);
      assert.deepEqual(paths("/api/items/3?x=1", "HEAD"), ["/api/items/{item_id}"]);
    });
  });
});
