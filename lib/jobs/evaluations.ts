import "server-only";
import { assertRolePolicy } from "./role-policies";
import {
  completeEvaluationIfDone,
  createEvaluation,
  getEvaluation,
  getEvaluationBackends,
  getItemByRun,
  listEvaluationItems,
  listPendingItemsWithFinishedRuns,
  listUnfinishedEvaluations,
  listUnfinishedItemRuns,
  markEvaluationCancelled,
  recordItemOutcome,
  type EvaluationItemRecord,
  type EvaluationRecord,
} from "../db/evaluations";
import { getRunDetail } from "../db/runs";
import { AppError } from "../errors";
import { importDataset } from "../pipeline/datasets";
import { DatasetImportError, type DatasetFormat, type DatasetItem, type DatasetItemCategory } from "../pipeline/datasets/types";
import { simulatedRoles } from "../pipeline/backends/simulated";
import { SELF_GRADED } from "../pipeline/evaluation/grade";
import { mulberry32 } from "../pipeline/evaluation/summary";
import { summariseEvaluation, type EvaluationSummary } from "../pipeline/evaluation/summary";
import { createEvaluationRequestSchema, evaluationIdSchema, evaluationSettingsSchema, type EvaluationProgress, type EvaluationStatus } from "../schemas/evaluation";
import { finishedStatuses, type RunBackends } from "../schemas/run";
import { itemResultFromRun } from "./evaluation-results";
import { chooseProfile } from "./profiles";
import { cancelRun } from "./runs";
import { notifyRunQueued } from "./worker-handle";
import type { GradeRun, RunListener } from "./run-listener";
import { describeZodError } from "./validation";

/**
 * Evaluations in the web app: submit (import, slice or sample, store items and their queued runs),
 * record each item's result as its run finishes (called by the run worker), finish the evaluation
 * when every item has, cancel, and read progress + summary for the API and pages.
 */

/** Validates, imports (400 with the importer's message), stores; returns the id and skipped lines. */
export async function submitEvaluation(body: unknown): Promise<{ id: string; itemCount: number; skipped: Array<{ line: number; reason: string }> }> {
  const parsed = createEvaluationRequestSchema.safeParse(body);
  if (!parsed.success) throw new AppError(`bad_request:${String(parsed.error.issues[0]?.path[0] ?? "body")}`, describeZodError(parsed.error));
  const request = parsed.data;
  const fileName = request.fileName ?? null;
  let imported;
  try {
    imported = importDataset(request.text, request.format, { mode: request.lenient ? "lenient" : "strict", file: fileName ?? "upload" });
  } catch (error) {
    if (error instanceof DatasetImportError) throw new AppError("bad_request:dataset", error.message, { cause: error });
    throw error;
  }
  if (imported.items.length === 0) throw new AppError("bad_request:dataset", `${fileName ?? "upload"}: no usable item in the file`);
  const items = selectItems(imported.items, request.limit, request.sampleSeed);
  assertRolePolicy("actor", request.settings.actorPolicy);
  assertRolePolicy("editor", request.settings.editorPolicy);
  const settings = evaluationSettingsSchema.parse({ ...request.settings, profile: await chooseProfile(request.settings.profile) });
  const { id } = await createEvaluation({
    name: request.name,
    format: request.format,
    fileName,
    settings: { ...settings, lenient: request.lenient, ...(request.limit ? { limit: request.limit } : {}), ...(request.sampleSeed !== undefined ? { sampleSeed: request.sampleSeed } : {}) },
    skipped: imported.skipped,
    items,
  });
  notifyRunQueued();
  return { id, itemCount: items.length, skipped: imported.skipped };
}

/** The first `limit` items, or with `sampleSeed` a seeded sample of `limit` items kept in file order. */
export function selectItems(items: readonly DatasetItem[], limit: number | undefined, sampleSeed: number | undefined): DatasetItem[] {
  if (!limit || limit >= items.length) return [...items];
  if (sampleSeed === undefined) return items.slice(0, limit);
  const random = mulberry32(sampleSeed);
  const order = items.map((_, index) => index);
  for (let index = order.length - 1; index > 0; index -= 1) {
    const swap = Math.floor(random() * (index + 1));
    [order[index], order[swap]] = [order[swap]!, order[index]!];
  }
  return order
    .slice(0, limit)
    .sort((a, b) => a - b)
    .map((index) => items[index]!);
}

