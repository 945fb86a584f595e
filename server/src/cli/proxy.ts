/**
 * `cors-doctor proxy [dir] [--port N] [--host H] [--static DIR] [--frontend URL] [--route KEY=URL]...
 * [--config PATH]`: runs the dev proxy in this process until SIGINT/SIGTERM (or `{type:"stop"}`
 * over IPC), then drains for up to 5 s and exits 0. Prints the listening line, the table and one
 * line per request (buffered: one write per batch, never one per request); when forked with an
 * IPC channel it also sends the messages of proxy/messages.ts. Exit 2 when it cannot start.
 */
import { statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { PortTakenError, type RequestRecord } from "../proxy/server";
import type { EditorMessage, ErrorCode, ProxyMessage } from "../../../protocol/proxy-messages";
import { AdaptiveScheduling } from "../proxy/scheduling";
import { ProxySession } from "../proxy/session";
import { tableInfo, TableError, type TableOptions } from "../proxy/table";
import { tableLines } from "../../../protocol/table-lines";
import { isLoopbackHost } from "../../../protocol/loopback";

export const PROXY_USAGE = `Usage: cors-doctor proxy [dir] [--port N] [--host H] [--static DIR] [--frontend URL] [--route KEY=URL]... [--config PATH]

Serves the frontend and its API under one origin on http://127.0.0.1:5180/, with the routes of
the project's Vite server.proxy (read statically, never run).`;

const DEFAULT_PORT = 5180;
const DRAIN_MS = 5000;

class BadOption extends Error {
  constructor(message: string, readonly usage = true) {
    super(message);
  }
}

interface ProxyArgs extends TableOptions {
  routes: { key: string; url: string }[];
  dir: string;
  port: number;
  host: string;
}

export function parseProxyArgs(args: readonly string[]): ProxyArgs {
  const opts: ProxyArgs = { dir: "", port: DEFAULT_PORT, host: "127.0.0.1", routes: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new BadOption(`${arg} needs a value`);
      return v;
    };
    if (arg === "--port") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new BadOption("--port takes a port number (0 picks a free one)");
      opts.port = n;
    } else if (arg === "--host") {
      // an IPv6 literal as a URL writes it (`[::1]`); listen() takes it bare
      const h = value().trim();
      opts.host = /^\[[0-9a-f:.%\w]*\]$/i.test(h) ? h.slice(1, -1) : h;
      // listen() takes an empty host as every interface: that must be said (0.0.0.0), never slip through
      if (!opts.host) throw new BadOption("--host needs an address (127.0.0.1 by default; 0.0.0.0 listens on every interface)");
    }
    else if (arg === "--static") opts.staticDir = value();
    else if (arg === "--frontend") opts.frontend = value();
    else if (arg === "--config") opts.config = value();
    else if (arg === "--route") {
      const v = value();
      // a regex key may hold `=` itself (`^/api(?=/)`): the split is the `=` before a URL scheme
      const scheme = /=[a-z][a-z0-9+.-]*:\/\//i.exec(v);
      const eq = scheme ? scheme.index : v.indexOf("=");
      if (eq <= 0) throw new BadOption(`--route takes KEY=URL (got '${v}')`);
      opts.routes.push({ key: v.slice(0, eq), url: v.slice(eq + 1) });
    } else if (arg.startsWith("-")) throw new BadOption(`unknown option '${arg}'`);
    else if (!opts.dir) opts.dir = arg;
    else throw new BadOption(`unexpected argument '${arg}'`);
  }
  opts.dir ||= ".";
  return opts;
}


