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
import type { Dispatcher } from "undici";
import { downstreamHeaders, upstreamHeaders, type ResponseContext } from "./headers";
import { describeError, sendFailure, sendRefusal } from "./pages";
import type { Pools, Upstream } from "./pools";
import type { ProxyRoute, Target } from "./table";
import { upstreamPath } from "./upstream-path";

/** Called once per request when the client's response is over (sent, failed or abandoned). */
export type Finished = (status: number, error: string | undefined) => void;

const TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);
const STALE = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);
/** A status text Node will write (its own check); another is replaced by Node's standard text. */
const STATUS_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Sends `req` to `target` (through `route`, or the fallback when undefined), `routeName` being
 * how pages and logs name the route; `host` is the client's (checked) `Host`.
 */
export function forward(req: IncomingMessage, res: ServerResponse, route: ProxyRoute | undefined, target: Target, routeName: string, host: string, pools: Pools, finished: Finished): void {
  const path = upstreamPath(req.url!, route, target);
  const { headers, body } = upstreamHeaders(req, route ?? { target, changeOrigin: false }, false);
  const handler = new Forwarding(req, res, { route, target, host }, routeName, finished);
  handler.options = { method: req.method as Dispatcher.HttpMethod, path, headers, body: body ? req : null };
  handler.upstream = pools.get(target);
  res.on("close", handler.onClose);
  handler.upstream.dispatch(handler.options, handler);
}

/** One request's journey, as undici's dispatch handler (one object per request, no closures). */
class Forwarding implements Dispatcher.DispatchHandler {
  options!: Dispatcher.DispatchOptions;
  upstream!: Upstream;
  private abort: ((err?: Error) => void) | undefined;
  private resume: (() => void) | undefined;
  private error: string | undefined;
  private retried = false;
  private onDrain: (() => void) | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly ctx: ResponseContext,
    private readonly routeName: string,
    private readonly finished: Finished,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    if (this.res.destroyed) abort();
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean {
    if (status < 200) return true; // informational (100, 103): the client gets the final answer only
    this.resume = resume;
    const headers = downstreamHeaders(raw, this.ctx);
    try {
      if (statusText && STATUS_TEXT.test(statusText)) this.res.writeHead(status, statusText, headers);
      else this.res.writeHead(status, headers);
    } catch (err) {
      // a header Node refuses to write: nothing was sent; undici aborts, onError answers 502
      this.res.statusMessage = "";
      throw err;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    // the client is slower than the upstream: pause the upstream until the client drains
    if (!this.onDrain) this.res.on("drain", (this.onDrain = () => this.resume?.()));
    return false;
  }

  onComplete(): void {
    this.res.end();
  }

  onError(err: Error & { code?: string }): void {
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
    if (!this.retried && this.options.body === null && (this.options.method === "GET" || this.options.method === "HEAD") && STALE.has(code)) {
      this.retried = true;
      this.upstream.dispatch(this.options, this);
      return;
    }
    if (code === "UND_ERR_INVALID_ARG" || code === "UND_ERR_NOT_SUPPORTED") {
      this.error = `not forwarded: ${err.message}`;
      sendRefusal(res, 400, `CORS Doctor's dev proxy cannot forward this request: ${err.message}`);
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
      this.abort?.();
      this.error ??= "the client went away";
    }
    this.finished(this.res.statusCode, this.error);
  };
}
