/**
 * Stop conditions are pure predicates over the iterations so far, in the manner of the AI SDK's
 * `stepCountIs`: no clocks, no I/O, the same answer for the same history. The engine evaluates
 * them after every completed iteration and stops when any holds.
 */

/** All a stop condition may look at: the SG-IoU of each completed iteration, oldest first. */
export interface ScoredIteration {
  readonly metrics: { readonly sgIoU: number };
}

export type StopCondition = (options: { iterations: readonly ScoredIteration[] }) => boolean;

/**
 * Scores are ratios of small counts, so a perfect match is usually exactly 1, but a metric that
 * averages may land a rounding error short; this much slack counts as reached.
 */
const SCORE_EPSILON = 1e-9;

/**
 * Index of the iteration with the highest SG-IoU; ties go to the earliest (a later image that
 * is no better was only more edited). -1 for an empty history.
 */
export function bestIterationIndex(iterations: readonly ScoredIteration[]): number {
  let best = -1;
  iterations.forEach((iteration, index) => {
    const bestScore = best < 0 ? undefined : iterations[best]?.metrics.sgIoU;
    if (bestScore === undefined || iteration.metrics.sgIoU > bestScore) best = index;
  });
  return best;
}

/** Some iteration scored at least `threshold` SG-IoU. */
export function sgIoUReached(threshold: number): StopCondition {
  return ({ iterations }) => iterations.some((iteration) => iteration.metrics.sgIoU >= threshold - SCORE_EPSILON);
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
