import type { StopReason } from "../loop/types";
import { SELF_GRADED, type GradedImage } from "./grade";
import type { KeptJudgements } from "./judge-kept";
import type { CompletedItemResult, RoleTimes } from "./types";

/**
 * A finished item's result from its loop's iterations and the grades of its two kept images. The
 * one place results are put together: the CLI's evaluations (evaluate-item.ts, iterations in
 * memory) and the web app's (lib/jobs, iterations read back from the database) both end here,
 * so the two report the same figures the same way.
 */
export interface FinishedItem {
  identity: Pick<CompletedItemResult, "id" | "index" | "seed" | "prompt" | "category">;
  iterations: ReadonlyArray<{ index: number; metrics: { sgIoU: number }; durationsMs: Partial<Record<keyof RoleTimes, number>>; warnings: readonly string[] }>;
  best: number;
  stopReason: Exclude<StopReason, "failed" | "cancelled">;
  grades: { oneShot: GradedImage; loop: GradedImage; scoredBy: string };
  /** The Judge on the two kept images (judge-kept.ts), with its warnings. */
  judges: KeptJudgements;
  /** Wall time of the whole item; default: the sum of the role times. */
  totalMs?: number;
}

export function completedItemResult({ identity, iterations, best, stopReason, grades, judges, totalMs }: FinishedItem): CompletedItemResult {
  const timeMs: RoleTimes = { diffuser: 0, checker: 0, actor: 0, editor: 0, judge: judges.ms, scorer: grades.oneShot.scorerMs + (best === 0 ? 0 : grades.loop.scorerMs) };
  for (const iteration of iterations) {
    for (const [role, ms] of Object.entries(iteration.durationsMs)) if (role in timeMs && role !== "judge") timeMs[role as keyof RoleTimes] = (timeMs[role as keyof RoleTimes] ?? 0) + (ms ?? 0);
  }
  const sum = timeMs.diffuser + timeMs.checker + timeMs.actor + timeMs.editor + timeMs.judge + (timeMs.scorer ?? 0);
  const scoredBoth = grades.oneShot.scored && grades.loop.scored;
  return {
    ...identity,
    status: "done",
    oneShot: { ...grades.oneShot.scores, judge: judges.oneShot },
    loop: { ...grades.loop.scores, judge: judges.loop, iteration: best },
    scoredBy: scoredBoth ? grades.scoredBy : SELF_GRADED,
    checkerReported: { oneShot: grades.oneShot.checker, loop: grades.loop.checker },
    iterations: iterations.length,
    sgIoUPerIteration: iterations.map((iteration) => iteration.metrics.sgIoU),
    stopReason,
    timeMs: { ...timeMs, total: totalMs ?? sum },
    warnings: [
      ...iterations.flatMap((iteration) => iteration.warnings.map((warning) => `iteration ${iteration.index}: ${warning}`)),
      ...gradeWarnings(0, grades.oneShot),
      ...(best === 0 ? [] : gradeWarnings(best, grades.loop)),
      ...judges.warnings,
    ],
  };
}

const gradeWarnings = (iteration: number, grade: GradedImage) => grade.warnings.map((warning) => `iteration ${iteration}: ${warning}`);
