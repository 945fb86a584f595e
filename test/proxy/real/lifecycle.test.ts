/**
 * The proxy's life around requests in flight, with real parts: editing the frontend's
 * vite.config.js reloads the route table while a server-sent-events stream from FastAPI stays
 * open, and SIGTERM stops new connections, lets that kind of stream finish, and exits 0.
 */
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { http, useStack, waitFor, type Stack } from "./harness";

/** An SSE stream from the fixture backend through the proxy, held open until released. */
function openEvents(stack: Stack) {
  const id = randomUUID();
  const state = { text: "", ended: false, failed: "" };
  const req = httpRequest(`${stack.proxy.url}/api/events?id=${id}`, { headers: { Accept: "text/event-stream" }, agent: false }, (r) => {
    r.setEncoding("utf8").on("data", (d: string) => (state.text += d));
    r.on("end", () => (state.ended = true));
    r.on("error", (e) => (state.failed ||= String(e)));
    r.on("aborted", () => (state.failed ||= "aborted"));
  });
  req.on("error", (e) => (state.failed ||= String(e)));
  req.end();
  return {
    state,
    release: () => http(`${stack.backend.url}/api/events/${id}/release`, { method: "POST" }),
    close: () => req.destroy(),
  };
}

const COMPLETE = /event: first\ndata: one\n\nevent: second\ndata: two\n\nevent: end\ndata: done\n\n$/;

describe("proxy (real parts): config reload and stop with a request in flight", function () {
  this.timeout(30_000);
  let stack: Stack;
  useStack((s) => (stack = s));

  it("editing vite.config.js adds a route without dropping a stream in flight", async () => {
    const events = openEvents(stack);
    try {
      await waitFor("the first event", () => events.state.text.includes("event: first"), 5_000);
      const viaProxy = () => http(`${stack.proxy.url}/probe/canary`, { headers: { Accept: "application/json" } });
      const before = await viaProxy();
      assert.ok(!before.body.startsWith('{"hits"'), `/probe should not reach the backend before the edit: ${before.status} ${before.body.slice(0, 200)}`);

      const config = readFileSync(stack.frontend.configFile, "utf8");
      const edited = config.replace(`proxy: {`, `proxy: {\n      "/probe": "http://127.0.0.1:${stack.backend.port}",`);
      assert.notEqual(edited, config);
      writeFileSync(stack.frontend.configFile, edited);

      const after = await waitFor(
        "/probe to reach the backend after the edit",
        async () => {
          const r = await viaProxy();
          return r.status === 200 && r.body.startsWith('{"hits"') ? r : undefined;
        },
        10_000,
      ).catch(async (e: Error) => {
        throw new Error(`${e.message}; now: ${JSON.stringify((await viaProxy()).body.slice(0, 200))}\n${stack.proxy.proc.output()}`);
      });
      assert.equal(after.status, 200);

      assert.equal(events.state.failed, "", "the stream in flight failed during the reload");
      assert.equal(events.state.ended, false, "the stream in flight ended during the reload");
      assert.equal((await events.release()).status, 200);
      await waitFor("the rest of the stream", () => events.state.ended || events.state.failed !== "", 5_000);
      assert.equal(events.state.failed, "");
      assert.match(events.state.text, COMPLETE);
    } finally {
      events.close();
    }
  });

  // Last on purpose: it stops the proxy.
  it("SIGTERM refuses new connections, lets a stream in flight finish, and exits 0", async () => {
    const events = openEvents(stack);
    try {
      await waitFor("the first event", () => events.state.text.includes("event: first"), 5_000);
      process.kill(stack.proxy.proc.pid, "SIGTERM");
      await waitFor(
        "new connections to be refused",
        () =>
          new Promise<boolean>((res) => {
            const sock = connect(stack.proxy.port, "127.0.0.1");
            sock.on("connect", () => {
              sock.destroy();
              res(false);
            });
            sock.on("error", (e: NodeJS.ErrnoException) => res(e.code === "ECONNREFUSED"));
          }),
        3_000,
      );
      assert.ok(stack.proxy.proc.running, "the proxy exited with a stream still in flight (it should drain, up to 5 s)");
      assert.equal((await events.release()).status, 200);
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([stack.proxy.proc.exited, new Promise<"still running after 7 s">((res) => (timer = setTimeout(() => res("still running after 7 s"), 7_000)))]);
      clearTimeout(timer);
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.equal(events.state.failed, "", "the stream in flight was cut");
      assert.match(events.state.text, COMPLETE);
    } finally {
      events.close();
    }
  });
});
