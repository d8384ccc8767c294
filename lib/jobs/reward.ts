import "server-only";
import { createSimRoles } from "../pipeline/backends/sim";
import { decodeImage } from "../pipeline/image/png";
import { scoreEdits, type EditRewardBatch } from "../pipeline/reward/score-edits";
import { scoreImages, type RewardBatch, type RewardSample } from "../pipeline/reward/score-images";
import { parseSceneGraphInput } from "../pipeline/scene-graph/parse-input";
import { RoleError } from "../pipeline/roles/errors";
import { AppError } from "../errors";
import { readImage } from "../images/store";
import { rewardLabelSchema, type RewardLabel } from "../schemas/reward";
import { describeZodError } from "./validation";
import { ProfileRoles } from "./profile-roles";
import { chooseProfile } from "./profiles";

/**
 * The reward service behind POST /api/reward: each sample's label names a target and an image.
 * mode "score": the chosen profile's Checker reads the image against the target; mode "edit": the
 * profile's Editor first applies the sample's instruction (the policy's response) and the reward
 * is the edit's gain. lib/pipeline/reward does the scoring.
 * One ProfileRoles for the process, so a profile's back ends are built once.
 */
let profiles: ProfileRoles | undefined;

function labelAt(raw: unknown, index: number): RewardLabel {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new AppError("bad_request:labels", `labels[${index}]: not JSON; a label is {"target": ..., "image": "<base64>"} or {"target": ..., "imageId": "<sha256>"}`);
    }
  }
  const parsed = rewardLabelSchema.safeParse(value);
  if (!parsed.success) throw new AppError("bad_request:labels", `labels[${index}]: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

async function sampleOf(label: RewardLabel, index: number): Promise<RewardSample> {
  let target;
  try {
    target = parseSceneGraphInput(typeof label.target === "string" ? label.target : JSON.stringify(label.target));
  } catch (error) {
    throw new AppError("bad_request:labels", `labels[${index}].target: ${(error as Error).message}`);
  }
  let bytes: Buffer | null;
  if (label.imageId) {
    bytes = await readImage(label.imageId);
    if (!bytes) throw new AppError("bad_request:labels", `labels[${index}].imageId: no image with id ${label.imageId} on this server`);
  } else {
    const base64 = label.image!.replace(/^data:image\/[a-z+]+;base64,/i, "");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new AppError("bad_request:labels", `labels[${index}].image: not base64 (or a data:image/...;base64, URL)`);
    bytes = Buffer.from(base64, "base64");
  }
  try {
    return { target, image: await decodeImage(bytes), seed: label.seed ?? 0 };
  } catch {
    throw new AppError("bad_request:labels", `labels[${index}].image: not a PNG, JPEG or WebP image that can be decoded`);
  }
}

/**
 * OpenRLHF's query is the prompt followed by the policy's response: the instruction is the query
 * without its prompt (the whole query when it does not start with it), read from the Actor's
 * answer format {"instruction": "..."} when it is that.
 */
export function instructionOf(query: string, prompt: string | undefined): string {
  const response = (prompt && query.startsWith(prompt) ? query.slice(prompt.length) : query).trim();
  // The Actor prompt asks for {"instruction": "..."}; a plain sentence is taken as it is.
  try {
    const parsed = JSON.parse(response) as { instruction?: unknown };
    if (typeof parsed.instruction === "string") return parsed.instruction.trim();
  } catch {
    // not JSON
  }
  return response;
}

export type RewardMode = "score" | "edit";

export async function rewardBatch(
  body: { query: string[]; prompts?: string[] | undefined; labels: unknown[] },
  requested: { profile?: string | undefined; mode: RewardMode },
  signal?: AbortSignal,
): Promise<RewardBatch | EditRewardBatch> {
  const labels = body.labels.map(labelAt);
  const samples = await Promise.all(labels.map(sampleOf));
  const profile = await chooseProfile(requested.profile).catch((error: unknown) => {
    // chooseProfile speaks of a run's settings; here the profile comes from the query string.
    if (error instanceof AppError) throw new AppError(error.code, error.message.replace(/^settings\.profile:/, "?profile="));
    throw error;
  });
  profiles ??= new ProfileRoles(() => createSimRoles());
  const roles = await profiles.forProfile(profile);
  try {
    if (requested.mode === "score") return await scoreImages(roles.roles.checker, samples, signal ? { signal } : {});
    const edits = samples.map((sample, index) => {
      const instruction = instructionOf(body.query[index]!, body.prompts?.[index]);
      if (instruction === "") throw new AppError("bad_request:query", `query[${index}]: no instruction after the prompt; mode=edit scores the policy's response as an edit instruction`);
      return { ...sample, instruction };
    });
    return await scoreEdits(roles.roles, edits, signal ? { signal } : {});
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof RoleError ? error.message : error instanceof Error ? error.message : String(error);
    // The message starts with the role that failed ("checker: ...", "editor: ...").
    throw new AppError("bad_gateway:backend", `a back end of profile "${profile}" failed: ${roles.redact ? roles.redact(message) : message}`);
  }
}
