import type { SceneGraphMetrics } from "../metrics/scene-graph-iou";
import { SELF_GRADED } from "./grade";
import type { CompletedItemResult, EvaluationItemResult, OutcomeScores } from "./types";

/**
 * Summary statistics of an evaluation's completed items (failed items are counted, not averaged).
 *
 * - Means of SG-IoU, Entity-IoU, Relation-IoU and the judge score, one-shot (iteration 0) and loop
 *   (best iteration), as graded (`scoredBy` counts the items per grader: a Scorer, or "checker" when
 *   self-graded). The judge mean is over the items the judge scored (null when none).
 * - The loop Checker's own readings of the same images (`checkerReported`) and the paired gap
 *   Checker minus Scorer on the loop's SG-IoU with a bootstrap interval (`checkerGap`): how much the
 *   loop's grader flatters itself. Null when no item was graded by a Scorer.
 * - LAION-SG's exact test_iou.py metrics (`testIou`), beside rl-rig's normalised ones, and
 *   T2I-CompBench's own spatial score for its data sets (`t2iCompBench`).
 * - The paired difference loop - one-shot per metric, with a percentile bootstrap 95 % interval:
 *   `resamples` resamples of the items with replacement, drawn from a seeded generator (mulberry32),
 *   so the same results and seed give the same interval.
 * - Mean SG-IoU per iteration index, by the loop Checker's reading (only the two kept images are
 *   graded by the Scorer): at index i, the mean over all items of the best SG-IoU the Checker saw
 *   in iterations 0..i. A run that stopped before i (target reached, patience) carries its best
 *   forward, because the loop's answer for it stays that best image; so index 0 is the Checker's
 *   one-shot mean, the curve never falls, and its last point is the Checker's loop mean.
 * - Breakdowns by relation class (an item counts once under each class its target has; "none" for
 *   targets without relations), by number of objects, and by GenEval tag when there is one.
 * - Worst cases: the items with the lowest loop SG-IoU, ties broken by the smaller gain.
 */
export interface MetricMeans {
  sgIoU: number;
  entityIoU: number;
  relationIoU: number;
  judge: number | null;
}

export interface Interval {
  mean: number;
  low: number;
  high: number;
}

export interface CategoryRow {
  category: string;
  count: number;
  oneShotSgIoU: number;
  loopSgIoU: number;
}

export interface EvaluationSummary {
  count: number;
  /** Items per grader ("oracle", "<profile>:<back end>", or "checker" for self-graded). */
  scoredBy: Record<string, number>;
  oneShot: MetricMeans;
  loop: MetricMeans;
  /** Means over the items graded by a Scorer, of the loop Checker's readings of the same images; null when none was. */
  checkerReported: { count: number; oneShot: SceneGraphMetrics; loop: SceneGraphMetrics } | null;
  /** Loop SG-IoU, Checker's reading minus the Scorer's, paired per item; null when no item was graded by a Scorer. */
  checkerGap: Interval | null;
  /** LAION-SG test_iou.py means over the items that carry them; null when none does. */
  testIou: { count: number; oneShot: SceneGraphMetrics; loop: SceneGraphMetrics } | null;
  /** T2I-CompBench's spatial score (2D or 3D) means over the items of a T2I-CompBench data set; null when none. */
  t2iCompBench: { count: number; oneShot: number; loop: number } | null;
  meanIterations: number;
  perIteration: Array<{ index: number; sgIoU: number }>;
  failed: number;
  difference: { sgIoU: Interval; entityIoU: Interval; relationIoU: Interval; judge: Interval | null };
  genevalPosition: { count: number; oneShot: number; loop: number } | null;
  byRelationClass: CategoryRow[];
  byObjectCount: CategoryRow[];
  byTag: CategoryRow[];
  worst: Array<{ id: string; prompt: string; oneShotSgIoU: number; loopSgIoU: number; iterations: number }>;
  meanTimeMs: { diffuser: number; checker: number; actor: number; editor: number; judge: number; scorer: number; total: number };
}

export interface SummaryOptions {
  seed?: number;
  resamples?: number;
  worst?: number;
}

const metricKeys = ["sgIoU", "entityIoU", "relationIoU"] as const;

