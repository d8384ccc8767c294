import { checkerGrade, SELF_GRADED, type GradedImage } from "../pipeline/evaluation/grade";
import { completedItemResult } from "../pipeline/evaluation/item-result";
import type { KeptJudgements } from "../pipeline/evaluation/judge-kept";
import type { EvaluationItemResult } from "../pipeline/evaluation/types";
import type { DatasetFormat, DatasetItemCategory } from "../pipeline/datasets/types";
import type { StopReason } from "../pipeline/loop/types";
import type { RunDetail } from "../schemas/run";

/**
 * An evaluation item's result from its finished run, put together by the pipeline's
 * `completedItemResult` as `rig eval` does (so summariseEvaluation, the CLI's JSON and the browser
 * agree): one-shot = iteration 0, loop = the run's best iteration, each graded by the profile's
 * Scorer (`grades`, from the worker) with the Checker's reading beside it, and the Judge on both.
 */
export interface FinishedItemRun {
  item: { itemId: string; index: number; prompt: string; category: DatasetItemCategory; format: DatasetFormat };
  run: Pick<RunDetail, "status" | "settings" | "target" | "iterations" | "bestIteration" | "stopReason" | "error">;
  /** The Judge on iteration 0 and the best (the worker's, as `rig eval` judges); none: not judged. */
  judges?: KeptJudgements;
  /** The Scorer's grades of iteration 0 and the best; without them the item is self-graded (the Checker's readings). */
  grades?: { oneShot: GradedImage; loop: GradedImage; scoredBy: string };
}

const completedStops = new Set<StopReason>(["target-reached", "budget-spent", "no-improvement"]);

/** Null when the run ended without a usable iteration and was not failed (a cancelled run). */
export function itemResultFromRun({ item, run, judges, grades }: FinishedItemRun): EvaluationItemResult | null {
  const identity = { id: item.itemId, index: item.index, seed: run.settings.seed, prompt: item.prompt, category: item.category };
  if (run.status === "failed") return { ...identity, status: "failed", error: run.error ?? "the run failed" };
  const stopReason = run.stopReason as StopReason | null;
  if (run.status !== "succeeded" || !stopReason || !completedStops.has(stopReason) || run.iterations.length === 0) return null;
  const first = run.iterations[0]!;
  const bestIndex = run.bestIteration ?? 0;
  const best = run.iterations.find((iteration) => iteration.index === bestIndex) ?? first;
  const graded = { target: run.target, prompt: item.prompt, format: item.format };
  return completedItemResult({
    identity,
    iterations: run.iterations,
    best: best.index,
    stopReason: stopReason as Exclude<StopReason, "failed" | "cancelled">,
    grades: grades ?? { oneShot: checkerGrade(graded, first), loop: checkerGrade(graded, best), scoredBy: SELF_GRADED },
    judges: judges ?? { oneShot: null, loop: null, ms: 0, warnings: [] },
  });
}
