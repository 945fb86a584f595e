/**
 * The proxy's plain-socket upstream client end to end (pools.ts over response-parser.ts, driven by
 * forward.ts): the framing it must get right to keep a connection (HEAD, 204, 304, 1xx, HTTP/1.0,
 * `Connection: close`, a body read until close, bytes after a response, unreadable answers),
 * request bodies framed again on the way up, an answer before the whole upload, back-pressure
 * across a reused connection, and which failures are sent again. Raw `node:net` upstreams write
 * exact bytes and log which connection carried each request, so reuse is asserted, not timed.
 */
import { strict as assert } from "node:assert";
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { once, send, startProxy, tracker, upstream, viteConfig } from "./servers";

interface RawRequest {
  method: string;
  path: string;
  /** The connection's number, from 1 in the order the upstream accepted them. */
  conn: number;
  /** The request's place on its connection, from 0. */
  index: number;
}

type Answer = (req: RawRequest, socket: Socket) => void;

interface RawUpstream {
  port: number;
  /** Each request as `<conn> <method> <path>`, in arrival order. */
  seen: string[];
  /** The accepted sockets, by connection number - 1. */
  sockets: Socket[];
  close(): Promise<void>;
}

/**
 * A TCP upstream on 127.0.0.1 for exact bytes: `answer` hears each request as soon as its head is
 * in (a `Content-Length` body after it is read and dropped) and writes the response itself.
 */
