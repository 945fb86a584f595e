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
});
