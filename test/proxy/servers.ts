/**
 * Test helpers for the dev proxy: bare node:http upstreams on 127.0.0.1 port 0 that count the
 * connections they accept, a proxy started from an in-memory workspace (the table built from the
 * model, as the CLI builds it), and a small client that waits for events, never for time.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildTable, type TableOptions } from "../../server/src/proxy/table";
import { DevProxy, type ProxyServerOptions, type RequestRecord } from "../../server/src/proxy/server";
import { topologyOf, type Files } from "../helpers/analysis";

export interface Upstream {
  server: Server;
  port: number;
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1, port 0. */
export async function upstream(handler: RequestListener): Promise<Upstream> {
  const server = createServer(handler);
  const up: Upstream = {
    server,
    port: 0,
    url: "",
    connections: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on("connection", () => up.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  up.port = (server.address() as AddressInfo).port;
  up.url = `http://127.0.0.1:${up.port}`;
  return up;
}

/** An upstream that answers every request with its method, URL and headers as JSON. */
export function echo(): Promise<Upstream> {
  return upstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
}

export interface Proxy {
  proxy: DevProxy;
  port: number;
  records: RequestRecord[];
  /** Resolves with the record of the next finished request. */
  nextRecord(): Promise<RequestRecord>;
  stop(): Promise<void>;
}

/** A proxy on 127.0.0.1 port 0 whose table comes from the model of `files`. */
export async function startProxy(files: Files, options: TableOptions & Pick<ProxyServerOptions, "headersTimeoutMs" | "clientHeadersTimeoutMs" | "clientKeepAliveTimeoutMs"> = {}): Promise<Proxy> {
  const table = buildTable(await topologyOf(files), options);
  const records: RequestRecord[] = [];
  const waiting: ((r: RequestRecord) => void)[] = [];
  const proxy = new DevProxy({
    table,
    port: 0,
    headersTimeoutMs: options.headersTimeoutMs,
    clientHeadersTimeoutMs: options.clientHeadersTimeoutMs,
    clientKeepAliveTimeoutMs: options.clientKeepAliveTimeoutMs,
    onRequest: (r) => {
      records.push(r);
      waiting.shift()?.(r);
    },
  });
  const port = await proxy.listen();
  return { proxy, port, records, nextRecord: () => new Promise((r) => waiting.push(r)), stop: () => proxy.stop(1000) };
}

/** A Vite config whose `server.proxy` object is `proxy` (JS source text). */
export function viteConfig(proxy: string, extra = ""): Files {
  return {
    "vite.config.ts": `import { defineConfig } from 'vite'\nexport default defineConfig({\n  server: {\n    port: 5999,${extra}\n    proxy: ${proxy},\n  },\n})\n`,
    "index.html": "<!doctype html><script type=module src=/src/main.ts></script>",
    "src/main.ts": "fetch('/api/x')\n",
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  res: IncomingMessage;
  /** The request went out on a kept-alive connection. */
  reused: boolean;
}

export interface Send {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: Agent | false;
}

/** One request to 127.0.0.1:`port` (Host `127.0.0.1:port` unless given); resolves with the whole body. */
export function send(port: number, opts: Send = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: opts.method ?? "GET", path: opts.path ?? "/", headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), res, reused: req.reusedSocket }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** Resolves when `emitter` emits `event` (with its first argument). */
export function once<T = unknown>(emitter: { once(event: string, fn: (arg: T) => void): unknown }, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, resolve));
}

/**
 * Registers an afterEach that runs, last first, the clean-ups of the test: `track` stops an
 * upstream or proxy, `defer` adds any other. Call it inside a `describe`.
 */
export function tracker(): { track: <T extends Upstream | Proxy>(x: T) => T; defer: (fn: () => Promise<void> | void) => void } {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return {
    track: (x) => {
      cleanup.push(() => ("proxy" in x ? x.stop() : x.close()));
      return x;
    },
    defer: (fn) => void cleanup.push(fn),
  };
}