export function summariseEvaluation(results: readonly EvaluationItemResult[], options: SummaryOptions = {}): EvaluationSummary {
  const done = results.filter((result): result is CompletedItemResult => result.status === "done");
  const random = mulberry32(options.seed ?? 1);
  const resamples = options.resamples ?? 2000;
  const means = (pick: (result: CompletedItemResult) => OutcomeScores): MetricMeans => ({
    sgIoU: mean(done.map((result) => pick(result).sgIoU)),
    entityIoU: mean(done.map((result) => pick(result).entityIoU)),
    relationIoU: mean(done.map((result) => pick(result).relationIoU)),
    judge: meanOrNull(done.map((result) => pick(result).judge)),
  });
  const longest = Math.max(0, ...done.map((result) => result.sgIoUPerIteration.length));
  const perIteration = Array.from({ length: longest }, (_, index) => ({
    index,
    sgIoU: mean(done.map((result) => Math.max(...result.sgIoUPerIteration.slice(0, index + 1)))),
  }));
  const judged = done.filter((result) => result.oneShot.judge !== null && result.loop.judge !== null);
  const positional = done.filter((result) => result.oneShot.genevalPosition !== null);
  const byKey = (keys: (result: CompletedItemResult) => string[]): CategoryRow[] => {
    const groups = new Map<string, CompletedItemResult[]>();
    for (const result of done) for (const key of keys(result)) groups.set(key, [...(groups.get(key) ?? []), result]);
    return [...groups]
      .map(([category, group]) => ({
        category,
        count: group.length,
        oneShotSgIoU: mean(group.map((result) => result.oneShot.sgIoU)),
        loopSgIoU: mean(group.map((result) => result.loop.sgIoU)),
      }))
      .sort((a, b) => (/^\d+$/.test(a.category) && /^\d+$/.test(b.category) ? Number(a.category) - Number(b.category) : a.category.localeCompare(b.category)));
  };
  const roleMean = (role: keyof CompletedItemResult["timeMs"]) => mean(done.map((result) => result.timeMs[role] ?? 0));
  const scored = done.filter((result) => result.checkerReported && result.scoredBy && result.scoredBy !== SELF_GRADED);
  const withT2i = done.filter((result) => typeof result.oneShot.t2iCompBench === "number" && typeof result.loop.t2iCompBench === "number");
  const withTestIou = done.filter((result) => result.oneShot.testIou && result.loop.testIou);
  const scoredBy: Record<string, number> = {};
  for (const result of done) scoredBy[result.scoredBy ?? SELF_GRADED] = (scoredBy[result.scoredBy ?? SELF_GRADED] ?? 0) + 1;
  return {
    count: done.length,
    scoredBy,
    checkerReported: scored.length
      ? { count: scored.length, oneShot: metricMeans(scored.map((result) => result.checkerReported!.oneShot)), loop: metricMeans(scored.map((result) => result.checkerReported!.loop)) }
      : null,
    checkerGap: scored.length ? pairedBootstrap(scored.map((result) => result.checkerReported!.loop.sgIoU - result.loop.sgIoU), resamples, random) : null,
    testIou: withTestIou.length
      ? { count: withTestIou.length, oneShot: metricMeans(withTestIou.map((result) => result.oneShot.testIou!)), loop: metricMeans(withTestIou.map((result) => result.loop.testIou!)) }
      : null,
    t2iCompBench: withT2i.length
      ? { count: withT2i.length, oneShot: mean(withT2i.map((result) => result.oneShot.t2iCompBench!)), loop: mean(withT2i.map((result) => result.loop.t2iCompBench!)) }
      : null,
    oneShot: means((result) => result.oneShot),
    loop: means((result) => result.loop),
    meanIterations: mean(done.map((result) => result.iterations)),
    perIteration,
    failed: results.length - done.length,
    difference: {
      ...(Object.fromEntries(
        metricKeys.map((key) => [key, pairedBootstrap(done.map((result) => result.loop[key] - result.oneShot[key]), resamples, random)]),
      ) as Record<(typeof metricKeys)[number], Interval>),
      judge: judged.length ? pairedBootstrap(judged.map((result) => result.loop.judge! - result.oneShot.judge!), resamples, random) : null,
    },
    genevalPosition: positional.length
      ? {
          count: positional.length,
          oneShot: mean(positional.map((result) => (result.oneShot.genevalPosition ? 1 : 0))),
          loop: mean(positional.map((result) => (result.loop.genevalPosition ? 1 : 0))),
        }
      : null,
    byRelationClass: byKey((result) => (result.category.relationClasses.length ? result.category.relationClasses : ["none"])),
    byObjectCount: byKey((result) => [String(result.category.objectCount)]),
    byTag: byKey((result) => (result.category.tag ? [result.category.tag] : [])),
    worst: [...done]
      .sort((a, b) => a.loop.sgIoU - b.loop.sgIoU || a.loop.sgIoU - a.oneShot.sgIoU - (b.loop.sgIoU - b.oneShot.sgIoU) || a.index - b.index)
      .slice(0, options.worst ?? 10)
      .map((result) => ({ id: result.id, prompt: result.prompt, oneShotSgIoU: result.oneShot.sgIoU, loopSgIoU: result.loop.sgIoU, iterations: result.iterations })),
    meanTimeMs: {
      diffuser: roleMean("diffuser"),
      checker: roleMean("checker"),
      actor: roleMean("actor"),
      editor: roleMean("editor"),
      judge: roleMean("judge"),
      scorer: roleMean("scorer"),
      total: roleMean("total"),
    },
  };
}

/** Who graded the figures, in words: a Scorer the loop never saw, or the loop's own Checker. */
export function describeGrading(summary: Pick<EvaluationSummary, "scoredBy">): string {
  const parts = Object.entries(summary.scoredBy).map(([grader, count]) =>
    grader === SELF_GRADED ? `${count} SELF-GRADED by the loop's own Checker` : `${count} graded by ${grader === "oracle" ? "the world's oracle (what it really drew)" : grader}`,
  );
  return parts.length ? parts.join(", ") : "nothing graded";
}

/** Mean of paired differences with a percentile bootstrap 95 % interval. */
export function pairedBootstrap(differences: readonly number[], resamples: number, random: () => number): Interval {
  const observed = mean(differences);
  if (differences.length === 0) return { mean: 0, low: 0, high: 0 };
  const means = new Float64Array(resamples);
  for (let sample = 0; sample < resamples; sample += 1) {
    let sum = 0;
    for (let draw = 0; draw < differences.length; draw += 1) sum += differences[Math.floor(random() * differences.length)]!;
    means[sample] = sum / differences.length;
  }
  means.sort();
  const at = (quantile: number) => means[Math.min(resamples - 1, Math.max(0, Math.round(quantile * (resamples - 1))))]!;
  return { mean: observed, low: at(0.025), high: at(0.975) };
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function metricMeans(outcomes: readonly SceneGraphMetrics[]): SceneGraphMetrics {
  const of = (key: (typeof metricKeys)[number]) => mean(outcomes.map((outcome) => outcome[key]));
  return { sgIoU: of("sgIoU"), entityIoU: of("entityIoU"), relationIoU: of("relationIoU") };
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
}

function meanOrNull(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length ? mean(present) : null;
}
