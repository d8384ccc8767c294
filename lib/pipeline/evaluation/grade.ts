import type { RasterImage } from "../image/raster";
import {
  genevalPositionClause,
  t2iCompBench2dImageScore,
  t2iCompBench3dImageScore,
  t2iCompBench3dLocality,
  t2iCompBenchLocality,
  toPixelBox,
  type GenevalRelation,
} from "../metrics/benchmark-rules";
import type { DatasetFormat } from "../datasets/types";
import { testIouOfSceneGraphs } from "../metrics/laion-sg-test-iou";
import { classifyPredicate } from "../metrics/predicates";
import { normaliseText, sceneGraphMetrics, type SceneGraphMetrics } from "../metrics/scene-graph-iou";
import type { GeometricClass } from "../metrics/spatial-geometry";
import type { Checker, RoleCallOptions } from "../roles/types";
import type { Box, SceneGraph } from "../scene-graph/schema";
import type { CheckerOutcome, GradedScores } from "./types";

/**
 * Grading one kept image of an evaluation (the one-shot image or the loop's best): the Scorer
 * reads it afresh, and every reported figure comes from that reading. The Checker's reading,
 * which drove the loop, is kept beside it (`checker`), so the gap between the two is visible.
 * With no Scorer (a self-graded profile) the Checker's reading is all there is, and the result
 * says so (`scoredBy: "checker"`).
 *
 * One function for the CLI's evaluations (evaluate-item.ts) and the web app's (lib/jobs), so both
 * grade the same way.
 */
export interface Grader {
  /** Undefined when self-graded. */
  scorer: Checker | undefined;
  /** "oracle", "checker" (SELF_GRADED) or "<profile>:<its Checker's back end>" (backends/scorer.ts). */
  scoredBy: string;
}

/** `scoredBy` of a self-graded result: the loop's Checker graded its own images. */
export const SELF_GRADED = "checker";

export const selfGraded: Grader = { scorer: undefined, scoredBy: SELF_GRADED };

/** What the loop's Checker made of the image (an iteration record, stored or in memory). */
export interface CheckerReading {
  detected: SceneGraph;
  metrics: SceneGraphMetrics;
}

/** Pixel size of a graded image; without it boxes are taken as normalised on a square image. */
export type ImageSize = { width: number; height: number };

export interface GradedImage {
  scores: GradedScores;
  checker: CheckerOutcome;
  /** "scorer: ..." notes; a Scorer that could not read the image leaves the Checker's figures and says so here. */
  warnings: string[];
  /** Whether `scores` are the Scorer's (false: the Checker's, self-graded or after a Scorer failure). */
  scored: boolean;
  scorerMs: number;
}

/** What an item asks of its image: the target, the prompt, and the data set's format (its benchmark's own score). */
export interface GradedItem {
  target: SceneGraph;
  prompt: string;
  format?: DatasetFormat;
}

/** The grade of an image when only the Checker's reading is there (self-graded); `note` says why, when it is not by choice. */
export function checkerGrade(item: GradedItem, reading: CheckerReading, size?: ImageSize, note?: string): GradedImage {
  const { testIou, ...checker } = readingScores(item, reading.metrics, reading.detected, size);
  return { scores: { ...checker, testIou }, checker, warnings: note ? [`scorer: ${note}`] : [], scored: false, scorerMs: 0 };
}

export async function gradeImage(item: GradedItem, image: RasterImage, reading: CheckerReading, grader: Grader, options: RoleCallOptions): Promise<GradedImage> {
  const size = { width: image.width, height: image.height };
  const own = checkerGrade(item, reading, size);
  if (!grader.scorer) return own;
  const started = performance.now();
  try {
    const read = await grader.scorer.check(image, item.target, options);
    return {
      scores: readingScores(item, sceneGraphMetrics(item.target, read.detected), read.detected, size),
      checker: own.checker,
      warnings: read.warnings.map((warning) => `scorer: ${warning}`),
      scored: true,
      scorerMs: performance.now() - started,
    };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return { ...checkerGrade(item, reading, size, `could not grade, the Checker's own figures stand in (self-graded): ${message}`), scorerMs: performance.now() - started };
  }
}

