import "server-only";
import type { Prisma } from "../../generated/prisma/client";
import type { Critique } from "../pipeline/roles/types";
import type { SceneGraph } from "../pipeline/scene-graph/schema";
import { critiqueSchema } from "../pipeline/roles/types";
import { sceneGraphSchema } from "../pipeline/scene-graph/schema";
import { isBetterScore } from "../pipeline/loop/stop-conditions";
import { metricsSchema, storedRunSettingsSchema, type StoredBranchSteer, type IterationView, type RunBackends, type RunSettings, type RunStatus } from "../schemas/run";
import { db } from "./client";
import { durationsSchema, seedsSchema, toIterationView, toRunLineage, warningsSchema } from "./mappers";

/**
 * The worker's side of a run: claim, commit iterations, finish. Each iteration is committed in
 * ONE transaction with the run's counters and best, so a crash loses at most the iteration in
 * flight; (runId, index) is unique, so an iteration is never stored twice.
 */

export interface StoredIteration {
  index: number;
  imageId: string;
  instruction: string | null;
  detected: SceneGraph;
  critique: Critique;
  metrics: { sgIoU: number; entityIoU: number; relationIoU: number };
  durationsMs: Record<string, number>;
  seeds: { diffuser?: number; checker: number; actor?: number; editor?: number };
  warnings: string[];
}

export interface ClaimedRun {
  id: string;
  prompt: string;
  target: SceneGraph;
  settings: RunSettings;
  /** Iterations stored by an earlier attempt (a resumed run), in order. */
  iterations: StoredIteration[];
  /** 1 for a fresh run, more for a resumed one. */
  attempts: number;
  /** The evaluation the run is an item of, or null. */
  evaluationId: string | null;
  /** For a branch: the parent's iteration it continues from and what the person gave the next one. */
  branch: { forkIndex: number; steer: StoredBranchSteer } | null;
}

/** Start-up: runs a dead process left "running" become "interrupted" (and are resumed later). */
export async function markRunningRunsInterrupted(): Promise<number> {
  const { count } = await db().run.updateMany({ where: { status: "running" }, data: { status: "interrupted" } });
  return count;
}

/**
 * Claims the oldest queued or interrupted run for this worker, atomically: the update is
 * conditional on the status read, so two workers never get the same run. Null when none waits.
 * `evaluationIds` limits evaluation item runs to those evaluations (the others' back ends are at
 * their concurrency); runs that are not evaluation items are always eligible. Omit it for all.
 */
export async function claimNextRun(options: { evaluationIds?: readonly string[] } = {}): Promise<ClaimedRun | null> {
  const client = db();
  const eligible = options.evaluationIds
    ? { OR: [{ evaluationItem: { is: null } }, ...(options.evaluationIds.length > 0 ? [{ evaluationItem: { is: { evaluationId: { in: [...options.evaluationIds] } } } }] : [])] }
    : {};
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const candidate = await client.run.findFirst({
      where: { status: { in: ["queued", "interrupted"] }, ...eligible },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, status: true, startedAt: true },
    });
    if (!candidate) return null;
    const { count } = await client.run.updateMany({
      where: { id: candidate.id, status: candidate.status },
      data: { status: "running", attempts: { increment: 1 }, startedAt: candidate.startedAt ?? new Date(), cancelRequested: false },
    });
    if (count === 1) return loadClaimedRun(candidate.id);
  }
  return null;
}

/**
 * Claims one run by id for a job of the queue (lib/jobs/queue.ts): waiting, or "running" when the
 * queue hands a run over again because the worker that held it stopped sending heartbeats (it
 * died). Null when the run has finished or does not exist: the job then has nothing to do.
 */
export async function claimRun(id: string): Promise<ClaimedRun | null> {
  const { count } = await db().run.updateMany({
    where: { id, status: { in: ["queued", "interrupted", "running"] } },
    data: { status: "running", attempts: { increment: 1 }, cancelRequested: false },
  });
  if (count === 0) return null;
  await db().run.updateMany({ where: { id, startedAt: null }, data: { startedAt: new Date() } });
  return loadClaimedRun(id);
}

/** Runs waiting for a worker (queued, or interrupted by a crash), oldest first, with their profile. */
export async function listWaitingRuns(limit: number): Promise<Array<{ id: string; profile: string }>> {
  const rows = await db().run.findMany({
    where: { status: { in: ["queued", "interrupted"] } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true, settings: true },
  });
  return rows.map((row) => ({ id: row.id, profile: storedRunSettingsSchema.parse(row.settings).profile }));
}

