/** The proxy's CPU policy follows its load: SCHED_BATCH while requests overlap, the default while they come one at a time. */
import { strict as assert } from "node:assert";
import { AdaptiveScheduling, choose, type Policy } from "../../server/src/proxy/scheduling";

describe("proxy scheduling policy", () => {
  it("chooses SCHED_BATCH when most requests overlap at 100 a second or more, the default when few do", () => {
    assert.equal(choose("other", 40, 40), "batch");
    assert.equal(choose("other", 20, 10), "batch", "half overlapping");
    assert.equal(choose("other", 19, 19), "other", "too few requests to say");
    assert.equal(choose("batch", 40, 9), "other", "under a quarter overlapping");
    assert.equal(choose("batch", 1, 0), "other", "one request at a time");
    assert.equal(choose("batch", 40, 15), "batch", "in between: no change");
    assert.equal(choose("other", 40, 15), "other", "in between: no change");
  });

  it("switches once load overlaps, and back no sooner than the dwell time once it is serial", async () => {
    const switches: { policy: Policy; at: number }[] = [];
    let heard: (() => void) | undefined;
    const s = new AdaptiveScheduling((policy, done) => {
      switches.push({ policy, at: performance.now() });
      done();
      heard?.();
    }, 10, 150);
    const nextSwitch = () => new Promise<void>((r) => (heard = r));
    /** Starts requests (`active` in flight each) until the next switch. */
    const feed = async (active: number) => {
      const switched = nextSwitch();
      let done = false;
      void switched.then(() => (done = true));
      while (!done) {
        for (let i = 0; i < 30; i++) s.requestStarted(active);
        await new Promise((r) => setImmediate(r));
      }
    };
    await feed(20);
    assert.deepEqual(switches.map((x) => x.policy), ["batch"]);
    assert.equal(s.current, "batch");
    await feed(1);
    assert.deepEqual(switches.map((x) => x.policy), ["batch", "other"]);
    assert.ok(switches[1].at - switches[0].at >= 150, `back after ${(switches[1].at - switches[0].at).toFixed(0)} ms, not before the 150 ms dwell`);
    s.stop();
  });
});
