import type { RunDetail, RunStreamEvent } from "../schemas/run";

/**
 * Folds one server-sent event of GET /api/runs/[id]/events into the cached run detail. Pure: the
 * viewer's hook calls it inside `queryClient.setQueryData`, so the react-query cache stays the
 * only copy of the run.
 */
export function applyRunStreamEvent(run: RunDetail | undefined, event: RunStreamEvent): RunDetail | undefined {
  if (event.type === "snapshot") return event.run;
  if (!run) return run;
  if (event.type === "status") {
    return { ...run, status: event.status, error: event.error, stopReason: event.stopReason };
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
