/**
 * The process side of `npm run bench:proxy`: start a server pinned to a core in its own process
 * group, wait for the line that says it listens, read its CPU time (and its descendants') from
 * /proc, move it between cores, and stop it by process group. Nothing here knows about proxies.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";

/** Clock ticks per second of utime/stime in /proc/<pid>/stat. */
export const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

const started = new Set();

/**
 * Starts `cmd args` under `taskset -c cores` (taskset execs, so the pid is the server's own) in a
 * new process group, stdout and stderr going to `<logDir>/<name>.out|.err`; `nice` as given.
 */
export function startPinned(name, cores, cmd, args, { cwd, env, logDir, nice = 0 }) {
  const out = join(logDir, `${name}.out`);
  const err = join(logDir, `${name}.err`);
  const outFd = openSync(out, "w");
  const errFd = openSync(err, "w");
  const [exe, argv] = withNice(nice, ["taskset", "-c", cores, cmd, ...args]);
  const child = spawn(exe, argv, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", outFd, errFd] });
  closeSync(outFd);
  closeSync(errFd);
  const proc = { name, pid: child.pid, child, out, err, exited: undefined };
  child.on("exit", (code, signal) => {
    proc.exited = { code, signal };
    started.delete(proc);
  });
  started.add(proc);
  return proc;
}

/** `nice -n N command…` when N is not 0 (nice and taskset exec, so the pid stays the server's). */
export function withNice(nice, [cmd, ...args]) {
  return nice ? ["nice", ["-n", String(nice), cmd, ...args]] : [cmd, args];
}

/**
 * Resolves with the first match of `pattern` in the process's stdout, polling its log file (the
 * servers write there directly, so the bench never sits in the path of their output). Rejects
 * when the process exits first or after `timeoutMs`, quoting its stderr.
 */
export async function waitForOutput(proc, pattern, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readText(proc.out).replace(/\x1b\[[0-9;]*m/g, "");
    const m = pattern.exec(text);
    if (m) return m;
    if (proc.exited) throw new Error(`${proc.name} exited (${proc.exited.code ?? proc.exited.signal}) before printing ${pattern}: ${tail(proc)}`);
    if (Date.now() > deadline) throw new Error(`${proc.name} printed no ${pattern} within ${timeoutMs / 1000} s: ${tail(proc)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The last lines of a process's stdout and stderr, for error messages. */
export function tail(proc, lines = 12) {
  const pick = (file) => readText(file).trim().split("\n").slice(-lines).join("\n");
  return `\n--- ${proc.name} stdout ---\n${pick(proc.out)}\n--- ${proc.name} stderr ---\n${pick(proc.err)}`;
}

function readText(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** SIGTERM to the process group, SIGKILL after `graceMs`. */
export async function stop(proc, graceMs = 7000) {
  if (!proc || proc.exited) return;
  const exited = new Promise((r) => proc.child.once("exit", r));
  try {
    process.kill(-proc.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-proc.pid, "SIGKILL");
    } catch {}
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every process this module started (on the way out, also after an error). */
export async function stopAll() {
  await Promise.all([...started].map((p) => stop(p)));
}

/** Synchronous last resort for signal handlers: SIGKILL every group still running. */
export function killAllNow() {
  for (const p of started) {
    try {
      process.kill(-p.pid, "SIGKILL");
    } catch {}
  }
}

/** The pid and the pids of all its live descendants. */
export function processTree(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(stat.pid);
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // Fields after the parenthesised command name (which may itself hold spaces and parens).
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { pid, ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
}

/**
 * CPU seconds used so far by the process, its threads, its live descendants and the children
 * they have reaped (a child that exits moves from "live" to its parent's cutime, so deltas stay
 * whole). Resolution: 1/CLK_TCK s.
 */
export function cpuSeconds(pid) {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const s = readStat(p);
    if (s) ticks += s.utime + s.stime + s.cutime + s.cstime;
  }
  return ticks / CLK_TCK;
}

/**
 * CPU seconds all processes on the machine have spent (all cores, /proc/stat user + nice +
 * system). Interrupt and softirq time is left out: loopback networking runs much of its receive
 * path there, charged to no process, so it would count the bench's own traffic as other work.
 */
export function machineBusySeconds() {
  const [user, nice, system] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system) / CLK_TCK;
}

/** CPU seconds of this process plus the children it has reaped (wrk, once it has exited). */
export function selfCpuSeconds() {
  return cpuSecondsOf(process.pid);
}

function cpuSecondsOf(pid) {
  const s = readStat(pid);
  return s ? (s.utime + s.stime + s.cutime + s.cstime) / CLK_TCK : 0;
}

/** Moves every thread of the process and of its descendants onto `cores` (e.g. "0" or "0,1"). */
export function setAffinity(pid, cores) {
  for (const p of processTree(pid)) {
    const r = spawnSync("taskset", ["-a", "-p", "-c", cores, String(p)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`taskset -a -p -c ${cores} ${p} failed: ${r.stderr}`);
  }
}

/** A port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** GET on a fresh connection (no agent, so no pooled socket is left behind); status, headers, body. */
export function fetchOnce(url, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, headers: { accept: "*/*" } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/** GET a stats port's JSON. */
export async function fetchJson(url) {
  const r = await fetchOnce(url);
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status}`);
  return JSON.parse(r.body.toString("utf8"));
}
