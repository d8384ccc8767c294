import { describe, expect, it } from "vitest";
import { describeMove, diffIterations } from "./iteration-diff";
import { makeCritique, makeDetected, makeIteration } from "./__fixtures__/factories";

describe("diffIterations", () => {
  it("reports metric deltas, status changes, found objects and moves", () => {
    const beforeDetected = makeDetected({ cup: null });
    const before = makeIteration(0, {
      detected: beforeDetected,
      critique: makeCritique(beforeDetected, ["missing", "violated"]),
      metrics: { sgIoU: 0, entityIoU: 0.5, relationIoU: 0.5 },
    });
    const afterDetected = makeDetected({ laptop: { x: 0.5, y: 0.4, width: 0.2, height: 0.15 } });
    const after = makeIteration(1, {
      detected: afterDetected,
      critique: makeCritique(afterDetected, ["satisfied", "satisfied"]),
      metrics: { sgIoU: 1, entityIoU: 1, relationIoU: 1 },
    });
    const diff = diffIterations(before, after);
    expect(diff.metrics).toEqual({ sgIoU: 1, entityIoU: 0.5, relationIoU: 0.5 });
    expect(diff.tripleChanges.map((change) => [change.predicate, change.from, change.to])).toEqual([
      ["left of", "missing", "satisfied"],
      ["on", "violated", "satisfied"],
    ]);
    expect(diff.found).toEqual(["cup-1"]);
    expect(diff.lost).toEqual([]);
    expect(diff.moved).toHaveLength(1);
    expect(diff.moved[0]).toMatchObject({ targetId: "laptop-1" });
    expect(diff.moved[0]!.dy).toBeCloseTo(0.1);
  });

  it("is empty between identical iterations", () => {
    const diff = diffIterations(makeIteration(0), makeIteration(1));
    expect(diff.tripleChanges).toEqual([]);
    expect(diff.moved).toEqual([]);
    expect(diff.found).toEqual([]);
  });
});

describe("describeMove", () => {
  it("names the directions (y down)", () => {
    expect(describeMove({ dx: -0.2, dy: 0 })).toBe("left");
    expect(describeMove({ dx: 0.1, dy: -0.1 })).toBe("up and right");
    expect(describeMove({ dx: 0, dy: 0.001 })).toBe("in place");
  });
});
