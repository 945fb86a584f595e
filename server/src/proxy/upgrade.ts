/**
 * WebSocket (and any HTTP/1.1 `Upgrade`) proxying: the upgrade request goes to the upstream on a
 * connection of its own; once the upstream answers 101, its answer is written to the client and
 * the two sockets are piped into each other until either side closes. An upstream that declines
 * (any other status) has its answer passed back; one that is down gets a 502 and the socket ends.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Duplex } from "node:stream";
import { upstreamHeaders } from "./headers";
import { describeError, rawResponse } from "./pages";
import { loopbackLookup } from "./lookup";
import type { ProxyRoute, Target } from "./table";
import { upstreamPath } from "./upstream-path";

/**
 * Proxies an upgrade to `target`; `track` is given each socket pair once connected (so a stop can
 * end them) and `finished` the status once the exchange is decided.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  route: ProxyRoute | undefined,
  target: Target,
  track: (client: Duplex, upstream: Duplex) => void,
  finished: (status: number, error: string | undefined) => void,
): void {
  const path = upstreamPath(req.url!, route, target);
  const { headers } = upstreamHeaders(req, route ?? { target, changeOrigin: false }, true);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const options: RequestOptions & { autoSelectFamily: boolean } = { agent: false, hostname: target.hostname, port: target.port, method: req.method, path, headers, autoSelectFamily: true, lookup: loopbackLookup as RequestOptions["lookup"] };
  const upReq = send(options);
  let done = false;
  const onClientGone = () => {
    if (!done) upReq.destroy();
  };
  socket.on("error", onClientGone);
  socket.on("close", onClientGone);

  upReq.on("upgrade", (upRes: IncomingMessage, upSocket: Duplex, upHead: Buffer) => {
    done = true;
    if (socket.destroyed) {
      upSocket.destroy();
      return;
    }
    let text = `HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage}\r\n`;
    const raw = upRes.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
    socket.write(text + "\r\n");
    if (upHead.length) socket.write(upHead);
    if (head.length) upSocket.write(head);
    for (const s of [socket, upSocket] as (Duplex & { setNoDelay?: (b: boolean) => void; setTimeout?: (n: number) => void })[]) {
      s.setNoDelay?.(true);
      s.setTimeout?.(0);
    }
    const end = () => {
      socket.destroy();
      upSocket.destroy();
    };
    upSocket.on("error", end);
    upSocket.on("close", end);
    socket.on("error", end);
    socket.on("close", end);
    upSocket.pipe(socket);
    socket.pipe(upSocket);
    track(socket, upSocket);
    finished(upRes.statusCode ?? 101, undefined);
  });

  upReq.on("response", (upRes: IncomingMessage) => {
    // the upstream did not switch protocols: pass its answer back and end the connection
    done = true;
    let text = `HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage}\r\n`;
    const raw = upRes.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const l = raw[i].toLowerCase();
      if (l === "connection" || l === "transfer-encoding" || l === "keep-alive") continue;
      text += `${raw[i]}: ${raw[i + 1]}\r\n`;
    }
    // the body (decoded) ends with the connection
    socket.write(text + "Connection: close\r\n\r\n");
    upRes.pipe(socket);
    finished(upRes.statusCode ?? 502, undefined);
  });

  upReq.on("error", (err: NodeJS.ErrnoException) => {
    if (done) return;
    done = true;
    const reason = describeError(err, false);
    if (!socket.destroyed) socket.end(rawResponse(502, "Bad Gateway", `CORS Doctor's dev proxy could not reach ${target.url} for ${req.url}: ${reason}. Start it: ${target.hint}`));
    finished(502, `${target.url}: ${reason}`);
  });
  upReq.end();
}
