/**
 * The bare `node:http` backend of `npm run bench:proxy`: `GET /napi/items` answers the 1 KB JSON
 * document, `GET /napi/big` the 1 MiB body, anything else 404. It counts the TCP connections it
 * accepts and the requests it answers, and tells them on a second port (GET any path → JSON), so
 * asking never adds a connection to the count being measured.
 *
 * Usage: node bench/proxy/backend-node.mjs   → prints `{"port":P,"statsPort":S}` once listening.
 */
import { createServer } from "node:http";
import { big, items } from "./payload.mjs";

const json = Buffer.from(JSON.stringify(items()));
const bytes = big();
const stats = { connections: 0, requests: 0 };

const server = createServer((req, res) => {
  stats.requests++;
  if (req.url === "/napi/items") {
    res.writeHead(200, { "content-type": "application/json", "content-length": json.length });
    res.end(json);
  } else if (req.url === "/napi/big") {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    res.end(bytes);
  } else {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  }
});
server.on("connection", () => stats.connections++);

const statsServer = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify(stats));
});

await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
await new Promise((resolve) => statsServer.listen(0, "127.0.0.1", resolve));
process.stdout.write(JSON.stringify({ port: server.address().port, statsPort: statsServer.address().port }) + "\n");
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
