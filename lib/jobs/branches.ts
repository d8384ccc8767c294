import "server-only";
import { createBranch, getBranchParent } from "../db/branches";
import { AppError } from "../errors";
import { createBranchRequestSchema, MAX_RUN_ITERATIONS, runIdSchema, runSettingsSchema, storedRunSettingsSchema } from "../schemas/run";
import { assertRolePolicy } from "./role-policies";
import { chooseProfile } from "./profiles";
import { describeZodError } from "./validation";
import { notifyRunQueued } from "./worker-handle";

/**
 * Forking: the one code path behind POST /api/runs/[id]/branches and the viewer's server action.
 * The branch takes the parent's settings unless the request names others; `budget` new
 * iterations (default: as many edits as the parent was allowed) within MAX_RUN_ITERATIONS in all.
 */
export async function submitBranch(parentId: string, body: unknown): Promise<{ id: string }> {
  if (!runIdSchema.safeParse(parentId).success) throw new AppError("bad_request:id", `"${parentId}" is not a run id`);
  const parsed = createBranchRequestSchema.safeParse(body);
  if (!parsed.success) throw new AppError(`bad_request:${String(parsed.error.issues[0]?.path[0] ?? "body")}`, describeZodError(parsed.error));
  const { iteration: forkIndex, steer, budget, settings: requested = {} } = parsed.data;
  const parent = await getBranchParent(parentId);
  if (!parent) throw new AppError("not_found:run", `no run with id "${parentId}"`);
  if (forkIndex >= parent.iterationCount) {
    throw new AppError("bad_request:iteration", `iteration: run "${parentId}" has ${parent.iterationCount} iteration${parent.iterationCount === 1 ? "" : "s"} (0..${parent.iterationCount - 1}); there is no iteration ${forkIndex} to branch from`);
  }
  const room = MAX_RUN_ITERATIONS - (forkIndex + 1);
  if (room < 1) throw new AppError("bad_request:iteration", `iteration: ${forkIndex} is the last iteration a run may have (${MAX_RUN_ITERATIONS} in all); there is no room for a branch after it`);
  const parentSettings = storedRunSettingsSchema.parse(parent.settings);
  const added = budget ?? Math.min(room, Math.max(1, parentSettings.maxIterations - 1));
  if (added > room) throw new AppError("bad_request:budget", `budget: a branch after iteration ${forkIndex} can add at most ${room} iteration${room === 1 ? "" : "s"} (${MAX_RUN_ITERATIONS} in all), not ${added}`);
  const profile = requested.profile === undefined ? parentSettings.profile : await chooseProfile(requested.profile);
  assertRolePolicy("actor", requested.actorPolicy);
  assertRolePolicy("editor", requested.editorPolicy);
  const settings = runSettingsSchema.parse({ ...parentSettings, ...requested, profile, maxIterations: forkIndex + 1 + added });
  const branch = await createBranch({ parentId, forkIndex, steer, settings });
  notifyRunQueued();
  return branch;
}