/**
 * Called by the run worker after it wrote a run's end: when the run is an evaluation item, stores
 * the item's result (graded and judged by `gradeRun`; self-graded without one), then
 * finishes the evaluation if that was its last item. Idempotent.
 */
export async function recordEvaluationRun(runId: string, gradeRun: GradeRun | undefined): Promise<void> {
  const item = await getItemByRun(runId);
  if (!item || item.status !== "pending") return;
  const run = await getRunDetail(runId);
  if (!run || !finishedStatuses.includes(run.status)) return;
  let result = null;
  if (run.status !== "cancelled") {
    const format = item.evaluation.format as DatasetFormat;
    const graded = gradeRun && run.status === "succeeded" ? await gradeRun(run, format) : {};
    result = itemResultFromRun({
      item: { itemId: item.itemId, index: item.index, prompt: item.prompt, category: item.category as unknown as DatasetItemCategory, format },
      run,
      ...graded,
    });
  }
  const status = result === null ? "cancelled" : result.status === "done" ? "done" : "failed";
  if (await recordItemOutcome(item.id, { status, result })) await completeEvaluationIfDone(item.evaluationId);
}

/**
 * How evaluations follow the run worker: when a run ends they record its item's result (graded
 * by the worker), and at the worker's start they record what a crash left unrecorded. Passed to
 * the worker by runtime.ts (and by tests), so the worker never imports evaluations.
 */
export const evaluationListener: RunListener = {
  onStart: (gradeRun) => reconcileEvaluations(gradeRun),
  onRunFinished: (runId, evaluationId, gradeRun) => (evaluationId ? recordEvaluationRun(runId, gradeRun) : Promise.resolve()),
};

/**
 * Start-up: records items whose run finished but whose result was not stored, and finishes
 * evaluations whose last item was recorded just before a crash.
 */
export async function reconcileEvaluations(gradeRun: GradeRun | undefined): Promise<void> {
  for (const runId of await listPendingItemsWithFinishedRuns()) await recordEvaluationRun(runId, gradeRun);
  for (const id of await listUnfinishedEvaluations()) await completeEvaluationIfDone(id);
}

/** Cancels every unfinished item run (waiting ones at once, executing ones after their iteration). */
export async function cancelEvaluation(id: string): Promise<EvaluationStatus> {
  const evaluation = await getEvaluationOrThrow(id);
  if (finishedStatuses.includes(evaluation.status)) return evaluation.status;
  await markEvaluationCancelled(id);
  for (const runId of await listUnfinishedItemRuns(id)) {
    await cancelRun(runId);
    // Waiting runs are cancelled without the worker: record their item here.
    await recordEvaluationRun(runId, undefined);
  }
  return "cancelled";
}

export async function getEvaluationOrThrow(id: string): Promise<EvaluationRecord> {
  if (!evaluationIdSchema.safeParse(id).success) throw new AppError("bad_request:id", `"${id}" is not an evaluation id`);
  const evaluation = await getEvaluation(id);
  if (!evaluation) throw new AppError("not_found:evaluation", `no evaluation with id "${id}"`);
  return evaluation;
}

export interface EvaluationDetail {
  evaluation: EvaluationRecord;
  /** What served the items (recorded with the first started item run); null before one started. */
  backends: RunBackends | null;
  progress: EvaluationProgress;
  /** Over the items done so far; null before the first. */
  summary: EvaluationSummary | null;
  items: EvaluationItemRecord[];
}

export async function getEvaluationDetail(id: string, now = Date.now()): Promise<EvaluationDetail> {
  const evaluation = await getEvaluationOrThrow(id);
  const items = await listEvaluationItems(id);
  const results = items.flatMap((item) => (item.result ? [item.result] : []));
  return {
    evaluation,
    backends: await getEvaluationBackends(id),
    progress: progressOf(evaluation, items, now),
    summary: results.some((result) => result.status === "done") ? summariseEvaluation(results, { seed: evaluation.settings.seed, resamples: 1000 }) : null,
    items,
  };
}

