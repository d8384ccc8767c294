import type { DatasetItemCategory } from "../datasets/types";
import type { LoopSettings, StopReason } from "../loop/types";
import type { SceneGraphMetrics } from "../metrics/scene-graph-iou";

/**
 * What an evaluation records for each item. Everything here is plain JSON (no images), so results
 * cross worker threads, files and the network unchanged.
 */

export interface OutcomeScores extends SceneGraphMetrics {
  /** The Judge's 1-10 score of this image; null when there is no Judge or it could not judge. */
  judge: number | null;
  /**
   * GenEval's position verdict (genevalPositionVerdict on the Checker's boxes of subject and object)
   * for the target's left / right / above / below relations: true when every one holds; null when
   * the target has none.
   */
  genevalPosition: boolean | null;
}

export type RoleTimes = Record<"diffuser" | "checker" | "actor" | "editor" | "judge", number>;

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
  /** The loop's best iteration. */
  loop: OutcomeScores & { iteration: number };
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
