import type { Box } from "../scene-graph/schema";
import { centre, genevalOffset, intersectionArea } from "./spatial-geometry";

/**
 * The benchmarks' own box rules, reproduced so that our evaluation scores what they score.
 * Boxes here are `{x, y, width, height}` (top-left corner, y down), in the unit each rule says.
 */

// --- GenEval ---------------------------------------------------------------------------------
// djghosh13/geneval evaluation/evaluate_images.py: relative_position() and evaluate().

export const genevalRelations = ["left of", "right of", "above", "below"] as const;
export type GenevalRelation = (typeof genevalRelations)[number];

/**
 * Every GenEval relation that holds for A relative to B (relative_position): the centre offset
 * A - B, shrunk on each axis by 0.1 x (A's size + B's size), divided by the length of the unshrunk
 * offset; "left of" when dx < -0.5, "right of" dx > 0.5, "above" dy < -0.5, "below" dy > 0.5. The
 * empty set when both shrunk components are under 1e-3.
 *
 * Units: GenEval passes detector boxes in pixels. The ratio is the same under any uniform scaling,
 * so pixel boxes and boxes normalised by a square image agree, except for that 1e-3 cut-off, which
 * GenEval applies in pixels; pass pixel boxes for an exact reproduction. Boxes normalised by a
 * non-square image are NOT equivalent (x and y would be scaled differently).
 */
export function genevalRelativePosition(a: Box, b: Box): Set<GenevalRelation> {
  const relations = new Set<GenevalRelation>();
  const offset = genevalOffset(a, b);
  if (!offset) return relations;
  if (offset.dx < -0.5) relations.add("left of");
  if (offset.dx > 0.5) relations.add("right of");
  if (offset.dy < -0.5) relations.add("above");
  if (offset.dy > 0.5) relations.add("below");
  return relations;
}

/** GenEval's verdict for one pair: does `relation` hold for A relative to B? */
export function genevalPositionVerdict(relation: GenevalRelation, a: Box, b: Box): boolean {
  return genevalRelativePosition(a, b).has(relation);
}

/**
 * GenEval's position clause (evaluate()): every counted subject detection must stand in `relation`
 * to every detection of the target group; a missing subject or target fails.
 */
export function genevalPositionClause(relation: GenevalRelation, subjects: readonly Box[], targets: readonly Box[]): boolean {
  if (subjects.length === 0 || targets.length === 0) return false;
  return subjects.every((subject) => targets.every((target) => genevalPositionVerdict(relation, subject, target)));
}

// --- T2I-CompBench 2D spatial -----------------------------------------------------------------
// Karine-Huang/T2I-CompBench UniDet_eval/2D_spatial_eval.py: determine_position() and main().

/** The relation words the scorer looks for, in its search order (first substring match wins). */
export const t2iCompBenchLocalities = [
  "on side of",
  "next to",
  "near",
  "on the left of",
  "on the right of",
  "on the bottom of",
  "on the top of",
  "on top of",
] as const;
export type T2iCompBenchLocality = (typeof t2iCompBenchLocalities)[number];

/** T2I-CompBench's image size (512 x 512) and its thresholds in pixels of that image. */
export const T2I_COMPBENCH_IMAGE_SIZE = 512;
export const T2I_COMPBENCH_IOU_THRESHOLD = 0.1;
export const T2I_COMPBENCH_DISTANCE_THRESHOLD_PX = 150;

/** The relation word the scorer finds in a prompt: the first of `t2iCompBenchLocalities` that is a substring. */
export function t2iCompBenchLocality(prompt: string): T2iCompBenchLocality | undefined {
  return t2iCompBenchLocalities.find((word) => prompt.includes(word));
}

/** A normalised box (0..1) in pixels of a `width` x `height` image. */
export function toPixelBox(box: Box, width = T2I_COMPBENCH_IMAGE_SIZE, height = T2I_COMPBENCH_IMAGE_SIZE): Box {
  return { x: box.x * width, y: box.y * height, width: box.width * width, height: box.height * height };
}

/**
 * determine_position(locality, box1, box2), boxes in PIXELS (the distance threshold is 150 px on
 * 512 px images; use `toPixelBox` for normalised boxes). box1 is the prompt's first noun (the
 * subject), box2 its last. With dx, dy = centre2 - centre1 and IoU the plain box IoU:
 * - "next to" / "near" / "on side of": 1 when |dx| < 150 OR |dy| < 150 (each axis on its own, not
 *   the Euclidean distance), else 150 / max(|dx|, |dy|).
 * - "on the left of" (dx > 0), "on the right of" (dx < 0), "on the top of" (dy > 0, subject
 *   higher), "on the bottom of" (dy < 0): when that sign holds and the axis dominates
 *   (|dx| > |dy|, or |dy| > |dx| for top/bottom), 1 if IoU < 0.1 else 0.1 / IoU; otherwise 0.
 * - anything else, including "on top of" (listed in their search words but with no branch): 0.
 * Zero-area boxes (union 0, a ZeroDivisionError in the original) count as IoU 0.
 */
