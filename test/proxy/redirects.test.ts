/** Upstream redirects through the proxy: a route whose rewrite strips a prefix keeps it on the way back. */
import { strict as assert } from "node:assert";
import { rewriteLocation } from "../../server/src/proxy/headers";
import { parseTarget, type ProxyRoute } from "../../server/src/proxy/table";
import { send, startProxy, tracker, upstream, viteConfig } from "./servers";

describe("proxy redirects", () => {
  const { track } = tracker();

  it("puts a stripped prefix back on FastAPI's trailing-slash 307 when the upstream saw the proxy's Host", async () => {
    // FastAPI builds the Location from the Host it saw: with changeOrigin false, the proxy's
    const up = track(await upstream((req, res) => res.writeHead(307, { Location: `http://${req.headers.host}${req.url!.split("?")[0]}/` }).end()));
    const p = track(await startProxy(viteConfig(`{ '/api': { target: 'http://127.0.0.1:${up.port}', rewrite: (p) => p.replace(/^\\/api/, '') } }`)));
    const r = await send(p.port, { path: "/api/items" });
    assert.equal(r.status, 307);
    assert.equal(r.headers.location, `http://127.0.0.1:${p.port}/api/items/`);
  });

  it("on a strip route, prefixes a proxy-origin or path-only Location that lacks the prefix, and leaves one that has it", () => {
    const target = parseTarget("http://127.0.0.1:8000", "")!;
    const ctx = { route: { rewriteStrips: "/api" } as ProxyRoute, target, host: "localhost:5180" };
    assert.equal(rewriteLocation("http://localhost:5180/items/", ctx), "http://localhost:5180/api/items/");
    assert.equal(rewriteLocation("http://LOCALHOST:5180/items/?a=1#h", ctx), "http://localhost:5180/api/items/?a=1#h");
    assert.equal(rewriteLocation("http://localhost:5180/api/items/", ctx), "http://localhost:5180/api/items/", "already mounted");
    assert.equal(rewriteLocation("/login", ctx), "/api/login");
    assert.equal(rewriteLocation("/api/login", ctx), "/api/login");
    assert.equal(rewriteLocation("http://127.0.0.1:8000/items/", ctx), "http://localhost:5180/api/items/", "the upstream's origin, as before");
    assert.equal(rewriteLocation("http://localhost:5181/items/", ctx), "http://localhost:5181/items/", "another origin is left alone");
    assert.equal(rewriteLocation("/login", { ...ctx, route: undefined }), "/login", "no strip, no change");
  });

  it("rewrites a scheme-relative Location to the upstream's origin", () => {
    const target = parseTarget("http://127.0.0.1:8000", "")!;
    const ctx = { route: undefined, target, host: "127.0.0.1:5180" };
    assert.equal(rewriteLocation("//127.0.0.1:8000/x?y=1", ctx), "http://127.0.0.1:5180/x?y=1");
    assert.equal(rewriteLocation("//localhost:8000/x", ctx), "http://127.0.0.1:5180/x");
    assert.equal(rewriteLocation("//example.com/x", ctx), "//example.com/x");
    assert.equal(rewriteLocation("//127.0.0.1:5180/items/", { ...ctx, route: { rewriteStrips: "/api" } as ProxyRoute }), "http://127.0.0.1:5180/api/items/");
  });
});
