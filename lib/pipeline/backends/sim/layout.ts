import type { Rng } from "./random";
import { objectBox, objectRect, type PlacedObject } from "./world/render";
import type { SpriteLibrary } from "./world/sprite-library";
import { depthOfGroundY, horizonY, perspectiveHeight, type WorldStyle } from "./world/world";
import { intersectionArea, relationHolds, type GeometricClass, type Placement } from "../../metrics/spatial-geometry";
import type { ColourName } from "../../scene-graph/vocabulary";

/**
 * Where things go in the embedded world: random placement, and placement of one object so that
 * a geometric relation to an anchor holds. The sim Diffuser lays out whole scenes with it and the
 * sim Editor re-places single objects with it; both are sampleable (seeded) choices.
 *
 * Every candidate is checked with the shared `relationHolds`, so "placed left of" means exactly
 * what the Checker and the metrics mean by it.
 */
export interface ObjectSpec {
  label: string;
  colour?: ColourName;
  sizeFactor: number;
}

/** A placed object must keep at least this share of its box unhidden by nearer objects' boxes. */
const MIN_UNHIDDEN_BOX_SHARE = 0.6;
/** Objects keep this many pixels of their box inside the frame. */
const FRAME_MARGIN = 2;

export function groundedAt(spec: ObjectSpec, centreX: number, groundY: number, style: WorldStyle): PlacedObject {
  return {
    label: spec.label,
    ...(spec.colour ? { colour: spec.colour } : {}),
    centreX,
    baseY: groundY,
    height: perspectiveHeight(groundY, spec.sizeFactor, style),
    depth: depthOfGroundY(groundY, style),
    groundY,
  };
}

export function placement(object: PlacedObject, library: SpriteLibrary, style: WorldStyle): Placement {
  return { box: objectBox(object, library, style), depth: object.depth };
}

function groundRange(style: WorldStyle): [number, number] {
  const horizon = horizonY(style);
  return [horizon + 0.12 * (style.height - horizon), style.height - FRAME_MARGIN];
}

export function randomPlacement(spec: ObjectSpec, rng: Rng, style: WorldStyle): PlacedObject {
  const [near, far] = groundRange(style);
  const groundY = rng.range(near, far);
  const height = perspectiveHeight(groundY, spec.sizeFactor, style);
  const halfWidth = height * 0.45;
  return groundedAt(spec, rng.range(halfWidth, style.width - halfWidth), groundY, style);
}

/**
 * One candidate placement of `spec` so that (subject relation anchor) holds. It may fail the
 * check (the caller verifies and retries). For "under" the anchor has to sit on the subject, so
 * the candidate also returns the lifted anchor.
 */
