/**
 * Forwards one HTTP request to its upstream over the keep-alive pool, streaming both bodies with
 * back-pressure: the request body is handed to the pool as a stream (a slow upstream pauses the
 * client), and a response chunk the client cannot take yet pauses the upstream until `drain`.
 * Failures: refused/reset before the response → 502 page, no response headers in time → 504
 * page; the upstream dying mid-response destroys the client's connection (the browser sees the
 * response fail instead of hanging); the client going away aborts the upstream request. A GET or
 * HEAD that lost a race with an idle keep-alive connection closing is sent once more.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { downstreamHeaders, upstreamHeaders, type ResponseContext } from "./headers";
import { describeError, sendFailure } from "./pages";
import type { Exchange, ExchangeHandler, Pools, Upstream, UpstreamRequest } from "./pools";
import type { ProxyRoute, Target } from "./table";
import { upstreamPath } from "./upstream-path";

/** Called once per request when the client's response is over (sent, failed or abandoned). */
export type Finished = (status: number, error: string | undefined) => void;

const TIMEOUTS = new Set(["HEADERS_TIMEOUT", "CONNECT_TIMEOUT", "ETIMEDOUT"]);
/** Failures of a reused connection before any answer: the upstream closed it as it was reused. */
const STALE = new Set(["ECONNRESET", "EPIPE", "UPSTREAM_CLOSED"]);
/** A status text Node will write (its own check); another is replaced by Node's standard text. */
const STATUS_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Sends `req` to `target` (through `route`, or the fallback when undefined), `routeName` being
 * how pages and logs name the route; `host` is the client's (checked) `Host`.
 */
export function forward(req: IncomingMessage, res: ServerResponse, route: ProxyRoute | undefined, target: Target, routeName: string, host: string, pools: Pools, finished: Finished): void {
  const path = upstreamPath(req.url!, route, target);
  const handler = new Forwarding(req, res, { route, target, host }, routeName, finished);
  res.on("close", handler.onClose);
  // the request line and headers go up as they are: Node's parser admitted no space or control
  // character in the client's target or headers, and a target's own path is URL-encoded
  const { headers, body } = upstreamHeaders(req, route ?? { target, changeOrigin: false }, false);
  handler.request = { method: req.method!, path, headers, body, req };
  handler.upstream = pools.get(target);
  handler.exchange = handler.upstream.send(handler.request, handler);
}

/** One request's journey (one object per request, no closures). */
class Forwarding implements ExchangeHandler {
  request!: UpstreamRequest;
  upstream!: Upstream;
  exchange: Exchange | undefined;
  error: string | undefined;
  private retried = false;
  private onDrain: (() => void) | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly ctx: ResponseContext,
    private readonly routeName: string,
    private readonly finished: Finished,
  ) {}

  onHeaders(status: number, raw: string[], statusText: string): void {
    const headers = downstreamHeaders(raw, this.ctx);
    try {
      if (statusText && STATUS_TEXT.test(statusText)) this.res.writeHead(status, statusText, headers);
      else this.res.writeHead(status, headers);
    } catch (err) {
      // a header Node refuses to write: nothing was sent; the client gets a 502, the connection closes
      this.res.statusMessage = "";
      const exchange = this.exchange;
      const target = this.ctx.target;
      this.error = `${target.url}: the response has a header Node will not pass on (${(err as Error).message})`;
      sendFailure(this.req, this.res, { status: 502, route: this.routeName, target: target.url, reason: "the response has a header that cannot be passed on", hint: target.hint });
      exchange?.abort();
    }
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    // the client is slower than the upstream: pause the upstream until the client drains
    if (!this.onDrain) this.res.on("drain", (this.onDrain = () => this.exchange?.resume()));
    return false;
  }

  onComplete(): void {
    this.res.end();
  }

  onError(err: Error & { code?: string }, responseStarted: boolean): void {
    const res = this.res;
    if (res.destroyed || this.req.socket.destroyed) {
      this.error ??= "the client went away";
      res.destroy();
      return;
    }
    if (res.headersSent) {
      if (!res.writableEnded) {
        this.error ??= "the upstream closed the connection mid-response";
        res.destroy();
      }
      return;
    }
    const code = err.code ?? "";
    // an idle pooled connection the upstream closed just as it was reused: nothing was processed
    if (!this.retried && !responseStarted && this.exchange?.onReused && this.request.body === "none" && (this.request.method === "GET" || this.request.method === "HEAD") && STALE.has(code)) {
      this.retried = true;
      this.exchange = this.upstream.send(this.request, this);
      return;
    }
    const timedOut = TIMEOUTS.has(code);
    const reason = describeError(err, timedOut);
    const target = this.ctx.target;
    this.error = `${target.url}: ${reason}`;
    sendFailure(this.req, res, { status: timedOut ? 504 : 502, route: this.routeName, target: target.url, reason, hint: target.hint });
  }

  /**
   * The client's response is over: abort the upstream request if it is not, and log. A response
   * whose end was handed to the socket counts as delivered (a client that read it all may close
   * before the write's callback runs).
   */
  readonly onClose = (): void => {
    if (!this.res.writableEnded) {
      this.exchange?.abort();
      this.error ??= "the client went away";
    }
    this.finished(this.res.statusCode, this.error);
  };
}
