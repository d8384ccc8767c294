import { describe, expect, it } from "vitest";
import { evenTicks, iterationTicks, linePath, linearScale, metricScales } from "./chart-scales";

describe("chart scales", () => {
  it("maps linearly, including inverted ranges", () => {
    const y = linearScale([0, 1], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(0.25)).toBe(75);
    expect(linearScale([2, 2], [0, 10])(2)).toBe(5);
  });

  it("makes clean ticks", () => {
    expect(evenTicks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(evenTicks(0, 1, 10)[3]).toBe(0.3);
    expect(iterationTicks(5)).toEqual([0, 1, 2, 3, 4]);
    expect(iterationTicks(25, 10)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24]);
    expect(iterationTicks(0)).toEqual([]);
  });

  it("builds SVG paths", () => {
    expect(linePath([{ x: 0, y: 1 }, { x: 2.5, y: 3 }])).toBe("M0.00 1.00 L2.50 3.00");
    expect(linePath([])).toBe("");
  });

  it("frames metrics: iteration 0 at the left margin, SG-IoU 1 at the top", () => {
    const { x, y } = metricScales({ width: 200, height: 100, margin: { top: 10, right: 10, bottom: 20, left: 30 } }, 5);
    expect(x(0)).toBe(30);
    expect(x(4)).toBe(190);
    expect(y(1)).toBe(10);
    expect(y(0)).toBe(80);
  });
});
