import type { Box } from "../scene-graph/schema";

/**
 * The geometric classes every relation phrase maps onto (see predicates.ts), and the one
 * definition of when each holds between two placed objects. The Checker, the evaluation, the
 * sim Diffuser's placement and (later) the rewards all call `relationHolds`, so they cannot
 * disagree about what "left of" means.
 *
 * Inputs are normalised boxes (0..1, y down) and depth (larger = farther from the camera,
 * 0..1 on the ground plane of the embedded world).
 */
export const geometricClasses = [
  "left",
  "right",
  "above",
  "below",
  "on",
  "under",
  "near",
  "in-front",
  "behind",
  "inside",
  "touching",
] as const;
export type GeometricClass = (typeof geometricClasses)[number];

export interface Placement {
  box: Box;
  depth: number;
}

/** GenEval's margin: each axis offset shrinks by 0.1 x (size A + size B) before the direction test. */
const GENEVAL_POSITION_THRESHOLD = 0.1;
/** T2I-CompBench's "near": centre distance under 150 px on 512 px images. */
export const NEAR_DISTANCE = 150 / 512;
/** Depth difference below which neither object counts as in front of the other. */
export const DEPTH_MARGIN = 0.04;
/** How far (normalised) a base may float above or sink into a support and still count as resting on it. */
const CONTACT_TOLERANCE = 0.02;

export function centre(box: Box): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function intersectionArea(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

export function boxIoU(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * GenEval's relative position of A to B (djghosh13/geneval, evaluation/evaluate_images.py):
 * the centre offset, shrunk on each axis by 0.1 x (dim A + dim B), divided by the length of the
 * unshrunk offset. Returns null when both shrunk components vanish (no direction at all).
 */
export function genevalOffset(a: Box, b: Box): { dx: number; dy: number } | null {
  const ca = centre(a);
  const cb = centre(b);
  const offset = [ca.x - cb.x, ca.y - cb.y] as const;
  const dims = [a.width + b.width, a.height + b.height] as const;
  const revised = offset.map((value, axis) => Math.max(Math.abs(value) - GENEVAL_POSITION_THRESHOLD * dims[axis]!, 0) * Math.sign(value));
  if (Math.abs(revised[0]!) < 1e-3 && Math.abs(revised[1]!) < 1e-3) return null;
  const length = Math.hypot(offset[0], offset[1]);
  return { dx: revised[0]! / length, dy: revised[1]! / length };
}

function horizontalOverlap(a: Box, b: Box): number {
  return Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
}

/** A rests on B: its base meets B's top (within tolerance, or sunk into B's upper third) and it sits over B. */
function restsOn(a: Box, b: Box): boolean {
  const base = a.y + a.height;
  const sink = base - b.y;
  const overCentre = centre(a).x > b.x && centre(a).x < b.x + b.width;
  return overCentre && sink >= -CONTACT_TOLERANCE && sink <= b.height / 3 && centre(a).y < centre(b).y;
}

function gapBetween(a: Box, b: Box): number {
  const gapX = Math.max(b.x - (a.x + a.width), a.x - (b.x + b.width), 0);
  const gapY = Math.max(b.y - (a.y + a.height), a.y - (b.y + b.height), 0);
  return Math.hypot(gapX, gapY);
}

export function relationHolds(geometricClass: GeometricClass, a: Placement, b: Placement): boolean {
  const offset = genevalOffset(a.box, b.box);
  switch (geometricClass) {
    case "left":
      return offset !== null && offset.dx < -0.5;
    case "right":
      return offset !== null && offset.dx > 0.5;
    case "above":
      return offset !== null && offset.dy < -0.5 && !restsOn(a.box, b.box);
    case "below":
      return offset !== null && offset.dy > 0.5 && !restsOn(b.box, a.box);
    case "on":
      return restsOn(a.box, b.box);
    case "under":
      return restsOn(b.box, a.box);
    case "near": {
      const ca = centre(a.box);
      const cb = centre(b.box);
      return Math.hypot(ca.x - cb.x, ca.y - cb.y) < NEAR_DISTANCE;
    }
    case "in-front":
      return a.depth < b.depth - DEPTH_MARGIN && horizontalOverlap(a.box, b.box) > 0;
    case "behind":
      return a.depth > b.depth + DEPTH_MARGIN && horizontalOverlap(a.box, b.box) > 0;
    case "inside":
      return intersectionArea(a.box, b.box) >= 0.9 * a.box.width * a.box.height && a.box.width * a.box.height < b.box.width * b.box.height;
    case "touching":
      return gapBetween(a.box, b.box) <= CONTACT_TOLERANCE && !(intersectionArea(a.box, b.box) >= 0.9 * a.box.width * a.box.height);
  }
}

/** Every class that holds for A relative to B, in the order of `geometricClasses`. */
export function observedClasses(a: Placement, b: Placement): GeometricClass[] {
  return geometricClasses.filter((geometricClass) => relationHolds(geometricClass, a, b));
}