/** Runs the proxy; resolves with the exit code once it has stopped (or could not start). */
export async function runProxy(args: readonly string[]): Promise<number> {
  const ipc = typeof process.send === "function";
  const send = (m: ProxyMessage) => {
    if (ipc && process.connected) process.send!(m);
  };
  const fail = (code: ErrorCode, message: string, extra: { port?: number; freePort?: number } = {}) => {
    process.stderr.write(`cors-doctor: ${message}\n`);
    send({ type: "error", code, message, ...extra });
    if (ipc) process.disconnect?.();
    return 2;
  };

  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(PROXY_USAGE + "\n");
    return 0;
  }
  let opts: ProxyArgs;
  try {
    opts = checkedArgs(args);
  } catch (e) {
    if (e instanceof BadOption) return fail("bad-option", e.usage ? `${e.message}\n\n${PROXY_USAGE}` : e.message);
    throw e;
  }

  const log = new Log(send);
  const scheduling = new AdaptiveScheduling();
  let session: ProxySession;
  try {
    session = await ProxySession.start(opts, {
      onRequest: (r) => log.request(r),
      onRequestStart: (active) => scheduling.requestStarted(active),
      onTable: (table) => {
        log.line("table reloaded:");
        for (const line of tableLines(tableInfo(table))) log.line(line);
        send({ type: "table", ...tableInfo(table) });
      },
      onNote: (note) => log.line(`note: ${note}`),
    });
  } catch (e) {
    if (e instanceof PortTakenError) return fail("port-taken", e.message, { port: e.port, freePort: e.freePort });
    if (e instanceof TableError) return fail(e.code, e.message);
    const syscall = (e as NodeJS.ErrnoException).syscall;
    if ((e as NodeJS.ErrnoException).code && (syscall === "listen" || syscall === "getaddrinfo")) return fail("bad-option", `cannot listen on ${opts.host}:${opts.port}: ${(e as Error).message}`);
    throw e;
  }

  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${session.port}/`;
  log.line(`CORS Doctor dev proxy on ${url}`);
  for (const line of tableLines(tableInfo(session.table))) log.line(line);
  log.flush();
  if (!isLoopbackHost(opts.host)) process.stderr.write(`cors-doctor: warning: listening on ${opts.host}, not loopback: other machines can reach the proxy and, through it, the upstreams\n`);
  send({ type: "listening", url, host: opts.host, port: session.port, ...tableInfo(session.table) });

  return untilStopped(session, () => {
    scheduling.stop();
    log.flush();
  });
}

/** The parsed arguments with their folders checked and `--config` made workspace-relative. */
function checkedArgs(args: readonly string[]): ProxyArgs {
  const opts = parseProxyArgs(args);
  const root = resolve(opts.dir);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new BadOption(`cannot read ${opts.dir}: not a folder`, false);
  if (opts.staticDir) {
    opts.staticDir = resolve(opts.staticDir);
    if (!statSync(opts.staticDir, { throwIfNoEntry: false })?.isDirectory()) throw new BadOption(`--static ${opts.staticDir}: not a folder`, false);
  }
  if (opts.config) opts.config = toWorkspacePath(root, opts.config);
  return opts;
}

/** Resolves with 0 once SIGINT, SIGTERM, the editor's `stop` or its going away has drained the session. */
function untilStopped(session: ProxySession, stopped: () => void): Promise<number> {
  const ipc = typeof process.send === "function";
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void session.stop(DRAIN_MS).then(() => {
        stopped();
        if (ipc && process.connected) process.disconnect();
        done(0);
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    if (ipc) {
      process.on("message", (m: EditorMessage) => {
        if (m?.type === "stop") stop();
      });
      // the editor went away without saying stop: do not outlive it
      process.on("disconnect", stop);
    }
  });
}

/** `--config` given relative to the current folder or to `dir`, as a workspace path. */
function toWorkspacePath(root: string, config: string): string {
  const rel = relative(root, resolve(config));
  return (rel.startsWith("..") || isAbsolute(rel) ? config : rel).split(sep).join("/");
}


/**
 * Output batched per 50 ms (a busy proxy must not make one write per request), IPC as it comes.
 * When the output goes away (`cors-doctor proxy | head -1`: EPIPE), lines are dropped and the
 * proxy keeps serving.
 */
export class Log {
  private buffer = "";
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  constructor(
    private readonly send: (m: ProxyMessage) => void,
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {
    out.on("error", () => {
      this.closed = true;
      this.buffer = "";
    });
  }

  line(text: string): void {
    if (this.closed) return;
    this.buffer += text + "\n";
    this.timer ??= setTimeout(() => this.flush(), 50);
  }

  request(r: RequestRecord): void {
    this.line(`${r.method} ${r.path} -> ${r.route} ${r.status} ${r.ms.toFixed(1)}ms${r.error ? ` (${r.error})` : ""}`);
    this.send({ type: "request", method: r.method, path: r.path, route: r.route, status: r.status, ms: Math.round(r.ms * 10) / 10, ...(r.error ? { error: r.error } : {}) });
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = "";
    if (!this.closed) this.out.write(text);
  }
}
