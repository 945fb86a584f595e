/**
 * The dev proxy is never an open proxy and never reachable from elsewhere: a foreign `Host` (a
 * DNS-rebinding page) gets 403, absolute-form targets and CONNECT are refused, and the listener is
 * on loopback only. Raw sockets say exactly what goes on the wire; the FastAPI fixture's canary
 * counter shows whether a refused request reached the backend anyway.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { http, raw, useStack, statusOf, type Stack } from "./harness";

describe("proxy (real parts): Host checks, no open proxy, loopback only", function () {
  this.timeout(30_000);
  let stack: Stack;
  useStack((s) => (stack = s));

  const canaryHits = async () => (JSON.parse((await http(`${stack.backend.url}/probe/canary`)).body) as { hits: number }).hits;

  /** Runs `send`, then asserts the canary endpoint was not hit meanwhile. */
  async function withoutReachingBackend<T>(send: () => Promise<T>): Promise<T> {
    const before = await canaryHits();
    const result = await send();
    assert.equal(await canaryHits(), before, "the refused request reached the backend anyway");
    return result;
  }

  /** Refused = a 4xx answer, or the connection closed with no answer at all (never 2xx, 3xx, 5xx or a hang). */
  function assertRefused(what: string, r: { text: string; closedByPeer: boolean }): void {
    const status = statusOf(r.text);
    if (status === undefined) assert.ok(r.text === "" && r.closedByPeer, `${what}: neither refused nor answered (closed=${r.closedByPeer}): ${JSON.stringify(r.text.slice(0, 300))}`);
    else assert.ok(status >= 400 && status < 500, `${what}: expected a 4xx refusal, got ${r.text.split("\r\n")[0]}`);
  }

  it("answers its own Host names: 127.0.0.1, localhost and [::1] with its port", async () => {
    for (const host of [`127.0.0.1:${stack.proxy.port}`, `localhost:${stack.proxy.port}`, `[::1]:${stack.proxy.port}`]) {
      const r = await http(`${stack.proxy.url}/api/items/`, { headers: { Host: host } });
      assert.equal(r.status, 200, `Host ${host}: ${r.status} ${r.body}`);
    }
  });

  it("a foreign Host header gets 403 and never reaches the backend", async () => {
    const p = stack.proxy.port;
    for (const host of ["evil.example", `evil.example:${p}`, `127.0.0.1.nip.io:${p}`, `localhost.evil.example:${p}`, `localhost:${p + 1}`]) {
      const r = await withoutReachingBackend(() => http(`${stack.proxy.url}/api/canary`, { headers: { Host: host } }));
      assert.equal(r.status, 403, `Host ${host}: expected 403, got ${r.status} ${r.body}`);
    }
  });

  it("a WebSocket upgrade with a foreign Host gets 403, with its own Host 101", async () => {
    const upgrade = (host: string) =>
      raw(stack.proxy.port, `GET /ws/echo HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`, { headersOnly: true });
    const own = await upgrade(`127.0.0.1:${stack.proxy.port}`);
    assert.equal(statusOf(own.text), 101, `own Host: ${JSON.stringify(own.text.slice(0, 200))}`);
    const foreign = await upgrade(`evil.example:${stack.proxy.port}`);
    assert.equal(statusOf(foreign.text), 403, `foreign Host: ${JSON.stringify(foreign.text.slice(0, 200))}`);
  });

  it("absolute-form request targets are refused, whatever the Host", async () => {
    const b = stack.backend.port;
    const cases = [
      [`http://127.0.0.1:${b}/api/canary`, `127.0.0.1:${b}`],
      [`http://127.0.0.1:${b}/api/canary`, `127.0.0.1:${stack.proxy.port}`],
      [`http://127.0.0.1:${stack.proxy.port}/api/canary`, `127.0.0.1:${stack.proxy.port}`],
      ["http://example.invalid/", "example.invalid"],
    ];
    for (const [target, host] of cases) {
      const r = await withoutReachingBackend(() => raw(stack.proxy.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
      assertRefused(`GET ${target} (Host ${host})`, r);
    }
  });

  it("CONNECT is refused and opens no tunnel", async () => {
    const b = stack.backend.port;
    for (const host of [`127.0.0.1:${b}`, `127.0.0.1:${stack.proxy.port}`]) {
      // The GET after the CONNECT would reach the backend's canary if a tunnel had opened.
      const r = await withoutReachingBackend(() =>
        raw(stack.proxy.port, `CONNECT 127.0.0.1:${b} HTTP/1.1\r\nHost: ${host}\r\n\r\nGET /api/canary HTTP/1.1\r\nHost: 127.0.0.1:${b}\r\nConnection: close\r\n\r\n`),
      );
      assertRefused(`CONNECT 127.0.0.1:${b} (Host ${host})`, r);
    }
  });

  it("listens on loopback only", async () => {
    const port = stack.proxy.port;
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    /** Local addresses of sockets in LISTEN state (0A) on the proxy's port. */
    const listening = (file: string) =>
      readFileSync(file, "utf8")
        .split("\n")
        .slice(1)
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f.length > 3 && f[3] === "0A" && f[1].endsWith(`:${hexPort}`))
        .map((f) => f[1].split(":")[0]);
    const v4 = listening("/proc/net/tcp");
    const v6 = listening("/proc/net/tcp6");
    assert.deepEqual(v4, ["0100007F"], `IPv4 listeners on port ${port}: ${v4.join(", ") || "none"} (0100007F = 127.0.0.1)`);
    assert.deepEqual(v6.filter((a) => a !== "00000000000000000000000001000000"), [], `IPv6 listeners on port ${port} other than ::1: ${v6.join(", ")}`);

    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === "IPv4")
      .map((i) => i!.address);
    for (const address of others) {
      const outcome = await new Promise<string>((res) => {
        const sock = connect({ port, host: address, timeout: 2000 });
        sock.on("connect", () => {
          sock.destroy();
          res("connected");
        });
        sock.on("timeout", () => {
          sock.destroy();
          res("timeout");
        });
        sock.on("error", (e: NodeJS.ErrnoException) => res(e.code ?? String(e)));
      });
      assert.equal(outcome, "ECONNREFUSED", `connecting to ${address}:${port} (a non-loopback address of this machine)`);
    }
  });
});
