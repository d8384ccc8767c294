"use server";

import { toApiError } from "@/lib/errors";
import { submitBranch } from "@/lib/jobs/branches";
import { submitRun } from "@/lib/jobs/runs";
import { assertCaller } from "@/lib/server/caller";

/**
 * The pages' writes, as server actions. Each checks its caller, then hands its input, untrusted
 * like any request body, to the same code path as the JSON API, which validates it with zod.
 * Errors come back as values (a thrown error's message would be hidden in production).
 */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

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

/** Forks run `parentId`: body as POST /api/runs/[id]/branches (iteration, steer, budget, settings). */
export async function forkRunAction(parentId: unknown, body: unknown): Promise<ActionResult<{ id: string }>> {
  return act(() => submitBranch(typeof parentId === "string" ? parentId : "", body));
}

/** Starts a run: body as POST /api/runs (input, settings). */
export async function createRunAction(body: unknown): Promise<ActionResult<{ id: string }>> {
  return act(() => submitRun(body));
}