export function proposeRelative(
  spec: ObjectSpec,
  relation: GeometricClass,
  anchor: PlacedObject,
  rng: Rng,
  library: SpriteLibrary,
  style: WorldStyle,
): { subject: PlacedObject; anchor?: PlacedObject } {
  const rect = objectRect(anchor, library);
  const anchorCentre = rect.left + rect.width / 2;
  const aspect = library.aspect(spec.label);
  const [nearLimit, farLimit] = groundRange(style);
  const clampGround = (y: number) => Math.min(farLimit, Math.max(nearLimit, y));
  const besideGround = () => clampGround(anchor.groundY + rng.range(-40, 25));
  const widthAt = (groundY: number) => perspectiveHeight(groundY, spec.sizeFactor, style) * aspect;

  switch (relation) {
    case "left":
    case "right": {
      // Beside it, sometimes a little farther back, where a smaller copy still fits in the frame.
      const groundY = clampGround(anchor.groundY + rng.range(-90, 25));
      const half = widthAt(groundY) / 2;
      const gap = rng.range(4, 70);
      const centreX = relation === "left" ? rect.left - half - gap : rect.left + rect.width + half + gap;
      return { subject: groundedAt(spec, centreX, groundY, style) };
    }
    case "near": {
      // Centres closer than NEAR_DISTANCE: big neighbours may overlap a little.
      const groundY = besideGround();
      const reach = rect.width / 2 + widthAt(groundY) / 2;
      const centreX = anchorCentre + (rng.chance(0.5) ? -1 : 1) * rng.range(0.45, 1) * reach;
      return { subject: groundedAt(spec, centreX, groundY, style) };
    }
    case "touching": {
      const half = widthAt(anchor.groundY) / 2;
      const gap = rng.range(-2, 3);
      const centreX = rng.chance(0.5) ? rect.left - half - gap : rect.left + rect.width + half + gap;
      return { subject: groundedAt(spec, centreX, anchor.groundY, style) };
    }
    case "in-front":
    case "behind": {
      // Overlap a share of the narrower object's width, so that one partly hides the other.
      const step = rng.range(16, 60);
      const groundY = clampGround(relation === "in-front" ? anchor.groundY + step : anchor.groundY - step);
      const width = widthAt(groundY);
      const overlap = rng.range(0.15, 0.6) * Math.min(width, rect.width);
      const side = rng.chance(0.5) ? -1 : 1;
      const centreX = anchorCentre + side * (rect.width / 2 + width / 2 - overlap);
      return { subject: groundedAt(spec, centreX, groundY, style) };
    }
    case "above":
    case "on": {
      const height = perspectiveHeight(anchor.groundY, spec.sizeFactor, style) * (relation === "on" ? 0.8 : 1);
      const baseY = relation === "on" ? rect.top + rng.range(0.04, 0.2) * rect.height : rect.top - rng.range(16, 60);
      const centreX = anchorCentre + rng.range(-0.2, 0.2) * rect.width;
      return {
        subject: { ...groundedAt(spec, centreX, anchor.groundY, style), baseY, height, depth: anchor.depth, groundY: anchor.groundY },
      };
    }
    case "below": {
      // Nearer the camera and entirely lower in the picture than the anchor's base, with a gap
      // wider than the contact tolerance so it cannot read as "on".
      const gap = rng.range(16, 40);
      for (let groundY = anchor.baseY + gap; groundY <= farLimit; groundY += 4) {
        if (groundY - perspectiveHeight(groundY, spec.sizeFactor, style) >= anchor.baseY + gap) {
          return { subject: groundedAt(spec, anchorCentre + rng.range(-0.2, 0.2) * rect.width, groundY, style) };
        }
      }
      return { subject: groundedAt(spec, anchorCentre, farLimit, style) };
    }
    case "under": {
      // The subject stands where the anchor stood; the anchor is lifted to rest on top of it.
      const subject = groundedAt(spec, anchorCentre + rng.range(-0.15, 0.15) * rect.width, anchor.groundY, style);
      const subjectRect = objectRect(subject, library);
      const lifted = { ...anchor, baseY: subjectRect.top + rng.range(0.04, 0.2) * subjectRect.height };
      return { subject, anchor: lifted };
    }
    case "inside": {
      const height = Math.min(perspectiveHeight(anchor.groundY, spec.sizeFactor, style), rect.height * 0.45);
      const baseY = rect.top + rect.height * 0.85;
      const centreX = anchorCentre;
      return {
        subject: { ...groundedAt(spec, centreX, anchor.groundY, style), baseY, height, depth: Math.max(0, anchor.depth - 0.05), groundY: anchor.groundY },
      };
    }
  }
}

export function insideFrame(object: PlacedObject, library: SpriteLibrary, style: WorldStyle): boolean {
  const rect = objectRect(object, library);
  return rect.left >= FRAME_MARGIN && rect.top >= FRAME_MARGIN && rect.left + rect.width <= style.width - FRAME_MARGIN && rect.top + rect.height <= style.height;
}

/**
 * Box-level visibility estimate: every object keeps MIN_UNHIDDEN_BOX_SHARE of its box free of
 * nearer objects' boxes (objects meant to be inside another are exempt as the container). Keeps
 * scenes readable, as diffusion models rarely hide a prompted object completely.
 */
export function visibleEnough(objects: readonly PlacedObject[], library: SpriteLibrary, style: WorldStyle): boolean {
  const boxes = objects.map((object) => objectBox(object, library, style));
  return objects.every((object, index) => {
    const box = boxes[index]!;
    const area = box.width * box.height;
    let hidden = 0;
    objects.forEach((other, otherIndex) => {
      if (otherIndex === index) return;
      const nearer = other.depth < object.depth || (other.depth === object.depth && other.baseY < object.baseY);
      if (!nearer) return;
      const overlap = intersectionArea(box, boxes[otherIndex]!);
      const contained = overlap >= 0.9 * boxes[otherIndex]!.width * boxes[otherIndex]!.height;
      if (!contained) hidden += overlap;
    });
    return hidden <= (1 - MIN_UNHIDDEN_BOX_SHARE) * area;
  });
}

export function relationSatisfied(
  relation: GeometricClass,
  subject: PlacedObject,
  anchor: PlacedObject,
  library: SpriteLibrary,
  style: WorldStyle,
): boolean {
  return relationHolds(relation, placement(subject, library, style), placement(anchor, library, style));
}
