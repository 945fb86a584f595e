/** Failures and bad input: upstream down or silent, foreign Host, absolute-form, CONNECT, port taken, stop. */
import { strict as assert } from "node:assert";
import { createServer, request, type IncomingMessage } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { DevProxy, PortTakenError } from "../../server/src/proxy/server";
import { buildTable } from "../../server/src/proxy/table";
import { topologyOf } from "../helpers/analysis";
import { echo, once, send, startProxy, tracker, upstream, viteConfig } from "./servers";

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Writes raw bytes to the proxy and resolves with everything it answers before closing. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let got = "";
    socket.on("data", (c) => (got += c));
    socket.on("end", () => resolve(got));
    socket.on("error", reject);
  });
}

describe("proxy failures and bad input", () => {
  const { track, defer } = tracker();

  it("answers 502 naming the route, the target and how to start it: JSON for API calls, HTML for pages", async () => {
    const port = await deadPort();
    const p = track(
      await startProxy({
        ...viteConfig(`{ '/api': 'http://127.0.0.1:${port}' }`),
        "main.py": `from fastapi import FastAPI\nimport uvicorn\napp = FastAPI()\nuvicorn.run(app, port=${port})\n`,
      }),
    );
    const json = await send(p.port, { path: "/api/items", headers: { Accept: "application/json, text/plain, */*" } });
    assert.equal(json.status, 502);
    assert.match(json.headers["content-type"] ?? "", /application\/json/);
    const body = JSON.parse(json.body);
    assert.equal(body.route, "/api");
    assert.equal(body.target, `http://127.0.0.1:${port}`);
    assert.match(body.reason, /refused/);
    assert.equal(body.hint, `uvicorn main:app --port ${port}`);
    const html = await send(p.port, { path: "/api/items", headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    assert.equal(html.status, 502);
    assert.match(html.headers["content-type"] ?? "", /text\/html/);
    assert.match(html.body, /502 Bad Gateway/);
    assert.ok(html.body.includes(`http://127.0.0.1:${port}`) && html.body.includes("/api") && html.body.includes(`uvicorn main:app --port ${port}`));
    assert.equal(p.records[0].status, 502);
    assert.match(p.records[0].error ?? "", /refused/);
  });

  it("answers 504 when the upstream sends no response in time", async () => {
    const up = track(await upstream(() => undefined));
    const p = track(await startProxy(viteConfig(`{ '/slow': 'http://127.0.0.1:${up.port}' }`), { headersTimeoutMs: 150 }));
    const r = await send(p.port, { path: "/slow", headers: { Accept: "application/json" } });
    assert.equal(r.status, 504);
    assert.equal(JSON.parse(r.body).reason, "no response in time");
  });

  it("refuses a Host that is not the proxy's own (DNS rebinding) and serves its loopback names", async () => {
    const up = track(await echo());
    const p = track(await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}' }`)));
    for (const host of ["evil.example", `evil.example:${p.port}`, "127.0.0.1", `127.0.0.1:${p.port + 1}`]) {
      const r = await send(p.port, { path: "/api/x", headers: { Host: host } });
      assert.equal(r.status, 403, host);
    }
    for (const host of [`127.0.0.1:${p.port}`, `localhost:${p.port}`, `LOCALHOST:${p.port}`, `[::1]:${p.port}`]) {
      assert.equal((await send(p.port, { path: "/api/x", headers: { Host: host } })).status, 200, host);
    }
    assert.equal(up.connections, 1, "refused requests never reach an upstream");
  });

  it("refuses absolute-form targets and CONNECT: never an open proxy", async () => {
    const up = track(await echo());
    const p = track(await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}' }`), { frontend: up.url }));
    const absolute = await raw(p.port, `GET http://127.0.0.1:${up.port}/api/x HTTP/1.1\r\nHost: 127.0.0.1:${p.port}\r\n\r\n`);
    assert.match(absolute, /^HTTP\/1\.1 400 /);
    const tunnel = await raw(p.port, `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
    assert.match(tunnel, /^HTTP\/1\.1 405 /);
    assert.equal(up.connections, 0);
  });

  it("refuses a request with two Host headers, plain or upgrade", async () => {
    const up = track(await echo());
    const p = track(await startProxy(viteConfig(`{ '/api': { target: 'http://127.0.0.1:${up.port}', ws: true } }`), { frontend: up.url }));
    const twice = await raw(p.port, `GET /api/x HTTP/1.1\r\nHost: 127.0.0.1:${p.port}\r\nHost: evil.example\r\n\r\n`);
    assert.match(twice, /^HTTP\/1\.1 400 /);
    const upgrade = await raw(p.port, `GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:${p.port}\r\nhost: evil.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    assert.match(upgrade, /^HTTP\/1\.1 400 /);
    assert.equal(up.connections, 0);
  });

  it("a request pipelined behind one whose answer closes the connection is logged, not left in flight", async () => {
    const up = track(await upstream((req) => req.resume()));
    const p = track(await startProxy(viteConfig(`{ '/api': '${up.url}' }`)));
    const host = `127.0.0.1:${p.port}`;
    // the first target is refused (400, Connection: close); the second is a request of its own,
    // whose response Node queues and never sends: the upstream never answers it anyway
    const got = await raw(p.port, `GET /api/../x HTTP/1.1\r\nHost: ${host}\r\n\r\nPOST /api/held HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 2\r\n\r\nok`);
    assert.match(got, /^HTTP\/1\.1 400 /);
    while (p.records.length < 2) await p.nextRecord();
    assert.deepEqual(p.records.map((r) => [r.path, r.status, r.error]), [
      ["/api/../x", 400, "refused: a dot segment in the request target"],
      ["/api/held", 499, "the client went away"],
    ]);
  });

  it("says which port is taken and offers the next free one", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    defer(() => new Promise((r) => taken.close(() => r())));
    const port = (taken.address() as AddressInfo).port;
    const proxy = new DevProxy({ table: buildTable(await topologyOf(viteConfig("{}"))), port });
    const err = await proxy.listen().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof PortTakenError);
    assert.equal(err.port, port);
    assert.ok(err.freePort !== undefined && err.freePort > port);
    assert.match(err.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is taken; port ${err.freePort} is free \\(--port ${err.freePort}\\)`));
  });

  it("listens on 127.0.0.1 by default", async () => {
    const p = track(await startProxy(viteConfig("{}")));
    const address = (p.proxy as unknown as { server: { address(): AddressInfo } }).server.address();
    assert.equal(address.address, "127.0.0.1");
  });

  it("stop lets a request in flight finish and refuses new connections", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const up = track(
      await upstream(async (_req, res) => {
        res.writeHead(200);
        res.write("a");
        await released;
        res.end("b");
      }),
    );
    const p = await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}' }`));
    const res = await new Promise<IncomingMessage>((resolve) => request({ port: p.port, host: "127.0.0.1", path: "/api/x", agent: false }, resolve).end());
    let body = "";
    res.on("data", (c) => (body += c));
    await once(res, "data");
    const stopped = p.proxy.stop(10_000);
    await assert.rejects(send(p.port, { path: "/api/x" }), /ECONNREFUSED/);
    release();
    await once(res, "end");
    assert.equal(body, "ab");
    assert.equal(res.complete, true);
    await stopped;
  });

  it("stop cuts what is still running after its bound", async () => {
    const up = track(
      await upstream((_req, res) => {
        res.writeHead(200);
        res.write("never ends");
      }),
    );
    const p = await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}' }`));
    const res = await new Promise<IncomingMessage>((resolve) => request({ port: p.port, host: "127.0.0.1", path: "/api/x", agent: false }, resolve).end());
    res.resume();
    const closed = once(res, "close");
    await p.proxy.stop(100);
    await closed;
    assert.equal(res.complete, false);
  });
});
