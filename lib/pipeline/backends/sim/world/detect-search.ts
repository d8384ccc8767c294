import { coarseHypothesis, coarseProbe, coarseScore, coarseScoreOccluded, exactScore, sizeProbe, type Hypothesis, type Scene } from "./detect-score";
import type { Component } from "./foreground";
import { spriteTemplate } from "./templates";

/**
 * Where to look: hypotheses (label, rect) for the unexplained part of a group of foreground
 * components. A fully visible front object shows at least one extreme point (top, bottom, left
 * or right) on the blob's contour, so rects are anchored at the blob's bbox corners and at local
 * extrema of its contours, over a geometric series of heights, and scored coarsely.
 *
 * Exports: Bounds, boundsOf, wholeBlob, searchBlob.
 */

export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function boundsOf(components: readonly Bounds[]): Bounds {
  const bounds = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (const c of components) {
    bounds.x0 = Math.min(bounds.x0, c.x0);
    bounds.y0 = Math.min(bounds.y0, c.y0);
    bounds.x1 = Math.max(bounds.x1, c.x1);
    bounds.y1 = Math.max(bounds.y1, c.y1);
  }
  return bounds;
}

type Side = "top" | "bottom" | "left" | "right";

interface Anchor {
  side: Side;
  x: number;
  y: number;
  /** 0 for the side's most extreme local extremum, 1 for the next ... */
  rank: number;
}

/** Rects are swept along the two strongest extrema per side; heights pair up more of them. */
const SWEPT_ANCHORS = 2;
const EXTENT_ANCHORS = 4;
/** Height series ratios: refinement recovers about +-3.5%, the dense series is the exhaustive one. */
const DENSE_RATIO = 1.07;
const SPARSE_RATIO = 1.2;

const EXTREMUM_RADIUS = 8;
/** The grid scan: position step as a share of the rect's smaller side; smallest height scanned. */
const SCAN_STEP = 0.1;
const SCAN_MIN_HEIGHT = 24;

/** Up to two strongest local extrema of one contour (values per column or row). */
function extrema(values: Int32Array, better: (a: number, b: number) => boolean, valid: (v: number) => boolean): { index: number; value: number }[] {
  const found: { index: number; value: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!valid(v)) continue;
    let extreme = true;
    for (let d = -EXTREMUM_RADIUS; d <= EXTREMUM_RADIUS && extreme; d++) {
      const w = values[i + d];
      if (w !== undefined && valid(w) && better(w, v)) extreme = false;
    }
    if (!extreme) continue;
    const last = found[found.length - 1];
    if (last && last.value === v && i - last.index <= EXTREMUM_RADIUS) continue;
    let end = i;
    while (end + 1 < values.length && values[end + 1] === v) end++;
    found.push({ index: Math.round((i + end) / 2), value: v });
  }
  found.sort((a, b) => (better(a.value, b.value) ? -1 : better(b.value, a.value) ? 1 : 0));
  return found.slice(0, EXTENT_ANCHORS);
}

/** Anchors per residual blob (a blob is searched with up to three height plans). */
const anchorsOfBlob = new WeakMap<Component, Anchor[]>();

/** Local extrema of the blob's top/bottom/left/right contours: where some object's extreme point shows. */
function contourAnchors(blob: Component, width: number): Anchor[] {
  const bw = blob.x1 - blob.x0 + 1;
  const bh = blob.y1 - blob.y0 + 1;
  const top = new Int32Array(bw).fill(1 << 30);
  const bottom = new Int32Array(bw).fill(-1);
  const left = new Int32Array(bh).fill(1 << 30);
  const right = new Int32Array(bh).fill(-1);
  for (const p of blob.pixels) {
    const x = p % width;
    const y = (p - x) / width;
    const i = x - blob.x0;
    const j = y - blob.y0;
    if (y < top[i]!) top[i] = y;
    if (y > bottom[i]!) bottom[i] = y;
    if (x < left[j]!) left[j] = x;
    if (x > right[j]!) right[j] = x;
  }
  const less = (a: number, b: number) => a < b;
  const more = (a: number, b: number) => a > b;
  const lowSet = (v: number) => v < 1 << 30;
  const highSet = (v: number) => v >= 0;
  return [
    ...extrema(top, less, lowSet).map(({ index, value }, rank) => ({ side: "top" as const, x: blob.x0 + index, y: value, rank })),
    ...extrema(bottom, more, highSet).map(({ index, value }, rank) => ({ side: "bottom" as const, x: blob.x0 + index, y: value, rank })),
    ...extrema(left, less, lowSet).map(({ index, value }, rank) => ({ side: "left" as const, x: value, y: blob.y0 + index, rank })),
    ...extrema(right, more, highSet).map(({ index, value }, rank) => ({ side: "right" as const, x: value, y: blob.y0 + index, rank })),
  ];
}

