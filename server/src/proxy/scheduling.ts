/**
 * The proxy yields the CPU to the servers it fronts. Where it shares a core with a backend (a
 * laptop under load, or a pinned benchmark), every write of the backend (uvicorn writes the
 * headers and the body of a response separately) would otherwise wake the proxy, which preempts
 * the backend mid-response to handle a fragment: twice the wake-ups and half-empty reads on both
 * sides. Linux's SCHED_BATCH keeps the proxy's fair share of the CPU but stops its wake-ups from
 * preempting: it runs when the backend yields and reads whole responses. Measured with FastAPI
 * on one shared core: about half the CPU per request, the backend's full rate, and the same
 * latency at one connection. Node has no call for it, so `chrt` (util-linux) sets it; where
 * `chrt` is missing, or on other systems, nothing changes.
 */
import { execFile } from "node:child_process";

/** Switches every thread of this process to SCHED_BATCH, once, in the background. */
export function yieldToUpstreams(): void {
  if (process.platform !== "linux") return;
  execFile("chrt", ["--batch", "--all-tasks", "--pid", "0", String(process.pid)], () => {
    // best effort: without chrt the proxy runs with the default policy
  });
}
