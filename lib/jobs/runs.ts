import "server-only";
import { assertRolePolicy } from "./role-policies";
import { cancelWaitingRun, requestRunCancel } from "../db/run-execution";
import { createRun, getRunStatus } from "../db/runs";
import { AppError } from "../errors";
import { parseSceneGraphInputWithSource } from "../pipeline/scene-graph/parse-input";
import { sceneGraphProblems } from "../pipeline/scene-graph/consistency";
import { sceneGraphToPromptText } from "../pipeline/scene-graph/prompt-text";
import { createRunRequestSchema, finishedStatuses, runIdSchema, runSettingsSchema, type RunStatus } from "../schemas/run";
import { describeZodError } from "./validation";
import { notifyRunQueued, workerHandle } from "./worker-handle";
import { publishRunEvent } from "./event-bus";
import { chooseProfile } from "./profiles";

/**
 * Submitting and cancelling runs: the one code path behind POST /api/runs, POST
 * /api/runs/[id]/cancel and the pages' server actions.
 */

/** Validates a create-run request (400 with the parser's message when the input cannot be read), stores it queued. */
export async function submitRun(body: unknown): Promise<{ id: string }> {
  const parsed = createRunRequestSchema.safeParse(body);
  if (!parsed.success) throw new AppError(codeFor(parsed.error), describeZodError(parsed.error));
  const { input, settings: partialSettings } = parsed.data;
  let reading: ReturnType<typeof parseSceneGraphInputWithSource>;
  try {
    reading = parseSceneGraphInputWithSource(input);
  } catch (error) {
    throw new AppError("bad_request:input", error instanceof Error ? error.message : "the input could not be read", { cause: error });
  }
  if (reading.graph.objects.length === 0) throw new AppError("bad_request:input", "the input names no object to draw");
  // A target no image can satisfy, or one whose relations rl-rig cannot read, is refused up front.
  const problems = sceneGraphProblems(reading.graph);
  if (problems.length > 0) throw new AppError("bad_request:input", problems.map((problem) => problem.message).join("; "));
  const prompt = reading.source === "prompt" ? input : sceneGraphToPromptText(reading.graph);
  // A profile is a NAME; its URLs and keys stay in the server's config and environment.
  const profile = await chooseProfile(partialSettings.profile);
  assertRolePolicy("actor", partialSettings.actorPolicy);
  assertRolePolicy("editor", partialSettings.editorPolicy);
  const settings = runSettingsSchema.parse({ ...partialSettings, profile });
  const run = await createRun({ input, prompt, target: reading.graph, settings });
  notifyRunQueued();
  return run;
}

function codeFor(error: import("zod").ZodError): `bad_request:${string}` {
  const first = error.issues[0];
  const field = first?.path[0];
  if (field === "settings" && first?.path[1] === "profile") return "bad_request:profile";
  if (field === "input" || field === "settings") return `bad_request:${field}`;
  return "bad_request:body";
}

/**
 * Cancels a run: a waiting (queued or interrupted) run is cancelled at once; an executing one is
 * aborted (its best iteration so far is kept) and this resolves once its end is written. A run
 * that has already finished keeps its status. Returns the status after the request.
 */
export async function cancelRun(id: string): Promise<RunStatus> {
  if (!runIdSchema.safeParse(id).success) throw new AppError("bad_request:id", `"${id}" is not a run id`);
  const status = await getRunStatus(id);
  if (status === null) throw new AppError("not_found:run", `no run with id "${id}"`);
  if (finishedStatuses.includes(status)) return status;
  if (await cancelWaitingRun(id)) {
    publishRunEvent(id, { type: "status", status: "cancelled", error: null, stopReason: "cancelled" });
    return "cancelled";
  }
  const worker = workerHandle();
  if (!(worker && (await worker.cancel(id)))) {
    // Executing in another process (or between claim and start): ask through the database.
    await requestRunCancel(id);
  }
  return (await getRunStatus(id)) ?? status;
}
