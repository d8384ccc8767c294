import { describe, expect, it } from "vitest";
import { mulberry32, pairedBootstrap, summariseEvaluation } from "./summary";
import type { CompletedItemResult, EvaluationItemResult } from "./types";

function result(index: number, perIteration: number[], extra: Partial<CompletedItemResult> = {}): CompletedItemResult {
  const best = Math.max(...perIteration);
  const scores = (sgIoU: number, judge: number) => ({ sgIoU, entityIoU: 1, relationIoU: sgIoU, judge, genevalPosition: sgIoU === 1 });
  return {
    id: `item-${index}`,
    index,
    seed: index,
    prompt: `prompt ${index}`,
    category: { relationClasses: index % 2 ? ["left"] : ["above", "near"], objectCount: 2 + (index % 2) },
    status: "done",
    oneShot: scores(perIteration[0]!, 4),
    loop: { ...scores(best, 8), iteration: perIteration.indexOf(best) },
    iterations: perIteration.length,
    sgIoUPerIteration: perIteration,
    stopReason: "target-reached",
    timeMs: { diffuser: 10, checker: 20, actor: 1, editor: 5, judge: 3, total: 40 },
    warnings: [],
    ...extra,
  };
}

describe("summariseEvaluation", () => {
  const results: EvaluationItemResult[] = [
    result(0, [0, 0.5, 1]),
    result(1, [1]),
    result(2, [0, 0, 0, 0]),
    result(3, [0.5, 0.4]),
    { id: "bad", index: 4, seed: 4, prompt: "x", category: { relationClasses: [], objectCount: 1 }, status: "failed", error: "diffuser: boom" },
  ];
  const summary = summariseEvaluation(results, { seed: 1 });

  it("averages one-shot and loop over completed items and counts failures", () => {
    expect(summary.count).toBe(4);
    expect(summary.failed).toBe(1);
    expect(summary.oneShot).toEqual({ sgIoU: 1.5 / 4, entityIoU: 1, relationIoU: 1.5 / 4, judge: 4 });
    expect(summary.loop).toEqual({ sgIoU: 2.5 / 4, entityIoU: 1, relationIoU: 2.5 / 4, judge: 8 });
    expect(summary.meanIterations).toBe(10 / 4);
  });

  it("carries each run's best-so-far forward in the per-iteration curve", () => {
    expect(summary.perIteration).toEqual([
      { index: 0, sgIoU: 1.5 / 4 },
      { index: 1, sgIoU: 2 / 4 },
      { index: 2, sgIoU: 2.5 / 4 },
      { index: 3, sgIoU: 2.5 / 4 },
    ]);
    expect(summary.perIteration.at(-1)!.sgIoU).toBe(summary.loop.sgIoU);
  });

  it("breaks down by relation class and object count, and lists the worst cases first", () => {
    expect(summary.byRelationClass.map((row) => [row.category, row.count])).toEqual([["above", 2], ["left", 2], ["near", 2]]);
    expect(summary.byObjectCount.map((row) => [row.category, row.count, row.loopSgIoU])).toEqual([["2", 2, 0.5], ["3", 2, 0.75]]);
    expect(summary.worst.map((row) => row.id)).toEqual(["item-2", "item-3", "item-1", "item-0"]);
    expect(summary.genevalPosition).toEqual({ count: 4, oneShot: 0.25, loop: 0.5 });
  });

  it("gives a seeded bootstrap interval around the paired difference", () => {
    expect(summary.difference.sgIoU.mean).toBeCloseTo(0.25);
    expect(summary.difference.sgIoU.low).toBeLessThanOrEqual(0.25);
    expect(summary.difference.sgIoU.high).toBeGreaterThanOrEqual(0.25);
    expect(summariseEvaluation(results, { seed: 1 }).difference).toEqual(summary.difference);
    const constant = pairedBootstrap([0.2, 0.2, 0.2], 500, mulberry32(3));
    expect(constant.low).toBeCloseTo(0.2);
    expect(constant.high).toBeCloseTo(0.2);
    const spread = pairedBootstrap(Array.from({ length: 200 }, (_, index) => (index % 2 ? 1 : 0)), 2000, mulberry32(9));
    expect(spread.low).toBeGreaterThan(0.4);
    expect(spread.high).toBeLessThan(0.6);
  });
});
