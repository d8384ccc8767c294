import { describe, expect, it } from "vitest";
import { genevalPosition, gradeImage, selfGraded, t2iCompBenchScore, type CheckerReading } from "./grade";
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
const item = { target, prompt: "a cup left of a laptop" };
const image = createRaster(8, 8);
const box = { x: 0.1, y: 0.5, width: 0.2, height: 0.2 };
const found = (relations: SceneGraph["relations"], cupX = 0.1, laptopX = 0.6): SceneGraph => ({
  objects: [
    { id: "a", label: "cup", attributes: [], box: { ...box, x: cupX } },
    { id: "b", label: "laptop", attributes: [], box: { ...box, x: laptopX } },
  ],
  relations,
});
// What is really there: the cup on the right of the laptop.
const truth = () => found([], 0.6, 0.1);
// The Checker claims the cup is left of the laptop.
const checkerClaims: CheckerReading = {
  detected: found([{ subject: "a", predicate: "left of", object: "b" }]),
  metrics: { sgIoU: 1, entityIoU: 1, relationIoU: 1 },
};
const scorerOf = (reading: () => SceneGraph): Checker => ({
  name: "fake-scorer",
  check: async () => ({ detected: reading(), critique: { triples: [], missingObjects: [], extraObjects: [], attributeMismatches: [], matches: {}, locations: {}, depths: {}, summary: "" }, warnings: [] }),
});

describe("gradeImage", () => {
  it("reports the Scorer's reading and keeps the Checker's beside it", async () => {
    const graded = await gradeImage(item, image, checkerClaims, { scorer: scorerOf(truth), scoredBy: "fake" }, { seed: 1 });
    expect(graded.scored).toBe(true);
    expect(graded.scores.sgIoU).toBe(0);
    expect(graded.scores.entityIoU).toBe(1);
    expect(graded.scores.genevalPosition).toBe(false);
    expect(graded.checker).toEqual({ sgIoU: 1, entityIoU: 1, relationIoU: 1, genevalPosition: true });
  });

  it("is self-graded without a Scorer, and says so when the Scorer fails", async () => {
    const own = await gradeImage(item, image, checkerClaims, selfGraded, { seed: 1 });
    expect(own).toMatchObject({ scored: false, warnings: [], scores: { sgIoU: 1 } });
    const failing = await gradeImage(item, image, checkerClaims, { scorer: scorerOf(() => { throw new Error("no record of this image"); }), scoredBy: "fake" }, { seed: 1 });
    expect(failing.scored).toBe(false);
    expect(failing.scores.sgIoU).toBe(1);
    expect(failing.warnings).toEqual(["scorer: could not grade, the Checker's own figures stand in (self-graded): no record of this image"]);
  });

  it("makes results whose summary shows how far the Checker flatters itself", async () => {
    const graded = await gradeImage(item, image, checkerClaims, { scorer: scorerOf(truth), scoredBy: "fake" }, { seed: 1 });
    const result = (index: number, grades: { oneShot: typeof graded; loop: typeof graded; scoredBy: string }) =>
      completedItemResult({
        identity: { id: `i${index}`, index, seed: index, prompt: "p", category: { relationClasses: ["left"], objectCount: 2 } },
        iterations: [{ index: 0, metrics: { sgIoU: 1 }, durationsMs: { diffuser: 5, checker: 3 }, warnings: [] }],
        best: 0,
        stopReason: "target-reached",
        grades,
        judges: { oneShot: null, loop: null, ms: 0, warnings: [] },
      });
    const self = await gradeImage(item, image, checkerClaims, selfGraded, { seed: 1 });
    const summary = summariseEvaluation([result(0, { oneShot: graded, loop: graded, scoredBy: "fake" }), result(1, { oneShot: self, loop: self, scoredBy: "checker" })]);
    expect(summary.scoredBy).toEqual({ fake: 1, checker: 1 });
    expect(summary.checkerReported).toMatchObject({ count: 1, loop: { sgIoU: 1 } });
    expect(summary.checkerGap?.mean).toBe(1);
    expect(summary.loop.sgIoU).toBe(0.5);
    expect(summary.testIou?.count).toBe(2);
  });
});

