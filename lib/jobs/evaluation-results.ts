import { genevalPosition } from "../pipeline/evaluation/evaluate-item";
import type { EvaluationItemResult, OutcomeScores, RoleTimes } from "../pipeline/evaluation/types";
import type { DatasetItemCategory } from "../pipeline/datasets/types";
import type { StopReason } from "../pipeline/loop/types";
import type { SceneGraph } from "../pipeline/scene-graph/schema";
import type { RunDetail } from "../schemas/run";

/**
 * An evaluation item's result from its finished run, the same shape `evaluateItem` returns (so
 * summariseEvaluation, the CLI's JSON and the browser agree): one-shot = iteration 0, loop = the
 * run's best iteration, judge scores of both images, GenEval position verdict on the Checker's
 * boxes, iterations used and milliseconds per role summed over the run's calls.
 */
export interface FinishedItemRun {
  item: { itemId: string; index: number; prompt: string; category: DatasetItemCategory };
  run: Pick<RunDetail, "status" | "settings" | "target" | "iterations" | "bestIteration" | "stopReason" | "error">;
  /** Judge score of the best iteration (the loop's own judgement) and its milliseconds. */
  bestJudge: { score: number; durationMs: number } | null;
  /** Judge score of iteration 0 when the best is a later iteration; ignored when the best is 0. */
  oneShotJudge: { score: number; durationMs: number } | null;
}

const completedStops = new Set<StopReason>(["target-reached", "budget-spent", "no-improvement"]);

/** Null when the run ended without a usable iteration and was not failed (a cancelled run). */
export function itemResultFromRun({ item, run, bestJudge, oneShotJudge }: FinishedItemRun): EvaluationItemResult | null {
  const identity = { id: item.itemId, index: item.index, seed: run.settings.seed, prompt: item.prompt, category: item.category };
  if (run.status === "failed") return { ...identity, status: "failed", error: run.error ?? "the run failed" };
  const stopReason = run.stopReason as StopReason | null;
  if (run.status !== "succeeded" || !stopReason || !completedStops.has(stopReason) || run.iterations.length === 0) return null;
  const first = run.iterations[0]!;
  const bestIndex = run.bestIteration ?? 0;
  const best = run.iterations.find((iteration) => iteration.index === bestIndex) ?? first;
  const timeMs: RoleTimes = { diffuser: 0, checker: 0, actor: 0, editor: 0, judge: 0 };
  for (const iteration of run.iterations) {
    for (const [role, ms] of Object.entries(iteration.durationsMs)) if (role in timeMs) timeMs[role as keyof RoleTimes] += ms;
  }
  const oneShotScore = bestIndex === 0 ? bestJudge : oneShotJudge;
  timeMs.judge = (bestJudge?.durationMs ?? 0) + (bestIndex === 0 ? 0 : (oneShotJudge?.durationMs ?? 0));
  const total = timeMs.diffuser + timeMs.checker + timeMs.actor + timeMs.editor + timeMs.judge;
  return {
    ...identity,
    status: "done",
    oneShot: outcome(run.target, first, oneShotScore?.score ?? null),
    loop: { ...outcome(run.target, best, bestJudge?.score ?? null), iteration: best.index },
    iterations: run.iterations.length,
    sgIoUPerIteration: run.iterations.map((iteration) => iteration.metrics.sgIoU),
    stopReason: stopReason as Exclude<StopReason, "failed" | "cancelled">,
    timeMs: { ...timeMs, total },
    warnings: run.iterations.flatMap((iteration) => iteration.warnings.map((warning) => `iteration ${iteration.index}: ${warning}`)),
  };
}

function outcome(target: SceneGraph, iteration: RunDetail["iterations"][number], judge: number | null): OutcomeScores {
  const { sgIoU, entityIoU, relationIoU } = iteration.metrics;
  return { sgIoU, entityIoU, relationIoU, judge, genevalPosition: genevalPosition(target, iteration.critique.locations) };
}
