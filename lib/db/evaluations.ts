import "server-only";
import { z } from "zod";
import type { DatasetItem } from "../pipeline/datasets/types";
import type { EvaluationItemResult } from "../pipeline/evaluation/types";
import { itemSeed } from "../pipeline/evaluation/evaluate-item";
import {
  evaluationIdSchema,
  evaluationItemStatusSchema,
  evaluationSettingsSchema,
  evaluationStatusSchema,
  skippedLineSchema,
  type EvaluationItemStatus,
  type EvaluationListRow,
  type EvaluationSettings,
  type EvaluationStatus,
} from "../schemas/evaluation";
import { finishedStatuses, runBackendsSchema, type RunBackends, type RunSettings } from "../schemas/run";
import { db } from "./client";

/**
 * Evaluations and their items. Each item's loop is a normal Run row, created queued with the
 * evaluation in ONE transaction, so the run worker executes it like any other run. Results are
 * stored per item when its run finishes (lib/jobs/evaluations.ts) and re-parsed on read.
 */

export interface CreateEvaluationInput {
  name: string;
  format: string;
  fileName: string | null;
  settings: EvaluationSettings & { limit?: number; sampleSeed?: number; lenient: boolean };
  skipped: Array<{ line: number; reason: string }>;
  /** The items to evaluate, each with its index in the data set's evaluated list. */
  items: DatasetItem[];
}

/** Stores the evaluation, its items and their queued runs; run seed = itemSeed(seed, index). */
export async function createEvaluation(data: CreateEvaluationInput): Promise<{ id: string }> {
  return db().$transaction(async (tx) => {
    const evaluation = await tx.evaluation.create({
      data: {
        name: data.name,
        format: data.format,
        fileName: data.fileName,
        itemCount: data.items.length,
        settings: data.settings,
        skipped: data.skipped,
        status: "queued",
      },
      select: { id: true },
    });
    for (const [index, item] of data.items.entries()) {
      const settings: RunSettings = {
        seed: itemSeed(data.settings.seed, index),
        maxIterations: data.settings.maxIterations,
        targetSgIoU: data.settings.targetSgIoU,
        patience: data.settings.patience,
        profile: data.settings.profile,
        ...(data.settings.actorPolicy ? { actorPolicy: data.settings.actorPolicy } : {}),
        ...(data.settings.editorPolicy ? { editorPolicy: data.settings.editorPolicy } : {}),
      };
      await tx.evaluationItem.create({
        data: {
          evaluation: { connect: { id: evaluation.id } },
          index,
          itemId: item.id,
          prompt: item.prompt,
          target: item.target,
          category: { ...item.category },
          run: {
            create: { input: item.prompt, prompt: item.prompt, promptSearch: item.prompt.toLowerCase(), target: item.target, settings, status: "queued" },
          },
        },
      });
    }
    return evaluation;
  });
}

export interface EvaluationRecord {
  id: string;
  name: string;
  format: string;
  fileName: string | null;
  itemCount: number;
  settings: EvaluationSettings & { limit?: number; sampleSeed?: number; lenient?: boolean };
  skipped: Array<{ line: number; reason: string }>;
  status: EvaluationStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface EvaluationItemRecord {
  index: number;
  itemId: string;
  prompt: string;
  runId: string;
  runStatus: string;
  status: EvaluationItemStatus;
  result: EvaluationItemResult | null;
  finishedAt: string | null;
}

const storedSettingsSchema = evaluationSettingsSchema.extend({
  limit: z.number().int().optional(),
  sampleSeed: z.number().int().optional(),
  lenient: z.boolean().optional(),
});
/** Results are written by this code only (lib/jobs/evaluation-results.ts); checked for shape, not field by field. */
const storedResultSchema = z.custom<EvaluationItemResult>(
  (value) => typeof value === "object" && value !== null && "status" in value && ((value as { status: unknown }).status === "done" || (value as { status: unknown }).status === "failed"),
  "not an evaluation item result",
);

type EvaluationRow = Awaited<ReturnType<ReturnType<typeof db>["evaluation"]["findUniqueOrThrow"]>>;

function toRecord(row: EvaluationRow): EvaluationRecord {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    fileName: row.fileName,
    itemCount: row.itemCount,
    settings: storedSettingsSchema.parse(row.settings),
    skipped: z.array(skippedLineSchema).parse(row.skipped),
    status: evaluationStatusSchema.parse(row.status),
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    error: row.error,
  };
}

