/**
 * The upstream response parser on bytes: framing (Content-Length, chunked, until close, none),
 * interim answers, keep-alive, malformed heads, and the same events wherever the chunks split.
 */
import { strict as assert } from "node:assert";
import { BadResponseError, MAX_HEAD_BYTES, ResponseParser } from "../../server/src/proxy/response-parser";

type Event = ["head", number, string, string[], boolean] | ["body", string] | ["end"];

/** Unpooled bytes: a body piece sharing `.buffer` with its input is then a slice, never a pooled copy. */
function bytes(text: string): Buffer {
  const buf = Buffer.alloc(text.length);
  buf.write(text, "latin1");
  return buf;
}

/** A started parser and what it reported: events (adjacent body pieces joined) and the raw body pieces. */
function parser(head = false) {
  const events: Event[] = [];
  const pieces: Buffer[] = [];
  const p = new ResponseParser({
    onHead: (status, text, raw, keepAlive) => events.push(["head", status, text, raw, keepAlive]),
    onBody: (chunk) => {
      pieces.push(chunk);
      const last = events[events.length - 1];
      if (last?.[0] === "body") last[1] += chunk.toString("latin1");
      else events.push(["body", chunk.toString("latin1")]);
    },
    onEnd: () => events.push(["end"]),
  });
  p.start(head);
  return { p, events, pieces };
}

/** Feeds `chunks` to a fresh parser; what it reported and where it stands. */
function parse(chunks: string[], head = false) {
  const { p, events } = parser(head);
  for (const c of chunks) p.execute(bytes(c));
  return { events, done: p.done, extra: p.extra };
}

/** Every way to feed `text`: whole, one byte at a time, and in two chunks split at each index. */
function feeds(text: string): [string, string[]][] {
  const out: [string, string[]][] = [["whole", [text]], ["byte by byte", [...text]]];
  for (let i = 1; i < text.length; i++) out.push([`split at ${i}`, [text.slice(0, i), text.slice(i)]]);
  return out;
}

/** The result of parsing `text`, after asserting every feed gives the same. */
function parseAnySplit(text: string, head = false) {
  const whole = parse([text], head);
  for (const [how, chunks] of feeds(text)) assert.deepEqual(parse(chunks, head), whole, how);
  return whole;
}

/** Asserts every feed of `text` throws a BadResponseError whose message matches `message`. */
function rejects(text: string, message: RegExp): void {
  for (const [how, chunks] of feeds(text)) {
    assert.throws(() => parse(chunks), (err) => err instanceof BadResponseError && err.code === "UPSTREAM_BAD_RESPONSE" && message.test(err.message), `${JSON.stringify(text)} ${how}`);
  }
}

/** A deterministic PRNG (mulberry32), so a failure replays. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OK = "HTTP/1.1 200 OK\r\n";
const CHUNKED = `${OK}Transfer-Encoding: chunked\r\n\r\n`;
const head = (status: number, text: string, raw: string[], keepAlive = true): Event => ["head", status, text, raw, keepAlive];

/** The keepAlive of the head reported first. */
function keepAliveOf(events: Event[]): boolean {
  const [first] = events;
  assert.ok(first?.[0] === "head", "no head");
  return first[4];
}

