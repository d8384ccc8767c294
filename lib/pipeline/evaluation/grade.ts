import type { RasterImage } from "../image/raster";
import { genevalPositionVerdict, type GenevalRelation } from "../metrics/benchmark-rules";
import { testIouOfSceneGraphs } from "../metrics/laion-sg-test-iou";
import { classifyPredicate } from "../metrics/predicates";
import { sceneGraphMetrics, type SceneGraphMetrics } from "../metrics/scene-graph-iou";
import type { GeometricClass } from "../metrics/spatial-geometry";
import type { Checker, Critique, RoleCallOptions } from "../roles/types";
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
  critique: Pick<Critique, "locations">;
  metrics: SceneGraphMetrics;
}

export interface GradedImage {
  scores: GradedScores;
  checker: CheckerOutcome;
  /** "scorer: ..." notes; a Scorer that could not read the image leaves the Checker's figures and says so here. */
  warnings: string[];
  /** Whether `scores` are the Scorer's (false: the Checker's, self-graded or after a Scorer failure). */
  scored: boolean;
  scorerMs: number;
}

/** The grade of an image when only the Checker's reading is there (self-graded); `note` says why, when it is not by choice. */
export function checkerGrade(target: SceneGraph, reading: CheckerReading, note?: string): GradedImage {
  const checker: CheckerOutcome = { ...pickMetrics(reading.metrics), genevalPosition: genevalPosition(target, reading.critique.locations) };
  return { scores: { ...checker, testIou: testIouOfSceneGraphs(target, reading.detected) }, checker, warnings: note ? [`scorer: ${note}`] : [], scored: false, scorerMs: 0 };
}

export async function gradeImage(target: SceneGraph, image: RasterImage, reading: CheckerReading, grader: Grader, options: RoleCallOptions): Promise<GradedImage> {
  const own = checkerGrade(target, reading);
  if (!grader.scorer) return own;
  const started = performance.now();
  try {
    const read = await grader.scorer.check(image, target, options);
    return {
      scores: { ...sceneGraphMetrics(target, read.detected), testIou: testIouOfSceneGraphs(target, read.detected), genevalPosition: genevalPosition(target, read.critique.locations) },
      checker: own.checker,
      warnings: read.warnings.map((warning) => `scorer: ${warning}`),
      scored: true,
      scorerMs: performance.now() - started,
    };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return { ...checkerGrade(target, reading, `could not grade, the Checker's own figures stand in (self-graded): ${message}`), scorerMs: performance.now() - started };
  }
}

function pickMetrics({ sgIoU, entityIoU, relationIoU }: SceneGraphMetrics): SceneGraphMetrics {
  return { sgIoU, entityIoU, relationIoU };
}

const genevalRelationOf: Partial<Record<GeometricClass, GenevalRelation>> = { left: "left of", right: "right of", above: "above", below: "below" };

/**
 * GenEval's position rule on a reader's boxes (`critique.locations`, target id -> box) for every
 * target relation whose predicate classifies as left / right / above / below: true when all hold,
 * false when any fails or an object was not found, null when the target has no such relation.
 */
export function genevalPosition(target: SceneGraph, locations: Record<string, Box>): boolean | null {
  let applies = false;
  for (const relation of target.relations) {
    const relationName = genevalRelationOf[classifyPredicate(relation.predicate).geometricClass];
    if (!relationName) continue;
    applies = true;
    const subject = locations[relation.subject];
    const object = locations[relation.object];
    if (!subject || !object || !genevalPositionVerdict(relationName, subject, object)) return false;
  }
  return applies ? true : null;
}