export async function getEvaluation(id: string): Promise<EvaluationRecord | null> {
  if (!evaluationIdSchema.safeParse(id).success) return null;
  const row = await db().evaluation.findUnique({ where: { id } });
  return row ? toRecord(row) : null;
}

export async function listEvaluationItems(evaluationId: string): Promise<EvaluationItemRecord[]> {
  const rows = await db().evaluationItem.findMany({
    where: { evaluationId },
    orderBy: { index: "asc" },
    include: { run: { select: { status: true } } },
  });
  return rows.map((row) => ({
    index: row.index,
    itemId: row.itemId,
    prompt: row.prompt,
    runId: row.runId,
    runStatus: row.run.status,
    status: evaluationItemStatusSchema.parse(row.status),
    result: row.result === null ? null : storedResultSchema.parse(row.result),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }));
}

/** Newest first, with progress and mean one-shot / loop SG-IoU over the done items. */
export async function listEvaluations(take = 100): Promise<EvaluationListRow[]> {
  const client = db();
  const rows = await client.evaluation.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
  const ids = rows.map((row) => row.id);
  const [finished, means] = await Promise.all([
    client.evaluationItem.groupBy({ by: ["evaluationId"], where: { evaluationId: { in: ids }, status: { not: "pending" } }, _count: { _all: true } }),
    client.evaluationItem.groupBy({ by: ["evaluationId"], where: { evaluationId: { in: ids }, status: "done" }, _avg: { oneShotSgIoU: true, loopSgIoU: true } }),
  ]);
  const finishedBy = new Map(finished.map((group) => [group.evaluationId, group._count._all]));
  const meansBy = new Map(means.map((group) => [group.evaluationId, group._avg]));
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    format: row.format,
    profile: storedSettingsSchema.parse(row.settings).profile,
    status: evaluationStatusSchema.parse(row.status),
    createdAt: row.createdAt.toISOString(),
    itemCount: row.itemCount,
    finished: finishedBy.get(row.id) ?? 0,
    oneShotSgIoU: meansBy.get(row.id)?.oneShotSgIoU ?? null,
    loopSgIoU: meansBy.get(row.id)?.loopSgIoU ?? null,
  }));
}

/** The item behind a run, or null when the run is not part of an evaluation. */
export async function getItemByRun(runId: string) {
  return db().evaluationItem.findUnique({
    where: { runId },
    select: { id: true, evaluationId: true, index: true, itemId: true, prompt: true, category: true, status: true, evaluation: { select: { format: true } } },
  });
}

/** Stores an item's outcome once (only a pending item is updated). */
export async function recordItemOutcome(
  itemId: string,
  outcome: { status: Exclude<EvaluationItemStatus, "pending">; result: EvaluationItemResult | null },
): Promise<boolean> {
  const done = outcome.result?.status === "done" ? outcome.result : null;
  const { count } = await db().evaluationItem.updateMany({
    where: { id: itemId, status: "pending" },
    data: {
      status: outcome.status,
      ...(outcome.result ? { result: JSON.parse(JSON.stringify(outcome.result)) as object } : {}),
      oneShotSgIoU: done?.oneShot.sgIoU ?? null,
      loopSgIoU: done?.loop.sgIoU ?? null,
      finishedAt: new Date(),
    },
  });
  return count === 1;
}

