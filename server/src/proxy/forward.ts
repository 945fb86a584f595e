/**
 * Forwards one HTTP request to its upstream over the keep-alive pool and streams both bodies with
 * back-pressure (`pipe`: a slow side pauses the other, nothing is buffered whole). Failures:
 * refused/reset before the response → 502 page, no response headers in time → 504 page; the
 * upstream dying mid-response destroys the client's connection (the browser sees the response
 * fail instead of hanging); the client going away destroys the upstream request. A request
 * without a body that lost a race with an idle keep-alive socket closing is sent once more.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import { downstreamHeaders, upstreamHeaders, type ResponseContext } from "./headers";
import { describeError, sendFailure } from "./pages";
import type { Pools } from "./pools";
import type { ProxyRoute, Target } from "./table";

export interface ForwardContext {
  pools: Pools;
  /** How long to wait for an upstream's response headers before answering 504. */
  headersTimeoutMs: number;
}

/** Called once per request when the client's response is over (sent, failed or abandoned). */
export type Finished = (status: number, error: string | undefined) => void;

/**
 * Sends `req` to `target` (through `route`, or the fallback when undefined), `routeName` being
 * how pages and logs name the route; `host` is the client's (checked) `Host`.
 */
export function forward(req: IncomingMessage, res: ServerResponse, route: ProxyRoute | undefined, target: Target, routeName: string, host: string, ctx: ForwardContext, finished: Finished): void {
  const pool = ctx.pools.get(target);
  let path = req.url!;
  const strip = route?.rewriteStrips;
  if (strip !== undefined && path.startsWith(strip)) {
    path = path.slice(strip.length);
    if (path.charCodeAt(0) !== 47) path = "/" + path;
  }
  if (target.path) path = target.path + path;
  const { headers, body } = upstreamHeaders(req, route ?? { target, changeOrigin: false }, false);
  const rctx: ResponseContext = { route, target, host };
  let upReq: ClientRequest;
  let timedOut = false;
  let error: string | undefined;
  let retried = false;

  const send = () => {
    upReq = pool.send({ agent: pool.agent, hostname: target.hostname, port: target.port, method: req.method, path, headers });
    const timer = setTimeout(() => {
      timedOut = true;
      upReq.destroy();
    }, ctx.headersTimeoutMs);
    upReq.on("response", (upRes: IncomingMessage) => {
      clearTimeout(timer);
      if (res.destroyed) {
        upReq.destroy();
        return;
      }
      res.writeHead(upRes.statusCode!, upRes.statusMessage, downstreamHeaders(upRes.rawHeaders, rctx));
      upRes.on("close", () => {
        if (!upRes.complete && !res.writableFinished) {
          error = "the upstream closed the connection mid-response";
          res.destroy();
        }
      });
      upRes.pipe(res);
    });
    upReq.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      // an idle pooled socket the upstream closed just as it was reused: nothing was processed
      if (!body && !retried && !timedOut && upReq.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE")) {
        retried = true;
        send();
        return;
      }
      const reason = describeError(err, timedOut);
      error = `${target.url}: ${reason}`;
      sendFailure(req, res, { status: timedOut ? 504 : 502, route: routeName, target: target.url, reason, hint: target.hint });
    });
    if (body) req.pipe(upReq);
    else upReq.end();
  };

  res.on("close", () => {
    if (!res.writableFinished) {
      upReq.destroy();
      error ??= "the client went away";
    }
    finished(res.statusCode, error);
  });
  send();
}
