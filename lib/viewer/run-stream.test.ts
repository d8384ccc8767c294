import { describe, expect, it } from "vitest";
import { applyRunStreamEvent, bestOf, laterRun, progressFraction, type LiveRunDetail } from "./run-stream";
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

describe("live progress and back ends", () => {
  const progress = (iteration: number, done: number, role: "diffuser" | "editor" = iteration === 0 ? "diffuser" : "editor") =>
    ({ type: "progress", iteration, role, done, total: 20, stage: "sampling" }) as const;

  it("shows the progress of the iteration in flight and replaces it as it advances", () => {
    let run: LiveRunDetail | undefined = makeRun({ status: "running" });
    run = applyRunStreamEvent(run, progress(0, 3));
    expect(run?.progress).toEqual({ iteration: 0, role: "diffuser", done: 3, total: 20, stage: "sampling" });
    run = applyRunStreamEvent(run, progress(0, 17));
    expect(run?.progress?.done).toBe(17);
  });

  it("clears it when its iteration lands, ignores stale progress, and clears it when the run ends", () => {
    let run: LiveRunDetail | undefined = applyRunStreamEvent(makeRun({ status: "running" }), progress(0, 19));
    run = applyRunStreamEvent(run, { type: "iteration", iteration: makeIteration(0) });
    expect(run?.progress).toBeNull();
    // A throttled event for iteration 0 arriving after its iteration: ignored.
    run = applyRunStreamEvent(run, progress(0, 20));
    expect(run?.progress).toBeNull();
    run = applyRunStreamEvent(run, progress(1, 5));
    expect(run?.progress).toMatchObject({ iteration: 1, role: "editor", done: 5 });
    run = applyRunStreamEvent(run, { type: "status", status: "cancelled", error: null, stopReason: "cancelled" });
    expect(run?.progress).toBeNull();
    expect(applyRunStreamEvent(run, progress(2, 1))?.progress).toBeNull();
  });

  it("keeps the progress of a later iteration when an earlier one lands, and drops it on a new snapshot", () => {
    let run: LiveRunDetail | undefined = applyRunStreamEvent(makeRun({ status: "running", iterations: [makeIteration(0)] }), progress(1, 4));
    run = applyRunStreamEvent(run, { type: "iteration", iteration: makeIteration(0) });
    expect(run?.progress).toMatchObject({ iteration: 1 });
    run = applyRunStreamEvent(run, { type: "snapshot", run: makeRun({ status: "running" }) });
    expect(run?.progress).toBeUndefined();
  });

  it("records what serves the run when the worker says", () => {
    const backends = { profile: "local", roles: { diffuser: "comfyui:sdxl", checker: "openai-compatible:qwen" }, promptVersions: { checker: "checker.v2" } };
    expect(applyRunStreamEvent(makeRun(), { type: "backends", backends })?.backends).toEqual(backends);
  });

  it("turns done/total into a bounded fraction", () => {
    expect(progressFraction({ done: 5, total: 20 })).toBe(0.25);
    expect(progressFraction({ done: 5, total: 0 })).toBe(0);
    expect(progressFraction({ done: 25, total: 20 })).toBe(1);
  });
});

describe("bestOf", () => {
  it("keeps the earliest of equal bests", () => {
    const iterations = [0.5, 0.9, 0.9].map((sgIoU, index) => ({ index, metrics: { sgIoU } }));
    expect(bestOf(iterations)?.index).toBe(1);
    expect(bestOf([])).toBeUndefined();
  });
});

describe("laterRun", () => {
  const streamed = makeRun({ status: "succeeded", iterations: [makeIteration(0), makeIteration(1)] });
  it("keeps what the stream showed when a poll that left earlier comes back behind it", () => {
    expect(laterRun(streamed, makeRun({ status: "running", iterations: [makeIteration(0)] }))).toBe(streamed);
    expect(laterRun(streamed, makeRun({ status: "running", iterations: [makeIteration(0), makeIteration(1)] }))).toBe(streamed);
  });
  it("takes a fetch that is as far along or further, and any first copy", () => {
    const live = makeRun({ status: "running", iterations: [makeIteration(0)] });
    expect(laterRun(live, streamed)).toBe(streamed);
    expect(laterRun(undefined, live)).toBe(live);
    // A resumed run goes from interrupted back to running.
    const interrupted = makeRun({ status: "interrupted", iterations: [makeIteration(0)] });
    expect(laterRun(interrupted, live)).toBe(live);
  });
});