describe("proxy response parser", () => {
  it("reads a Content-Length body, in the head's chunk or after it, split anywhere", () => {
    assert.deepEqual(parseAnySplit(`${OK}Content-Length: 5\r\nX-A: b\r\n\r\nhello`), {
      events: [head(200, "OK", ["Content-Length", "5", "X-A", "b"]), ["body", "hello"], ["end"]],
      done: true,
      extra: false,
    });
  });

  it("ends a Content-Length: 0 response at its head, and counts a list of equal lengths once", () => {
    assert.deepEqual(parseAnySplit(`${OK}Content-Length: 0\r\n\r\n`).events, [head(200, "OK", ["Content-Length", "0"]), ["end"]]);
    for (const lengths of ["Content-Length: 5, 5", "Content-Length: 5\r\nContent-Length: 5"]) {
      assert.deepEqual(parse([`${OK}${lengths}\r\n\r\nhello`]).events.slice(1), [["body", "hello"], ["end"]], lengths);
    }
  });

  it("rejects conflicting and non-numeric Content-Length values", () => {
    for (const value of ["5, 6", "5\r\nContent-Length: 6", "abc", "-1", "+5", "0x5", "", "1 2", "5,", "1234567890123456"]) {
      rejects(`${OK}Content-Length: ${value}\r\n\r\n`, /Content-Length/);
    }
  });

  it("decodes a chunked body with extensions, uppercase hex and trailers (dropped), split anywhere", () => {
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const wire = `${CHUNKED}5;name="v"\r\nhello\r\n1A ; x\r\n${letters}\r\n0;last\r\nX-Trailer: 1\r\nY: 2\r\n\r\n`;
    assert.deepEqual(parseAnySplit(wire), {
      events: [head(200, "OK", ["Transfer-Encoding", "chunked"]), ["body", `hello${letters}`], ["end"]],
      done: true,
      extra: false,
    });
  });

  it("rejects bad chunk sizes, and chunk data longer than its size", () => {
    for (const size of ["", "x", "-1", "0x5", "+5", "5 5", "12345678901234"]) rejects(`${CHUNKED}${size}\r\nhello\r\n0\r\n\r\n`, /bad chunk size/);
    rejects(`${CHUNKED}3\r\nabcde\r\n0\r\n\r\n`, /longer than its size/);
  });

  it("decodes chunked beside Content-Length and does not reuse the connection", () => {
    for (const te of ["chunked", "gzip, chunked", "gzip\r\nTransfer-Encoding: chunked"]) {
      const { events, done } = parse([`${OK}Content-Length: 100\r\nTransfer-Encoding: ${te}\r\n\r\n2\r\nok\r\n0\r\n\r\n`]);
      assert.equal(keepAliveOf(events), false, te);
      assert.deepEqual([events.slice(1), done], [[["body", "ok"], ["end"]], true], te);
    }
  });

  it("reads a body under a transfer coding other than chunked until the connection closes", () => {
    for (const te of ["gzip", "chunked, gzip"]) {
      const { p, events } = parser();
      p.execute(bytes(`${OK}Transfer-Encoding: ${te}\r\nContent-Length: 3\r\n\r\n2\r\nabcdef`));
      p.execute(bytes("ghi"));
      assert.deepEqual([keepAliveOf(events), events.slice(1), p.done], [false, [["body", "2\r\nabcdefghi"]], false], te);
      assert.equal(p.closed(), true, te);
      assert.deepEqual([events[events.length - 1], p.done], [["end"], true], te);
    }
  });

  it("reads a response with no framing headers until the close, which ends it", () => {
    const { p, events } = parser();
    p.execute(bytes(`${OK}X-A: b\r\n\r\nsome`));
    p.execute(bytes(" more"));
    assert.deepEqual(events, [head(200, "OK", ["X-A", "b"], false), ["body", "some more"]]);
    assert.equal(p.closed(), true);
    assert.deepEqual([events.slice(2), p.done], [[["end"]], true]);
  });

  it("does not end a response the close cut short, and forgets it on the next start", () => {
    const cuts = ["", "HTTP/1.1 2", `${OK}Content-Length: 10\r\n\r\nhalf`, `${CHUNKED}5\r\nhel`, `${CHUNKED}0\r\n`];
    for (const cut of cuts) {
      const { p, events } = parser();
      p.execute(bytes(cut));
      assert.equal(p.started, cut !== "", JSON.stringify(cut));
      assert.equal(p.closed(), false, JSON.stringify(cut));
      assert.ok(!p.done && !events.some(([e]) => e === "end"), JSON.stringify(cut));
      p.start(false);
      assert.equal(p.started, false, JSON.stringify(cut));
    }
  });

  it("counts an interim answer as the response having begun", () => {
    const { p } = parser();
    p.execute(bytes("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"));
    assert.equal(p.started, true);
  });

  it("reads no body after HEAD, 204 or 304 whatever the headers say, then the next response on the same parser", () => {
    const cases: [boolean, string][] = [
      [true, `${OK}Content-Length: 5\r\n\r\n`],
      [false, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"],
      [false, "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"],
    ];
    for (const [isHead, wire] of cases) {
      assert.deepEqual(parseAnySplit(wire, isHead).events.slice(1), [["end"]], wire);
      const { p, events } = parser(isHead);
      p.execute(bytes(wire));
      p.start(false);
      assert.equal(p.started, false);
      p.execute(bytes(`${OK}Content-Length: 2\r\n\r\nok`));
      assert.deepEqual([events.slice(2), p.done, p.extra], [[head(200, "OK", ["Content-Length", "2"]), ["body", "ok"], ["end"]], true, false], wire);
    }
  });

  it("skips 100 and 103 interim answers and reports the final head", () => {
    const wire = `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n${OK}Content-Length: 2\r\n\r\nok`;
    assert.deepEqual(parseAnySplit(wire).events, [head(200, "OK", ["Content-Length", "2"]), ["body", "ok"], ["end"]]);
  });

  it("rejects a 101 nobody asked for", () => {
    rejects("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", /101/);
  });

  it("keeps an HTTP/1.1 connection unless it says close, and an HTTP/1.0 one only if it says keep-alive", () => {
    const cases: [string, string, boolean][] = [
      ["1.1", "", true],
      ["1.1", "Connection: keep-alive\r\n", true],
      ["1.1", "Connection: close\r\n", false],
      ["1.1", "Connection: Keep-Alive, Close\r\n", false],
      ["1.0", "", false],
      ["1.0", "Connection: keep-alive\r\n", true],
      ["1.0", "Connection: Upgrade, Keep-Alive\r\n", true],
      ["1.0", "Connection: keep-alive, close\r\n", false],
    ];
    for (const [version, headers, keepAlive] of cases) {
      const { events } = parse([`HTTP/${version} 200 OK\r\n${headers}Content-Length: 0\r\n\r\n`]);
      assert.equal(keepAliveOf(events), keepAlive, `HTTP/${version} ${JSON.stringify(headers)}`);
    }
  });

  it("lets a close in any Connection header win over a keep-alive in another (HTTP/1.0)", () => {
    const { events } = parse(["HTTP/1.0 200 OK\r\nConnection: close\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"]);
    assert.equal(keepAliveOf(events), false);
  });

  it("passes status text and header values through as latin1, an absent reason as empty", () => {
    const cases: [string, string][] = [
      ["HTTP/1.1 200", ""],
      ["HTTP/1.1 200 ", ""],
      ["HTTP/1.1 404 Not  Found ", "Not  Found "],
      ["HTTP/1.1 200 Ok \xe9\xa0\xff\x01", "Ok \u00e9\u00a0\u00ff\u0001"],
    ];
    for (const [line, text] of cases) {
      const { events } = parse([`${line}\r\nX-Name:   caf\xe9 au lait \r\nX-Empty:\r\nContent-Length: 0\r\n\r\n`]);
      assert.deepEqual(events[0], head(Number(line.slice(9, 12)), text, ["X-Name", "café au lait", "X-Empty", "", "Content-Length", "0"]), line);
    }
  });

  it("rejects bad status lines", () => {
    for (const line of ["", "HTTP/2 200 OK", "HTTP/1.2 200 OK", "http/1.1 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 099 OK", "HTTP/1.1 2000 OK", "HTTP/1.1  200 OK", "HTTP/1.1 200OK", "ICY 200 OK", "HTTP/1.1 200 OK\nX: y"]) {
      rejects(`${line}\r\nContent-Length: 0\r\n\r\n`, /status line/);
    }
  });

  it("rejects header lines without a colon, with space before it, or folded", () => {
    for (const line of ["NoColon", "Name : v", ": v", "Na me: v", " folded", "\tfolded: v", "X: a\nb", "X\n: a"]) {
      rejects(`${OK}X-A: b\r\n${line}\r\nContent-Length: 0\r\n\r\n`, /bad header line/);
    }
  });

  it("rejects a head over MAX_HEAD_BYTES, in one chunk or accumulated over many", () => {
    const big = `${OK}X-Big: ${"a".repeat(MAX_HEAD_BYTES)}`;
    assert.throws(() => parse([`${big}\r\n\r\n`]), /over 65536 bytes/);
    const { p } = parser();
    let fed = 0;
    assert.throws(() => {
      for (; fed <= MAX_HEAD_BYTES; fed += 1000) p.execute(bytes(big.slice(fed, fed + 1000)));
    }, /over 65536 bytes/);
    assert.equal(fed, Math.floor(MAX_HEAD_BYTES / 1000) * 1000, "threw once the head passed the limit, not before");
  });

  it("takes a head of exactly MAX_HEAD_BYTES wherever its end splits", () => {
    const start = `${OK}Content-Length: 0\r\nX-Pad: `;
    const full = `${start}${"a".repeat(MAX_HEAD_BYTES - start.length)}\r\n\r\n`;
    const want = parse([full]);
    assert.equal(want.done, true);
    for (let i = full.length - 8; i < full.length; i++) assert.deepEqual(parse([full.slice(0, i), full.slice(i)]), want, `split at ${i}`);
  });

  it("marks bytes after the end of a response as extra, until the next start", () => {
    for (const wire of [`${OK}Content-Length: 2\r\n\r\nok`, `${CHUNKED}2\r\nok\r\n0\r\n\r\n`]) {
      assert.equal(parse([wire]).extra, false, wire);
      assert.deepEqual(parse([`${wire}HTTP/1.1`]), parse([wire, "H"]), wire);
      const { p } = parser();
      p.execute(bytes(`${wire}X`));
      assert.deepEqual([p.done, p.extra], [true, true], wire);
      p.start(false);
      assert.equal(p.extra, false, wire);
    }
  });

  it("hands body bytes on as slices of the chunks read, never copies", () => {
    const framings: [string, string, number][] = [
      [`${OK}Content-Length: 10\r\n\r\n`, "hello", 0],
      [CHUNKED, "5\r\nhello\r\n", 3],
      [`${OK}\r\n`, "hello", 0],
    ];
    for (const [wireHead, rest, offset] of framings) {
      const { p, pieces } = parser();
      const first = bytes(`${wireHead}${rest}`);
      const second = bytes(rest);
      p.execute(first);
      p.execute(second);
      assert.equal(pieces[0].buffer, first.buffer, wireHead);
      assert.equal(pieces[0].byteOffset, wireHead.length + offset, wireHead);
      assert.equal(pieces[1].buffer, second.buffer, wireHead);
      assert.equal(pieces[1].byteOffset, offset, wireHead);
      assert.equal(pieces[1].length, 5, wireHead);
    }
  });

  it("hands on a 1 MiB body fed in random-size chunks byte for byte, with Content-Length or chunked", () => {
    const random = prng(0xc0de);
    const body = Buffer.alloc(1 << 20);
    for (let i = 0; i < body.length; i++) body[i] = random() * 256;
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; ) {
      const n = Math.min(body.length - at, 1 + Math.floor(random() * 9000));
      chunks.push(bytes(`${n.toString(16)}\r\n`), body.subarray(at, (at += n)), bytes("\r\n"));
    }
    const wires = {
      "Content-Length": Buffer.concat([bytes(`${OK}Content-Length: ${body.length}\r\n\r\n`), body]),
      chunked: Buffer.concat([bytes(CHUNKED), ...chunks, bytes("0\r\n\r\n")]),
    };
    for (const [framing, wire] of Object.entries(wires)) {
      const { p, pieces } = parser();
      for (let at = 0; at < wire.length; ) p.execute(wire.subarray(at, (at += 1 + Math.floor(random() * 20000))));
      assert.ok(Buffer.concat(pieces).equals(body), framing);
      assert.deepEqual([p.done, p.extra], [true, false], framing);
    }
  });
});
