/**
 * A fuzz test of the proxy's framing (issue 16): random and mutated HTTP/1.1 requests (conflicting
 * and duplicate Content-Length, Transfer-Encoding beside it, chunked oddities, `Connection` tokens
 * naming framing headers, bad targets, odd headers, pipelined and smuggled requests in bodies),
 * each followed by a victim request on another connection, against the proxy in front of a small
 * node:http upstream on 127.0.0.1 that echoes the target it saw. Every target carries a unique id,
 * so the checks need no model of what the proxy should have answered:
 *
 * - every response reaches the client that asked: an attacker's connection carries only its own
 *   ids, and the victim always gets its own answer;
 * - the upstream never sees a request no client sent as a request: each target it receives is
 *   one the proxy parsed as a request (its request log has it), never one hidden in a body.
 *
 * Fixed seed, bounded time: ~20 s by default, `FUZZ_SECONDS` longer (`FUZZ_SEED` another seed).
 * A failure prints the seed, the case number and the bytes sent. Several cases run at once, so
 * requests of different clients also share the pool. Whether an attacker's connection is done is
 * only knowable by it going quiet (the proxy may rightly wait for a body that never comes): a
 * case ends when its socket closed or nothing happened on it for `QUIET_MS`, then is cut; the
 * checks hold whatever the proxy was still doing.
 */
import { strict as assert } from "node:assert";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { DevProxy } from "../../server/src/proxy/server";
import { buildTable } from "../../server/src/proxy/table";
import { topologyOf } from "../helpers/analysis";
import { viteConfig } from "./servers";

const SECONDS = Number(process.env.FUZZ_SECONDS) || 20;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x16_2026;
const WORKERS = 6;
const QUIET_MS = 120;
/** How long a case may run before its connection is cut regardless (a proxy that trickles bytes). */
const CASE_MS = 3000;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof random>;

/** Ids in targets: `q<case>_<n>` for an attacker's, `q<case>_v` for its victim's. */
const ID = /q\d+_(?:\d+|v)/g;

/** What one case sends. */
interface Case {
  n: number;
  bytes: string;
  /** The ids this attacker's bytes name (its connection may carry these only). */
  ids: Set<string>;
}

/** A well-formed request with a body framed by Content-Length (what a pipelined or smuggled one looks like). */
function plainRequest(r: Rng, host: string, id: string): string {
  const body = r.chance(0.5) ? "" : `x=${id}`;
  const method = body ? "POST" : r.pick(["GET", "HEAD", "DELETE"]);
  return `${method} /api/s/${id} HTTP/1.1\r\nHost: ${host}\r\n${body ? `Content-Length: ${body.length}\r\n` : ""}X-Fuzz-Id: ${id}\r\n\r\n${body}`;
}

/** A chunked encoding of `body`, with the oddities a parser may disagree about. */
function chunked(r: Rng, body: string): string {
  const parts: string[] = [];
  let rest = body;
  while (rest.length) {
    const n = Math.min(rest.length, r.int(1, 40));
    let size = n.toString(16);
    if (r.chance(0.1)) size = size.toUpperCase();
    if (r.chance(0.05)) size = "00" + size;
    if (r.chance(0.04)) size = "0x" + size;
    if (r.chance(0.04)) size = (n + r.pick([-1, 1, 16])).toString(16);
    if (r.chance(0.04)) size = "-" + size;
    if (r.chance(0.05)) size += r.pick([";ext=1", "; ext", ";a=\"b\"", " ", "\t"]);
    const eol = r.chance(0.05) ? "\n" : "\r\n";
    parts.push(`${size}${eol}${rest.slice(0, n)}${r.chance(0.03) ? "" : "\r\n"}`);
    rest = rest.slice(n);
  }
  const last = r.pick(["0\r\n\r\n", "0\r\n\r\n", "0\r\n\r\n", "0\r\nX-Trailer: 1\r\n\r\n", "0\r\nContent-Length: 5\r\n\r\n", "0\n\n", "0\r\n", "00\r\n\r\n", "0;x\r\n\r\n", ""]);
  return parts.join("") + last;
}

