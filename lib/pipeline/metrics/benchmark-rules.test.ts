import { describe, expect, it } from "vitest";
import type { Box } from "../scene-graph/schema";
import {
  genevalPositionClause,
  genevalPositionVerdict,
  genevalRelativePosition,
  t2iCompBench2dImageScore,
  t2iCompBenchLocality,
  t2iCompBenchPositionScore,
  toPixelBox,
} from "./benchmark-rules";

const box = (x: number, y: number, width: number, height: number): Box => ({ x, y, width, height });
const scaled = (b: Box, factor: number): Box => ({ x: b.x * factor, y: b.y * factor, width: b.width * factor, height: b.height * factor });

describe("GenEval position rule (pixel boxes)", () => {
  it("reads a clear left-of", () => {
    // Centres (50,50) and (250,50): offset (-200, 0), shrink 0.1 x 200 = 20 -> (-180, 0), / 200 -> dx = -0.9.
    const a = box(0, 0, 100, 100);
    const b = box(200, 0, 100, 100);
    expect([...genevalRelativePosition(a, b)]).toEqual(["left of"]);
    expect(genevalPositionVerdict("left of", a, b)).toBe(true);
    expect(genevalPositionVerdict("right of", a, b)).toBe(false);
    expect(genevalPositionVerdict("right of", b, a)).toBe(true);
  });

  it("returns the full relation set on a diagonal", () => {
    // Offset (-100, -100) -> shrunk (-80, -80), / 141.42 -> dx = dy = -0.566: left of and above.
    const a = box(0, 0, 100, 100);
    const b = box(100, 100, 100, 100);
    expect([...genevalRelativePosition(a, b)].sort()).toEqual(["above", "left of"]);
    expect([...genevalRelativePosition(b, a)].sort()).toEqual(["below", "right of"]);
  });

  it("lets a small vertical offset vanish in the margin", () => {
    // Offset (-70, -10): x shrinks to -50, y to 0 (10 < 20); / 70.71 -> dx = -0.707, dy = 0.
    expect([...genevalRelativePosition(box(0, 0, 100, 100), box(70, 10, 100, 100))]).toEqual(["left of"]);
  });

  it("finds no relation when both offsets vanish", () => {
    expect(genevalRelativePosition(box(0, 0, 100, 100), box(10, 5, 100, 100)).size).toBe(0);
  });

  it("needs dx strictly beyond -0.5", () => {
    // Offset (-60, -60) -> shrunk (-40, -40) / 84.85 -> -0.471 on both axes: nothing.
    expect(genevalRelativePosition(box(0, 0, 100, 100), box(60, 60, 100, 100)).size).toBe(0);
  });

  it("gives the same verdicts for boxes normalised by a square image", () => {
    const pairs: Array<[Box, Box]> = [
      [box(0, 0, 100, 100), box(200, 0, 100, 100)],
      [box(0, 0, 100, 100), box(100, 100, 100, 100)],
      [box(0, 0, 100, 100), box(70, 10, 100, 100)],
    ];
    for (const [a, b] of pairs) {
      expect([...genevalRelativePosition(scaled(a, 1 / 512), scaled(b, 1 / 512))]).toEqual([...genevalRelativePosition(a, b)]);
    }
  });

  it("requires every subject to stand in the relation to every target", () => {
    const target = box(200, 0, 100, 100);
    expect(genevalPositionClause("left of", [box(0, 0, 100, 100), box(0, 150, 100, 100)], [target])).toBe(true);
    // Second subject: centre (230,350) vs (250,50), offset (-20, 300); x shrinks to 0, so dx = 0 (below, not left).
    expect(genevalPositionClause("left of", [box(0, 0, 100, 100), box(180, 300, 100, 100)], [target])).toBe(false);
    expect(genevalPositionClause("left of", [], [target])).toBe(false);
  });
});

