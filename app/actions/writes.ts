"use server";

import { revokeShare, shareRun, type ShareLink } from "@/lib/db/runs";
import { AppError, toApiError } from "@/lib/errors";
import { submitBranch } from "@/lib/jobs/branches";
import { submitRolloutGroup } from "@/lib/jobs/rollout-groups";
import { evaluationRequestFromForm } from "@/lib/jobs/evaluation-form";
import { cancelEvaluation, submitEvaluation } from "@/lib/jobs/evaluations";
import { cancelRun, submitRun } from "@/lib/jobs/runs";
import { describeZodError } from "@/lib/jobs/validation";
import { assertCaller } from "@/lib/server/caller";
import type { ActionResult } from "@/lib/viewer/action-result";
import { runIdSchema, shareRequestSchema, type RunStatus } from "@/lib/schemas/run";
import type { ZodType } from "zod";

/**
 * The pages' writes, as server actions. Each checks its caller, then hands its input, untrusted
 * like any request body, to the same code path as the JSON API, which validates it with zod.
 * Errors come back as values (ActionResult; a thrown error's message would be hidden in production).
 */

async function act<T>(work: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    await assertCaller();
    return { ok: true, value: await work() };
  } catch (error) {
    const { status, body } = toApiError(error);
    if (status >= 500) console.error(`[action] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return { ok: false, error: body.error };
  }
}

function parsed<T>(schema: ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError(`bad_request:${what}`, describeZodError(result.error));
  return result.data;
}

const runId = (value: unknown) => parsed(runIdSchema, value, "id");

/** Forks run `parentId`: body as POST /api/runs/[id]/branches (iteration, steer, budget, settings). */
export async function forkRunAction(parentId: unknown, body: unknown): Promise<ActionResult<{ id: string }>> {
  return act(() => submitBranch(typeof parentId === "string" ? parentId : "", body));
}

/** Opens the Actor policy's candidate edits of an iteration as sibling branches (as POST /api/runs/[id]/rollouts). */
export async function rolloutGroupAction(id: unknown, body: unknown): Promise<ActionResult<{ group: string; branchIds: string[] }>> {
  return act(() => submitRolloutGroup(runId(id), body));
}

/** Starts a run: body as POST /api/runs (input, settings). */
export async function createRunAction(body: unknown): Promise<ActionResult<{ id: string }>> {
  return act(() => submitRun(body));
}

/** Cancels a run (as POST /api/runs/[id]/cancel); the status after the request. */
export async function cancelRunAction(id: unknown): Promise<ActionResult<RunStatus>> {
  return act(() => cancelRun(runId(id)));
}

/** Creates or returns the run's share link (as POST /api/runs/[id]/share). */
export async function shareRunAction(id: unknown, options: unknown): Promise<ActionResult<ShareLink>> {
  return act(() => shareRun(runId(id), parsed(shareRequestSchema, options ?? {}, "body")));
}

/** Revokes the run's share link (as DELETE /api/runs/[id]/share). */
export async function revokeShareAction(id: unknown): Promise<ActionResult<null>> {
  return act(async () => {
    await revokeShare(runId(id));
    return null;
  });
}

/** Cancels an evaluation's unfinished item runs (as POST /api/evals/[id]/cancel). */
export async function cancelEvaluationAction(id: unknown): Promise<ActionResult<string>> {
  return act(() => cancelEvaluation(typeof id === "string" ? id : ""));
}

/** Starts an evaluation from the upload form (as a multipart POST /api/evals). */
export async function createEvaluationAction(form: unknown): Promise<ActionResult<{ id: string }>> {
  return act(async () => {
    if (!(form instanceof FormData)) throw new AppError("bad_request:form", "send the upload form");
    const { id } = await submitEvaluation(await evaluationRequestFromForm(form));
    return { id };
  });
}
