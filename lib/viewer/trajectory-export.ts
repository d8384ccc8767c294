import type { RunDetail } from "../schemas/run";

/**
 * The downloadable trajectory of a run: the run's settings, target and every iteration with
 * absolute links to its image, in the shape of the CLI's trajectory.json where the two overlap.
 */

export function imageUrl(imageId: string, variant?: "thumb"): string {
  return `/api/images/${imageId}${variant ? `?variant=${variant}` : ""}`;
}

export function absoluteUrl(path: string, origin: string): string {
  return new URL(path, origin).toString();
}

export function buildTrajectoryExport(run: RunDetail, origin: string) {
  const best = run.bestIteration === null ? null : run.iterations.find((iteration) => iteration.index === run.bestIteration) ?? null;
  return {
    id: run.id,
    prompt: run.prompt,
    status: run.status,
    stopReason: run.stopReason,
    error: run.error,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    // As the CLI writes it: the profile in the settings, with the back end of each role and the prompt versions.
    settings: { ...run.settings, ...(run.backends ? { backends: run.backends.roles, promptVersions: run.backends.promptVersions } : {}) },
    target: run.target,
    // A branch: the run and iteration it was forked from, and what the person gave the next iteration.
    lineage: run.lineage,
    iterations: run.iterations.map((iteration) => ({
      index: iteration.index,
      instruction: iteration.instruction,
      metrics: iteration.metrics,
      detected: iteration.detected,
      critique: iteration.critique,
      durationsMs: iteration.durationsMs,
      warnings: iteration.warnings,
      createdAt: iteration.createdAt,
      image: absoluteUrl(imageUrl(iteration.imageId), origin),
    })),
    best: best ? { index: best.index, metrics: best.metrics, image: absoluteUrl(imageUrl(best.imageId), origin) } : null,
    judgement: run.judgement,
  };
}

export type TrajectoryExport = ReturnType<typeof buildTrajectoryExport>;

export function trajectoryFileName(run: Pick<RunDetail, "id">): string {
  return `trajectory-${run.id.replace(/[^A-Za-z0-9_-]/g, "_")}.json`;
}
