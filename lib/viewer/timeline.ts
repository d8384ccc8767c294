import type { RunStatus } from "../schemas/run";

/**
 * Iteration navigation for the run viewer: which iteration `?i=N` names, what the arrow keys
 * and the play button step to, and which iteration to show when the URL names none.
 */

/** The iteration index in a `?i=` search parameter, or null when absent or not a whole number >= 0. */
export function parseIterationParam(value: string | null | undefined): number | null {
  if (value === null || value === undefined || !/^\d+$/.test(value.trim())) return null;
  const index = Number(value.trim());
  return Number.isSafeInteger(index) ? index : null;
}

export function clampIndex(index: number, count: number): number {
  if (count <= 0) return 0;
  return Math.min(count - 1, Math.max(0, index));
}

export function stepIndex(index: number, count: number, delta: number): number {
  return clampIndex(index + delta, count);
}

/** The next frame of the play button: wraps to the first iteration after the last. */
export function playNext(index: number, count: number): number {
  if (count <= 0) return 0;
  return index + 1 >= count ? 0 : index + 1;
}

/**
 * The iteration shown: the one the URL names (clamped), else the latest while the run is still
 * going (so the viewer follows the run live), else the best.
 */
export function selectedIteration(options: {
  requested: number | null;
  count: number;
  status: RunStatus;
  bestIteration: number | null;
}): number | null {
  const { requested, count, status, bestIteration } = options;
  if (count === 0) return null;
  if (requested !== null) return clampIndex(requested, count);
  if (status === "queued" || status === "running" || bestIteration === null) return count - 1;
  return clampIndex(bestIteration, count);
}

/** The iteration to compare with by default: the previous one, or the next one for the first. */
export function defaultComparison(index: number, count: number): number | null {
  if (count < 2) return null;
  return index > 0 ? index - 1 : 1;
}

/** The key a keyboard event means for the timeline. */
export function timelineKeyDelta(key: string): number | "first" | "last" | null {
  switch (key) {
    case "ArrowLeft":
      return -1;
    case "ArrowRight":
      return 1;
    case "Home":
      return "first";
    case "End":
      return "last";
    default:
      return null;
  }
}

export function applyKeyDelta(index: number, count: number, delta: number | "first" | "last"): number {
  if (delta === "first") return 0;
  if (delta === "last") return clampIndex(count - 1, count);
  return stepIndex(index, count, delta);
}
