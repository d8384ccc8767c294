import { describe, expect, it } from "vitest";
import { applyRunStreamEvent, bestOf } from "./run-stream";
import { makeIteration, makeRun } from "./__fixtures__/factories";

describe("applyRunStreamEvent", () => {
  it("replaces the cache with a snapshot", () => {
    const run = makeRun({ status: "queued" });
    expect(applyRunStreamEvent(undefined, { type: "snapshot", run })).toBe(run);
  });

  it("appends iterations in order, de-duplicated, and tracks the best", () => {
    let run = applyRunStreamEvent(makeRun({ status: "queued" }), {
      type: "iteration",
      iteration: makeIteration(1, { metrics: { sgIoU: 0.8, entityIoU: 1, relationIoU: 1 } }),
    });
    run = applyRunStreamEvent(run, { type: "iteration", iteration: makeIteration(0, { metrics: { sgIoU: 0.2, entityIoU: 1, relationIoU: 0 } }) });
    run = applyRunStreamEvent(run, { type: "iteration", iteration: makeIteration(1, { metrics: { sgIoU: 0.8, entityIoU: 1, relationIoU: 1 } }) });
    expect(run?.status).toBe("running");
    expect(run?.iterations.map((iteration) => iteration.index)).toEqual([0, 1]);
    expect(run?.iterationCount).toBe(2);
    expect(run?.bestIteration).toBe(1);
    expect(run?.bestSgIoU).toBe(0.8);
    expect(run?.bestImageId).toBe(makeIteration(1).imageId);
  });

  it("applies status changes", () => {
    const run = applyRunStreamEvent(makeRun(), { type: "status", status: "failed", error: "boom", stopReason: null });
    expect(run).toMatchObject({ status: "failed", error: "boom" });
  });

  it("ignores deltas before the first snapshot", () => {
    expect(applyRunStreamEvent(undefined, { type: "status", status: "running", error: null, stopReason: null })).toBeUndefined();
  });
});

describe("bestOf", () => {
  it("keeps the earliest of equal bests", () => {
    const iterations = [0.5, 0.9, 0.9].map((sgIoU, index) => ({ index, metrics: { sgIoU } }));
    expect(bestOf(iterations)?.index).toBe(1);
    expect(bestOf([])).toBeUndefined();
  });
});
