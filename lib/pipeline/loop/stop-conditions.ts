/**
 * Stop conditions are pure predicates over the iterations so far, in the manner of the AI SDK's
 * `stepCountIs`: no clocks, no I/O, the same answer for the same history. The engine evaluates
 * them after every completed iteration and stops when any holds.
 */

/** All a stop condition may look at: the SG-IoU and Entity-IoU of each completed iteration, oldest first. */
export interface ScoredIteration {
  readonly metrics: { readonly sgIoU: number; readonly entityIoU: number };
}

export type StopCondition = (options: { iterations: readonly ScoredIteration[] }) => boolean;

/**
 * Scores are ratios of small counts, so a perfect match is usually exactly 1, but a metric that
 * averages may land a rounding error short; this much slack counts as reached.
 */
const SCORE_EPSILON = 1e-9;

/**
 * Whether `a` is strictly better than `b`: a higher SG-IoU, or the same SG-IoU with a higher
 * Entity-IoU. The tie-break matters because objects outside every triple (or a surplus copy of
 * one) change no triple: without it, an image that lost such an object ranks with one that kept it.
 */
export function isBetterScore(a: ScoredIteration["metrics"], b: ScoredIteration["metrics"]): boolean {
  if (a.sgIoU > b.sgIoU + SCORE_EPSILON) return true;
  return a.sgIoU >= b.sgIoU - SCORE_EPSILON && a.entityIoU > b.entityIoU + SCORE_EPSILON;
}

/**
 * Index of the best iteration (highest SG-IoU, then highest Entity-IoU); ties go to the earliest
 * (a later image that is no better was only more edited). -1 for an empty history.
 */
export function bestIterationIndex(iterations: readonly ScoredIteration[]): number {
  let best = -1;
  iterations.forEach((iteration, index) => {
    if (best < 0 || isBetterScore(iteration.metrics, iterations[best]!.metrics)) best = index;
  });
  return best;
}

/**
 * Some iteration scored at least `threshold` in both SG-IoU and Entity-IoU. The objects count as
 * well as the triples: at the default threshold 1 the loop stops only at a full match, not at an
 * image whose triples hold beside a missing, surplus or wrongly coloured object.
 */
export function sgIoUReached(threshold: number): StopCondition {
  return ({ iterations }) =>
    iterations.some((iteration) => iteration.metrics.sgIoU >= threshold - SCORE_EPSILON && iteration.metrics.entityIoU >= threshold - SCORE_EPSILON);
}

/** `count` iterations (the first generation included) have completed. */
export function iterationBudgetSpent(count: number): StopCondition {
  return ({ iterations }) => iterations.length >= count;
}

/**
 * The best SG-IoU has not strictly improved for `patience` consecutive iterations: the best
 * (earliest on ties) is at least `patience` iterations behind the latest.
 */
export function noImprovementFor(patience: number): StopCondition {
  return ({ iterations }) => {
    const best = bestIterationIndex(iterations);
    return best >= 0 && iterations.length - 1 - best >= patience;
  };
}
