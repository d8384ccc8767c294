import { describe, expect, it } from "vitest";
import { applyKeyDelta, defaultComparison, parseIterationParam, playNext, selectedIteration, stepIndex, timelineKeyDelta } from "./timeline";

describe("parseIterationParam", () => {
  it("reads whole numbers and rejects the rest", () => {
    expect(parseIterationParam("3")).toBe(3);
    expect(parseIterationParam(" 0 ")).toBe(0);
    expect(parseIterationParam(null)).toBeNull();
    expect(parseIterationParam("-1")).toBeNull();
    expect(parseIterationParam("1.5")).toBeNull();
    expect(parseIterationParam("abc")).toBeNull();
    expect(parseIterationParam("99999999999999999999")).toBeNull();
  });
});

describe("stepping", () => {
  it("clamps at both ends", () => {
    expect(stepIndex(0, 4, -1)).toBe(0);
    expect(stepIndex(3, 4, 1)).toBe(3);
    expect(stepIndex(1, 4, 1)).toBe(2);
  });
  it("wraps when playing", () => {
    expect(playNext(2, 3)).toBe(0);
    expect(playNext(0, 3)).toBe(1);
    expect(playNext(0, 0)).toBe(0);
  });
  it("maps keys to steps", () => {
    expect(timelineKeyDelta("ArrowLeft")).toBe(-1);
    expect(timelineKeyDelta("ArrowRight")).toBe(1);
    expect(timelineKeyDelta("Enter")).toBeNull();
    expect(applyKeyDelta(2, 5, "first")).toBe(0);
    expect(applyKeyDelta(2, 5, "last")).toBe(4);
    expect(applyKeyDelta(2, 5, -1)).toBe(1);
  });
});

describe("selectedIteration", () => {
  it("honours a deep link, clamped to what exists", () => {
    expect(selectedIteration({ requested: 2, count: 5, status: "succeeded", bestIteration: 4 })).toBe(2);
    expect(selectedIteration({ requested: 9, count: 5, status: "succeeded", bestIteration: 4 })).toBe(4);
  });
  it("follows the latest iteration while the run is live", () => {
    expect(selectedIteration({ requested: null, count: 3, status: "running", bestIteration: 1 })).toBe(2);
  });
  it("shows the best iteration of a finished run", () => {
    expect(selectedIteration({ requested: null, count: 6, status: "succeeded", bestIteration: 4 })).toBe(4);
  });
  it("has nothing to show before the first iteration", () => {
    expect(selectedIteration({ requested: 0, count: 0, status: "queued", bestIteration: null })).toBeNull();
  });
});

describe("defaultComparison", () => {
  it("compares with the previous iteration, or the next for the first", () => {
    expect(defaultComparison(3, 5)).toBe(2);
    expect(defaultComparison(0, 5)).toBe(1);
    expect(defaultComparison(0, 1)).toBeNull();
  });
});
