/**
 * The real parts behind the dev-proxy tests, all on 127.0.0.1: the fixture FastAPI app under the
 * Debian uvicorn, a real Vite dev server (or `vite build`) over a temporary copy of the fixture
 * frontend (its vite.config.js given the real ports), and the proxy as users start it,
 * `node dist/cli.js proxy`.
 * Every process is spawned in its own process group and stopped by that group's id; readiness is
 * polled with a deadline, never slept for.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..", "..");
/** The built CLI, started as users start the proxy. */
export const CLI = join(ROOT, "dist", "cli.js");
const FIXTURES = join(__dirname, "fixtures");
/** Debian's interpreter: the one with python3-fastapi and python3-uvicorn (PATH may hold another). */
const PYTHON = "/usr/bin/python3";
/** Debian's Chromium, driven by playwright-core. */
export const CHROMIUM = "/usr/bin/chromium";

/** Polls `check` until it returns a value other than undefined/false, or fails after `ms`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000, every = 25): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A port that was free a moment ago (the OS picks it; closed again for the caller to bind). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

/**
 * A port nothing listens on, for a route whose target is down. It is taken below the kernel's
 * ephemeral range, so no `--port 0` or freePort() can be handed the same port later.
 */
export async function deadPort(): Promise<number> {
  const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
  for (let tries = 0; tries < 50; tries++) {
    const port = 10_000 + Math.floor(Math.random() * Math.max(1, low - 10_000));
    const free = await new Promise<boolean>((res) => {
      const srv = createServer();
      srv.once("error", () => res(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => res(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port below the ephemeral range");
}

/** A child in its own process group, with its output kept for error messages. */
export class Proc {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((res) => this.child.once("exit", (code, signal) => res({ code, signal })));
    live.add(this);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What it printed and whether it is still running, for failure messages. */
  output(): string {
    const state = this.running ? "running" : `exited (${this.child.exitCode ?? this.child.signalCode})`;
    return `--- ${this.name} (pid ${this.pid}, ${state}) stdout ---\n${this.stdout.slice(-3000)}\n--- ${this.name} stderr ---\n${this.stderr.slice(-3000)}`;
  }

  /** SIGTERM to the whole group, SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 3000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) killGroup(this.pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(this.pid, "SIGKILL"), graceMs);
    const result = await this.exited;
    clearTimeout(timer);
    killGroup(this.pid, "SIGKILL"); // anything the leader left behind in its group
    live.delete(this);
    return result;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone already
  }
}

// A crashed or interrupted run still leaves nothing behind.
const live = new Set<Proc>();
process.once("exit", () => {
  for (const p of live) killGroup(p.pid, "SIGKILL");
});

/** A whole HTTP response, body as text. */
export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP/1.1 request with a fresh connection (no agent: nothing pooled between tests). */
export function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((res, rej) => {
    const req = httpRequest(url, { method: opts.method ?? "GET", headers: opts.headers, agent: false }, (r) => {
      let body = "";
      r.setEncoding("utf8");
      r.on("data", (d: string) => (body += d));
      r.on("end", () => res({ status: r.statusCode!, headers: r.headers, body }));
      r.on("error", rej);
    });
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error(`no answer from ${url} within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on("error", rej);
    req.end(opts.body);
  });
}

/**
 * Sends raw bytes on a new TCP connection; resolves with everything read until the peer closes,
 * `idleMs` passes quietly, or (with `headersOnly`) the first response head is complete.
 */
export function raw(port: number, bytes: string, opts: { idleMs?: number; headersOnly?: boolean } = {}): Promise<{ text: string; closedByPeer: boolean }> {
  const idleMs = opts.idleMs ?? 1500;
  return new Promise((res, rej) => {
    const sock = connect(port, "127.0.0.1");
    let text = "";
    let done = false;
    const finish = (closedByPeer: boolean) => {
      if (done) return;
      done = true;
      sock.destroy();
      res({ text, closedByPeer });
    };
    sock.setEncoding("latin1");
    sock.on("connect", () => sock.write(bytes));
    sock.on("data", (d: string) => {
      text += d;
      if (opts.headersOnly && text.includes("\r\n\r\n")) finish(false);
    });
    sock.setTimeout(idleMs, () => finish(false));
    sock.on("end", () => finish(true));
    sock.on("close", () => finish(true));
    sock.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? finish(true) : rej(e)));
  });
}

/** The status code of the first response in raw HTTP/1.1 text, or undefined when there is none. */
export function statusOf(rawText: string): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(rawText);
  return m ? Number(m[1]) : undefined;
}

/** The fixture FastAPI app under uvicorn (h11, wsproto: what Debian ships without extras). */
export async function startBackend(): Promise<{ proc: Proc; port: number; url: string }> {
  const port = await freePort();
  const proc = new Proc(
    "uvicorn",
    PYTHON,
    ["-m", "uvicorn", "main:app", "--app-dir", join(FIXTURES, "backend"), "--host", "127.0.0.1", "--port", String(port), "--http", "h11", "--ws", "wsproto", "--no-proxy-headers", "--log-level", "warning", "--no-access-log"],
    { env: { PYTHONDONTWRITEBYTECODE: "1" } },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "the FastAPI backend to answer",
    async () => {
      if (!proc.running) throw new Error(`uvicorn exited\n${proc.output()}`);
      return (await http(`${url}/probe/canary`, { timeoutMs: 1000 })).status === 200;
    },
    20_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${proc.output()}`);
  });
  return { proc, port, url };
}

/** A temporary copy of the fixture frontend with real ports in its vite.config.js (the port is Vite's `server.port`). */
export async function prepareFrontend(backendPort: number, downPort: number): Promise<{ dir: string; port: number; configFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), "cors-doctor-proxy-real-"));
  cpSync(join(FIXTURES, "frontend"), dir, { recursive: true });
  const port = await freePort();
  const configFile = join(dir, "vite.config.js");
  const config = readFileSync(configFile, "utf8");
  const placed = config.replace(/port: 5173/, `port: ${port}`).replace(/(127\.0\.0\.1|localhost):8000/g, `$1:${backendPort}`).replace(/127\.0\.0\.1:8999/g, `127.0.0.1:${downPort}`);
  const code = placed.replace(/^\s*\/\/.*$/gm, "");
  if (code.includes("5173") || code.includes(":8000") || code.includes(":8999")) throw new Error(`fixture vite.config.js kept a placeholder port:\n${placed}`);
  writeFileSync(configFile, placed);
  return { dir, port, configFile };
}

const VITE = join(ROOT, "node_modules", "vite", "bin", "vite.js");

/** A Vite dev server on a prepared frontend (the root's own `vite`, run as users run it). */
export async function startVite(dir: string, port: number): Promise<{ proc: Proc; url: string }> {
  const proc = new Proc("vite", process.execPath, [VITE, "--config", join(dir, "vite.config.js"), "--clearScreen", "false"], { cwd: dir });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "the Vite dev server to serve index.html",
    async () => {
      if (!proc.running) throw new Error(`vite exited\n${proc.output()}`);
      const r = await http(`${url}/`, { headers: { Accept: "text/html" }, timeoutMs: 1000 });
      return r.status === 200 && r.body.includes("/@vite/client");
    },
    20_000,
  ).catch(async (e: Error) => {
    await proc.stop(1000);
    throw new Error(`${e.message}\n${proc.output()}`);
  });
  return { proc, url };
}

/** `vite build` of a prepared frontend; resolves with the output folder. */
export async function buildFrontend(dir: string): Promise<string> {
  const proc = new Proc("vite build", process.execPath, [VITE, "build", "--config", join(dir, "vite.config.js"), "--outDir", "dist", "--emptyOutDir"], { cwd: dir });
  const { code } = await proc.exited;
  live.delete(proc);
  if (code !== 0) throw new Error(`vite build failed (${code})\n${proc.output()}`);
  return join(dir, "dist");
}

/** The proxy under test, as the contract starts it; resolves once its first stdout line names its URL. */
export async function startProxy(dir: string, extra: string[] = []): Promise<{ proc: Proc; port: number; url: string; firstLine: string }> {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build` first");
  const proc = new Proc("proxy", process.execPath, [CLI, "proxy", dir, "--port", "0", ...extra], { cwd: dir });
  const firstLine = await waitFor(
    "the proxy's first stdout line",
    () => {
      if (!proc.running) throw new Error(`the proxy exited (${proc.child.exitCode ?? proc.child.signalCode})\n${proc.output()}`);
      const nl = proc.stdout.indexOf("\n");
      return nl >= 0 ? proc.stdout.slice(0, nl) : undefined;
    },
    15_000,
  ).catch(async (e: Error) => {
    await proc.stop(1000);
    throw new Error(`${e.message}\n${proc.output()}`);
  });
  const m = /^CORS Doctor dev proxy on http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(firstLine);
  if (!m) {
    await proc.stop(1000);
    throw new Error(`first stdout line is not "CORS Doctor dev proxy on http://127.0.0.1:PORT/": ${JSON.stringify(firstLine)}\n${proc.output()}`);
  }
  const port = Number(m[1]);
  return { proc, port, url: `http://127.0.0.1:${port}`, firstLine };
}

/** Backend, frontend and proxy together, plus a port nothing listens on. */
export interface Stack {
  backend: Awaited<ReturnType<typeof startBackend>>;
  /** The frontend folder (a temporary copy); in dev mode its Vite dev server, in preview mode its build. */
  frontend: { dir: string; port: number; configFile: string; url: string; proc?: Proc; dist?: string };
  proxy: Awaited<ReturnType<typeof startProxy>>;
  deadPort: number;
  /** Every part's output and state, for a failure report. */
  report(): string;
  stop(): Promise<void>;
}

/** Prints the stack's output after a failed test: the proxy's log says what it did. */
export function reportFailures(ctx: Mocha.Context, stack: Stack | undefined): void {
  if (stack && ctx.currentTest?.state === "failed") console.log(stack.report());
}

/** Registers the hooks of a suite on one stack: started before it, reported on failures, stopped after. */
export function useStack(set: (stack: Stack) => void, mode: "dev" | "preview" = "dev"): void {
  let stack: Stack | undefined;
  before(async function () {
    this.timeout(60_000);
    stack = await startStack(mode);
    set(stack);
  });
  afterEach(function () {
    reportFailures(this, stack);
  });
  after(async () => {
    await stack?.stop();
  });
}

/**
 * Starts the stack: `dev` runs the Vite dev server as the proxy's fallback, `preview` builds the
 * frontend and starts the proxy with `--static dist`. Whatever started is stopped again when a
 * later part fails.
 */
export async function startStack(mode: "dev" | "preview" = "dev"): Promise<Stack> {
  const down = await deadPort();
  const parts: Proc[] = [];
  let dir: string | undefined;
  // The proxy first (it drains within 5 s), then what it forwarded to, which need no grace.
  const stop = async () => {
    const proxy = parts.find((p) => p.name === "proxy");
    await proxy?.stop(6000);
    await Promise.all(parts.filter((p) => p !== proxy).map((p) => p.stop(1000)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const backend = await startBackend();
    parts.push(backend.proc);
    const prepared = await prepareFrontend(backend.port, down);
    dir = prepared.dir;
    let frontend: Stack["frontend"];
    let proxyArgs: string[] = [];
    if (mode === "dev") {
      const vite = await startVite(prepared.dir, prepared.port);
      parts.push(vite.proc);
      frontend = { ...prepared, ...vite };
    } else {
      const dist = await buildFrontend(prepared.dir);
      frontend = { ...prepared, url: `http://127.0.0.1:${prepared.port}`, dist };
      proxyArgs = ["--static", dist];
    }
    const proxy = await startProxy(prepared.dir, proxyArgs);
    parts.push(proxy.proc);
    const report = () => parts.map((p) => p.output()).join("\n");
    return { backend, frontend, proxy, deadPort: down, report, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Pids in a process group (the proxy's own, and any worker it may have started). */
export function groupPids(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** A `Vm*` field of /proc/<pid>/status in kB. */
export function vm(pid: number, field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

/** Resets the peak-RSS mark (VmHWM) of a process (writing 5 to clear_refs; our own children only). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}
