/**
 * Preloaded into the proxies under test (`node --require bench/proxy/count-connections.cjs …`,
 * for Vite's dev server and for ours alike) to count the TCP connections each of their listening
 * servers accepts, keyed by port: that is how the bench sees whether the browser-side connection
 * is kept alive, without touching either proxy's code. The only cost inside the measured process
 * is one extra 'connection' listener per server (a counter increment per accepted connection).
 *
 * The counts are served as JSON on 127.0.0.1:$CORS_DOCTOR_BENCH_STATS_PORT, by a server created
 * before the hook is installed, so it never counts itself.
 */
"use strict";
const http = require("node:http");
const net = require("node:net");

const statsPort = Number(process.env.CORS_DOCTOR_BENCH_STATS_PORT);
if (statsPort) {
  const accepted = {};
  const stats = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", connection: "close" });
    res.end(JSON.stringify({ pid: process.pid, accepted }));
  });
  stats.listen(statsPort, "127.0.0.1");
  stats.unref();

  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function countedListen(...args) {
    if (!this.corsDoctorBenchCounted) {
      this.corsDoctorBenchCounted = true;
      this.once("listening", () => {
        const address = this.address();
        if (!address || typeof address === "string") return;
        const key = String(address.port);
        accepted[key] ??= 0;
        this.on("connection", () => accepted[key]++);
      });
    }
    return listen.apply(this, args);
  };
}
