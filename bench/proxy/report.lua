-- wrk script of `npm run bench:proxy`: when the run ends, prints one line `WRK_JSON {...}` with
-- requests, bytes, duration, socket errors, responses with status >= 400, and latency percentiles
-- in microseconds, for bench/proxy/run.mjs to parse.
--
-- It defines no response() callback on purpose: with one, wrk copies every body into Lua and
-- becomes the bottleneck (measured: direct node 1 KB fell from ~58k to ~25k req/s). Non-2xx
-- responses are caught by wrk's own status counter (>= 400) plus run.mjs's check that every
-- response wrk counted was answered by the backend (the backends answer 200 only).

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"bytes":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.bytes, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
