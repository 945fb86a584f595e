/** The CLI's request log: a closed output (`cors-doctor proxy | head -1`) stops the lines, not the proxy. */
import { strict as assert } from "node:assert";
import { Writable } from "node:stream";
import { Log } from "../../server/src/cli/proxy";

describe("proxy CLI log", () => {
  it("stops writing, without throwing, once its output fails with EPIPE", async () => {
    let writes = 0;
    let failed!: () => void;
    const errored = new Promise<void>((r) => (failed = r));
    const out = new Writable({
      write(_chunk, _enc, cb) {
        writes++;
        cb(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
        // the stream emits 'error' on the next tick: with no listener it would be an uncaught exception
        setImmediate(failed);
      },
    });
    const messages: unknown[] = [];
    const log = new Log((m) => messages.push(m), out);
    log.line("CORS Doctor dev proxy on http://127.0.0.1:5180/");
    log.flush();
    await errored;
    log.request({ method: "GET", path: "/api/x", route: "/api", status: 200, ms: 1.25 });
    log.flush();
    assert.equal(writes, 1, "nothing more is written to a closed output");
    assert.equal(messages.length, 1, "IPC messages still go out");
  });
});
