import { describe, expect, it } from "vitest";
import { gradeImage, selfGraded, type CheckerReading } from "./grade";
import { completedItemResult } from "./item-result";
import { summariseEvaluation } from "./summary";
import { createRaster } from "../image/raster";
import type { Checker } from "../roles/types";
import { parsePrompt } from "../scene-graph/parse-prompt";
import type { SceneGraph } from "../scene-graph/schema";

/**
 * Grading: the Scorer's reading makes the reported figures, the Checker's stays beside them, and a
 * Scorer that cannot read falls back to the Checker's figures saying so.
 */
const target = parsePrompt("a cup left of a laptop");
const image = createRaster(8, 8);
const box = { x: 0.1, y: 0.5, width: 0.2, height: 0.2 };
const found = (relations: SceneGraph["relations"]): SceneGraph => ({
  objects: [
    { id: "a", label: "cup", attributes: [], box },
    { id: "b", label: "laptop", attributes: [], box: { ...box, x: 0.6 } },
  ],
  relations,
});
// The Checker claims the relation holds; the truth has none.
const checkerClaims: CheckerReading = {
  detected: found([{ subject: "a", predicate: "left of", object: "b" }]),
  critique: { locations: { [target.objects[0]!.id]: box, [target.objects[1]!.id]: { ...box, x: 0.6 } } },
  metrics: { sgIoU: 1, entityIoU: 1, relationIoU: 1 },
};
const scorerOf = (reading: () => SceneGraph): Checker => ({
  name: "fake-scorer",
  check: async () => ({ detected: reading(), critique: { triples: [], missingObjects: [], extraObjects: [], attributeMismatches: [], matches: {}, locations: {}, depths: {}, summary: "" }, warnings: [] }),
});

describe("gradeImage", () => {
  it("reports the Scorer's reading and keeps the Checker's beside it", async () => {
    const graded = await gradeImage(target, image, checkerClaims, { scorer: scorerOf(() => found([])), scoredBy: "fake" }, { seed: 1 });
    expect(graded.scored).toBe(true);
    expect(graded.scores.sgIoU).toBe(0);
    expect(graded.scores.entityIoU).toBe(1);
    expect(graded.scores.genevalPosition).toBe(false);
    expect(graded.checker).toEqual({ sgIoU: 1, entityIoU: 1, relationIoU: 1, genevalPosition: true });
  });

  it("is self-graded without a Scorer, and says so when the Scorer fails", async () => {
    const own = await gradeImage(target, image, checkerClaims, selfGraded, { seed: 1 });
    expect(own).toMatchObject({ scored: false, warnings: [], scores: { sgIoU: 1 } });
    const failing = await gradeImage(target, image, checkerClaims, { scorer: scorerOf(() => { throw new Error("no record of this image"); }), scoredBy: "fake" }, { seed: 1 });
    expect(failing.scored).toBe(false);
    expect(failing.scores.sgIoU).toBe(1);
    expect(failing.warnings).toEqual(["scorer: could not grade, the Checker's own figures stand in (self-graded): no record of this image"]);
  });

  it("makes results whose summary shows how far the Checker flatters itself", async () => {
    const graded = await gradeImage(target, image, checkerClaims, { scorer: scorerOf(() => found([])), scoredBy: "fake" }, { seed: 1 });
    const item = (index: number, grades: { oneShot: typeof graded; loop: typeof graded; scoredBy: string }) =>
      completedItemResult({
        identity: { id: `i${index}`, index, seed: index, prompt: "p", category: { relationClasses: ["left"], objectCount: 2 } },
        iterations: [{ index: 0, metrics: { sgIoU: 1 }, durationsMs: { diffuser: 5, checker: 3 }, warnings: [] }],
        best: 0,
        stopReason: "target-reached",
        grades,
        judges: { oneShot: null, loop: null, ms: 0 },
        warnings: [],
      });
    const self = await gradeImage(target, image, checkerClaims, selfGraded, { seed: 1 });
    const summary = summariseEvaluation([item(0, { oneShot: graded, loop: graded, scoredBy: "fake" }), item(1, { oneShot: self, loop: self, scoredBy: "checker" })]);
    expect(summary.scoredBy).toEqual({ fake: 1, checker: 1 });
    expect(summary.checkerReported).toMatchObject({ count: 1, loop: { sgIoU: 1 } });
    expect(summary.checkerGap?.mean).toBe(1);
    expect(summary.loop.sgIoU).toBe(0.5);
    expect(summary.testIou?.count).toBe(2);
  });
});
