/** Upstreams that answer with bytes Node refuses to pass on: the client gets a clean answer or a 502, never a hang. */
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { send, startProxy, viteConfig, type Proxy } from "./servers";

/** A TCP server that answers every request with `response` (raw bytes) and closes. */
async function rawUpstream(response: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.once("data", () => socket.end(Buffer.from(response, "latin1")));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe("proxy against malformed upstream answers", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  /** One API call through a proxy in front of an upstream that answers `response`. */
  async function through(response: string) {
    const up = await rawUpstream(response);
    cleanup.push(() => new Promise((r) => up.server.close(() => r())));
    const p: Proxy = await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${up.port}' }`));
    cleanup.push(() => p.stop());
    return { p, r: await send(p.port, { path: "/api/x", headers: { accept: "application/json" } }) };
  }

  it("passes on an answer whose status text Node will not write, with Node's standard text", async () => {
    const { r } = await through("HTTP/1.1 200 O\x01K\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    // the answer is passed on with Node's standard status text
    assert.deepEqual([r.status, r.res.statusMessage, r.body], [200, "OK", "ok"]);
  });

  it("answers 502 when a response header has a character Node will not write", async () => {
    const { p, r } = await through("HTTP/1.1 200 OK\r\nX-Odd: a\x01b\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    assert.equal(r.status, 502);
    assert.equal(JSON.parse(r.body).reason, "the response has a header that cannot be passed on");
    const record = p.records[0] ?? (await p.nextRecord());
    assert.match(record.error ?? "", /header Node will not pass on/);
  });
});