/** Every figure an evaluation reports from one reader's scene graph of an image. */
function readingScores(item: GradedItem, metrics: SceneGraphMetrics, detected: SceneGraph, size: ImageSize | undefined): GradedScores {
  return {
    ...pickMetrics(metrics),
    genevalPosition: genevalPosition(item.target, detected, size),
    testIou: testIouOfSceneGraphs(item.target, detected),
    ...(item.format === "t2i-compbench" ? { t2iCompBench: t2iCompBenchScore(item.target, item.prompt, detected, size) } : {}),
  };
}

function pickMetrics({ sgIoU, entityIoU, relationIoU }: SceneGraphMetrics): SceneGraphMetrics {
  return { sgIoU, entityIoU, relationIoU };
}

const genevalRelationOf: Partial<Record<GeometricClass, GenevalRelation>> = { left: "left of", right: "right of", above: "above", below: "below" };

/** GenEval's detector threshold: only detections scoring above it count (evaluate_images.py THRESHOLD). */
export const GENEVAL_CONFIDENCE_THRESHOLD = 0.3;

/**
 * GenEval's position rule (evaluate_images.py evaluate()) on a reader's scene graph, for every
 * target relation whose predicate classifies as left / right / above / below. As GenEval does, it
 * takes the reader's detections of the subject's name and of the object's name that score above
 * 0.3, most confident first, as many as the target has objects of that name (not the instance that
 * happens to make the relation hold), fails when there are fewer, and requires the relation between
 * every pair, on boxes in pixels of `size` (the image's; GenEval's offsets are in pixels, which
 * matters for non-square images). A detection without a confidence counts as certain.
 * True when all hold, false when any fails, null when the target has no such relation.
 */
export function genevalPosition(target: SceneGraph, detected: SceneGraph, size?: { width: number; height: number }): boolean | null {
  const targetLabels = new Map(target.objects.map((object) => [object.id, normaliseText(object.label)]));
  const wanted = (name: string) => [...targetLabels.values()].filter((label) => label === name).length;
  const mostConfident = (name: string): Box[] =>
    detectionsOf(detected, name, size)
      .filter((detection) => detection.confidence > GENEVAL_CONFIDENCE_THRESHOLD)
      .slice(0, wanted(name))
      .map((detection) => detection.box);
  let applies = false;
  for (const relation of target.relations) {
    const relationName = genevalRelationOf[classifyPredicate(relation.predicate).geometricClass];
    if (!relationName) continue;
    applies = true;
    const subjectName = targetLabels.get(relation.subject)!;
    const objectName = targetLabels.get(relation.object)!;
    const subjects = mostConfident(subjectName);
    const objects = mostConfident(objectName);
    if (subjects.length < wanted(subjectName) || objects.length < wanted(objectName)) return false;
    if (!genevalPositionClause(relationName, subjects, objects)) return false;
  }
  return applies ? true : null;
}

/**
 * T2I-CompBench's per-image spatial score (benchmark-rules.ts: the 2D script, or the 3D one when
 * the prompt has "in front of", "behind" or "hidden") on a reader's scene graph: the subject and
 * object of the target's relation (their first and last noun) are the reader's most confident
 * detection of each name, boxes in pixels. The 3D order comes from the reader's depths (the
 * original reads a depth map). Null when the target has no relation.
 */
export function t2iCompBenchScore(target: SceneGraph, prompt: string, detected: SceneGraph, size?: ImageSize): number | null {
  const relation = target.relations[0];
  if (!relation) return null;
  const labelOf = (id: string) => normaliseText(target.objects.find((object) => object.id === id)?.label ?? "");
  const subject = detectionsOf(detected, labelOf(relation.subject), size)[0];
  const object = detectionsOf(detected, labelOf(relation.object), size)[0];
  const locality3d = t2iCompBench3dLocality(prompt);
  return locality3d ? t2iCompBench3dImageScore(locality3d, subject, object) : t2iCompBench2dImageScore(t2iCompBenchLocality(prompt), subject, object);
}

/** A reader's boxed detections of one (normalised) name, most confident first, boxes in pixels when `size` is given. */
function detectionsOf(detected: SceneGraph, name: string, size: ImageSize | undefined): Array<{ box: Box; confidence: number; depth?: number }> {
  return detected.objects
    .filter((object) => object.box && normaliseText(object.label) === name)
    .map((object) => ({
      box: size ? toPixelBox(object.box!, size.width, size.height) : object.box!,
      confidence: object.confidence ?? 1,
      ...(object.depth === undefined ? {} : { depth: object.depth }),
    }))
    .sort((a, b) => b.confidence - a.confidence);
}
