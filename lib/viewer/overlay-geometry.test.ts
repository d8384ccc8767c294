import { describe, expect, it } from "vitest";
import { boxToRect, buildOverlay, highlightedTargetIds, MIN_ARROW_LENGTH, rectExitPoint, relationArrow, statusColor } from "./overlay-geometry";
import { makeCritique, makeDetected } from "./__fixtures__/factories";

const size = { width: 500, height: 400 };

describe("boxToRect", () => {
  it("scales a normalised box to pixels (y down)", () => {
    expect(boxToRect({ x: 0.1, y: 0.25, width: 0.5, height: 0.5 }, size)).toEqual({ x: 50, y: 100, width: 250, height: 200 });
  });

  it("clips boxes that stick out of the image", () => {
    expect(boxToRect({ x: -0.2, y: 0.9, width: 0.4, height: 0.3 }, size)).toEqual({ x: 0, y: 360, width: 100, height: 40 });
  });
});

describe("rectExitPoint", () => {
  const rect = { x: 0, y: 0, width: 100, height: 50 };
  it("leaves through the side the target lies beyond", () => {
    expect(rectExitPoint(rect, { x: 300, y: 25 })).toEqual({ x: 100, y: 25 });
    expect(rectExitPoint(rect, { x: 50, y: -100 })).toEqual({ x: 50, y: 0 });
  });
  it("stays inside when the target is inside", () => {
    expect(rectExitPoint(rect, { x: 60, y: 30 })).toEqual({ x: 60, y: 30 });
  });
  it("returns the centre for a target at the centre", () => {
    expect(rectExitPoint(rect, { x: 50, y: 25 })).toEqual({ x: 50, y: 25 });
  });
});

describe("relationArrow", () => {
  it("joins facing borders of separated boxes, subject to object", () => {
    const arrow = relationArrow({ x: 0, y: 0, width: 100, height: 100 }, { x: 300, y: 0, width: 100, height: 100 });
    expect(arrow.points).toEqual([100, 50, 300, 50]);
    // label above the line for a left-to-right arrow (normal points up, y down)
    expect(arrow.label.x).toBeCloseTo(200);
    expect(arrow.label.y).toBeLessThan(50);
  });

  it("joins centres when one box sits on or inside the other", () => {
    const arrow = relationArrow({ x: 40, y: 40, width: 20, height: 20 }, { x: 0, y: 0, width: 200, height: 200 });
    expect(arrow.points).toEqual([50, 50, 100, 100]);
  });

  it("never draws a border-to-border arrow shorter than the minimum", () => {
    const arrow = relationArrow({ x: 0, y: 0, width: 100, height: 100 }, { x: 105, y: 0, width: 100, height: 100 });
    const [x0, y0, x1, y1] = arrow.points;
    expect(Math.hypot(x1 - x0, y1 - y0)).toBeGreaterThanOrEqual(MIN_ARROW_LENGTH);
  });
});

describe("buildOverlay", () => {
  it("draws a box per detected object and an arrow per triple whose ends were found", () => {
    const detected = makeDetected();
    const overlay = buildOverlay(detected, makeCritique(detected), size);
    expect(overlay.boxes.map((box) => box.label)).toEqual(["red cup", "laptop", "desk"]);
    expect(overlay.boxes.every((box) => box.matched)).toBe(true);
    expect(overlay.arrows.map((arrow) => [arrow.predicate, arrow.status, arrow.color])).toEqual([
      ["left of", "satisfied", statusColor("satisfied")],
      ["on", "violated", statusColor("violated")],
    ]);
    expect(overlay.undrawnTriples).toEqual([]);
  });

  it("leaves out arrows to objects that were not found", () => {
    const detected = makeDetected({ cup: null });
    const overlay = buildOverlay(detected, makeCritique(detected, ["missing", "satisfied"]), size);
    expect(overlay.boxes).toHaveLength(2);
    expect(overlay.arrows.map((arrow) => arrow.tripleIndex)).toEqual([1]);
    expect(overlay.undrawnTriples).toEqual([0]);
  });

  it("falls back to the matched detection's box when the critique has no location", () => {
    const detected = makeDetected();
    const critique = { ...makeCritique(detected), locations: {} };
    expect(buildOverlay(detected, critique, size).arrows).toHaveLength(2);
  });

  it("marks unmatched detections as extra", () => {
    const detected = makeDetected();
    detected.objects.push({ id: "det-9", label: "object", attributes: [], box: { x: 0, y: 0, width: 0.1, height: 0.1 } });
    const overlay = buildOverlay(detected, makeCritique(makeDetected()), size);
    expect(overlay.boxes.find((box) => box.id === "det-9")).toMatchObject({ matched: false, targetId: null });
  });
});

describe("highlightedTargetIds", () => {
  it("names the two objects a triple joins", () => {
    const detected = makeDetected();
    const critique = makeCritique(detected);
    expect([...highlightedTargetIds(critique, 1)]).toEqual(["laptop-1", "desk-1"]);
    expect(highlightedTargetIds(critique, null).size).toBe(0);
    expect(highlightedTargetIds(critique, 7).size).toBe(0);
  });
});
