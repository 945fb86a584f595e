/**
 * Hostile input against the real parts (issue 16): a `Connection` header naming `Content-Length`
 * must not smuggle a second request to FastAPI on a pooled connection; dot segments and fragments
 * in the request target are refused before any route sees them; a FIFO among the watched files
 * must not freeze the proxy; a client that sends half a request head, or holds an idle keep-alive
 * connection, is cut off while a slow upload is not. Raw sockets say exactly what goes on the
 * wire; the fixture's probes (read directly, never through the proxy) say what reached uvicorn.
 */
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { startProxy, viteConfig, type Proxy } from "../servers";
import { http, startBackend, statusOf, useStack, waitFor, type Stack } from "./harness";

/** One response read off a raw socket: resolves once its head and (Content-Length or chunked) body are in, or the peer closed. */
function rawExchange(port: number, bytes: string): Promise<{ status: number | undefined; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let text = "";
    const done = () => {
      sock.destroy();
      const end = text.indexOf("\r\n\r\n");
      resolve({ status: statusOf(text), head: end < 0 ? text : text.slice(0, end), body: end < 0 ? "" : text.slice(end + 4) });
    };
    sock.setEncoding("latin1");
    sock.on("connect", () => sock.write(bytes, "latin1"));
    sock.on("data", (d: string) => {
      text += d;
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = text.slice(0, end);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const body = text.slice(end + 4);
      if (length ? Buffer.byteLength(body, "latin1") >= Number(length[1]) : /\r\ntransfer-encoding:\s*chunked/i.test(head) && body.endsWith("0\r\n\r\n")) done();
    });
    sock.on("close", done);
    sock.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? done() : reject(e)));
  });
}

/** Resolves with how long after the call `sock` closed; rejects when it is still open after `ms`. */
function closedWithin(sock: Socket, ms: number, what: string): Promise<number> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    if (sock.destroyed) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms);
    sock.once("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    });
  });
}

/** A connected socket to 127.0.0.1:`port` that keeps what it reads. */
async function openSocket(port: number): Promise<{ sock: Socket; text: () => string }> {
  const sock = connect(port, "127.0.0.1");
  let text = "";
  sock.setEncoding("latin1").on("data", (d: string) => (text += d));
  sock.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    sock.once("connect", resolve);
    sock.once("error", reject);
  });
  return { sock, text: () => text };
}