export function progressOf(evaluation: Pick<EvaluationRecord, "startedAt" | "finishedAt">, items: ReadonlyArray<Pick<EvaluationItemRecord, "status">>, now: number): EvaluationProgress {
  const count = (status: EvaluationItemRecord["status"]) => items.filter((item) => item.status === status).length;
  const finished = items.length - count("pending");
  const started = evaluation.startedAt ? Date.parse(evaluation.startedAt) : null;
  const end = evaluation.finishedAt ? Date.parse(evaluation.finishedAt) : now;
  const seconds = started === null ? 0 : Math.max(0.001, (end - started) / 1000);
  const itemsPerSecond = finished > 0 && started !== null ? finished / seconds : null;
  const pending = count("pending");
  return {
    total: items.length,
    done: count("done"),
    failed: count("failed"),
    cancelled: count("cancelled"),
    pending,
    itemsPerSecond,
    etaMs: itemsPerSecond && pending > 0 && !evaluation.finishedAt ? (pending / itemsPerSecond) * 1000 : null,
  };
}

const csvColumns = [
  "index", "itemId", "prompt", "runId", "status", "scoredBy", "simulatedRoles",
  "oneShotSgIoU", "oneShotEntityIoU", "oneShotRelationIoU", "oneShotJudge", "oneShotGenevalPosition",
  "loopSgIoU", "loopEntityIoU", "loopRelationIoU", "loopJudge", "loopGenevalPosition",
  "oneShotTestIouSgIoU", "loopTestIouSgIoU", "checkerOneShotSgIoU", "checkerLoopSgIoU",
  "bestIteration", "iterations", "stopReason", "diffuserMs", "checkerMs", "actorMs", "editorMs", "judgeMs", "scorerMs", "totalMs", "error",
] as const;

/**
 * One row per item; RFC 4180 quoting. `simulatedRoles` names the roles that ran on the embedded
 * world (space-separated), so figures from the simulator stay labelled when the file travels.
 */
export function evaluationCsv(items: readonly EvaluationItemRecord[], backends: RunBackends | null): string {
  const simulated = backends ? simulatedRoles(backends.roles).join(" ") : "";
  const rows = items.map((item) => {
    const result = item.result;
    const done = result?.status === "done" ? result : null;
    const values: Record<(typeof csvColumns)[number], unknown> = {
      index: item.index, itemId: item.itemId, prompt: item.prompt, runId: item.runId, status: item.status, scoredBy: done ? (done.scoredBy ?? SELF_GRADED) : undefined, simulatedRoles: simulated,
      oneShotSgIoU: done?.oneShot.sgIoU, oneShotEntityIoU: done?.oneShot.entityIoU, oneShotRelationIoU: done?.oneShot.relationIoU,
      oneShotJudge: done?.oneShot.judge, oneShotGenevalPosition: done?.oneShot.genevalPosition,
      loopSgIoU: done?.loop.sgIoU, loopEntityIoU: done?.loop.entityIoU, loopRelationIoU: done?.loop.relationIoU,
      loopJudge: done?.loop.judge, loopGenevalPosition: done?.loop.genevalPosition,
      oneShotTestIouSgIoU: done?.oneShot.testIou?.sgIoU, loopTestIouSgIoU: done?.loop.testIou?.sgIoU,
      checkerOneShotSgIoU: done?.checkerReported?.oneShot.sgIoU, checkerLoopSgIoU: done?.checkerReported?.loop.sgIoU,
      bestIteration: done?.loop.iteration, iterations: done?.iterations, stopReason: done?.stopReason,
      diffuserMs: done?.timeMs.diffuser, checkerMs: done?.timeMs.checker, actorMs: done?.timeMs.actor, editorMs: done?.timeMs.editor,
      judgeMs: done?.timeMs.judge, scorerMs: done?.timeMs.scorer, totalMs: done?.timeMs.total, error: result?.status === "failed" ? result.error : undefined,
    };
    return csvColumns.map((column) => csvCell(values[column])).join(",");
  });
  return [csvColumns.join(","), ...rows].join("\r\n") + "\r\n";
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "number" ? String(Number(value.toFixed(6))) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
