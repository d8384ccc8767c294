import type { DatasetItem } from "../datasets/types";
import type { RasterImage } from "../image/raster";
import { seedWarning, type RoleCapabilities } from "../loop/capabilities";
import { runLoop } from "../loop/engine";
import { deriveSeed, fmix32 } from "../loop/seeds";
import type { IterationRecord } from "../loop/types";
import { genevalPositionVerdict, type GenevalRelation } from "../metrics/benchmark-rules";
import { classifyPredicate } from "../metrics/predicates";
import { sceneGraphMetrics } from "../metrics/scene-graph-iou";
import type { GeometricClass } from "../metrics/spatial-geometry";
import { RoleError } from "../roles/errors";
import type { Roles } from "../roles/types";
import type { SceneGraph } from "../scene-graph/schema";
import type { EvaluationItemResult, EvaluationSettings, OutcomeScores, RoleTimes } from "./types";

/**
 * One item of an evaluation: the Generate-Reflect-Edit loop on the item's target and prompt, with
 * the run seed `itemSeed(settings.seed, index)`, then the Judge on the one-shot image (iteration 0)
 * and on the best image (the same call is not repeated when the best is iteration 0). Judge seeds
 * are `deriveSeed(run seed, judged iteration, "judge")`, as the loop's own Judge would use.
 *
 * Returns undefined when `signal` aborted the item (it is not finished and must be run again on
 * resume). A role failure, or anything else that throws, becomes a "failed" result; a Judge that
 * cannot judge (e.g. cannot read the prompt) leaves judge null and a warning instead.
 * `capabilities` (the profile's) go to the loop, and a Judge that ignores seeds adds a warning.
 */
export async function evaluateItem(
  item: DatasetItem,
  index: number,
  roles: Roles,
  settings: EvaluationSettings,
  signal?: AbortSignal,
  capabilities?: RoleCapabilities,
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

  const warnings = result.iterations.flatMap((record) => record.warnings.map((warning) => `iteration ${record.index}: ${warning}`));
  const timeMs: RoleTimes = { diffuser: 0, checker: 0, actor: 0, editor: 0, judge: 0 };
  for (const record of result.iterations) {
    for (const [role, ms] of Object.entries(record.durationsMs)) timeMs[role as keyof RoleTimes] += ms ?? 0;
  }
  const judgeImage = async (image: RasterImage, iteration: number): Promise<number | null> => {
    if (!judge) return null;
    const callStarted = performance.now();
    try {
      const judged = await judge.judge(image, item.prompt, { seed: deriveSeed(seed, iteration, "judge"), signal });
      const seedNote = seedWarning("judge", judge.name, capabilities);
      warnings.push(...[...judged.warnings, ...(seedNote ? [seedNote] : [])].map((warning) => `judge: ${warning}`));
      return judged.score;
    } catch (error) {
      if (signal?.aborted) throw error;
      warnings.push(`judge: could not judge iteration ${iteration}: ${(error as Error).message}`);
      return null;
    } finally {
      timeMs.judge += performance.now() - callStarted;
    }
  };
  const first = result.iterations[0]!;
  const best = result.iterations[result.best]!;
  let oneShotJudge: number | null;
  let bestJudge: number | null;
  try {
    oneShotJudge = await judgeImage(first.image, 0);
    bestJudge = result.best === 0 ? oneShotJudge : await judgeImage(best.image, result.best);
  } catch {
    return undefined;
  }
  return {
    ...identity,
    status: "done",
    oneShot: outcome(item.target, first, oneShotJudge),
    loop: { ...outcome(item.target, best, bestJudge), iteration: result.best },
    iterations: result.iterations.length,
    sgIoUPerIteration: result.iterations.map((record) => record.metrics.sgIoU),
    stopReason: result.stopReason,
    timeMs: { ...timeMs, total: performance.now() - started },
    warnings,
  };
}

function outcome(target: SceneGraph, record: IterationRecord, judge: number | null): OutcomeScores {
  const { sgIoU, entityIoU, relationIoU } = record.metrics;
  return { sgIoU, entityIoU, relationIoU, judge, genevalPosition: genevalPosition(target, record.critique.locations) };
}

const genevalRelationOf: Partial<Record<GeometricClass, GenevalRelation>> = { left: "left of", right: "right of", above: "above", below: "below" };

/**
 * GenEval's position rule on the Checker's boxes (`critique.locations`, target id -> box) for every
 * target relation whose predicate classifies as left / right / above / below: true when all hold,
 * false when any fails or an object was not found, null when the target has no such relation.
 */
export function genevalPosition(target: SceneGraph, locations: Record<string, { x: number; y: number; width: number; height: number }>): boolean | null {
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

/** The run seed of item `index` in an evaluation seeded `evaluationSeed`: an unsigned 32-bit integer. */
export function itemSeed(evaluationSeed: number, index: number): number {
  if (!Number.isSafeInteger(evaluationSeed)) throw new RangeError(`evaluation seed must be a safe integer, got ${evaluationSeed}`);
  const low = fmix32((evaluationSeed >>> 0) ^ 0x2545f491);
  const high = fmix32((Math.floor(evaluationSeed / 2 ** 32) >>> 0) ^ 0x9e3779b9);
  return fmix32(low ^ fmix32(high ^ fmix32((index + 0x632be5ab) >>> 0)));
}
