/**
 * Forwarding through the dev proxy to a real FastAPI app (uvicorn) and a real Vite dev server,
 * seen from plain `node:http` clients: what the CLI prints, connection reuse, the trailing-slash
 * redirect, server-sent events without buffering, 100 MB each way with bounded proxy memory
 * (back-pressure both ways), the 502 answer when a route's target is down, and what happens when
 * either side goes away mid-response.
 */
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest, type IncomingMessage } from "node:http";
import { groupPids, http, resetPeak, useStack, vm, waitFor, type Stack } from "./harness";

const MiB = 1024 * 1024;

describe("proxy (real parts): forwarding to FastAPI and Vite", function () {
  this.timeout(30_000);
  let stack: Stack;
  useStack((s) => (stack = s));

  const stdoutLines = () => stack.proxy.proc.stdout.split("\n");

  it("keeps the client's connection alive and reuses pooled upstream connections", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ports: number[] = [];
    const reused: boolean[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        const { body, reusedSocket } = await new Promise<{ body: string; reusedSocket: boolean }>((res, rej) => {
          const req = httpRequest(`${stack.proxy.url}/api/headers`, { agent }, (r) => {
            let body = "";
            r.setEncoding("utf8").on("data", (d: string) => (body += d));
            r.on("end", () => res({ body, reusedSocket: req.reusedSocket }));
          });
          req.on("error", rej);
          req.end();
        });
        ports.push((JSON.parse(body) as { peer_port: number }).peer_port);
        reused.push(reusedSocket);
      }
    } finally {
      agent.destroy();
    }
    assert.deepEqual(reused, [false, ...Array<boolean>(9).fill(true)], "the proxy closed the client's keep-alive connection between requests");
    // Sequential requests: a pool needs one connection, say at most three; a proxy that connects
    // per request shows ten ports. The ones used must still be open, waiting in the pool.
    const distinct = [...new Set(ports)];
    assert.ok(distinct.length <= 3, `ten sequential requests reached the backend over ${distinct.length} connections (peer ports ${ports.join(", ")})`);
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
    const established = readFileSync("/proc/net/tcp", "utf8")
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[2] === `0100007F:${hex(stack.backend.port)}` && f[3] === "01")
      .map((f) => parseInt(f[1].split(":")[1], 16));
    for (const port of distinct) assert.ok(established.includes(port), `upstream connection from port ${port} was closed after use (open ones: ${established.join(", ") || "none"})`);
  });

  it("prints its URL first, then a route table with the vite.config's entries and the frontend", async () => {
    assert.equal(stack.proxy.firstLine, `CORS Doctor dev proxy on http://127.0.0.1:${stack.proxy.port}/`);
    assert.notEqual(stack.proxy.port, 0);
    const b = stack.backend.port;
    const arrow = "\\s+(?:->|→|=>)\\s+";
    const expected: [string, RegExp][] = [
      ["/api", new RegExp(`^\\s*/api${arrow}http://127\\.0\\.0\\.1:${b}/?(\\s|$)`)],
      ["/ws", new RegExp(`^\\s*/ws${arrow}(?:ws|http)://127\\.0\\.0\\.1:${b}/?(\\s|$)`)],
      ["/auth", new RegExp(`^\\s*/auth${arrow}http://localhost:${b}/?(\\s|$)`)],
      ["/reports", new RegExp(`^\\s*/reports${arrow}http://127\\.0\\.0\\.1:${stack.deadPort}/?(\\s|$)`)],
      ["the frontend fallback", new RegExp(`${arrow}http://127\\.0\\.0\\.1:${stack.frontend.port}/?(\\s|$)`)],
    ];
    await waitFor("the route table", () => expected.every(([, re]) => stdoutLines().some((l) => re.test(l))), 5_000).catch(() => {
      const missing = expected.filter(([, re]) => !stdoutLines().some((l) => re.test(l))).map(([name]) => name);
      assert.fail(`route table lacks ${missing.join(", ")}; stdout:\n${stack.proxy.proc.stdout}`);
    });
    const wsLine = stdoutLines().find((l) => expected[1][1].test(l))!;
    assert.match(wsLine.slice(wsLine.search(/127\.0\.0\.1/)), /\bws\b/, `the /ws route's flags should say ws: ${wsLine}`);
  });

  it("logs one line per request: METHOD PATH -> ROUTE STATUS MSms", async () => {
    assert.equal((await http(`${stack.proxy.url}/api/items/`)).status, 200);
    assert.equal((await http(`${stack.proxy.url}/`, { headers: { Accept: "text/html" } })).status, 200);
    await waitFor("the request log lines", () => stdoutLines().some((l) => /^GET \/api\/items\/ -> \/api 200 \d+(\.\d+)?ms$/.test(l)) && stdoutLines().some((l) => /^GET \/ -> \(frontend\) 200 \d+(\.\d+)?ms$/.test(l)), 5_000).catch(() =>
      assert.fail(`expected "GET /api/items/ -> /api 200 …ms" and "GET / -> (frontend) 200 …ms"; stdout:\n${stack.proxy.proc.stdout}`),
    );
  });

  it("sets X-Forwarded-*, applies changeOrigin, and drops hop-by-hop headers", async () => {
    const r = await http(`${stack.proxy.url}/api/headers`, { headers: { Connection: "keep-alive, X-Hop-Secret", "X-Hop-Secret": "1", "Keep-Alive": "timeout=5", "Proxy-Connection": "keep-alive", "X-End-To-End": "kept" } });
    assert.equal(r.status, 200);
    const { headers: seen } = JSON.parse(r.body) as { headers: Record<string, string> };
    assert.equal(seen.host, `127.0.0.1:${stack.backend.port}`, "the /api route has changeOrigin: the backend should see its own host");
    assert.equal(seen["x-forwarded-host"], `127.0.0.1:${stack.proxy.port}`);
    assert.equal(seen["x-forwarded-proto"], "http");
    assert.match(seen["x-forwarded-for"] ?? "", /(^|[\s,])(::ffff:)?127\.0\.0\.1$/);
    assert.equal(seen["x-end-to-end"], "kept");
    for (const h of ["x-hop-secret", "keep-alive", "proxy-connection"]) assert.equal(seen[h], undefined, `hop-by-hop header ${h} reached the backend`);
  });

  it("/api/items: FastAPI's 307 Location points at the proxy origin the client used", async () => {
    const direct = await http(`${stack.backend.url}/api/items`);
    assert.equal(direct.status, 307);
    assert.equal(direct.headers.location, `${stack.backend.url}/api/items/`, "the fixture's redirect names the backend itself (the case to rewrite)");

    for (const host of [`127.0.0.1:${stack.proxy.port}`, `localhost:${stack.proxy.port}`]) {
      const r = await http(`${stack.proxy.url}/api/items`, { headers: { Host: host } });
      assert.equal(r.status, 307, `Host ${host}: ${r.status} ${r.body}`);
      const location = r.headers.location ?? "";
      assert.equal(new URL(location, `http://${host}`).href, `http://${host}/api/items/`, `Host ${host}: Location ${location} should stay on the proxy origin`);
    }
  });

  it("server-sent events arrive unbuffered: the first event before the stream ends", async () => {
    const id = randomUUID();
    let text = "";
    let ended = false;
    const req = httpRequest(`${stack.proxy.url}/api/events?id=${id}`, { headers: { Accept: "text/event-stream" }, agent: false });
    const response = new Promise<string>((res, rej) => {
      req.on("response", (r) => {
        r.setEncoding("utf8").on("data", (d: string) => (text += d));
        r.on("end", () => {
          ended = true;
          res(String(r.headers["content-type"]));
        });
        r.on("error", rej);
      });
      req.on("error", rej);
    });
    req.end();
    try {
      // The backend holds the stream open after `first` until released, so a proxy that buffers
      // the body (or waits for the end) never shows `first` here.
      await waitFor("the first event through the proxy while the stream is still open", () => text.includes("event: first"), 5_000).catch((e: Error) => {
        throw new Error(`${e.message}; received so far: ${JSON.stringify(text)}`);
      });
      assert.equal(ended, false);
      assert.ok(!text.includes("event: second"));
      assert.equal((await http(`${stack.backend.url}/api/events/${id}/release`, { method: "POST" })).status, 200);
      const contentType = await response;
      assert.match(contentType, /^text\/event-stream/);
      assert.match(text, /event: first\ndata: one\n\nevent: second\ndata: two\n\nevent: end\ndata: done\n\n$/);
    } finally {
      req.destroy();
    }
  });

  it("a 100 MB upload streams through with bounded proxy memory", async function () {
    this.timeout(60_000);
    const size = 100 * MiB;
    const pids = groupPids(stack.proxy.proc.pid);
    assert.ok(pids.includes(stack.proxy.proc.pid));
    for (const pid of pids) resetPeak(pid);
    const rssBefore = pids.reduce((sum, pid) => sum + vm(pid, "VmRSS"), 0);

    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const result = await new Promise<{ status: number; body: string }>((res, rej) => {
      const req = httpRequest(`${stack.proxy.url}/api/upload`, { method: "POST", agent: false, headers: { "Content-Type": "application/octet-stream", "Content-Length": String(size) } }, (r) => {
        let body = "";
        r.setEncoding("utf8").on("data", (d: string) => (body += d));
        r.on("end", () => res({ status: r.statusCode!, body }));
        r.on("error", rej);
      });
      req.on("error", rej);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(result.status, 200, result.body);
    assert.deepEqual(JSON.parse(result.body), { bytes: size });
    const peak = groupPids(stack.proxy.proc.pid).reduce((sum, pid) => sum + vm(pid, "VmHWM"), 0);
    const growthMiB = (peak - rssBefore) / 1024;
    assert.ok(growthMiB < 50, `the proxy's resident memory peaked ${growthMiB.toFixed(1)} MiB above where it started (limit 50 MiB for a 100 MiB upload)`);
  });

  it("a 100 MB download to a client that stops reading stalls the backend, not the proxy's memory", async function () {
    this.timeout(60_000);
    const size = 100 * MiB;
    const id = randomUUID();
    const sent = async () => (JSON.parse((await http(`${stack.backend.url}/probe/download/${id}`)).body) as { sent: number }).sent;
    const pids = groupPids(stack.proxy.proc.pid);
    for (const pid of pids) resetPeak(pid);
    const rssBefore = pids.reduce((sum, pid) => sum + vm(pid, "VmRSS"), 0);

    let received = 0;
    let ended = false;
    const req = httpRequest(`${stack.proxy.url}/api/download?id=${id}&mb=100`, { agent: false });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.on("response", resolve);
      req.on("error", reject);
      req.end();
    });
    try {
      assert.equal(res.statusCode, 200);
      res.pause(); // the client stops reading: only socket buffers should fill, then the backend waits
      // Stalled = the backend's count has not moved over six polls in a row.
      let last = -1;
      let still = 0;
      const stalledAt = await waitFor(
        "the backend to stall while the client does not read",
        async () => {
          const n = await sent();
          still = n === last ? still + 1 : 0;
          last = n;
          return n >= size || (still >= 6 && n > 0) ? n : undefined;
        },
        15_000,
        50,
      );
      assert.ok(stalledAt < size, "the backend sent all 100 MiB to a client that read nothing: the proxy took it all in");
      const peak = groupPids(stack.proxy.proc.pid).reduce((sum, pid) => sum + vm(pid, "VmHWM"), 0);
      const growthMiB = (peak - rssBefore) / 1024;
      assert.ok(stalledAt < 50 * MiB, `the backend got ${(stalledAt / MiB).toFixed(1)} MiB out before stalling (socket buffers hold far less)`);
      assert.ok(growthMiB < 50, `the proxy's resident memory peaked ${growthMiB.toFixed(1)} MiB above where it started while its client was not reading`);

      res.on("data", (d: Buffer) => (received += d.length));
      res.on("end", () => (ended = true));
      res.resume();
      await waitFor("the rest of the download", () => ended, 30_000);
      assert.equal(received, size);
    } finally {
      req.destroy();
    }
  });

  it("backend down: a JSON request gets a 502 JSON body naming the route and the target", async () => {
    const r = await http(`${stack.proxy.url}/reports/weekly`, { headers: { Accept: "application/json" } });
    assert.equal(r.status, 502);
    assert.match(String(r.headers["content-type"]), /^application\/json/);
    const body: unknown = JSON.parse(r.body);
    const text = JSON.stringify(body);
    assert.ok(text.includes("/reports"), `the body should name the route /reports: ${r.body}`);
    assert.ok(text.includes(`127.0.0.1:${stack.deadPort}`), `the body should name the target 127.0.0.1:${stack.deadPort}: ${r.body}`);
  });

  it("a client that aborts mid-response frees the upstream request", async () => {
    const id = randomUUID();
    const probe = async () => JSON.parse((await http(`${stack.backend.url}/probe/slow/${id}`)).body) as { chunks: number; finished: boolean; disconnected: boolean };
    await new Promise<void>((res, rej) => {
      const req = httpRequest(`${stack.proxy.url}/api/slow?id=${id}`, { agent: false }, (r) => {
        r.once("data", () => {
          req.destroy();
          res();
        });
      });
      req.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? undefined : rej(e)));
      req.setTimeout(5_000, () => {
        req.destroy();
        rej(new Error("no body bytes of /api/slow through the proxy within 5 s (the backend sends 1 KB every 50 ms)"));
      });
      req.end();
    });
    const state = await waitFor("the backend to see its client go away", async () => {
      const s = await probe();
      return s.disconnected ? s : undefined;
    }, 5_000).catch(async (e: Error) => {
      throw new Error(`${e.message}: the stream is still being produced upstream (${JSON.stringify(await probe())})`);
    });
    assert.equal(state.finished, false);
    assert.ok(state.chunks < 600);
  });

  it("a client that aborts mid-upload frees the upstream request", async () => {
    const id = randomUUID();
    const probe = async () => JSON.parse((await http(`${stack.backend.url}/probe/upload/${id}`)).body) as { bytes: number; disconnected: boolean; unknown?: boolean };
    const req = httpRequest(`${stack.proxy.url}/api/upload?id=${id}`, { method: "POST", agent: false, headers: { "Content-Type": "application/octet-stream", "Content-Length": String(100 * MiB) } });
    req.on("error", () => undefined); // destroyed on purpose below
    req.write(Buffer.alloc(2 * MiB, 0x62));
    try {
      await waitFor("the backend to receive the first bytes", async () => (await probe()).bytes > 0, 5_000);
    } finally {
      req.destroy();
    }
    const state = await waitFor("the backend to see the upload's client go away", async () => {
      const s = await probe();
      return s.disconnected ? s : undefined;
    }, 5_000).catch(async (e: Error) => {
      throw new Error(`${e.message}: the upstream request is still open, waiting for the rest of the body (${JSON.stringify(await probe())})`);
    });
    assert.ok(state.bytes < 100 * MiB);
  });

  it("an upstream that dies mid-response makes the client's response fail, not end cleanly or hang", async () => {
    const outcome = (url: string) =>
      new Promise<string>((res) => {
        const req = httpRequest(url, { agent: false }, (r) => {
          r.on("data", () => undefined);
          r.on("end", () => res("ended cleanly"));
          r.on("aborted", () => res("failed"));
          r.on("error", () => res("failed"));
        });
        req.on("error", () => res("failed"));
        req.setTimeout(5_000, () => {
          res("hung");
          req.destroy();
        });
        req.end();
      });
    assert.equal(await outcome(`${stack.backend.url}/api/broken`), "failed", "the fixture should break its response");
    assert.equal(await outcome(`${stack.proxy.url}/api/broken`), "failed");
  });
});