/** The blob is exactly one whole, unoccluded object: try its bounding box as the rect for each key. */
export function wholeBlob(scene: Scene, keys: readonly string[], blob: Bounds): Hypothesis | undefined {
  const blobWidth = blob.x1 - blob.x0 + 1;
  const blobHeight = blob.y1 - blob.y0 + 1;
  let best: Hypothesis | undefined;
  for (const key of keys) {
    const tpl = spriteTemplate(scene.library, key);
    const width = Math.max(1, Math.round(blobHeight * tpl.aspect));
    if (Math.abs(width - blobWidth) > Math.max(3, blobWidth * 0.05)) continue;
    const rect = { key, left: blob.x0, top: blob.y0, width, height: blobHeight, corner: 0 };
    const hypothesis = exactScore(scene, tpl, scene.library.spriteByKey(key), rect, 2);
    if (hypothesis.precision >= 0.9 && hypothesis.visible >= 0.85 && (!best || hypothesis.score > best.score)) best = hypothesis;
  }
  return best;
}

export const searchStats = { coarse: 0 };

/**
 * Heights to try: "extents" uses the blob's own extents (a fully visible object's top and bottom,
 * or left and right, extremes are on the blob's contour, so its height is a difference of
 * anchors), "series" a geometric series from 16 px to the largest that fits the group, "scan" the
 * sparse series at every position on a grid over the blob (an object whose extremes are all
 * hidden or inside the blob: only for the few candidates of the occlusion-tolerant search).
 */
export type HeightPlan = "extents" | "sparse-series" | "series" | "scan";

function seriesHeights(maxHeight: number, ratio: number): number[] {
  const heights: number[] = [];
  for (let height = 16; height <= maxHeight; height = Math.max(height + 1, Math.round(height * ratio))) heights.push(height);
  return heights;
}

function extentHeights(anchors: readonly Anchor[], blob: Bounds, aspect: number, maxHeight: number): number[] {
  const pick = (side: Side, bound: number, of: (anchor: Anchor) => number) => [bound, ...anchors.filter((a) => a.side === side).map(of)];
  const tops = pick("top", blob.y0, (a) => a.y);
  const bottoms = pick("bottom", blob.y1, (a) => a.y);
  const lefts = pick("left", blob.x0, (a) => a.x);
  const rights = pick("right", blob.x1, (a) => a.x);
  const heights = new Set<number>();
  for (const top of tops) for (const bottom of bottoms) heights.add(bottom - top + 1);
  for (const left of lefts) for (const right of rights) heights.add(Math.round((right - left + 1) / aspect));
  return [...heights].filter((height) => height >= 16 && height <= maxHeight).sort((a, b) => a - b);
}

/**
 * Anchored coarse search over labels, heights and anchors; best hypothesis per key, best first.
 * `occluded`: score with the occlusion-tolerant scorer (foreground misses may be an unknown
 * object in front).
 */