describe("T2I-CompBench 2D position score (pixel boxes, 512 px image)", () => {
  it("scores left/right by the dominant horizontal offset and overlap", () => {
    // Subject centre (50,250), object centre (350,250): dx = +300, dy = 0, IoU 0.
    const subject = box(0, 200, 100, 100);
    const object = box(300, 200, 100, 100);
    expect(t2iCompBenchPositionScore("on the left of", subject, object)).toBe(1);
    expect(t2iCompBenchPositionScore("on the right of", subject, object)).toBe(0);
    expect(t2iCompBenchPositionScore("on the right of", object, subject)).toBe(1);
  });

  it("gives 0.1 / IoU when the boxes overlap too much", () => {
    // Centres (50,50) and (100,50): dx = 50; intersection 50 x 100 = 5000, union 15000, IoU 1/3 -> 0.3.
    expect(t2iCompBenchPositionScore("on the left of", box(0, 0, 100, 100), box(50, 0, 100, 100))).toBeCloseTo(0.3, 12);
  });

  it("scores top/bottom by the dominant vertical offset", () => {
    // Subject centre (50,50), object centre (50,350): dy = +300, subject is higher.
    const subject = box(0, 0, 100, 100);
    const object = box(0, 300, 100, 100);
    expect(t2iCompBenchPositionScore("on the top of", subject, object)).toBe(1);
    expect(t2iCompBenchPositionScore("on the bottom of", subject, object)).toBe(0);
    expect(t2iCompBenchPositionScore("on the bottom of", object, subject)).toBe(1);
  });

  it("scores 0 when the named axis does not dominate", () => {
    // dx = 100, dy = 200: left requires |dx| > |dy|.
    expect(t2iCompBenchPositionScore("on the left of", box(0, 0, 100, 100), box(100, 200, 100, 100))).toBe(0);
  });

  it("accepts near when either axis is under 150 px, else 150 / the larger offset", () => {
    // dx = 300, dy = 0: far apart horizontally, but |dy| < 150, so 1 (per-axis OR, not distance).
    expect(t2iCompBenchPositionScore("next to", box(0, 200, 100, 100), box(300, 200, 100, 100))).toBe(1);
    // dx = 400, dy = 200: both >= 150 -> 150 / 400.
    expect(t2iCompBenchPositionScore("near", box(0, 0, 100, 100), box(400, 200, 100, 100))).toBeCloseTo(0.375, 12);
    expect(t2iCompBenchPositionScore("on side of", box(0, 0, 100, 100), box(400, 200, 100, 100))).toBeCloseTo(0.375, 12);
  });

  it("scores 'on top of' and unknown words 0, as the original has no branch for them", () => {
    expect(t2iCompBenchPositionScore("on top of", box(0, 0, 100, 100), box(0, 300, 100, 100))).toBe(0);
    expect(t2iCompBenchPositionScore(undefined, box(0, 0, 100, 100), box(0, 300, 100, 100))).toBe(0);
  });

  it("finds the locality word in the scorer's order", () => {
    expect(t2iCompBenchLocality("a bee on the right of a refrigerator")).toBe("on the right of");
    expect(t2iCompBenchLocality("a girl on the top of a frog")).toBe("on the top of");
    expect(t2iCompBenchLocality("a mouse on side of a key")).toBe("on side of");
    expect(t2iCompBenchLocality("a dog in front of a desk")).toBeUndefined();
  });

  it("converts normalised boxes to pixels", () => {
    expect(toPixelBox(box(0.5, 0.25, 0.1, 0.2))).toEqual(box(256, 128, 51.2, 102.4));
    expect(toPixelBox(box(0.5, 0.5, 0.5, 0.5), 100, 200)).toEqual(box(50, 100, 50, 100));
  });
});

describe("T2I-CompBench 2D image score", () => {
  const left = box(0, 200, 100, 100);
  const right = box(300, 200, 100, 100);

  it("adds a quarter of each confidence and half the position score", () => {
    // 0.25 x 0.9 + 0.25 x 0.8 + 1 / 2 = 0.925.
    expect(t2iCompBench2dImageScore("on the left of", { box: left, confidence: 0.9 }, { box: right, confidence: 0.8 })).toBeCloseTo(0.925, 12);
    // Overlap case: 0.425 + 0.3 / 2 = 0.575.
    expect(
      t2iCompBench2dImageScore("on the left of", { box: box(0, 0, 100, 100), confidence: 0.9 }, { box: box(50, 0, 100, 100), confidence: 0.8 }),
    ).toBeCloseTo(0.575, 12);
  });

  it("zeroes detections that fail the relation, lone detections and no detections", () => {
    // 0.225 + 0.2 + 0 = 0.425 < 0.5 -> 0.
    expect(t2iCompBench2dImageScore("on the right of", { box: left, confidence: 0.9 }, { box: right, confidence: 0.8 })).toBe(0);
    // Perfect confidences and a failed relation sit exactly at 0.5, which is kept.
    expect(t2iCompBench2dImageScore("on the right of", { box: left, confidence: 1 }, { box: right, confidence: 1 })).toBe(0.5);
    expect(t2iCompBench2dImageScore("on the left of", { box: left, confidence: 0.9 }, undefined)).toBe(0);
    expect(t2iCompBench2dImageScore("on the left of", undefined, { box: right, confidence: 1 })).toBe(0);
    expect(t2iCompBench2dImageScore("on the left of", undefined, undefined)).toBe(0);
  });
});