async function loadClaimedRun(id: string): Promise<ClaimedRun> {
  const row = await db().run.findUniqueOrThrow({
    where: { id },
    include: { iterations: { orderBy: { index: "asc" } }, evaluationItem: { select: { evaluationId: true } } },
  });
  const lineage = toRunLineage(row);
  return {
    id: row.id,
    evaluationId: row.evaluationItem?.evaluationId ?? null,
    branch: lineage ? { forkIndex: lineage.forkIndex, steer: lineage.steer } : null,
    prompt: row.prompt,
    target: sceneGraphSchema.parse(row.target),
    settings: storedRunSettingsSchema.parse(row.settings),
    attempts: row.attempts,
    iterations: row.iterations.map((iteration) => ({
      index: iteration.index,
      imageId: iteration.imageId,
      instruction: iteration.instruction,
      detected: sceneGraphSchema.parse(iteration.detected),
      critique: critiqueSchema.parse(iteration.critique),
      metrics: metricsSchema.parse(iteration.metrics),
      durationsMs: durationsSchema.parse(iteration.durationsMs),
      seeds: seedsSchema.parse(iteration.seeds),
      warnings: warningsSchema.parse(iteration.warnings),
    })),
  };
}

/** Records the back end behind each role, once the loop has said which. */
export async function recordRunRoles(id: string, roles: Record<string, string>): Promise<void> {
  await db().run.update({ where: { id }, data: { roles } });
}

/** Records what serves the run (profile, back end per role, prompt versions), once its profile is resolved. */
export async function recordRunBackends(id: string, backends: RunBackends): Promise<void> {
  await db().run.update({ where: { id }, data: { backends: { profile: backends.profile, roles: { ...backends.roles }, promptVersions: { ...backends.promptVersions } } } });
}

/**
 * Commits one completed iteration: the iteration row, the run's iteration count and, when this
 * iteration beats the best so far (SG-IoU, then Entity-IoU; ties go to the earliest), the run's best. One transaction.
 * Returns the stored view and whether a cancel was requested meanwhile (another process may
 * have asked).
 */
export async function commitIteration(runId: string, iteration: StoredIteration): Promise<{ view: IterationView; cancelRequested: boolean }> {
  return db().$transaction(async (tx) => {
    const row = await tx.iteration.create({
      data: {
        runId,
        index: iteration.index,
        imageId: iteration.imageId,
        instruction: iteration.instruction,
        detected: iteration.detected,
        critique: iteration.critique,
        metrics: iteration.metrics,
        sgIoU: iteration.metrics.sgIoU,
        durationsMs: iteration.durationsMs,
        seeds: iteration.seeds,
        warnings: iteration.warnings,
      },
    });
    const run = await tx.run.findUniqueOrThrow({ where: { id: runId }, select: { bestIteration: true, cancelRequested: true } });
    const best = run.bestIteration === null ? null : await tx.iteration.findUnique({ where: { runId_index: { runId, index: run.bestIteration } }, select: { metrics: true } });
    // The engine's ranking (SG-IoU, then Entity-IoU), so the stored best is the loop's best.
    const better = best === null || isBetterScore(iteration.metrics, metricsSchema.parse(best.metrics));
    await tx.run.update({
      where: { id: runId },
      data: {
        iterationCount: iteration.index + 1,
        ...(better ? { bestIteration: iteration.index, bestSgIoU: iteration.metrics.sgIoU, bestImageId: iteration.imageId } : {}),
      },
    });
    return { view: toIterationView(row), cancelRequested: run.cancelRequested };
  });
}

export interface RunOutcome {
  status: Extract<RunStatus, "succeeded" | "failed" | "cancelled">;
  stopReason: string | null;
  error: string | null;
  /** The Judge's verdict ({ score, rationale, iteration, ... }), when there is one. */
  judgement?: Prisma.InputJsonObject;
}

/** Writes the run's end; only a run still "running" is finished (a no-op otherwise). */
export async function finishRun(id: string, outcome: RunOutcome): Promise<boolean> {
  const { count } = await db().run.updateMany({
    where: { id, status: "running" },
    data: {
      status: outcome.status,
      stopReason: outcome.stopReason,
      error: outcome.error,
      finishedAt: new Date(),
      cancelRequested: false,
      ...(outcome.judgement ? { judgement: outcome.judgement } : {}),
    },
  });
  return count === 1;
}

/** Cancels a run that is not executing (queued or interrupted). True when it was. */
export async function cancelWaitingRun(id: string): Promise<boolean> {
  const { count } = await db().run.updateMany({
    where: { id, status: { in: ["queued", "interrupted"] } },
    data: { status: "cancelled", stopReason: "cancelled", finishedAt: new Date() },
  });
  return count === 1;
}

/** Asks whichever worker executes the run to stop (it checks after every iteration). */
export async function requestRunCancel(id: string): Promise<boolean> {
  const { count } = await db().run.updateMany({ where: { id, status: "running" }, data: { cancelRequested: true } });
  return count === 1;
}
