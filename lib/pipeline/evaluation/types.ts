import type { DatasetItemCategory } from "../datasets/types";
import type { LoopSettings, StopReason } from "../loop/types";
import type { SceneGraphMetrics } from "../metrics/scene-graph-iou";

/**
 * What an evaluation records for each item. Everything here is plain JSON (no images), so results
 * cross worker threads, files and the network unchanged.
 */

/** What a reader (the Checker, or the Scorer) made of one image, as an evaluation reports it. */
export interface CheckerOutcome extends SceneGraphMetrics {
  /**
   * GenEval's position verdict (genevalPositionVerdict on the reader's boxes of subject and object)
   * for the target's left / right / above / below relations: true when every one holds; null when
   * the target has none.
   */
  genevalPosition: boolean | null;
  /** T2I-CompBench's per-image spatial score (2D, or 3D for in front of / behind / hidden) for items of a T2I-CompBench data set. */
  t2iCompBench?: number | null;
}

export interface GradedScores extends CheckerOutcome {
  /** LAION-SG's own test_iou.py metrics (raw strings, target entities from triples); the plain fields are rl-rig's normalised variant. */
  testIou: SceneGraphMetrics;
}

/**
 * The reported scores of one image: the Scorer's reading (see grade.ts), or the Checker's when
 * the item is self-graded (`scoredBy: "checker"`), plus the Judge's score.
 */
export interface OutcomeScores extends CheckerOutcome {
  /** Absent in results stored before the exact test_iou variant was reported. */
  testIou?: SceneGraphMetrics;
  /** The Judge's 1-10 score of this image; null when there is no Judge or it could not judge. */
  judge: number | null;
}

export type RoleTimes = Record<"diffuser" | "checker" | "actor" | "editor" | "judge", number> & { scorer?: number };

interface ItemIdentity {
  id: string;
  /** Position of the item in the evaluated list (the seed derives from it). */
  index: number;
  /** The loop's run seed for this item: `itemSeed(evaluation seed, index)`. */
  seed: number;
  prompt: string;
  category: DatasetItemCategory;
}

export interface CompletedItemResult extends ItemIdentity {
  status: "done";
  /** Iteration 0: the one-shot generation. */
  oneShot: OutcomeScores;
  /** The loop's best iteration (best by the Checker's reading: that is what the loop can see). */
  loop: OutcomeScores & { iteration: number };
  /**
   * Who graded `oneShot` and `loop`: "oracle", "<profile>:<back end>", or "checker" (self-graded:
   * no Scorer, or it could not read an image). Absent in results stored before the Scorer existed,
   * which were all self-graded.
   */
  scoredBy?: string;
  /** The loop's Checker's own readings of the same two images, beside the Scorer's (absent when stored before the Scorer). */
  checkerReported?: { oneShot: CheckerOutcome; loop: CheckerOutcome };
  /** Iterations run, counting the first generation. */
  iterations: number;
  /** SG-IoU of each iteration, in order (not best-so-far). */
  sgIoUPerIteration: number[];
  stopReason: Exclude<StopReason, "failed" | "cancelled">;
  /** Milliseconds per role summed over the item's calls (judge: both judgements), and the whole item. */
  timeMs: RoleTimes & { total: number };
  warnings: string[];
}

export interface FailedItemResult extends ItemIdentity {
  status: "failed";
  /** "<role>: <message>" when a role failed. */
  error: string;
}

export type EvaluationItemResult = CompletedItemResult | FailedItemResult;

export interface EvaluationSettings extends LoopSettings {
  /** Evaluation seed; each item's run seed derives from it and the item's index. */
  seed: number;
}