export function searchBlob(
  scene: Scene,
  keys: readonly string[],
  blob: Component,
  group: Bounds,
  plan: HeightPlan = "series",
  occluded = false,
): Hypothesis[] {
  const score = occluded ? coarseScoreOccluded : coarseScore;
  const bestPerKey: Hypothesis[] = [];
  const groupWidth = group.x1 - group.x0 + 1;
  const groupHeight = group.y1 - group.y0 + 1;
  let anchors = anchorsOfBlob.get(blob);
  if (!anchors) {
    anchors = contourAnchors(blob, scene.analysis.width);
    anchorsOfBlob.set(blob, anchors);
  }
  // Only keys scoring at least half the best are refined (peelGroup): prune below that.
  let floor = -Infinity;
  for (const key of keys) {
    const sprite = scene.library.spriteByKey(key);
    const tpl = spriteTemplate(scene.library, key);
    const probe = coarseProbe(tpl);
    let bestScore = -Infinity;
    let bestLeft = 0;
    let bestTop = 0;
    let bestHeight = 0;
    let bestCorner = 0;
    let width = 0;
    let height = 0;
    const consider = (left: number, top: number, corner: number) => {
      if (left < group.x0 - 3 || top < group.y0 - 3 || left + width > group.x1 + 4 || top + height > group.y1 + 4) return;
      searchStats.coarse++;
      const value = score(scene, probe, left, top, Math.max(bestScore, floor));
      if (value > bestScore) {
        bestScore = value;
        bestLeft = left;
        bestTop = top;
        bestHeight = height;
        bestCorner = corner;
      }
    };
    const maxHeight = Math.min(groupHeight + 2, (groupWidth + 2) / tpl.aspect);
    const heights =
      plan === "extents" ? extentHeights(anchors, blob, tpl.aspect, maxHeight) : seriesHeights(maxHeight, plan === "series" ? DENSE_RATIO : SPARSE_RATIO);
    if (plan === "scan") {
      for (height of heights) {
        if (height < SCAN_MIN_HEIGHT) continue;
        width = Math.max(1, Math.round(height * tpl.aspect));
        sizeProbe(probe, sprite, width, height);
        const step = Math.max(3, Math.round(Math.min(width, height) * SCAN_STEP));
        for (let top = blob.y0; top + height <= blob.y1 + 1 + step; top += step) {
          for (let left = blob.x0; left + width <= blob.x1 + 1 + step; left += step) consider(left, top, 0);
        }
      }
    }
    for (height of plan === "scan" ? [] : heights) {
      width = Math.max(1, Math.round(height * tpl.aspect));
      sizeProbe(probe, sprite, width, height);
      consider(blob.x0, blob.y0, 0);
      consider(blob.x1 + 1 - width, blob.y0, 1);
      consider(blob.x0, blob.y1 + 1 - height, 2);
      consider(blob.x1 + 1 - width, blob.y1 + 1 - height, 3);
      for (const anchor of anchors) {
        if (anchor.rank >= SWEPT_ANCHORS) continue;
        const horizontal = anchor.side === "top" || anchor.side === "bottom";
        const [lo, hi] = tpl.extremes[anchor.side];
        const extent = horizontal ? width : height;
        const from = (horizontal ? anchor.x : anchor.y) - hi * extent;
        const to = (horizontal ? anchor.x : anchor.y) - lo * extent;
        const step = Math.max(3, extent * 0.08);
        for (let t = from; t <= to + 0.5; t += step) {
          const free = Math.round(t);
          if (anchor.side === "top") consider(free, anchor.y, 0);
          else if (anchor.side === "bottom") consider(free, anchor.y + 1 - height, 2);
          else if (anchor.side === "left") consider(anchor.x, free, 0);
          else consider(anchor.x + 1 - width, free, 1);
        }
      }
    }
    // Every rect of this key was rejected early: no hypothesis for it.
    if (bestScore === -Infinity) continue;
    if (bestScore > 0) floor = Math.max(floor, bestScore * 0.5);
    sizeProbe(probe, sprite, Math.max(1, Math.round(bestHeight * tpl.aspect)), bestHeight);
    const hypothesis = coarseHypothesis(scene, probe, bestLeft, bestTop, bestCorner);
    // The occlusion-tolerant ranking is by its own score (the standard one may reject the rect).
    bestPerKey.push(occluded ? { ...hypothesis, key, left: bestLeft, top: bestTop, width: probe.width, height: bestHeight, corner: bestCorner, score: bestScore } : hypothesis);
  }
  return bestPerKey.sort((a, b) => b.score - a.score);
}