export function t2iCompBenchPositionScore(locality: string | undefined, box1Px: Box, box2Px: Box): number {
  const c1 = centre(box1Px);
  const c2 = centre(box2Px);
  const dx = c2.x - c1.x;
  const dy = c2.y - c1.y;
  const intersection = intersectionArea(box1Px, box2Px);
  const union = box1Px.width * box1Px.height + box2Px.width * box2Px.height - intersection;
  const iou = union > 0 ? intersection / union : 0;
  const overlapScore = iou < T2I_COMPBENCH_IOU_THRESHOLD ? 1 : T2I_COMPBENCH_IOU_THRESHOLD / iou;
  const horizontal = Math.abs(dx) > Math.abs(dy);
  const vertical = Math.abs(dy) > Math.abs(dx);
  switch (locality) {
    case "next to":
    case "on side of":
    case "near": {
      const threshold = T2I_COMPBENCH_DISTANCE_THRESHOLD_PX;
      return Math.abs(dx) < threshold || Math.abs(dy) < threshold ? 1 : threshold / Math.max(Math.abs(dx), Math.abs(dy));
    }
    case "on the right of":
      return dx < 0 && horizontal ? overlapScore : 0;
    case "on the left of":
      return dx > 0 && horizontal ? overlapScore : 0;
    case "on the bottom of":
      return dy < 0 && vertical ? overlapScore : 0;
    case "on the top of":
      return dy > 0 && vertical ? overlapScore : 0;
    default:
      return 0;
  }
}

export interface T2iCompBenchDetection {
  /** Pixel box of the first (highest-scoring) detection of the noun's class. */
  box: Box;
  /** The detector's confidence for that detection, 0..1. */
  confidence: number;
}

/**
 * The per-image score of main(): with both nouns detected, 0.25 x conf1 + 0.25 x conf2 +
 * position / 2; with one, 0.25 x its confidence; with none, 0; and any score under 0.5 becomes 0.
 * So objects that are detected but fail the relation score 0.25 x (conf1 + conf2) <= 0.5, which is
 * zeroed unless both confidences are exactly 1; a lone detection always scores 0. (Their code also
 * maps girl/boy/man/woman to the detector class "person" before matching; that is the caller's job.)
 */
export function t2iCompBench2dImageScore(
  locality: string | undefined,
  subject: T2iCompBenchDetection | undefined,
  object: T2iCompBenchDetection | undefined,
): number {
  let score = 0;
  if (subject && object) {
    score = 0.25 * subject.confidence + 0.25 * object.confidence + t2iCompBenchPositionScore(locality, subject.box, object.box) / 2;
  } else if (subject) {
    score = 0.25 * subject.confidence;
  } else if (object) {
    score = 0.25 * object.confidence;
  }
  return score < 0.5 ? 0 : score;
}

// --- T2I-CompBench 3D spatial -----------------------------------------------------------------
// Karine-Huang/T2I-CompBench UniDet_eval/3D_spatial_eval.py: determine_position() and main().

/** The 3D relation words, in the scorer's search order (first substring match wins). */
export const t2iCompBench3dLocalities = ["in front of", "behind", "hidden"] as const;
export type T2iCompBench3dLocality = (typeof t2iCompBench3dLocalities)[number];
export const T2I_COMPBENCH_3D_IOU_THRESHOLD = 0.5;

export function t2iCompBench3dLocality(prompt: string): T2iCompBench3dLocality | undefined {
  return t2iCompBench3dLocalities.find((word) => prompt.includes(word));
}

/**
 * determine_position() for "in front of" / "behind" / "hidden", boxes in pixels. The original
 * compares the mean of a monocular depth map inside each box; here `subjectNearer` is the
 * reader's own depth order (true: the subject is nearer than the object), which is what that
 * comparison estimates. With IoU the plain box IoU: when the relation's order holds ("in front
 * of": subject nearer; "behind" / "hidden": subject farther), 1 if IoU > 0.5, IoU / 0.5 if
 * 0 < IoU < 0.5, and 0 for boxes that do not overlap (or IoU exactly 0.5, as in the original);
 * 0 when the order does not hold or is unknown.
 */
export function t2iCompBench3dPositionScore(locality: string | undefined, box1Px: Box, box2Px: Box, subjectNearer: boolean | undefined): number {
  if (subjectNearer === undefined) return 0;
  const wanted = locality === "in front of" ? true : locality === "behind" || locality === "hidden" ? false : undefined;
  if (wanted === undefined || subjectNearer !== wanted) return 0;
  const intersection = intersectionArea(box1Px, box2Px);
  const union = box1Px.width * box1Px.height + box2Px.width * box2Px.height - intersection;
  const iou = union > 0 ? intersection / union : 0;
  if (iou > T2I_COMPBENCH_3D_IOU_THRESHOLD) return 1;
  return iou > 0 && iou < T2I_COMPBENCH_3D_IOU_THRESHOLD ? iou / T2I_COMPBENCH_3D_IOU_THRESHOLD : 0;
}

/**
 * The per-image score of the 3D main(): both nouns detected, 0.25 x conf1 + 0.25 x conf2 +
 * position / 2; one, 0.25 x its confidence; none, 0. (Unlike the 2D script, no score is zeroed.)
 */
export function t2iCompBench3dImageScore(
  locality: string | undefined,
  subject: (T2iCompBenchDetection & { depth?: number }) | undefined,
  object: (T2iCompBenchDetection & { depth?: number }) | undefined,
): number {
  if (subject && object) {
    const nearer = subject.depth === undefined || object.depth === undefined || subject.depth === object.depth ? undefined : subject.depth < object.depth;
    return 0.25 * subject.confidence + 0.25 * object.confidence + t2iCompBench3dPositionScore(locality, subject.box, object.box, nearer) / 2;
  }
  if (subject) return 0.25 * subject.confidence;
  if (object) return 0.25 * object.confidence;
  return 0;
}
