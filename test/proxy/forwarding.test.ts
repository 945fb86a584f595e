/** Forwarding through the proxy to bare node:http upstreams on 127.0.0.1. */
import { strict as assert } from "node:assert";
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { echo, once, send, startProxy, tracker, upstream, viteConfig } from "./servers";

describe("proxy forwarding", () => {
  const { track, defer } = tracker();

  it("sends each path where the table says, rewritten as Vite rewrites it", async () => {
    const api = track(await echo());
    const v = track(await echo());
    const fe = track(await echo());
    const p = track(
      await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${api.port}', '^/v\\\\d+/': { target: 'http://127.0.0.1:${v.port}/base', rewrite: (p) => p.replace(/^\\/v1/, '') } }`), {
        frontend: fe.url,
      }),
    );
    const a = JSON.parse((await send(p.port, { path: "/api/items?q=1" })).body);
    assert.equal(a.url, "/api/items?q=1");
    const b = JSON.parse((await send(p.port, { path: "/v1/items?x" })).body);
    assert.equal(b.url, "/base/items?x", "rewrite strips /v1, the target's path goes first");
    const c = JSON.parse((await send(p.port, { path: "/src/main.ts" })).body);
    assert.equal(c.url, "/src/main.ts");
    assert.deepEqual([api.connections, v.connections, fe.connections], [1, 1, 1]);
    assert.deepEqual(p.records.map((r) => [r.path, r.route, r.status]), [
      ["/api/items?q=1", "/api", 200],
      ["/v1/items?x", "^/v\\d+/", 200],
      ["/src/main.ts", "(frontend)", 200],
    ]);
  });

  it("reaches a localhost target on whichever address family it listens on", async () => {
    for (const address of ["::1", "127.0.0.1"]) {
      const server = createServer((_req, res) => res.end(address));
      await new Promise<void>((r) => server.listen(0, address, r));
      defer(() => new Promise((r) => server.close(() => r())));
      const port = (server.address() as AddressInfo).port;
      const p = track(await startProxy(viteConfig(`{ '/api': 'http://localhost:${port}' }`)));
      const r = await send(p.port, { path: "/api/x" });
      assert.equal(r.body, address);
    }
  });

  it("sends a request again when a pooled connection turns out closed by the upstream", async () => {
    const up = track(
      await upstream((req, res) => {
        res.end("ok");
        // the upstream closes its idle side right after answering, as a keep-alive timeout would
        if (req.url === "/api/close-after") res.on("finish", () => setImmediate(() => req.socket.destroy()));
      }),
    );
    const p = track(await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}' }`)));
    assert.equal((await send(p.port, { path: "/api/close-after" })).status, 200);
    assert.equal((await send(p.port, { path: "/api/next" })).status, 200);
  });

  it("keeps one upstream connection and the browser's connection alive, even when the upstream says close", async () => {
    const up = track(
      await upstream((req, res) => {
        res.setHeader("Connection", req.url === "/api/close" ? "close" : "keep-alive");
        res.end("ok");
      }),
    );
    const p = track(await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}' }`)));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    defer(async () => agent.destroy());
    const reused: boolean[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await send(p.port, { path: "/api/x", agent });
      assert.equal(r.status, 200);
      assert.equal(r.headers.connection, "keep-alive");
      reused.push(r.reused);
    }
    assert.equal(up.connections, 1, "no new upstream connection per request");
    assert.deepEqual(reused.slice(1), Array(29).fill(true), "the client's connection is reused");
    const r = await send(p.port, { path: "/api/close", agent });
    assert.equal(r.headers.connection, "keep-alive", "the upstream's Connection: close is not passed on");
    const again = await send(p.port, { path: "/api/x", agent });
    assert.equal(again.reused, true);
  });

  it("drops hop-by-hop headers both ways and sets X-Forwarded-*; Host follows changeOrigin", async () => {
    const up = track(
      await upstream((req, res) => {
        res.writeHead(200, [
          "Content-Type", "application/json",
          "Keep-Alive", "timeout=5",
          "Connection", "X-Hop",
          "X-Hop", "1",
          "Proxy-Authenticate", "Basic",
          "X-Kept", "yes",
        ]);
        res.end(JSON.stringify(req.headers));
      }),
    );
    const p = track(await startProxy(viteConfig(`{ '/co': 'http://127.0.0.1:${up.port}', '/keep': { target: 'http://127.0.0.1:${up.port}' } }`)));
    const headers = { Connection: "keep-alive, X-Secret", "X-Secret": "1", "Keep-Alive": "timeout=9", "Proxy-Authorization": "Basic x", TE: "trailers", "X-Forwarded-For": "10.0.0.1", "X-App": "a" };
    const co = await send(p.port, { path: "/co", headers });
    const seen = JSON.parse(co.body);
    for (const h of ["x-secret", "keep-alive", "proxy-authorization", "te"]) assert.equal(seen[h], undefined, h);
    assert.equal(seen["x-app"], "a");
    assert.equal(seen.host, `127.0.0.1:${up.port}`, "changeOrigin: the target's host");
    assert.equal(seen["x-forwarded-for"], "10.0.0.1, 127.0.0.1");
    assert.equal(seen["x-forwarded-proto"], "http");
    assert.equal(seen["x-forwarded-host"], `127.0.0.1:${p.port}`);
    for (const h of ["x-hop", "proxy-authenticate"]) assert.equal(co.headers[h], undefined, h);
    assert.notEqual(co.headers["keep-alive"], "timeout=5");
    assert.equal(co.headers["x-kept"], "yes");
    const keep = JSON.parse((await send(p.port, { path: "/keep", headers: { Host: `localhost:${p.port}` } })).body);
    assert.equal(keep.host, `localhost:${p.port}`, "no changeOrigin: the client's Host");
  });

  it("moves redirects to the upstream's own origin onto the proxy, and cookie domains naming the upstream", async () => {
    const up = track(
      await upstream((req, res) => {
        const self = `http://127.0.0.1:${up.port}`;
        const to: Record<string, string> = { "/api/items": `${self}/api/items/`, "/api/local": `http://localhost:${up.port}/api/local/`, "/api/away": "https://example.com/x", "/api/rel": "/api/rel/", "/items": `${self}/items/` };
        res.setHeader("Set-Cookie", ["sid=1; Domain=127.0.0.1; Path=/; HttpOnly", "other=2; Domain=example.com"]);
        res.writeHead(307, { Location: to[req.url!] ?? "/" });
        res.end();
      }),
    );
    const p = track(await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}', '/strip': { target: 'http://127.0.0.1:${up.port}', changeOrigin: true, rewrite: (p) => p.replace(/^\\/strip/, '') } }`)));
    const r = await send(p.port, { path: "/api/items" });
    assert.equal(r.status, 307);
    assert.equal(r.headers.location, `http://127.0.0.1:${p.port}/api/items/`);
    assert.deepEqual(r.headers["set-cookie"], ["sid=1; Domain=127.0.0.1; Path=/; HttpOnly", "other=2; Domain=example.com"]);
    const viaName = await send(p.port, { path: "/api/local", headers: { Host: `localhost:${p.port}` } });
    assert.equal(viaName.headers.location, `http://localhost:${p.port}/api/local/`);
    assert.deepEqual(viaName.headers["set-cookie"], ["sid=1; Domain=localhost; Path=/; HttpOnly", "other=2; Domain=example.com"]);
    assert.equal((await send(p.port, { path: "/api/away" })).headers.location, "https://example.com/x");
    assert.equal((await send(p.port, { path: "/api/rel" })).headers.location, "/api/rel/");
    assert.equal((await send(p.port, { path: "/strip/items" })).headers.location, `http://127.0.0.1:${p.port}/strip/items/`, "the stripped prefix goes back on");
  });

  it("streams server-sent events as they are sent", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const up = track(
      await upstream(async (_req, res) => {
        res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
        res.write("data: first\n\n");
        await released;
        res.end("data: last\n\n");
      }),
    );
    const p = track(await startProxy(viteConfig(`{ '/events': 'http://127.0.0.1:${up.port}' }`)));
    const res = await new Promise<IncomingMessage>((resolve) => request({ port: p.port, host: "127.0.0.1", path: "/events", agent: false }, resolve).end());
    const first = await once<Buffer>(res, "data");
    assert.equal(first.toString(), "data: first\n\n", "the first event arrives before the stream ends");
    release();
    const rest: Buffer[] = [];
    res.on("data", (c: Buffer) => rest.push(c));
    await once(res, "end");
    assert.equal(Buffer.concat(rest).toString(), "data: last\n\n");
  });

  it("streams a large upload to a slow upstream without holding it in memory", async () => {
    const total = 96 * 1024 * 1024;
    let sent = 0;
    let peak = 0;
    const up = track(
      await upstream((req, res) => {
        let got = 0;
        req.on("data", (c: Buffer) => {
          got += c.length;
          // what the client has handed over but the upstream has not read: kernel buffers and whatever the proxy holds
          peak = Math.max(peak, sent - got);
          req.pause(); // a slow reader: the proxy must not read ahead of it
          setImmediate(() => req.resume());
        });
        req.on("end", () => res.end(String(got)));
      }),
    );
    const p = track(await startProxy(viteConfig(`{ '/upload': 'http://127.0.0.1:${up.port}' }`)));
    const chunk = Buffer.alloc(256 * 1024, 97);
    const reply = await new Promise<string>((resolve, reject) => {
      const req = request({ port: p.port, host: "127.0.0.1", method: "POST", path: "/upload", agent: false }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body));
      });
      req.on("error", reject);
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(reply, String(total));
    assert.ok(peak < 32 * 1024 * 1024, `${(peak / 1048576).toFixed(1)} MB in flight at most for a ${total / 1048576} MB upload`);
  });

  it("fails the client's response when the upstream dies mid-response", async () => {
    const up = track(
      await upstream((req, res) => {
        if (req.url === "/api/length") res.writeHead(200, { "Content-Length": "100000" });
        else res.writeHead(200, { "Content-Type": "text/plain" });
        res.write("partial");
        res.once("drain", () => undefined);
        setImmediate(() => req.socket.destroy());
      }),
    );
    const p = track(await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}' }`)));
    for (const path of ["/api/chunked", "/api/length"]) {
      const res = await new Promise<IncomingMessage>((resolve, reject) => request({ port: p.port, host: "127.0.0.1", path, agent: false }, resolve).on("error", reject).end());
      res.resume();
      await once(res, "close");
      assert.equal(res.complete, false, `${path}: the client sees an incomplete response, not a hang`);
    }
    const record = p.records.find((r) => r.path === "/api/chunked");
    assert.match(record?.error ?? "", /mid-response/);
  });

  it("frees the upstream request when the client goes away mid-response or mid-request", async () => {
    const upstreamClosed: Promise<boolean>[] = [];
    const up = track(
      await upstream((req: IncomingMessage, res: ServerResponse) => {
        upstreamClosed.push(new Promise((resolve) => res.on("close", () => resolve(res.writableFinished))));
        if (req.url === "/api/stream") {
          res.writeHead(200, { "Content-Type": "text/plain" });
          res.write("tick\n");
        } else req.resume(); // the upload never ends: the client goes first
      }),
    );
    const p = track(await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}' }`)));
    // mid-response
    const req = request({ port: p.port, host: "127.0.0.1", path: "/api/stream", agent: false });
    req.on("error", () => undefined);
    const res = await new Promise<IncomingMessage>((resolve) => req.on("response", resolve).end());
    await once(res, "data");
    req.destroy();
    assert.equal(await upstreamClosed[0], false, "the upstream response was cut, not left running");
    // mid-request
    const upload = request({ port: p.port, host: "127.0.0.1", method: "POST", path: "/api/upload", agent: false, headers: { "Content-Length": "1000000" } });
    upload.on("error", () => undefined);
    upload.write(Buffer.alloc(1000));
    while (upstreamClosed.length < 2) await once(up.server, "request");
    upload.destroy();
    assert.equal(await upstreamClosed[1], false);
    const rec = await (p.records.length >= 2 ? Promise.resolve(p.records[1]) : p.nextRecord());
    assert.match(rec.error ?? "", /client went away/);
    assert.equal(rec.status, 499, "no response was sent: not logged as 200");
    assert.equal(p.records[0].status, 200, "mid-response: the status that was sent");
  });
});
