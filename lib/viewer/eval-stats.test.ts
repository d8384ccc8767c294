import { describe, expect, it } from "vitest";
import type { EvaluationItemResult } from "../pipeline/evaluation/types";
import { gainHistogram, itemRows, sortItemRows } from "./eval-stats";

const done = (index: number, oneShot: number, loop: number): EvaluationItemResult => ({
  id: `item-${index}`,
  index,
  seed: 1,
  prompt: `prompt ${index}`,
  category: { relationClasses: [], objectCount: 1 },
  status: "done",
  oneShot: { sgIoU: oneShot, entityIoU: 1, relationIoU: oneShot, judge: null, genevalPosition: null },
  loop: { sgIoU: loop, entityIoU: 1, relationIoU: loop, judge: 7, genevalPosition: null, iteration: 1 },
  iterations: 2,
  sgIoUPerIteration: [oneShot, loop],
  stopReason: "target-reached",
  timeMs: { diffuser: 1, checker: 1, actor: 1, editor: 1, judge: 1, total: 5 },
  warnings: [],
});

describe("evaluation page helpers", () => {
  it("bins the gains over [-1, 1], the edges into the end bins", () => {
    const results = [done(0, 0.5, 0.5), done(1, 0, 1), done(2, 1, 0), done(3, 0.5, 0.75), { ...done(4, 0, 0), status: "failed" as const, error: "x" }];
    const histogram = gainHistogram(results, 4);
    expect(histogram.map((bin) => [bin.low, bin.high, bin.count])).toEqual([
      [-1, -0.5, 1],
      [-0.5, 0, 0],
      [0, 0.5, 2],
      [0.5, 1, 1],
    ]);
  });

  it("sorts rows by a column with missing values last", () => {
    const rows = itemRows([
      { index: 0, itemId: "a", prompt: "a", runId: "r0", status: "done", result: done(0, 0.2, 0.9) },
      { index: 1, itemId: "b", prompt: "b", runId: "r1", status: "pending", result: null },
      { index: 2, itemId: "c", prompt: "c", runId: "r2", status: "done", result: done(2, 0.5, 0.6) },
    ]);
    expect(sortItemRows(rows, "gain", "desc").map((row) => row.index)).toEqual([0, 2, 1]);
    expect(sortItemRows(rows, "loop", "asc").map((row) => row.index)).toEqual([2, 0, 1]);
    expect(rows[0]!.gain).toBeCloseTo(0.7);
  });
});
