/** Header rewriting on the way up, on a request as Node's parser hands it over. */
import { strict as assert } from "node:assert";
import type { IncomingMessage } from "node:http";
import { upstreamHeaders } from "../../server/src/proxy/headers";
import { parseTarget } from "../../server/src/proxy/table";

function request(rawHeaders: string[]): IncomingMessage {
  return { rawHeaders, headers: {}, socket: { remoteAddress: "127.0.0.1" } } as unknown as IncomingMessage;
}

describe("proxy upstream headers", () => {
  it("a client's Connection list drops its own headers, never the Host and X-Forwarded-* the proxy sets", () => {
    const req = request(["Host", "127.0.0.1:5180", "Connection", "keep-alive, X-Forwarded-For, Host, X-Forwarded-Host, X-Forwarded-Proto, X-Secret", "X-Secret", "1", "Accept", "*/*"]);
    const route = { target: parseTarget("http://127.0.0.1:8000", "")!, changeOrigin: true };
    const { headers } = upstreamHeaders(req, route, false);
    const pairs: [string, string][] = [];
    for (let i = 0; i < headers.length; i += 2) pairs.push([headers[i], headers[i + 1]]);
    assert.deepEqual(pairs, [
      ["Accept", "*/*"],
      ["Host", "127.0.0.1:8000"],
      ["X-Forwarded-For", "127.0.0.1"],
      ["X-Forwarded-Proto", "http"],
      ["X-Forwarded-Host", "127.0.0.1:5180"],
    ]);
  });

  it("a Connection list naming Content-Length or Transfer-Encoding removes no framing: the proxy frames what it sends", () => {
    const route = { target: parseTarget("http://127.0.0.1:8000", "")!, changeOrigin: false };
    const sent = (raw: string[]) => {
      const { headers, body } = upstreamHeaders(request(["Host", "127.0.0.1:5180", ...raw]), route, false);
      const framing: string[] = [];
      for (let i = 0; i < headers.length; i += 2) if (/^(content-length|transfer-encoding|connection)$/i.test(headers[i])) framing.push(`${headers[i]}: ${headers[i + 1]}`);
      return { framing, body };
    };
    assert.deepEqual(sent(["Connection", "keep-alive, Content-Length", "Content-Length", "51"]), { framing: ["Content-Length: 51"], body: "length" });
    assert.deepEqual(sent(["Content-Length", "007", "Connection", "content-length"]), { framing: ["Content-Length: 7"], body: "length" });
    assert.deepEqual(sent(["Content-Length", "0", "Connection", "Content-Length"]), { framing: ["Content-Length: 0"], body: "none" });
    // chunked: the pool writes `Transfer-Encoding: chunked` itself, and no length goes with it
    assert.deepEqual(sent(["Connection", "Transfer-Encoding", "Transfer-Encoding", "chunked"]), { framing: [], body: "chunked" });
    assert.deepEqual(sent(["Transfer-Encoding", "chunked", "Content-Length", "5"]), { framing: [], body: "chunked" });
  });
});