describe("proxy (real parts): hostile input", function () {
  this.timeout(30_000);
  let stack: Stack;
  useStack((s) => (stack = s));

  const probe = async (what: "secret" | "canary") => (JSON.parse((await http(`${stack.backend.url}/probe/${what}`)).body) as { hits: number }).hits;

  it("a Connection header naming Content-Length smuggles no request: the body stays a body, the next client gets its own answer", async () => {
    const host = `127.0.0.1:${stack.proxy.port}`;
    const smuggled = `GET /api/secret HTTP/1.1\r\nHost: 127.0.0.1:${stack.backend.port}\r\n\r\n`;
    const secretBefore = await probe("secret");
    for (const connection of ["keep-alive, Content-Length", "Content-Length", "close, content-length"]) {
      const attack = await rawExchange(
        stack.proxy.port,
        `POST /api/echo HTTP/1.1\r\nHost: ${host}\r\nConnection: ${connection}\r\nContent-Type: text/plain\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
      );
      // the victim, on another connection: the pooled upstream connection is the one the attack used
      const id = randomUUID();
      const victim = await http(`${stack.proxy.url}/api/echo?id=${id}`);
      assert.equal(victim.status, 200, `victim after Connection: ${connection}: ${victim.status} ${victim.body}`);
      assert.deepEqual(JSON.parse(victim.body), { id }, `victim after Connection: ${connection} got another request's answer`);
      // refusing the attack (400) is as good as forwarding its body as a body
      if (attack.status !== 400) {
        assert.equal(attack.status, 200, `Connection: ${connection}: ${attack.head}`);
        assert.deepEqual(JSON.parse(attack.body), { bytes: smuggled.length, body: smuggled }, `Connection: ${connection}: the backend did not get the body as the POST's body`);
      }
    }
    assert.equal(await probe("secret"), secretBefore, "the smuggled GET /api/secret reached the backend as a request");
  });

  it("answers 400 to dot segments and fragments in the target, which never reach the backend", async () => {
    const host = `127.0.0.1:${stack.proxy.port}`;
    const before = await probe("canary");
    const refused = [
      "/api/../api/canary",
      "/api/./canary",
      "/./api/canary",
      "/api/canary/..",
      "/api/canary/.",
      "/x/../../api/canary",
      "/api/%2e%2e/api/canary",
      "/api/%2E/canary",
      "/api/.%2e/api/canary",
      "/api/%2e./api/canary",
      "/api/canary#frag",
      "/api/canary?x=1#frag",
      "/#/api/canary",
    ];
    for (const target of refused) {
      const r = await rawExchange(stack.proxy.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.equal(r.status, 400, `GET ${target}: expected 400, got ${r.head.split("\r\n")[0]}`);
    }
    assert.equal(await probe("canary"), before, "a refused target reached the backend");
    // dots that are not whole segments, and dot segments in the query, are ordinary paths
    for (const target of ["/api/canary?next=/../x", "/api/canary?x=./y"]) {
      const r = await rawExchange(stack.proxy.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.equal(r.status, 200, `GET ${target}: ${r.head.split("\r\n")[0]}`);
    }
    for (const target of ["/api/..canary", "/api/canary.json", "/api/.well-known"]) {
      const r = await rawExchange(stack.proxy.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.equal(r.status, 404, `GET ${target} goes to the backend (its 404): ${r.head.split("\r\n")[0]}`);
    }
  });

  it("a FIFO among the watched files does not freeze the proxy", async () => {
    const fifo = join(stack.frontend.dir, ".env.local");
    const config = stack.frontend.configFile;
    const original = readFileSync(config, "utf8");
    try {
      execFileSync("mkfifo", [fifo]);
      // the edit lands in the same reload as the FIFO (or the next one): its table line says the reload ran
      writeFileSync(config, original.replace(`"/reports":`, `"/fifo-check": "http://127.0.0.1:${stack.backend.port}",\n      "/reports":`));
      await waitFor("the reload's table line naming /fifo-check", () => stack.proxy.proc.stdout.includes("/fifo-check"), 10_000);
      const r = await http(`${stack.proxy.url}/api/items/`, { timeoutMs: 5000 });
      assert.equal(r.status, 200);
    } finally {
      rmSync(fifo, { force: true });
      writeFileSync(config, original);
    }
  });
});

describe("proxy (real parts): client timeouts", function () {
  this.timeout(30_000);
  const HEADERS_MS = 400;
  const KEEP_ALIVE_MS = 300;
  let backend: Awaited<ReturnType<typeof startBackend>>;
  let proxy: Proxy;
  before(async function () {
    this.timeout(60_000);
    backend = await startBackend();
    // the proxy in this process (its timeouts are options, not CLI flags) in front of the real uvicorn
    proxy = await startProxy(viteConfig(`{ '/api': '${backend.url}' }`), { clientHeadersTimeoutMs: HEADERS_MS, clientKeepAliveTimeoutMs: KEEP_ALIVE_MS });
  });
  after(async () => {
    await proxy?.stop();
    await backend?.proc.stop(1000);
  });

  it("closes a connection that sends half a request head, while a slow upload goes on", async () => {
    const id = randomUUID();
    // the upload's head is complete, its body comes slowly: bodies have no time limit
    const upload = await openSocket(proxy.port);
    upload.sock.write(`POST /api/upload?id=${id} HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nContent-Length: 10\r\n\r\nhello`);
    await waitFor("the backend to receive the first half of the upload", async () => (JSON.parse((await http(`${backend.url}/probe/upload/${id}`)).body) as { bytes: number }).bytes === 5);
    const half = await openSocket(proxy.port);
    half.sock.write(`GET /api/items/ HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nX-Slow: `);
    await closedWithin(half.sock, 10_000, "a connection with half a request head");
    assert.ok(!half.text() || statusOf(half.text()) === 408, `half a head: ${JSON.stringify(half.text().slice(0, 100))}`);
    // the upload started before the half head and is older than the head timeout now
    assert.ok(!upload.sock.destroyed, "the slow upload was cut off");
    upload.sock.write("world");
    await waitFor("the upload's answer", () => upload.text().includes("\r\n\r\n") && upload.text().endsWith("}"), 5000);
    assert.equal(statusOf(upload.text()), 200, upload.text());
    assert.match(upload.text(), /"bytes":10/);
    upload.sock.destroy();
  });

  it("closes an idle keep-alive connection", async () => {
    const idle = await openSocket(proxy.port);
    idle.sock.write(`GET /api/items/ HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`);
    await waitFor("the response", () => idle.text().endsWith("]"), 5000);
    assert.equal(statusOf(idle.text()), 200);
    await closedWithin(idle.sock, 10_000, "an idle keep-alive connection");
  });
});
