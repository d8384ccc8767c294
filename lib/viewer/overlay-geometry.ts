import type { Box, SceneGraph } from "../pipeline/scene-graph/schema";
import { nodeText } from "../pipeline/scene-graph/schema";
import type { Critique, TripleStatus } from "../pipeline/roles/types";

/**
 * Overlay geometry for the run viewer: normalised boxes (0..1, y down) to pixel rectangles,
 * relation arrows between the boxes of the objects a target triple joins, label placement and
 * status colours. Pure: the canvas components only draw what these functions return.
 */

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export const statusColors: Record<TripleStatus, string> = {
  satisfied: "#15803d",
  violated: "#dc2626",
  missing: "#b45309",
};

export const statusLabels: Record<TripleStatus, string> = {
  satisfied: "satisfied",
  violated: "violated",
  missing: "missing",
};

export function statusColor(status: TripleStatus): string {
  return statusColors[status];
}

/** A normalised box as a pixel rectangle on a canvas of `size`, clipped to the canvas. */
export function boxToRect(box: Box, size: Size): Rect {
  const left = clamp(box.x, 0, 1) * size.width;
  const top = clamp(box.y, 0, 1) * size.height;
  const right = clamp(box.x + box.width, 0, 1) * size.width;
  const bottom = clamp(box.y + box.height, 0, 1) * size.height;
  return { x: left, y: top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
}

export function rectCenter(rect: Rect): Point {
  return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
}

/**
 * Where the ray from the centre of `rect` towards `toward` leaves the rectangle. When `toward`
 * is the centre itself, the centre.
 */
export function rectExitPoint(rect: Rect, toward: Point): Point {
  const center = rectCenter(rect);
  const dx = toward.x - center.x;
  const dy = toward.y - center.y;
  if (dx === 0 && dy === 0) return center;
  const halfWidth = rect.width / 2;
  const halfHeight = rect.height / 2;
  const scaleX = dx === 0 ? Infinity : halfWidth / Math.abs(dx);
  const scaleY = dy === 0 ? Infinity : halfHeight / Math.abs(dy);
  const scale = Math.min(scaleX, scaleY, 1);
  return { x: center.x + dx * scale, y: center.y + dy * scale };
}

export interface ArrowGeometry {
  /** x0, y0, x1, y1: from the subject towards the object. */
  points: [number, number, number, number];
  label: Point;
}

/** Shortest arrow drawn, in pixels; closer (nested, overlapping) boxes join centre to centre. */
export const MIN_ARROW_LENGTH = 24;

/**
 * An arrow from the subject's box to the object's box: from border to border when the boxes are
 * apart, from centre to centre when that would be shorter than MIN_ARROW_LENGTH (one box on or
 * inside the other). The label sits at the midpoint, pushed `labelOffset` pixels to the left of
 * the direction of travel so it does not cover the line.
 */
export function relationArrow(subject: Rect, object: Rect, labelOffset = 10): ArrowGeometry {
  const from = rectCenter(subject);
  const to = rectCenter(object);
  let start = rectExitPoint(subject, to);
  let end = rectExitPoint(object, from);
  if (distance(start, end) < MIN_ARROW_LENGTH || !sameDirection(from, to, start, end)) {
    start = from;
    end = to;
  }
  const length = distance(start, end);
  const mid = { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 };
  const normal = length === 0 ? { x: 0, y: -1 } : { x: (end.y - start.y) / length, y: -(end.x - start.x) / length };
  return {
    points: [start.x, start.y, end.x, end.y],
    label: { x: mid.x + normal.x * labelOffset, y: mid.y + normal.y * labelOffset },
  };
}

export interface OverlayBox {
  /** Detected object id. */
  id: string;
  /** Target object id this detection was matched to, if any. */
  targetId: string | null;
  label: string;
  rect: Rect;
  /** Matched to the target (false for an extra object). */
  matched: boolean;
}

export interface OverlayArrow {
  /** Index of the triple in the critique. */
  tripleIndex: number;
  subjectTargetId: string;
  objectTargetId: string;
  predicate: string;
  observedPredicate: string | null;
  status: TripleStatus;
  color: string;
  geometry: ArrowGeometry;
}

export interface Overlay {
  boxes: OverlayBox[];
  arrows: OverlayArrow[];
  /** Triples that cannot be drawn because an end was not found in the image. */
  undrawnTriples: number[];
}

/**
 * Everything the canvas draws for one iteration: a box per detected object (labelled with its
 * attributes and label) and an arrow per target triple whose two objects were both found.
 */
export function buildOverlay(detected: SceneGraph, critique: Critique, size: Size): Overlay {
  const targetIdByDetectedId = new Map<string, string>();
  for (const [targetId, detectedId] of Object.entries(critique.matches)) targetIdByDetectedId.set(detectedId, targetId);

  const boxes: OverlayBox[] = [];
  for (const object of detected.objects) {
    if (!object.box) continue;
    const targetId = targetIdByDetectedId.get(object.id) ?? null;
    boxes.push({ id: object.id, targetId, label: nodeText(object), rect: boxToRect(object.box, size), matched: targetId !== null });
  }

  const arrows: OverlayArrow[] = [];
  const undrawnTriples: number[] = [];
  critique.triples.forEach((triple, tripleIndex) => {
    const subjectBox = locate(triple.subject, detected, critique);
    const objectBox = locate(triple.object, detected, critique);
    if (!subjectBox || !objectBox) {
      undrawnTriples.push(tripleIndex);
      return;
    }
    arrows.push({
      tripleIndex,
      subjectTargetId: triple.subject,
      objectTargetId: triple.object,
      predicate: triple.predicate,
      observedPredicate: triple.observedPredicate ?? null,
      status: triple.status,
      color: statusColor(triple.status),
      geometry: relationArrow(boxToRect(subjectBox, size), boxToRect(objectBox, size)),
    });
  });
  return { boxes, arrows, undrawnTriples };
}

/** The box of a target object in this iteration's image: the Checker's location, else its matched detection. */
export function locate(targetId: string, detected: SceneGraph, critique: Critique): Box | undefined {
  const location = critique.locations[targetId];
  if (location) return location;
  const detectedId = critique.matches[targetId];
  if (detectedId === undefined) return undefined;
  return detected.objects.find((object) => object.id === detectedId)?.box;
}

/** Target object ids a highlighted triple joins (empty when nothing is highlighted). */
export function highlightedTargetIds(critique: Critique, tripleIndex: number | null): Set<string> {
  if (tripleIndex === null) return new Set();
  const triple = critique.triples[tripleIndex];
  return triple ? new Set([triple.subject, triple.object]) : new Set();
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

/** Border-to-border points keep the centre-to-centre direction (false when the boxes overlap past each other). */
function sameDirection(from: Point, to: Point, start: Point, end: Point): boolean {
  return (to.x - from.x) * (end.x - start.x) + (to.y - from.y) * (end.y - start.y) > 0;
}
