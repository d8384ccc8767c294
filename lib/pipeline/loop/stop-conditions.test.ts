import { describe, expect, it } from "vitest";
import { bestIterationIndex, iterationBudgetSpent, noImprovementFor, sgIoUReached } from "./stop-conditions";

const history = (...scores: number[]) => ({ iterations: scores.map((sgIoU) => ({ metrics: { sgIoU, entityIoU: 1 } })) });
/** Iterations given as [SG-IoU, Entity-IoU] pairs. */
const scored = (...pairs: [number, number][]) => ({ iterations: pairs.map(([sgIoU, entityIoU]) => ({ metrics: { sgIoU, entityIoU } })) });

describe("bestIterationIndex", () => {
  it("picks the highest score, the earliest on ties, and -1 for nothing", () => {
    expect(bestIterationIndex(history(0.2, 0.6, 0.4).iterations)).toBe(1);
    expect(bestIterationIndex(history(0.5, 0.5, 0.5).iterations)).toBe(0);
    expect(bestIterationIndex(history(0.1, 0.7, 0.3, 0.7).iterations)).toBe(1);
    expect(bestIterationIndex([])).toBe(-1);
  });

  it("breaks an SG-IoU tie by Entity-IoU (an object outside every triple still counts)", () => {
    expect(bestIterationIndex(scored([1, 0.8], [1, 1], [0.9, 1]).iterations)).toBe(1);
    expect(bestIterationIndex(scored([0.5, 1], [0.6, 0.5]).iterations)).toBe(1);
    expect(bestIterationIndex(scored([0.5, 0.9], [0.5, 0.9]).iterations)).toBe(0);
  });
});

describe("sgIoUReached", () => {
  it("holds once any iteration reaches the threshold", () => {
    expect(sgIoUReached(1)(history(0.5, 0.75))).toBe(false);
    expect(sgIoUReached(1)(history(0.5, 1))).toBe(true);
    expect(sgIoUReached(0.8)(history(0.9, 0.5))).toBe(true);
    expect(sgIoUReached(1)(history())).toBe(false);
  });

  it("needs the objects to match too, not only the triples", () => {
    expect(sgIoUReached(1)(scored([1, 0.9]))).toBe(false);
    expect(sgIoUReached(1)(scored([1, 0.9], [1, 1]))).toBe(true);
    expect(sgIoUReached(0.8)(scored([0.9, 0.7]))).toBe(false);
  });

  it("forgives a rounding error short of the threshold", () => {
    expect(sgIoUReached(1)(history(0.1 + 0.2 + 0.7 - 1e-12))).toBe(true);
    expect(sgIoUReached(1)(history(1 - 1e-6))).toBe(false);
  });
});

describe("iterationBudgetSpent", () => {
  it("counts the first generation as an iteration", () => {
    expect(iterationBudgetSpent(3)(history(0, 0))).toBe(false);
    expect(iterationBudgetSpent(3)(history(0, 0, 0))).toBe(true);
    expect(iterationBudgetSpent(1)(history(0))).toBe(true);
  });
});

describe("noImprovementFor", () => {
  it("holds after k iterations without a strictly better score", () => {
    const stop = noImprovementFor(2);
    expect(stop(history(0.5))).toBe(false);
    expect(stop(history(0.5, 0.5))).toBe(false);
    expect(stop(history(0.5, 0.5, 0.25))).toBe(true);
  });

  it("restarts the count on every improvement", () => {
    const stop = noImprovementFor(2);
    expect(stop(history(0.25, 0.5, 0.25))).toBe(false);
    expect(stop(history(0.25, 0.5, 0.25, 0.5))).toBe(true);
    expect(stop(history(0.25, 0.5, 0.25, 0.75))).toBe(false);
  });

  it("is pure: the same history gives the same answer", () => {
    const stop = noImprovementFor(1);
    const steps = history(0.5, 0.4);
    expect(stop(steps)).toBe(true);
    expect(stop(steps)).toBe(true);
  });
});
