import { finishedStatuses, type RoleProgressView, type RunDetail, type RunStreamEvent } from "../schemas/run";

/**
 * The viewer's copy of a run: the run detail plus, while an iteration is in flight, the progress of
 * its current role call (`progress` events are live only: GET /api/runs/[id] never has them).
 */
export type LiveRunDetail = RunDetail & { progress?: RoleProgressView | null };

/**
 * Folds one server-sent event of GET /api/runs/[id]/events into the cached run detail. Pure: the
 * viewer's hook calls it inside `queryClient.setQueryData`, so the react-query cache stays the
 * only copy of the run.
 */
export function applyRunStreamEvent(run: LiveRunDetail | undefined, event: RunStreamEvent): LiveRunDetail | undefined {
  if (event.type === "snapshot") return event.run;
  if (!run) return run;
  if (event.type === "status") {
    return { ...run, status: event.status, error: event.error, stopReason: event.stopReason, ...(isLive(event.status) ? {} : { progress: null }) };
  }
  if (event.type === "backends") return { ...run, backends: event.backends };
  if (event.type === "progress") {
    // Progress of an iteration that has already landed (a late, throttled event) is stale.
    if (!isLive(run.status) || run.iterations.some((iteration) => iteration.index >= event.iteration)) return run;
    const { type: _type, ...progress } = event;
    return { ...run, progress };
  }
  const iteration = event.iteration;
  const iterations = run.iterations.filter((existing) => existing.index !== iteration.index);
  iterations.push(iteration);
  iterations.sort((a, b) => a.index - b.index);
  const best = bestOf(iterations);
  return {
    ...run,
    status: run.status === "queued" ? "running" : run.status,
    iterations,
    iterationCount: iterations.length,
    bestIteration: best?.index ?? null,
    bestSgIoU: best?.metrics.sgIoU ?? null,
    bestImageId: best?.imageId ?? null,
    progress: run.progress && run.progress.iteration > iteration.index ? run.progress : null,
  };
}

/** The best iteration: highest SG-IoU, the earliest on ties (the loop keeps the first best). */
export function bestOf<T extends { index: number; metrics: { sgIoU: number } }>(iterations: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const iteration of iterations) {
    if (!best || iteration.metrics.sgIoU > best.metrics.sgIoU || (iteration.metrics.sgIoU === best.metrics.sgIoU && iteration.index < best.index)) {
      best = iteration;
    }
  }
  return best;
}

export function isLive(status: RunDetail["status"]): boolean {
  return status === "queued" || status === "running";
}

/** A progress value as a fraction 0..1 (0 when the total is unknown). */
export function progressFraction(progress: Pick<RoleProgressView, "done" | "total">): number {
  if (!(progress.total > 0)) return 0;
  return Math.min(1, Math.max(0, progress.done / progress.total));
}

/**
 * Of the cached run and a freshly fetched copy, the one to keep: the fetched one, unless it is
 * behind what the cache already shows (fewer iterations, or live while the cache has the run's
 * end). A poll that left before the stream's last events landed must not roll the viewer back;
 * CI once showed a finished run with its last iteration missing for exactly that reason.
 */
export function laterRun<T extends Pick<RunDetail, "status" | "iterations">>(cached: T | undefined, fetched: T): T {
  if (!cached) return fetched;
  const behind = fetched.iterations.length < cached.iterations.length || (finishedStatuses.includes(cached.status) && !finishedStatuses.includes(fetched.status));
  return behind ? cached : fetched;
}
