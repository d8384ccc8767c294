/**
 * Scales and paths for the metrics chart, drawn as plain SVG.
 */

export type Scale = (value: number) => number;

/** A linear map from `domain` to `range`; a degenerate domain maps everything to the range's middle. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d0 === d1) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** `count + 1` evenly spaced ticks from `min` to `max`, rounded to avoid 0.30000000000000004. */
export function evenTicks(min: number, max: number, count: number): number[] {
  if (count <= 0 || min === max) return [min];
  const step = (max - min) / count;
  return Array.from({ length: count + 1 }, (_, index) => Math.round((min + step * index) * 1e9) / 1e9);
}

/** Integer ticks for iteration indexes 0..count-1, at most `maxTicks` of them. */
export function iterationTicks(count: number, maxTicks = 10): number[] {
  if (count <= 0) return [];
  const step = Math.max(1, Math.ceil(count / maxTicks));
  const ticks: number[] = [];
  for (let index = 0; index < count; index += step) ticks.push(index);
  if (ticks[ticks.length - 1] !== count - 1) ticks.push(count - 1);
  return ticks;
}

/** An SVG path through the points, "M x y L x y ..." with two decimals. */
export function linePath(points: readonly { x: number; y: number }[]): string {
  return points.map((point, index) => `${index === 0 ? "M" : "L"}${point.x.toFixed(2)} ${point.y.toFixed(2)}`).join(" ");
}

export interface ChartFrame {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

/** Scales for iteration index (x) and a 0..1 metric (y, up) inside a chart frame. */
export function metricScales(frame: ChartFrame, count: number): { x: Scale; y: Scale } {
  const { width, height, margin } = frame;
  return {
    x: linearScale([0, Math.max(1, count - 1)], [margin.left, width - margin.right]),
    y: linearScale([0, 1], [height - margin.bottom, margin.top]),
  };
}
