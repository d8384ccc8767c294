import "server-only";
import { z } from "zod";
import type { Iteration, Run } from "../../generated/prisma/client";
import { critiqueSchema } from "../pipeline/roles/types";
import { sceneGraphSchema } from "../pipeline/scene-graph/schema";
import {
  imageIdSchema,
  judgementViewSchema,
  metricsSchema,
  runBackendsSchema,
  storedBranchSteerSchema,
  runStatusSchema,
  storedRunSettingsSchema,
  type RunLineage,
  type IterationView,
  type RunDetail,
  type RunSummary,
} from "../schemas/run";

/**
 * Rows -> contract types. Every JSON column is re-parsed through its zod schema, so a row written
 * by an older version (or by hand) that no longer fits fails loudly here instead of in a page.
 */
export const durationsSchema = z.record(z.string(), z.number());
export const warningsSchema = z.array(z.string());
export const seedsSchema = z.object({
  diffuser: z.number().optional(),
  checker: z.number(),
  actor: z.number().optional(),
  editor: z.number().optional(),
});

export type SummaryRow = Pick<Run, "id" | "prompt" | "status" | "createdAt" | "iterationCount" | "bestIteration" | "bestSgIoU" | "bestImageId">;

export const summarySelect = {
  id: true,
  prompt: true,
  status: true,
  createdAt: true,
  iterationCount: true,
  bestIteration: true,
  bestSgIoU: true,
  bestImageId: true,
} as const;

export function toRunSummary(row: SummaryRow): RunSummary {
  return {
    id: row.id,
    prompt: row.prompt,
    status: runStatusSchema.parse(row.status),
    createdAt: row.createdAt.toISOString(),
    iterationCount: row.iterationCount,
    bestIteration: row.bestIteration,
    bestSgIoU: row.bestSgIoU,
    bestImageId: row.bestImageId === null ? null : imageIdSchema.parse(row.bestImageId),
  };
}

export function toIterationView(row: Iteration): IterationView {
  return {
    index: row.index,
    imageId: imageIdSchema.parse(row.imageId),
    instruction: row.instruction,
    detected: sceneGraphSchema.parse(row.detected),
    critique: critiqueSchema.parse(row.critique),
    metrics: metricsSchema.parse(row.metrics),
    durationsMs: durationsSchema.parse(row.durationsMs),
    warnings: warningsSchema.parse(row.warnings),
    createdAt: row.createdAt.toISOString(),
  };
}

export function toRunDetail(row: Run, iterations: Iteration[]): RunDetail {
  return {
    ...toRunSummary(row),
    target: sceneGraphSchema.parse(row.target),
    settings: storedRunSettingsSchema.parse(row.settings),
    backends: row.backends === null ? null : runBackendsSchema.parse(row.backends),
    error: row.error,
    stopReason: row.stopReason,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    judgement: row.judgement === null ? null : judgementViewSchema.parse(row.judgement),
    lineage: toRunLineage(row),
    iterations: iterations.map(toIterationView),
  };
}

/** A branch's origin; null for a run started from a prompt. */
export function toRunLineage(row: Pick<Run, "id" | "parentRunId" | "forkIndex" | "rootRunId" | "steer">): RunLineage | null {
  if (row.forkIndex === null || row.steer === null) return null;
  return { parentRunId: row.parentRunId, forkIndex: row.forkIndex, rootRunId: row.rootRunId ?? row.id, steer: storedBranchSteerSchema.parse(row.steer) };
}