/** One attacker's bytes for case `n`. */
function attack(r: Rng, n: number, proxyHost: string, upstreamHost: string): Case {
  let k = 0;
  const ids = new Set<string>();
  const id = () => {
    const v = `q${n}_${k++}`;
    ids.add(v);
    return v;
  };
  const own = id();
  const method = r.pick(["GET", "POST", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get", "CONNECT", "TRACE", "G\u00c9T", "POST "]);
  let target = r.pick([`/api/f/${own}`, `/api/f/${own}`, `/api/f/${own}`, `/other/${own}`, `/api/f/${own}?a=1&b=/../x`]);
  if (r.chance(0.25)) {
    target = r.pick([
      `/api/../api/f/${own}`,
      `/api/./f/${own}`,
      `/api/%2e%2e/f/${own}`,
      `/api/f/${own}#frag`,
      `/api/f/${own}/..`,
      `http://${upstreamHost}/api/f/${own}`,
      `http://${proxyHost}/api/f/${own}`,
      `//api/f/${own}`,
      `*`,
      `/api/f/${own} x`,
      `/api/f/${own}\t`,
      `/api/f/\u00e9${own}`,
      `/api/f/${own}?${"a".repeat(r.int(100, 9000))}`,
      `/api/f/%00${own}`,
      `/api/f\\..\\${own}`,
      `api/f/${own}`,
    ]);
  }
  const version = r.chance(0.9) ? "HTTP/1.1" : r.pick(["HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/1.1 ", "http/1.1", "HTTP/1.1\r"]);

  // the body: smuggled requests, a fake last chunk, plain bytes
  const pieces: string[] = [];
  for (let i = r.int(0, 3); i > 0; i--) {
    pieces.push(r.pick([plainRequest(r, r.chance(0.5) ? proxyHost : upstreamHost, id()), "0\r\n\r\n", "hello", "x".repeat(r.int(1, 3000)), "\r\n", `5\r\nhello\r\n0\r\n\r\n`]));
  }
  const body = pieces.join("");

  const headers: [string, string][] = [];
  const hostChoice = r.next();
  if (hostChoice < 0.85) headers.push(["Host", proxyHost]);
  else if (hostChoice < 0.9) headers.push(["Host", proxyHost], ["Host", upstreamHost]);
  else if (hostChoice < 0.95) headers.push(["Host", upstreamHost]);
  headers.push(["X-Fuzz-Id", own]);

  // framing
  let encoded = body;
  const framing = r.int(0, 13);
  const cl = (v: string | number) => headers.push([r.chance(0.9) ? "Content-Length" : r.pick(["content-length", "Content-Length ", "Content-length\t", "Content_Length"]), String(v)]);
  const te = (v: string) => headers.push([r.chance(0.9) ? "Transfer-Encoding" : r.pick(["transfer-encoding", "Transfer-Encoding ", "Transfer_Encoding"]), v]);
  switch (framing) {
    case 0:
      break;
    case 1:
    case 2:
      cl(body.length);
      break;
    case 3:
      cl(Math.max(0, body.length + r.pick([-10, -1, 1, 10, -body.length])));
      break;
    case 4:
      cl(body.length);
      cl(r.chance(0.5) ? body.length : body.length + 1);
      break;
    case 5:
      cl(r.pick([`${body.length}, ${body.length}`, `+${body.length}`, `-1`, `0x${body.length.toString(16)}`, ` ${body.length}`, `${body.length} `, `00${body.length}`, "99999999999999999999", "1e3", ""]));
      break;
    case 6:
    case 7:
      te("chunked");
      encoded = chunked(r, body);
      break;
    case 8:
      te("chunked");
      cl(r.pick([body.length, 0, 5]));
      encoded = chunked(r, body);
      break;
    case 9:
      te(r.pick(["chunked, chunked", "Chunked", " chunked", "chunked\t", "gzip, chunked", "identity", "xchunked", "chunked;q=1", "chunked, identity", "", "\u00e7hunked"]));
      encoded = r.chance(0.5) ? chunked(r, body) : body;
      if (r.chance(0.3)) cl(body.length);
      break;
    case 10:
      te("chunked");
      te(r.pick(["chunked", "identity", "gzip"]));
      encoded = chunked(r, body);
      break;
    case 11:
      // obs-fold: a header line continued on the next
      headers.push([r.pick(["Transfer-Encoding", "Content-Length"]), `\r\n ${r.chance(0.5) ? "chunked" : body.length}`]);
      encoded = r.chance(0.5) ? chunked(r, body) : body;
      break;
    case 12:
      cl(body.length);
      headers.push(["Connection", r.pick(["Content-Length", "keep-alive, Content-Length", "close, content-length"])]);
      break;
    case 13:
      te("chunked");
      headers.push(["Connection", r.pick(["Transfer-Encoding", "keep-alive, transfer-encoding", "TE, Transfer-Encoding"])]);
      encoded = chunked(r, body);
      break;
  }
  if (r.chance(0.2)) headers.push(["Connection", r.pick(["keep-alive", "close", "Content-Length", "Transfer-Encoding", "Host", "X-Fuzz-Id", "TE, Trailer", "Upgrade", "", "keep-alive, Upgrade, Content-Length"])]);
  if (r.chance(0.05)) headers.push(["Expect", "100-continue"]);
  if (r.chance(0.05)) headers.push(["Upgrade", "websocket"], ["Connection", "Upgrade"], ["Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="], ["Sec-WebSocket-Version", "13"]);
  if (r.chance(0.05)) headers.push(["X-Forwarded-For", "10.0.0.1"]);
  if (r.chance(0.05)) headers.push(["X-Long", "v".repeat(r.int(1000, 20_000))]);
  if (r.chance(0.05)) headers.push([r.pick(["X-Bad Name", "X-Bad:Name", "", " X-Lead", "X-Nul\u0000"]), "1"]);
  if (r.chance(0.05)) headers.push(["X-Value", r.pick(["a\u0000b", "a\rb", "caf\u00e9", "a\u007fb", "a\nX-Injected: 1"])]);
  for (let i = headers.length - 1; i > 0 && r.chance(0.3); i--) {
    const j = r.int(0, i);
    [headers[i], headers[j]] = [headers[j], headers[i]];
  }

  const eol = r.chance(0.05) ? "\n" : "\r\n";
  let bytes = `${method} ${target} ${version}${eol}${headers.map(([h, v]) => `${h}: ${v}${eol}`).join("")}${eol}${encoded}`;
  // a well-formed request after it on the same connection: pipelining, which is legal
  if (r.chance(0.2)) bytes += plainRequest(r, proxyHost, id());
  // byte-level mutations
  for (let m = r.chance(0.15) ? r.int(1, 3) : 0; m > 0; m--) {
    const at = r.int(0, bytes.length);
    const op = r.int(0, 3);
    if (op === 0) bytes = bytes.slice(0, at) + bytes.slice(at + r.int(1, 5));
    else if (op === 1) bytes = bytes.slice(0, at) + r.pick(["\r\n", "\n", "\r", " ", ":", "\u0000", "0", "\r\n\r\n"]) + bytes.slice(at);
    else if (op === 2) bytes = bytes.slice(0, at) + bytes.slice(at, at + r.int(1, 60)).repeat(2) + bytes.slice(at + 60);
    else bytes = bytes.slice(0, at) + String.fromCharCode(r.int(0, 255)) + bytes.slice(at + 1);
  }
  // a mutation may have changed an id: the connection may carry what its bytes name
  for (const v of bytes.match(ID) ?? []) ids.add(v);
  return { n, bytes, ids };
}

/** The upstream: answers every request (and upgrade attempt) with the target it saw, and records it. */
async function echoUpstream(onSeen: (url: string) => void, onParseError: (err: string) => void): Promise<{ server: Server; port: number }> {
  const answer = (req: IncomingMessage) => JSON.stringify({ url: req.url, id: req.headers["x-fuzz-id"] ?? null });
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    onSeen(req.url ?? "");
    let bytes = 0;
    req.on("data", (c: Buffer) => (bytes += c.length));
    req.on("end", () => {
      const body = answer(req).slice(0, -1) + `,"bytes":${bytes}}`;
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
    req.on("error", () => undefined);
  });
  server.on("upgrade", (req: IncomingMessage, socket) => {
    onSeen(req.url ?? "");
    const body = answer(req);
    socket.on("error", () => undefined);
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  server.on("clientError", (err: Error & { code?: string }, socket) => {
    // what the proxy sent did not parse: the two ends of that connection disagree on framing
    if (err.code?.startsWith("HPE_") && err.code !== "HPE_INVALID_EOF_STATE") onParseError(`${err.code}: ${err.message}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Sends `bytes` on a new connection; resolves with what came back once the socket closed or went quiet. */
function exchange(port: number, bytes: string, touched: () => number): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1");
    let text = "";
    let last = Date.now();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(timer);
      sock.destroy();
      resolve(text);
    };
    const started = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      if (now - Math.max(last, touched()) >= QUIET_MS || now - started > CASE_MS) finish();
    }, QUIET_MS / 4);
    sock.setEncoding("latin1");
    sock.on("data", (d: string) => {
      text += d;
      last = Date.now();
    });
    sock.on("connect", () => sock.write(bytes, "latin1"));
    sock.on("close", finish);
    sock.on("error", finish);
  });
}

/** The victim: a plain GET on its own connection; resolves with status and body (or the error). */
function victim(port: number, id: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: `/api/v/${id}`, headers: { "X-Fuzz-Id": id }, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
      res.on("error", (e) => resolve({ status: 0, body: String(e) }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error("no answer within 10 s")));
    req.on("error", (e) => resolve({ status: 0, body: String(e) }));
    req.end();
  });
}

describe("proxy fuzz: framing and targets", function () {
  this.timeout(SECONDS * 1000 + 60_000);

  it(`every response reaches its client, and the upstream sees only requests clients sent (seed ${SEED}, ${SECONDS} s)`, async () => {
    /** Targets the upstream received, by case, and when a case last saw one. */
    const seenBy = new Map<number, string[]>();
    const lastSeen = new Map<number, number>();
    const parseErrors: string[] = [];
    const up = await echoUpstream(
      (url) => {
        const n = Number(/q(\d+)_/.exec(url)?.[1] ?? -1);
        (seenBy.get(n) ?? seenBy.set(n, []).get(n)!).push(url);
        lastSeen.set(n, Date.now());
      },
      (err) => parseErrors.push(err),
    );
    const upstreamHost = `127.0.0.1:${up.port}`;
    /** Paths the proxy handled as requests (its log), and who waits for one. */
    const logged = new Set<string>();
    const waiting = new Map<string, () => void>();
    const table = buildTable(await topologyOf(viteConfig(`{ '/api': 'http://${upstreamHost}', '/other': { target: 'http://${upstreamHost}', changeOrigin: true } }`)), { frontend: `http://${upstreamHost}` });
    const proxy = new DevProxy({
      table,
      port: 0,
      onRequest: (r) => {
        logged.add(r.path);
        waiting.get(r.path)?.();
      },
    });
    const p = { port: await proxy.listen(), stop: () => proxy.stop(1000) };
    const proxyHost = `127.0.0.1:${p.port}`;
    const failures: string[] = [];
    let cases = 0;
    const deadline = Date.now() + SECONDS * 1000;

    /** Whether the proxy logs `url` as a request (its log line comes when its response is over: waited for, up to 2 s). */
    const wasLogged = async (url: string) => {
      if (logged.has(url)) return true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        waiting.set(url, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      waiting.delete(url);
      return logged.has(url);
    };

    const runCase = async (c: Case) => {
      const fail = (why: string) => failures.push(`seed ${SEED}, case ${c.n}: ${why}\n  sent: ${JSON.stringify(c.bytes.length > 4000 ? c.bytes.slice(0, 4000) + "…" : c.bytes)}`);
      const got = await exchange(p.port, c.bytes, () => lastSeen.get(c.n) ?? 0);
      for (const id of got.match(ID) ?? []) if (!c.ids.has(id)) fail(`the attacker's connection carried another request's answer (${id}): ${JSON.stringify(got.slice(0, 600))}`);
      const vid = `q${c.n}_v`;
      const v = await victim(p.port, vid);
      if (v.status !== 200) fail(`the victim got ${v.status}: ${v.body.slice(0, 300)}`);
      else {
        let echoed: { url?: string; id?: string } = {};
        try {
          echoed = JSON.parse(v.body);
        } catch {
          // not JSON: reported below
        }
        if (echoed.url !== `/api/v/${vid}` || echoed.id !== vid) fail(`the victim got another answer: ${v.body.slice(0, 300)}`);
      }
      // every target the upstream saw for this case is one the proxy took as a request
      const seen = seenBy.get(c.n) ?? [];
      seenBy.delete(c.n);
      lastSeen.delete(c.n);
      for (const url of seen) if (!(await wasLogged(url))) fail(`the upstream received ${JSON.stringify(url)}, which no client sent as a request`);
    };

    const worker = async (w: number) => {
      const r = random(SEED + w * 0x9e3779b9);
      for (let i = 0; Date.now() < deadline && failures.length === 0; i++) {
        const c = attack(r, i * WORKERS + w, proxyHost, upstreamHost);
        await runCase(c);
        cases++;
      }
    };
    try {
      await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      // what reached the upstream after its case was checked, or with no case id at all
      for (const [n, urls] of seenBy) for (const url of urls) if (!(await wasLogged(url))) failures.push(`seed ${SEED}, case ${n}: the upstream received ${JSON.stringify(url)} after the case's checks, and no client sent it as a request`);
      for (const e of parseErrors) failures.push(`seed ${SEED}: the upstream could not parse what the proxy sent: ${e}`);
      assert.ok(cases > 50, `only ${cases} cases ran`);
      assert.deepEqual(failures.slice(0, 5), [], `${failures.length} failures in ${cases} cases (seed ${SEED}; FUZZ_SEED=${SEED} repeats the run)`);
    } finally {
      await p.stop();
      up.server.closeAllConnections();
      await new Promise<void>((resolve) => up.server.close(() => resolve()));
    }
  });
});