describe("genevalPosition", () => {
  const dogLeftOfCat = parsePrompt("a dog left of a cat");
  const left = { x: 0.05, y: 0.5, width: 0.2, height: 0.2 };
  const right = { x: 0.7, y: 0.5, width: 0.2, height: 0.2 };
  const seen = (...objects: Array<[label: string, box: typeof left, confidence?: number]>): SceneGraph => ({
    objects: objects.map(([label, objectBox, confidence], index) => ({ id: `d${index}`, label, attributes: [], box: objectBox, ...(confidence === undefined ? {} : { confidence }) })),
    relations: [],
  });

  it("applies GenEval's rule to the reader's boxes, and fails when an object is missing", () => {
    expect(genevalPosition(dogLeftOfCat, seen(["dog", left], ["cat", right]))).toBe(true);
    expect(genevalPosition(dogLeftOfCat, seen(["dog", right], ["cat", left]))).toBe(false);
    expect(genevalPosition(dogLeftOfCat, seen(["dog", left]))).toBe(false);
    expect(genevalPosition(parsePrompt("a dog near a cat"), seen())).toBeNull();
  });

  it("takes the most confident detection above 0.3, not the one that makes the relation hold", () => {
    // A confident dog on the right and a less confident one on the left: GenEval looks at the confident one.
    expect(genevalPosition(dogLeftOfCat, seen(["dog", right, 0.9], ["dog", left, 0.6], ["cat", { ...right, x: 0.4 }, 0.8]))).toBe(false);
    // A dog at 0.3 does not count (GenEval keeps scores above the threshold).
    expect(genevalPosition(dogLeftOfCat, seen(["dog", left, 0.3], ["cat", right, 0.9]))).toBe(false);
    expect(genevalPosition(dogLeftOfCat, seen(["dog", left, 0.31], ["cat", right, 0.9]))).toBe(true);
  });

  it("judges in pixels, which matters for a non-square image", () => {
    // The dog is a little left of and well above the cat: in a square image the offset is mostly
    // vertical (no "left of"); stretched 4:1 wide, the horizontal offset dominates and "left of" holds.
    const a = { x: 0.1, y: 0.1, width: 0.1, height: 0.1 };
    const b = { x: 0.2, y: 0.4, width: 0.1, height: 0.1 };
    expect(genevalPosition(dogLeftOfCat, seen(["dog", a], ["cat", b]), { width: 512, height: 512 })).toBe(false);
    expect(genevalPosition(dogLeftOfCat, seen(["dog", a], ["cat", b]), { width: 2048, height: 512 })).toBe(true);
  });
});

describe("t2iCompBenchScore", () => {
  const size = { width: 512, height: 512 };
  const object = (label: string, x: number, depth: number, confidence = 0.9) => ({ id: label, label, attributes: [], box: { x, y: 0.4, width: 0.3, height: 0.3 }, depth, confidence });

  it("scores a 2D prompt with the 2D script's rule on the most confident detections", () => {
    const prompt = "a dog on the left of a cat";
    const target = parsePrompt(prompt);
    // 0.25 x 0.9 + 0.25 x 0.9 + 1 / 2 when the dog's centre is left of the cat's and the boxes barely overlap.
    expect(t2iCompBenchScore(target, prompt, { objects: [object("dog", 0.05, 0.5), object("cat", 0.6, 0.5)], relations: [] }, size)).toBeCloseTo(0.95);
    // Wrong side: 0.45, which the 2D script zeroes (under 0.5).
    expect(t2iCompBenchScore(target, prompt, { objects: [object("dog", 0.6, 0.5), object("cat", 0.05, 0.5)], relations: [] }, size)).toBe(0);
  });

  it("scores a 3D prompt by the reader's depth order, weighted by overlap", () => {
    const prompt = "a dog in front of a cat";
    const target = parsePrompt(prompt);
    // Overlapping boxes (IoU 0.2 / 0.4 = 0.5 of the way): nearer dog -> 0.45 + 0.5 x 0.5.
    const overlapping = (dogDepth: number) => ({ objects: [object("dog", 0.1, dogDepth), object("cat", 0.2, 0.6)], relations: [] });
    const score = t2iCompBenchScore(target, prompt, overlapping(0.2), size)!;
    expect(score).toBeGreaterThan(0.45);
    expect(t2iCompBenchScore(target, prompt, overlapping(0.8), size)).toBeCloseTo(0.45);
  });

  it("is reported only for T2I-CompBench data sets", async () => {
    const prompt = "a cup on the left of a laptop";
    const graded = await gradeImage({ target: parsePrompt(prompt), prompt, format: "t2i-compbench" }, image, checkerClaims, selfGraded, { seed: 1 });
    expect(typeof graded.scores.t2iCompBench).toBe("number");
    expect((await gradeImage({ target: parsePrompt(prompt), prompt, format: "geneval" }, image, checkerClaims, selfGraded, { seed: 1 })).scores.t2iCompBench).toBeUndefined();
  });
});