async function rawUpstream(answer: Answer): Promise<RawUpstream> {
  const seen: string[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    const conn = sockets.push(socket);
    socket.on("error", () => undefined);
    let buf = "";
    let skip = 0;
    let index = 0;
    socket.on("data", (chunk: Buffer) => {
      buf += chunk.toString("latin1");
      while (!socket.destroyed) {
        const drop = Math.min(skip, buf.length);
        [skip, buf] = [skip - drop, buf.slice(drop)];
        const end = buf.indexOf("\r\n\r\n");
        if (skip || end < 0) return;
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        skip = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        const [method, path] = head.split(" ");
        seen.push(`${conn} ${method} ${path}`);
        answer({ method, path, conn, index: index++ }, socket);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return { port: (server.address() as AddressInfo).port, seen, sockets, close };
}

/** A 200 with `body` framed by Content-Length; `extra` header lines (each ending in CRLF) go before it. */
const ok = (body: string, extra = "") => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe("proxy upstream client", () => {
  const { track, defer } = tracker();
  /** A raw upstream, closed after the test. */
  const raw = async (answer: Answer): Promise<RawUpstream> => {
    const up = await rawUpstream(answer);
    defer(up.close);
    return up;
  };
  /** A proxy sending `/api` to 127.0.0.1:`port`. */
  const proxyTo = (port: number) => startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${port}' }`));
  /** A browser-like client: one keep-alive connection to the proxy. */
  const browser = (): Agent => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    defer(() => agent.destroy());
    return agent;
  };

  it("reads a reused connection again after a slow reader paused it at the end of a large response", async () => {
    const size = 8 * 1024 * 1024;
    // over the client socket's high-water mark, in one read: the proxy's write of it says "wait"
    const tail = 32 * 1024;
    const big = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4) big.writeUInt32LE(i, i);
    let sendTail!: () => void;
    const up = track(
      await upstream((req, res) => {
        if (req.url !== "/api/big") return void res.end("after");
        res.writeHead(200, { "Content-Length": size }).write(big.subarray(0, size - tail));
        sendTail = () => res.end(big.subarray(size - tail));
      }),
    );
    const p = track(await proxyTo(up.port));
    const agent = browser();
    const res = await new Promise<IncomingMessage>((resolve, reject) => request({ port: p.port, host: "127.0.0.1", path: "/api/big", agent }, resolve).on("error", reject).end());
    const chunks: Buffer[] = [];
    let got = 0;
    res.on("data", (c: Buffer) => {
      chunks.push(c);
      // all before the tail has passed the proxy: the tail is the last thing it reads, whole
      if ((got += c.length) === size - tail) sendTail();
      res.pause();
      setImmediate(() => res.resume());
    });
    await once(res, "end");
    assert.ok(Buffer.concat(chunks).equals(big), "the large body arrives exact");
    const next = await send(p.port, { path: "/api/next", agent });
    assert.deepEqual([next.status, next.body, next.reused], [200, "after", true]);
    assert.equal(up.connections, 1, "both requests went over the one upstream connection");
  });

  it("reads no body after HEAD, 204 or 304 whatever their headers say, and keeps the connection", async () => {
    const up = await raw((req, socket) => {
      if (req.method === "HEAD") socket.write("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n");
      else if (req.path === "/api/204") socket.write("HTTP/1.1 204 No Content\r\n\r\n");
      else if (req.path === "/api/304") socket.write('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 11\r\n\r\n');
      else socket.write(ok("hello world"));
    });
    const p = track(await proxyTo(up.port));
    const agent = browser();
    const got: [number, string][] = [];
    for (const [method, path] of [["HEAD", "/api/x"], ["GET", "/api/x"], ["GET", "/api/204"], ["GET", "/api/x"], ["GET", "/api/304"], ["GET", "/api/x"]]) {
      const r = await send(p.port, { method, path, agent });
      if (method === "HEAD") assert.equal(r.headers["content-length"], "11", "HEAD keeps the length a GET would have");
      got.push([r.status, r.body]);
    }
    assert.deepEqual(got, [[200, ""], [200, "hello world"], [204, ""], [200, "hello world"], [304, ""], [200, "hello world"]]);
    assert.ok(up.seen.every((s) => s.startsWith("1 ")), `one upstream connection for all: ${up.seen.join(", ")}`);
  });

  it("opens a new connection after Connection: close, HTTP/1.0 without keep-alive, or a body read until close", async () => {
    const up = await raw((req, socket) => {
      // the upstream keeps its side open: only the proxy's choice decides whether the connection is used again
      if (req.path === "/api/close") socket.write(ok("closing", "Connection: close\r\n"));
      else if (req.path === "/api/http10") socket.write("HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nhttp10");
      else if (req.path === "/api/http10-keep") socket.write("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\nkept");
      else if (req.path === "/api/until-close") {
        socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nread until ");
        socket.end("the close");
      } else socket.write(ok("plain"));
    });
    const p = track(await proxyTo(up.port));
    const agent = browser();
    const paths = ["/api/close", "/api/a", "/api/http10", "/api/b", "/api/http10-keep", "/api/c", "/api/until-close", "/api/d"];
    const bodies: string[] = [];
    for (const path of paths) bodies.push((await send(p.port, { path, agent })).body);
    assert.deepEqual(bodies, ["closing", "plain", "http10", "plain", "kept", "plain", "read until the close", "plain"]);
    assert.deepEqual(up.seen.map((s) => parseInt(s)), [1, 2, 2, 3, 3, 3, 3, 4], up.seen.join(", "));
  });

  it("skips a 103 Early Hints and passes on the final answer", async () => {
    const up = await raw((req, socket) => {
      socket.write("HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n");
      socket.write(ok(`final ${req.path}`));
    });
    const p = track(await proxyTo(up.port));
    const agent = browser();
    for (const path of ["/api/a", "/api/b"]) {
      const r = await send(p.port, { path, agent });
      assert.deepEqual([r.status, r.body], [200, `final ${path}`]);
    }
    assert.ok(up.seen.every((s) => s.startsWith("1 ")), up.seen.join(", "));
  });

  it("passes on an answer sent before the upload was read, drains the upload and serves the next request", async () => {
    const up = await raw((req, socket) => {
      if (req.method !== "POST") return void socket.write(ok("next"));
      socket.pause(); // reads no more of the upload
      socket.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\nConnection: keep-alive\r\n\r\ntoo big!");
    });
    const p = track(await proxyTo(up.port));
    const agent = browser();
    // more than every socket buffer on the way holds: the 413 comes while the upload is still going
    const upload = await send(p.port, { method: "POST", path: "/api/upload", body: Buffer.alloc(32 * 1024 * 1024, 120), agent });
    assert.deepEqual([upload.status, upload.body], [413, "too big!"]);
    const next = await send(p.port, { path: "/api/next", agent });
    assert.deepEqual([next.status, next.body], [200, "next"]);
    assert.deepEqual(up.seen, ["1 POST /api/upload", "2 GET /api/next"], "a connection with half a body on it is not used again");
  });

  it("answers 502 saying the response could not be read, for garbage or conflicting lengths, and drops the connection", async () => {
    const up = await raw((req, socket) => {
      if (req.path === "/api/garbage") socket.write("NOT HTTP\r\n\r\n");
      else if (req.path === "/api/lengths") socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
      else socket.write(ok("fine"));
    });
    const p = track(await proxyTo(up.port));
    const agent = browser();
    for (const [path, why] of [["/api/garbage", /not an HTTP\/1\.x status line/], ["/api/lengths", /conflicting Content-Length/]] as const) {
      const r = await send(p.port, { path, headers: { Accept: "application/json" }, agent });
      assert.equal(r.status, 502, path);
      const { reason } = JSON.parse(r.body);
      assert.match(reason, /^the response could not be read: /, path);
      assert.match(reason, why, path);
      assert.equal((await send(p.port, { path: "/api/ok", agent })).body, "fine");
    }
    assert.deepEqual(up.seen, ["1 GET /api/garbage", "2 GET /api/ok", "2 GET /api/lengths", "3 GET /api/ok"], "never sent again, never reused");
  });

  it("sends a chunked body up chunked and a Content-Length body with its length, byte for byte", async () => {
    const got: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const up = track(
      await upstream((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          got.push({ headers: req.headers, body: Buffer.concat(chunks) });
          res.end("stored");
        });
      }),
    );
    const p = track(await proxyTo(up.port));
    const bytes = Buffer.from(Array.from({ length: 3 * 256 }, (_, i) => i % 256));
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ port: p.port, host: "127.0.0.1", method: "POST", path: "/api/chunked", headers: { "Transfer-Encoding": "chunked" }, agent: false }, (res) => {
        res.resume().on("end", () => resolve(res.statusCode!));
      });
      req.on("error", reject);
      for (const [a, b] of [[0, 1], [1, 300], [300, 301]]) req.write(bytes.subarray(a, b));
      req.end(bytes.subarray(301));
    });
    assert.equal(chunked, 200);
    assert.equal((await send(p.port, { method: "PUT", path: "/api/length", body: bytes })).status, 200);
    assert.deepEqual(got.map((g) => [g.headers["transfer-encoding"], g.headers["content-length"], g.body.equals(bytes)]), [["chunked", undefined, true], [undefined, "768", true]]);
    assert.equal(up.connections, 1, "a body framed right leaves the connection usable");
  });

  it("passes on the first of two responses to one request and does not reuse that connection", async () => {
    const up = await raw((req, socket) => socket.write(req.path === "/api/twice" ? ok("first") + ok("second") : ok("next")));
    const p = track(await proxyTo(up.port));
    const agent = browser();
    const first = await send(p.port, { path: "/api/twice", agent });
    assert.deepEqual([first.status, first.body, first.headers["content-length"]], [200, "first", "5"]);
    assert.equal((await send(p.port, { path: "/api/after", agent })).body, "next");
    assert.deepEqual(up.seen, ["1 GET /api/twice", "2 GET /api/after"]);
  });

  it("sends a GET again when its reused connection closes unanswered, never a POST", async () => {
    // each connection answers its first request and closes, unanswered, as the next one arrives
    const up = await raw((req, socket) => (req.index === 0 ? socket.write(ok(`${req.method} ${req.path}`)) : socket.destroy()));
    const p = track(await proxyTo(up.port));
    const agent = browser();
    assert.equal((await send(p.port, { path: "/api/a", agent })).body, "GET /api/a");
    const get = await send(p.port, { path: "/api/b", agent });
    assert.deepEqual([get.status, get.body], [200, "GET /api/b"]);
    const post = (path: string, body: string) => send(p.port, { method: "POST", path, body, headers: { Accept: "application/json", "Content-Length": String(body.length) }, agent });
    const withBody = await post("/api/c", "x=1");
    assert.equal(withBody.status, 502, "a POST with a body");
    assert.match(JSON.parse(withBody.body).reason, /closed the connection without answering|connection reset/);
    assert.equal((await send(p.port, { path: "/api/d", agent })).status, 200);
    assert.equal((await post("/api/e", "")).status, 502, "a POST without one");
    assert.deepEqual(up.seen, ["1 GET /api/a", "1 GET /api/b", "2 GET /api/b", "2 POST /api/c", "3 GET /api/d", "3 POST /api/e"], "each POST went out once");
  });

  it("sends a request that comes right after the upstream closed the idle connection on a new one", async () => {
    const up = await raw((req, socket) => socket.write(ok(`${req.method} on ${req.conn}`)));
    const p = track(await proxyTo(up.port));
    const agent = browser();
    assert.equal((await send(p.port, { path: "/api/a", agent })).body, "GET on 1");
    // the upstream's FIN and the next request reach the proxy in the same turn of its loop, FIN first
    up.sockets[0].destroy();
    const post = await send(p.port, { method: "POST", path: "/api/b", body: "x=1", headers: { Accept: "application/json" }, agent });
    assert.deepEqual([post.status, post.body], [200, "POST on 2"], "sent on a new connection, not on the closed one");
  });
});
