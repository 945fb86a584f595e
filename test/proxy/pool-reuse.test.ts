/**
 * Upstream connection reuse under fluctuating load: once the pool has grown to the peak
 * concurrency, quieter stretches must keep every pooled connection warm, so the next peak opens
 * nothing new (the "zero new upstream connections per request after warm-up"). A pool that
 * hands each request to its first free connection lets the last ones idle out during a lull and
 * reopens them at the next peak. The idle timeout is shortened so the lulls are short, and the
 * upstream also reports which connections served each lull, which does not depend on timing.
 */
import { strict as assert } from "node:assert";
import { Agent, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { forward } from "../../server/src/proxy/forward";
import { Pools } from "../../server/src/proxy/pools";
import { parseTarget } from "../../server/src/proxy/table";
import { send, upstream } from "./servers";

/** The proxy's idle timeout in this test (long enough that a loaded machine's stalls stay below it). */
const IDLE_MS = 1000;

describe("proxy upstream pool reuse", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  /**
   * An upstream that holds each request until `barrier` requests are in flight, then answers
   * them all: a burst of `n` concurrent requests is then exactly `n` concurrent upstream requests.
   */
  async function barrierUpstream() {
    let barrier = 1;
    let held: ServerResponse[] = [];
    /** The connections that served a request since the last look. */
    let used = new Set<Socket>();
    const up = await upstream((req: IncomingMessage, res: ServerResponse) => {
      used.add(req.socket);
      held.push(res);
      if (held.length < barrier) return;
      const all = held;
      held = [];
      for (const r of all) r.end('{"ok":true}');
    });
    let closed = 0;
    let byPeer = 0;
    const listeners: (() => void)[] = [];
    up.server.on("connection", (socket: Socket) => {
      let ended = false;
      socket.on("end", () => (ended = true));
      socket.on("close", () => {
        closed++;
        if (ended) byPeer++;
        for (const fn of listeners) fn();
      });
    });
    return {
      up,
      setBarrier: (n: number) => (barrier = n),
      /** How many connections served a request since the last call. */
      used: () => {
        const n = used.size;
        used = new Set();
        return n;
      },
      closedByPeer: () => byPeer,
      closed: () => closed,
      onClose: (fn: () => void) => listeners.push(fn),
    };
  }

  /** A bare proxy: every request goes to `target` through `forward` over its own pools. */
  async function bareProxy(target: string): Promise<number> {
    const pools = new Pools({ headersTimeoutMs: 10_000, idleMs: IDLE_MS });
    const t = parseTarget(target, "start it")!;
    const server = createServer((req, res) => forward(req, res, undefined, t, "(frontend)", req.headers.host!, pools, () => undefined));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pools.destroy();
    });
    return (server.address() as AddressInfo).port;
  }

  it("opens no new upstream connection after warm-up when concurrency goes 20, 5, 20", async () => {
    const b = await barrierUpstream();
    cleanup.push(() => b.up.close());
    const port = await bareProxy(b.up.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    cleanup.push(() => agent.destroy());

    const burst = async (n: number): Promise<void> => {
      b.setBarrier(n);
      const replies = await Promise.all(Array.from({ length: n }, () => send(port, { path: "/x", agent })));
      for (const r of replies) assert.equal(r.status, 200);
    };
    /**
     * Bursts of `n` for `ms`, as a stretch of traffic, and at least enough of them to go round
     * `warm` connections; the longest wait between two bursts.
     */
    const stretch = async (n: number, ms: number, warm: number): Promise<{ bursts: number; maxGap: number }> => {
      const until = Date.now() + ms;
      let bursts = 0;
      let maxGap = 0;
      for (let last = Date.now(); last < until || bursts * n < warm; bursts++) {
        await burst(n);
        maxGap = Math.max(maxGap, Date.now() - last);
        last = Date.now();
      }
      return { bursts, maxGap };
    };

    await burst(20);
    const warm = b.up.connections;
    assert.equal(warm, 20, "the first burst of 20 warms 20 upstream connections");
    b.used();
    // lulls last two idle timeouts: long enough for a connection left out of one to close
    for (const [n, ms] of [[5, 2 * IDLE_MS], [20, IDLE_MS / 4], [5, 2 * IDLE_MS], [12, IDLE_MS / 2], [20, IDLE_MS / 4]]) {
      const { bursts, maxGap } = await stretch(n, ms, warm);
      const what = `${bursts} bursts of ${n} over ${ms} ms (longest gap ${maxGap} ms)`;
      assert.equal(b.used(), warm, `every warm connection served requests during ${what}`);
      assert.equal(b.up.connections - warm, 0, `no new upstream connection after ${what}; ${b.closed()} closed`);
    }
    assert.equal(b.closed(), 0, "no upstream connection closed while traffic flowed");

    // traffic stops: the proxy closes every idle connection itself (before the upstream would)
    await new Promise<void>((resolve) => {
      const check = () => b.closed() === warm && resolve();
      b.onClose(check);
      check();
    });
    assert.equal(b.closedByPeer(), warm, "the proxy closed each idle connection, not the upstream");
  });
});
