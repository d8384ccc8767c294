import type { DatasetItem } from "../datasets/types";
import type { RoleCapabilities } from "../loop/capabilities";
import { runLoop } from "../loop/engine";
import { deriveSeed, fmix32 } from "../loop/seeds";
import type { IterationRecord } from "../loop/types";
import { sceneGraphMetrics } from "../metrics/scene-graph-iou";
import { RoleError } from "../roles/errors";
import type { Roles } from "../roles/types";
import { gradeImage, selfGraded, type Grader } from "./grade";
import { completedItemResult } from "./item-result";
import { judgeKeptImages } from "./judge-kept";
import type { EvaluationItemResult, EvaluationSettings } from "./types";

export interface EvaluateItemOptions {
  signal?: AbortSignal;
  /** The profile's role capabilities, for the loop (and the Judge's seed warning). */
  capabilities?: RoleCapabilities;
  /** Who grades the reported figures (grade.ts); default: the Checker, self-graded. */
  grader?: Grader;
}

/**
 * One item of an evaluation: the Generate-Reflect-Edit loop on the item's target and prompt, with
 * the run seed `itemSeed(settings.seed, index)`; then the grading of the one-shot image
 * (iteration 0) and of the loop's best image (grade.ts: the Scorer's reading, with the Checker's
 * beside it) and the Judge on both (neither call is repeated when the best is iteration 0).
 * Judge and Scorer seeds are `deriveSeed(run seed, iteration, role)`.
 *
 * Returns undefined when `signal` aborted the item (it is not finished and must be run again on
 * resume). A role failure, or anything else that throws, becomes a "failed" result; a Judge that
 * cannot judge (e.g. cannot read the prompt) leaves judge null and a warning instead.
 */
export async function evaluateItem(
  item: DatasetItem,
  index: number,
  roles: Roles,
  settings: EvaluationSettings,
  { signal, capabilities, grader = selfGraded }: EvaluateItemOptions = {},
): Promise<EvaluationItemResult | undefined> {
  const seed = itemSeed(settings.seed, index);
  const identity = { id: item.id, index, seed, prompt: item.prompt, category: item.category };
  const started = performance.now();
  const { judge, ...loopRoles } = roles;
  let result;
  try {
    result = await runLoop(
      { target: item.target, prompt: item.prompt, seed, maxIterations: settings.maxIterations, targetSgIoU: settings.targetSgIoU, patience: settings.patience, signal },
      { roles: loopRoles, score: sceneGraphMetrics, ...(capabilities ? { capabilities } : {}) },
    );
  } catch (error) {
    if (signal?.aborted) return undefined;
    const role = error instanceof RoleError ? `${error.role}: ` : "";
    return { ...identity, status: "failed", error: role + (error instanceof Error ? error.message : String(error)) };
  }
  if (result.stopReason === "cancelled") return undefined;

  const graded = { target: item.target, prompt: item.prompt, format: item.source.format };
  const grade = (record: IterationRecord) => gradeImage(graded, record.image, record, grader, { seed: deriveSeed(seed, record.index, "scorer"), signal });
  const first = result.iterations[0]!;
  const best = result.iterations[result.best]!;
  try {
    const oneShotGrade = await grade(first);
    const loopGrade = result.best === 0 ? oneShotGrade : await grade(best);
    const judges = await judgeKeptImages(judge, item.prompt, seed, { oneShot: async () => first.image, best: async () => best.image, bestIndex: result.best }, { ...(capabilities ? { capabilities } : {}), signal });
    return completedItemResult({
      identity,
      iterations: result.iterations,
      best: result.best,
      stopReason: result.stopReason,
      grades: { oneShot: oneShotGrade, loop: loopGrade, scoredBy: grader.scoredBy },
      judges,
      totalMs: performance.now() - started,
    });
  } catch {
    return undefined;
  }
}

/** The run seed of item `index` in an evaluation seeded `evaluationSeed`: an unsigned 32-bit integer. */
export function itemSeed(evaluationSeed: number, index: number): number {
  if (!Number.isSafeInteger(evaluationSeed)) throw new RangeError(`evaluation seed must be a safe integer, got ${evaluationSeed}`);
  const low = fmix32((evaluationSeed >>> 0) ^ 0x2545f491);
  const high = fmix32((Math.floor(evaluationSeed / 2 ** 32) >>> 0) ^ 0x9e3779b9);
  return fmix32(low ^ fmix32(high ^ fmix32((index + 0x632be5ab) >>> 0)));
}
