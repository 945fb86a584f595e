/**
 * The proxy over a workspace on disk: the table reloads when the Vite config is edited, without
 * dropping a request in flight; and the `cors-doctor proxy` command (listening line, table,
 * request lines, IPC messages, port taken, stop).
 */
import { strict as assert } from "node:assert";
import { fork, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ProxySession } from "../../server/src/proxy/session";
import type { RouteTable } from "../../server/src/proxy/table";
import { ROOT } from "../helpers/analysis";
import { once, send, upstream, viteConfig, type Upstream } from "./servers";

const CLI = join(ROOT, "dist", "cli.js");

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cors-doctor-proxy-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe("proxy session and CLI", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  const up = async (name: string, hold?: Promise<void>): Promise<Upstream> => {
    const u = await upstream(async (_req, res) => {
      res.writeHead(200);
      res.write(name);
      await hold;
      res.end();
    });
    cleanup.push(() => u.close());
    return u;
  };

  it("reloads the table when the Vite config is edited, without dropping a request in flight", async () => {
    let release!: () => void;
    const a = await up("a", new Promise((r) => (release = r)));
    const b = await up("b");
    const dir = workspace(viteConfig(`{ '/api': 'http://127.0.0.1:${a.port}' }`));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const tables: RouteTable[] = [];
    let reloaded!: () => void;
    const onTable = new Promise<void>((r) => (reloaded = r));
    const session = await ProxySession.start({ dir, port: 0, grammarsDir: join(ROOT, "dist"), reloadDelayMs: 20 }, { onTable: (t) => (tables.push(t), reloaded()) });
    cleanup.push(() => session.stop(1000));

    const res = await new Promise<IncomingMessage>((resolve) => request({ port: session.port, host: "127.0.0.1", path: "/api/x", agent: false }, resolve).end());
    let body = "";
    res.on("data", (c) => (body += c));
    await once(res, "data");

    writeFileSync(join(dir, "vite.config.ts"), viteConfig(`{ '/api': 'http://127.0.0.1:${b.port}', '/new': 'http://127.0.0.1:${b.port}' }`)["vite.config.ts"]);
    await onTable;
    assert.deepEqual(tables[0].routes.map((r) => [r.key, r.target.port]), [["/api", b.port], ["/new", b.port]]);
    assert.equal((await send(session.port, { path: "/api/y" })).body, "b", "new requests take the new table");

    release();
    await once(res, "end");
    assert.equal(body, "a", "the request in flight finished on its route");
    assert.equal(res.complete, true);
  });

  it("keeps the previous table when the config stops parsing", async () => {
    const a = await up("a");
    const dir = workspace(viteConfig(`{ '/api': 'http://127.0.0.1:${a.port}' }`));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    let noted!: (n: string) => void;
    const note = new Promise<string>((r) => (noted = r));
    const session = await ProxySession.start({ dir, port: 0, grammarsDir: join(ROOT, "dist"), reloadDelayMs: 20 }, { onNote: (n) => noted(n) });
    cleanup.push(() => session.stop(1000));
    writeFileSync(join(dir, "vite.config.ts"), "export default defineConfig({ server: { proxy: { '/api': \n");
    assert.match(await note, /could not be read statically: keeping the previous table/);
    assert.equal((await send(session.port, { path: "/api/x" })).body, "a");
  });

  describe("cors-doctor proxy", () => {
    before(function () {
      if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build` before the tests");
    });

    /** `cors-doctor proxy` over a workspace whose `/api` goes to `apiPort`, once it has printed its table. */
    const cliProxy = async (apiPort: number) => {
      const dir = workspace(viteConfig(`{ '/api': 'http://127.0.0.1:${apiPort}' }`));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const child = spawn(process.execPath, [CLI, "proxy", dir, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
      cleanup.push(() => void child.kill("SIGKILL"));
      const cli = { child, out: "" };
      child.stdout.on("data", (c) => (cli.out += c));
      while (!/table from/.test(cli.out)) await once(child.stdout, "data");
      return cli;
    };

    it("prints the listening line, the table and one line per request, and stops on SIGTERM", async () => {
      const a = await up("a");
      const cli = await cliProxy(a.port);
      const { child } = cli;
      const lines = cli.out.split("\n");
      const m = /^CORS Doctor dev proxy on http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(lines[0]);
      assert.ok(m, lines[0]);
      assert.match(lines[1], new RegExp(`^  /api +-> http://127\\.0\\.0\\.1:${a.port}  changeOrigin$`));
      assert.match(lines[2], /^  \(frontend\) -> http:\/\/localhost:5999$/);
      assert.equal((await send(Number(m[1]), { path: "/api/items" })).body, "a");
      while (!/GET \/api\/items/.test(cli.out)) await once(child.stdout, "data");
      assert.match(cli.out, /\nGET \/api\/items -> \/api 200 \d+\.\dms\n/);
      child.kill("SIGTERM");
      const [code] = await once<number>(child, "exit").then((c) => [c]);
      assert.equal(code, 0);
    });

    it("switches to SCHED_BATCH on Linux while requests overlap, and back once they come one at a time", async function () {
      if (process.platform !== "linux") this.skip();
      const a = await up("a");
      const { child, out } = await cliProxy(a.port);
      const port = Number(/127\.0\.0\.1:(\d+)\//.exec(out)![1]);
      // the kernel's view: 0 is the default policy, 3 SCHED_BATCH
      const policy = () => /^policy\s*:\s*(\d+)$/m.exec(readFileSync(`/proc/${child.pid}/sched`, "utf8"))?.[1];
      assert.equal(policy(), "0", "the default policy while idle");
      /** Sends requests (`parallel` at a time) until `policy()` says `want`, or fails after 10 s. */
      const loadUntil = async (parallel: number, want: string) => {
        const deadline = Date.now() + 10_000;
        while (policy() !== want && Date.now() < deadline) {
          const replies = await Promise.all(Array.from({ length: parallel }, () => send(port, { path: "/api/x" })));
          for (const r of replies) assert.equal(r.status, 200);
        }
        assert.equal(policy(), want);
      };
      await loadUntil(20, "3");
      await loadUntil(1, "0");
    });

    it("speaks the IPC contract when forked: listening, request, stop", async () => {
      const a = await up("a");
      const dir = workspace(viteConfig(`{ '/api': { target: 'http://127.0.0.1:${a.port}', ws: true } }`));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const child = fork(CLI, ["proxy", dir, "--port", "0", "--route", `/extra=http://127.0.0.1:${a.port}`], { stdio: ["ignore", "ignore", "ignore", "ipc"] });
      cleanup.push(() => void child.kill("SIGKILL"));
      type Msg = { type: string; [k: string]: unknown };
      const next = () => once<Msg>(child, "message");
      const listening = await next();
      assert.equal(listening.type, "listening");
      assert.equal(listening.host, "127.0.0.1");
      assert.equal(listening.url, `http://127.0.0.1:${listening.port}/`);
      assert.deepEqual(listening.routes, [
        { key: "/extra", target: `http://127.0.0.1:${a.port}`, ws: false, changeOrigin: true, source: "option" },
        { key: "/api", target: `http://127.0.0.1:${a.port}`, ws: true, changeOrigin: false, source: "vite" },
      ]);
      assert.deepEqual(listening.fallback, { kind: "frontend", target: "http://localhost:5999" });
      assert.ok(Array.isArray(listening.notes));
      const reply = send(listening.port as number, { path: "/api/z" });
      const rec = await next();
      assert.deepEqual({ ...rec, ms: typeof rec.ms }, { type: "request", method: "GET", path: "/api/z", route: "/api", status: 200, ms: "number" });
      await reply;
      child.send({ type: "stop" });
      assert.equal(await once<number>(child, "exit"), 0);
    });

    it("exits 2 naming a taken port and the next free one (stderr and IPC)", async () => {
      const taken = createServer();
      await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
      cleanup.push(() => new Promise((r) => taken.close(() => r())));
      const port = (taken.address() as AddressInfo).port;
      const dir = workspace(viteConfig("{}"));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const child = fork(CLI, ["proxy", dir, "--port", String(port)], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
      let err = "";
      child.stderr!.on("data", (c) => (err += c));
      const msg = await once<{ type: string; code: string; port: number; freePort: number }>(child, "message");
      assert.equal(await once<number>(child, "exit"), 2);
      assert.deepEqual([msg.type, msg.code, msg.port], ["error", "port-taken", port]);
      assert.match(err, new RegExp(`^cors-doctor: port ${port} on 127\\.0\\.0\\.1 is taken; port ${msg.freePort} is free \\(--port ${msg.freePort}\\)\\n$`));
    });
  });
});
