/** The path sent upstream (Vite's urlJoin of the target's path and the rewritten URL), and redirects mapped back. */
import { strict as assert } from "node:assert";
import { request, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { rewriteLocation } from "../../server/src/proxy/headers";
import { parseTarget, type ProxyRoute } from "../../server/src/proxy/table";
import { upstreamPath } from "../../server/src/proxy/upstream-path";
import { echo, send, startProxy, tracker, upstream, viteConfig } from "./servers";

describe("proxy upstream path", () => {
  const { track } = tracker();

  it("joins as Vite does: a rewrite that leaves nothing or a query gives the target's path exactly", () => {
    const cases: [string, string | undefined, string, string][] = [
      ["/openapi.json", "/openapi.json", "/openapi.json", "/openapi.json"],
      ["/openapi.json?v=1", "/openapi.json", "/openapi.json", "/openapi.json?v=1"],
      ["/api", "/api", "", "/"],
      ["/api?x", "/api", "", "/?x"],
      ["/api/items?x", "/api", "", "/items?x"],
      ["/apix", "/api", "", "/x"],
      ["/v1/items", "/v1", "/base", "/base/items"],
      ["/api/items", undefined, "/base", "/base/api/items"],
      ["/other", "/api", "", "/other"],
    ];
    for (const [url, strip, targetPath, want] of cases) assert.equal(upstreamPath(url, { rewriteStrips: strip }, { path: targetPath, search: "" }), want, `${url} strip ${strip} on ${targetPath || "(no path)"}`);
  });

  it("puts the target's own query before the request's, as Vite does", () => {
    const target = parseTarget("http://127.0.0.1:8000/base?key=1", "")!;
    assert.equal(upstreamPath("/q/x", { rewriteStrips: "/q" }, target), "/base/x?key=1");
    assert.equal(upstreamPath("/q/x?y=2", { rewriteStrips: "/q" }, target), "/base/x?key=1&y=2");
    assert.equal(upstreamPath("/q", { rewriteStrips: "/q" }, target), "/base?key=1");
    assert.equal(upstreamPath("/q?", undefined, parseTarget("http://h:1?a", "")!), "/q?a");
  });

  it("maps a redirect to the target's whole path back to the stripped prefix, without a slash", () => {
    const target = parseTarget("http://127.0.0.1:8000/openapi.json", "")!;
    const route = { rewriteStrips: "/openapi.json" } as ProxyRoute;
    const ctx = { route, target, host: "127.0.0.1:5180" };
    assert.equal(rewriteLocation("http://127.0.0.1:8000/openapi.json", ctx), "http://127.0.0.1:5180/openapi.json");
    assert.equal(rewriteLocation("http://127.0.0.1:8000/openapi.json?x=1", ctx), "http://127.0.0.1:5180/openapi.json?x=1");
    assert.equal(rewriteLocation("http://127.0.0.1:8000/openapi.json/sub", ctx), "http://127.0.0.1:5180/openapi.json/sub");
    assert.equal(rewriteLocation("http://127.0.0.1:8000/openapi.json", { ...ctx, route: undefined }), "http://127.0.0.1:5180/");
  });

  it("forwards a request whose rewrite strips the whole path to the target's path exactly", async () => {
    const up = track(await echo());
    const p = track(await startProxy(viteConfig(`{ '/openapi.json': { target: 'http://127.0.0.1:${up.port}/openapi.json', changeOrigin: true, rewrite: (p) => p.replace(/^\\/openapi.json/, '') } }`)));
    assert.equal(JSON.parse((await send(p.port, { path: "/openapi.json" })).body).url, "/openapi.json");
    assert.equal(JSON.parse((await send(p.port, { path: "/openapi.json?v=1" })).body).url, "/openapi.json?v=1");
  });

  it("sends an upgrade whose rewrite strips the whole path to the target's path", async () => {
    const urls: string[] = [];
    const up = track(await upstream((_req, res) => res.end()));
    up.server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
      urls.push(req.url!);
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    });
    const p = track(await startProxy(viteConfig(`{ '/ws': { target: 'ws://127.0.0.1:${up.port}/socket', ws: true, rewrite: (p) => p.replace(/^\\/ws/, '') } }`), { frontend: "http://127.0.0.1:1" }));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ port: p.port, host: "127.0.0.1", path: "/ws", agent: false, headers: { Connection: "Upgrade", Upgrade: "websocket" } });
      req.on("response", (res) => resolve(res.statusCode!));
      req.on("upgrade", (res) => resolve(res.statusCode!));
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 404);
    assert.deepEqual(urls, ["/socket"]);
  });
});
