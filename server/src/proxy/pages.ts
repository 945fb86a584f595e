/**
 * The proxy's own answers: the 502/504 page when an upstream is down or silent (HTML for a
 * browser, JSON when the request accepts JSON), naming the route, the target and how to start
 * it; and the short refusals (403 foreign Host, 400 absolute-form, 405 CONNECT, 404).
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface FailureInfo {
  status: 502 | 504;
  /** The route key, or `(frontend)` / `(static)`. */
  route: string;
  target: string;
  /** What happened, in words: "connection refused". */
  reason: string;
  hint: string;
}

/** A Node error code in words. */
export function describeError(err: NodeJS.ErrnoException | undefined, timedOut: boolean): string {
  if (timedOut) return "no response in time";
  switch (err?.code) {
    case "ECONNREFUSED":
      return "connection refused (nothing listens there)";
    case "ECONNRESET":
      return "connection reset";
    case "UPSTREAM_CLOSED":
      return "the upstream closed the connection without answering";
    case "UPSTREAM_BAD_RESPONSE":
      return `the response could not be read: ${err.message}`;
    case "CONNECT_TIMEOUT":
      return "connection timed out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "ETIMEDOUT":
      return "connection timed out";
    default:
      return err?.message ?? "upstream failed";
  }
}

/** Whether the request is a browser's page load (HTML) rather than an API call. */
export function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return typeof accept === "string" && accept.includes("text/html");
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Sends the 502/504 page. */
export function sendFailure(req: IncomingMessage, res: ServerResponse, info: FailureInfo): void {
  const title = info.status === 504 ? "504 Gateway Timeout" : "502 Bad Gateway";
  if (wantsHtml(req)) {
    const body = `<!doctype html><meta charset="utf-8"><title>${title}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:42em;margin:3em auto;padding:0 1em}code{background:#eee;padding:.1em .3em}</style>
<h1>${title}</h1>
<p>CORS Doctor's dev proxy could not reach <code>${escape(info.target)}</code> for <code>${escape(req.url ?? "")}</code> (route <code>${escape(info.route)}</code>): ${escape(info.reason)}.</p>
<p>Start it: <code>${escape(info.hint)}</code></p>\n`;
    send(res, info.status, "text/html; charset=utf-8", body);
  } else {
    const body = JSON.stringify({ error: title, route: info.route, target: info.target, reason: info.reason, hint: info.hint, proxy: "cors-doctor" });
    send(res, info.status, "application/json", body + "\n");
  }
}

/** A short plain-text refusal; `close` ends the connection after it. */
export function sendRefusal(res: ServerResponse, status: number, message: string, close = false): void {
  if (close) res.shouldKeepAlive = false;
  send(res, status, "text/plain; charset=utf-8", message + "\n");
}

/**
 * Never throws: a `writeHead` that already failed (an upstream status text with a bad character)
 * left its `statusMessage` behind, which would fail this one too; and if this one fails anyway,
 * the connection is destroyed so the client sees an error instead of waiting forever.
 */
function send(res: ServerResponse, status: number, type: string, body: string): void {
  try {
    res.statusMessage = "";
    res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  } catch {
    res.destroy();
    return;
  }
  res.end(body);
}

/** A raw HTTP/1.1 answer on a socket (CONNECT and refused upgrades have no ServerResponse). */
export function rawResponse(status: number, reason: string, message: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message) + 1}\r\nConnection: close\r\n\r\n${message}\n`;
}