/** Queued or interrupted evaluation -> running (when one of its runs is claimed). */
export async function markEvaluationRunning(id: string): Promise<void> {
  const now = new Date();
  await db().evaluation.updateMany({ where: { id, status: { in: ["queued", "interrupted"] } }, data: { status: "running" } });
  await db().evaluation.updateMany({ where: { id, startedAt: null }, data: { startedAt: now } });
}

/** Start-up: evaluations a dead process left running become interrupted (their runs resume). */
export async function markRunningEvaluationsInterrupted(): Promise<number> {
  const { count } = await db().evaluation.updateMany({ where: { status: "running" }, data: { status: "interrupted" } });
  return count;
}

/**
 * Finishes the evaluation when no item is pending: cancelled if it was cancelled, failed when
 * every item failed, else succeeded. No-op while items are pending or when already finished.
 */
export async function completeEvaluationIfDone(id: string): Promise<EvaluationStatus | null> {
  const client = db();
  const groups = await client.evaluationItem.groupBy({ by: ["status"], where: { evaluationId: id }, _count: { _all: true } });
  const count = (status: EvaluationItemStatus) => groups.find((group) => group.status === status)?._count._all ?? 0;
  if (count("pending") > 0) return null;
  const total = groups.reduce((sum, group) => sum + group._count._all, 0);
  const status: EvaluationStatus = count("cancelled") > 0 ? "cancelled" : total > 0 && count("failed") === total ? "failed" : "succeeded";
  const { count: updated } = await client.evaluation.updateMany({
    where: { id, status: { notIn: [...finishedStatuses] } },
    data: { status, finishedAt: new Date(), ...(status === "failed" ? { error: "every item failed" } : {}) },
  });
  return updated === 1 ? status : null;
}

/** Marks the evaluation cancelled (its runs are cancelled by the caller). */
export async function markEvaluationCancelled(id: string): Promise<boolean> {
  const { count } = await db().evaluation.updateMany({
    where: { id, status: { notIn: [...finishedStatuses] } },
    data: { status: "cancelled", finishedAt: new Date() },
  });
  return count === 1;
}

/** Pending items whose run has already finished (a crash between the two writes), for reconciliation. */
export async function listPendingItemsWithFinishedRuns(): Promise<string[]> {
  const rows = await db().evaluationItem.findMany({
    where: { status: "pending", run: { status: { in: [...finishedStatuses] } } },
    select: { runId: true },
  });
  return rows.map((row) => row.runId);
}

/** Ids of evaluations not finished yet (queued, running, interrupted). */
export async function listUnfinishedEvaluations(): Promise<string[]> {
  const rows = await db().evaluation.findMany({ where: { status: { notIn: [...finishedStatuses] } }, select: { id: true } });
  return rows.map((row) => row.id);
}

/** Run ids of the evaluation's items that have not finished. */
export async function listUnfinishedItemRuns(evaluationId: string): Promise<string[]> {
  const rows = await db().evaluationItem.findMany({ where: { evaluationId, status: "pending" }, select: { runId: true }, orderBy: { index: "asc" } });
  return rows.map((row) => row.runId);
}

/** Unfinished evaluations and their profiles, for the worker's per-back-end item concurrency. */
export async function listActiveEvaluationProfiles(): Promise<Array<{ id: string; profile: string }>> {
  const rows = await db().evaluation.findMany({ where: { status: { notIn: [...finishedStatuses] } }, select: { id: true, settings: true } });
  return rows.map((row) => ({ id: row.id, profile: storedSettingsSchema.parse(row.settings).profile }));
}

/** What served the evaluation's items: the back ends recorded with its first item run that has them. */
export async function getEvaluationBackends(evaluationId: string): Promise<RunBackends | null> {
  // Runs record their back ends when they start; look at the first few started ones.
  const items = await db().evaluationItem.findMany({
    where: { evaluationId, run: { startedAt: { not: null } } },
    orderBy: { index: "asc" },
    take: 10,
    select: { run: { select: { backends: true } } },
  });
  const recorded = items.find((item) => item.run.backends !== null)?.run.backends;
  return recorded ? runBackendsSchema.parse(recorded) : null;
}
