/** WebSocket upgrades through the proxy: `ws` routes, the frontend fallback (Vite's HMR socket), refusals. */
import { strict as assert } from "node:assert";
import { request, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { once, startProxy, upstream, viteConfig, type Proxy, type Upstream } from "./servers";

/** An upstream that switches protocols and echoes every byte, prefixed with its name and the URL it saw. */
async function echoSocket(name: string): Promise<Upstream & { hosts: string[] }> {
  const up = await upstream((_req, res) => res.end(`${name}: plain HTTP`));
  const hosts: string[] = [];
  up.server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
    hosts.push(req.headers.host ?? "");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n${name} ${req.url}\n`);
    socket.pipe(socket);
  });
  return Object.assign(up, { hosts });
}

/** Opens an upgrade through the proxy; resolves with the socket and the 101 response, or the refusal. */
function open(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ socket?: Duplex; res: IncomingMessage; head?: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: "127.0.0.1", path, agent: false, headers: { Host: host, Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13" } });
    req.on("upgrade", (res, socket, head) => resolve({ socket, res, head }));
    req.on("response", (res) => resolve({ res }));
    req.on("error", reject);
    req.end();
  });
}

/** Reads from a socket until `text` has arrived (after `head`). */
async function readUntil(socket: Duplex, head: Buffer | undefined, text: string): Promise<string> {
  let got = head?.toString() ?? "";
  while (!got.includes(text)) got += (await once<Buffer>(socket, "data")).toString();
  return got;
}

describe("proxy WebSocket upgrades", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  const track = <T extends Upstream | Proxy>(x: T): T => {
    cleanup.push(() => ("proxy" in x ? x.stop() : x.close()));
    return x;
  };

  it("echoes through a ws route, and sends other upgrades (HMR) to the frontend", async () => {
    const app = track(await echoSocket("app"));
    const fe = track(await echoSocket("vite"));
    const p = track(await startProxy(viteConfig(`{ '/ws': { target: 'ws://127.0.0.1:${app.port}', ws: true }, '/api': 'http://127.0.0.1:${app.port}' }`), { frontend: fe.url }));

    const a = await open(p.port, "/ws/chat");
    assert.equal(a.res.statusCode, 101);
    cleanup.push(() => void a.socket!.destroy());
    a.socket!.write("hello through the proxy");
    const echoed = await readUntil(a.socket!, a.head, "hello through the proxy");
    assert.ok(echoed.startsWith("app /ws/chat\n"), echoed);

    const hmr = await open(p.port, "/?token=abc");
    assert.equal(hmr.res.statusCode, 101);
    cleanup.push(() => void hmr.socket!.destroy());
    assert.ok((await readUntil(hmr.socket!, hmr.head, "\n")).startsWith("vite /?token=abc"));
    assert.equal(fe.hosts[0], `127.0.0.1:${p.port}`, "the fallback keeps the browser's Host, as Vite's HMR expects");

    // an entry without ws does not take upgrades (Vite skips it): the frontend gets it
    const notWs = await open(p.port, "/api/socket");
    cleanup.push(() => void notWs.socket?.destroy());
    assert.ok((await readUntil(notWs.socket!, notWs.head, "\n")).startsWith("vite /api/socket"));
  });

  it("passes an upstream's refusal back, and answers 502 when the upstream is down", async () => {
    const plain = track(await upstream((_req, res) => res.writeHead(404, { "Content-Type": "text/plain" }).end("no socket here")));
    const p = track(await startProxy(viteConfig(`{ '/ws': { target: 'http://127.0.0.1:${plain.port}', ws: true } }`), { frontend: "http://127.0.0.1:1" }));
    const refused = await open(p.port, "/ws/x");
    assert.equal(refused.res.statusCode, 404);
    const down = await open(p.port, "/hmr");
    assert.equal(down.res.statusCode, 502);
  });

  it("refuses an upgrade with a foreign Host", async () => {
    const app = track(await echoSocket("app"));
    const p = track(await startProxy(viteConfig(`{ '/ws': { target: 'ws://127.0.0.1:${app.port}', ws: true } }`)));
    const r = await open(p.port, "/ws/x", "evil.example");
    assert.equal(r.res.statusCode, 403);
    assert.equal(app.connections, 0);
  });

  it("stop closes proxied sockets", async () => {
    const app = track(await echoSocket("app"));
    const p = await startProxy(viteConfig(`{ '/ws': { target: 'ws://127.0.0.1:${app.port}', ws: true } }`));
    const a = await open(p.port, "/ws/x");
    const closed = once(a.socket!, "close");
    await p.proxy.stop(1000);
    await closed;
  });
});
