import { z } from "zod";
import { imageIdSchema, MAX_INPUT_CHARACTERS } from "./run";

/**
 * POST /api/reward, in OpenRLHF's remote reward format: `{query, prompts, labels}` with one entry
 * per sample. rl-rig reads each label: the target (a prompt, a scene graph or a LAION-SG record)
 * and the image to score, as base64 (a PNG or JPEG, optionally a data: URL) or the id of an image
 * in this server's store. A label may be that object or its JSON text (OpenRLHF's labels are strings).
 */
export const MAX_REWARD_BATCH = 64;
/** Room for a batch of base64 images. */
export const MAX_REWARD_BODY_BYTES = 32 * 1024 * 1024;

export const rewardLabelSchema = z
  .object({
    target: z.union([z.string().trim().min(1).max(MAX_INPUT_CHARACTERS), z.record(z.string(), z.unknown())], { error: "target must be a prompt, a scene graph or a LAION-SG record" }),
    image: z.string().min(16, "image must be base64 image bytes or a data: URL").optional(),
    imageId: imageIdSchema.optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .strict()
  .refine((label) => (label.image === undefined) !== (label.imageId === undefined), { message: "give exactly one of image (base64) and imageId" });
export type RewardLabel = z.infer<typeof rewardLabelSchema>;

export const rewardRequestSchema = z
  .object({
    query: z.array(z.string()).min(1, "query is empty").max(MAX_REWARD_BATCH, `at most ${MAX_REWARD_BATCH} samples per request`),
    prompts: z.array(z.string()).optional(),
    labels: z.array(z.unknown()).max(MAX_REWARD_BATCH, `at most ${MAX_REWARD_BATCH} samples per request`),
  })
  .refine((body) => body.labels.length === body.query.length, { message: "labels must have one entry per query" })
  .refine((body) => body.prompts === undefined || body.prompts.length === body.query.length, { message: "prompts must have one entry per query" });

/** score: the label's image as it is; edit: the image after the Editor applied the query's instruction. */
export const rewardModeSchema = z.enum(["score", "edit"], { error: "mode must be score or edit" });

export const rewardResponseSchema = z.object({
  rewards: z.array(z.number()),
  scores: z.array(z.number()),
  extra_logs: z.record(z.string(), z.array(z.number())),
});
