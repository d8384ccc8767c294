import { z } from "zod";
import { critiqueSchema } from "../pipeline/roles/types";
import { sceneGraphSchema } from "../pipeline/scene-graph/schema";

/**
 * The contract between the web app's server (JSON API, server actions, database layer) and its
 * pages. Browser-safe: zod only. Every request body is parsed with these schemas, and every JSON
 * column is re-parsed through them on read.
 */
export const MAX_INPUT_CHARACTERS = 2000;
/** The most iterations a run may have, a branch's inherited ones included. */
export const MAX_RUN_ITERATIONS = 20;

export const runStatusSchema = z.enum(["queued", "running", "succeeded", "failed", "cancelled", "interrupted"]);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const finishedStatuses: readonly RunStatus[] = ["succeeded", "failed", "cancelled"];

/** The five roles of the loop. */
export const roleNames = ["diffuser", "checker", "actor", "editor", "judge"] as const;
export const roleNameSchema = z.enum(roleNames);
export type RoleName = z.infer<typeof roleNameSchema>;

/**
 * A back-end profile is chosen by NAME only (rig.config.json on the server holds its URLs; keys come
 * from the server's environment). "sim", the embedded CPU world, always exists.
 */
export const profileNameSchema = z
  .string({ error: "must be a profile name" })
  .trim()
  .min(1, "must name a profile")
  .max(100, "is longer than 100 characters")
  .regex(/^[A-Za-z0-9._-]+$/, "profile names use letters, digits, . _ -");

/** Each setting without its default: requests send some, the server fills the rest. */
export const runSettingsFields = {
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  maxIterations: z.number().int().min(1).max(MAX_RUN_ITERATIONS),
  targetSgIoU: z.number().min(0).max(1),
  patience: z.number().int().min(1).max(20),
  /** Back-end profile serving the roles (GET /api/profiles lists them). */
  profile: profileNameSchema,
  /**
   * The embedded Actor's policy: "heuristic" (the hand-tuned one, the default), "uniform", or the
   * name of a `rig train actor` checkpoint in the server's checkpoints folder (GET /api/profiles
   * lists them as actorPolicies). Only a profile whose Actor is the embedded one can take it.
   */
  actorPolicy: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be "heuristic", "uniform" or the name of a checkpoint on the server'),
  /** The embedded Editor's placement policy, named like actorPolicy (`rig train editor` checkpoints; GET /api/profiles lists them as editorPolicies). */
  editorPolicy: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be "heuristic", "uniform" or the name of a checkpoint on the server'),
};

export const runSettingsSchema = z
  .object({
    seed: runSettingsFields.seed.default(1),
    maxIterations: runSettingsFields.maxIterations.default(6),
    targetSgIoU: runSettingsFields.targetSgIoU.default(1),
    patience: runSettingsFields.patience.default(3),
    /** Default "sim" here; a request without a profile gets the config's defaultProfile. */
    profile: runSettingsFields.profile.default("sim"),
    actorPolicy: runSettingsFields.actorPolicy.optional(),
    editorPolicy: runSettingsFields.editorPolicy.optional(),
  })
  .strict();
export type RunSettings = z.infer<typeof runSettingsSchema>;

/**
 * Settings written before profiles existed say `backend: "sim"`: they read back as profile "sim".
 * A request may still send `backend` (an alias of `profile`); sending both is an error.
 */
export function upgradeLegacySettings(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value) || !("backend" in value)) return value;
  const { backend, ...rest } = value as Record<string, unknown>;
  if ("profile" in rest) return value;
  return { ...rest, profile: backend };
}

/** Settings as stored in a run row (current or legacy shape), read back in the current shape. */
export const storedRunSettingsSchema = z.preprocess(upgradeLegacySettings, runSettingsSchema);

export const createRunRequestSchema = z
  .object({
    /** A text prompt, or a scene graph / LAION-SG record as JSON text. */
    input: z
      .string({ error: "input must be a string" })
      .trim()
      .min(1, "the prompt is empty")
      .max(MAX_INPUT_CHARACTERS, `the prompt is longer than ${MAX_INPUT_CHARACTERS} characters`),
    settings: z.preprocess((value) => upgradeLegacySettings(value ?? {}), z.object(runSettingsFields).partial().strict()),
  })
  .strict();
export type CreateRunRequest = z.input<typeof createRunRequestSchema>;

/**
 * What served a run, recorded by the worker when it resolved the run's profile: the profile, the
 * back end of each role ("sim", "openai-compatible:<model>", "comfyui:<checkpoint>" ...) and the
 * prompt versions of the vision-language roles. Names only: never a URL or a key.
 */
export const runBackendsSchema = z.object({
  profile: z.string(),
  roles: z.partialRecord(roleNameSchema, z.string()),
  promptVersions: z.partialRecord(z.enum(["checker", "actor", "judge"]), z.string()),
});
export type RunBackends = z.infer<typeof runBackendsSchema>;

export const metricsSchema = z.object({ sgIoU: z.number(), entityIoU: z.number(), relationIoU: z.number() });

/** Images are content-addressed: the id is the sha-256 of the PNG bytes, lower-case hex. */
export const imageIdSchema = z.string().regex(/^[0-9a-f]{64}$/, "not an image id");

export const iterationViewSchema = z.object({
  index: z.number().int().min(0),
  imageId: imageIdSchema,
  /** The instruction that produced this image; null for the first generation. */
  instruction: z.string().nullable(),
  detected: sceneGraphSchema,
  critique: critiqueSchema,
  metrics: metricsSchema,
  durationsMs: z.record(z.string(), z.number()),
  warnings: z.array(z.string()),
  createdAt: z.string(),
});
export type IterationView = z.infer<typeof iterationViewSchema>;

export const runSummarySchema = z.object({
  id: z.string(),
  prompt: z.string(),
  status: runStatusSchema,
  createdAt: z.string(),
  iterationCount: z.number().int(),
  bestIteration: z.number().int().nullable(),
  bestSgIoU: z.number().nullable(),
  /** Image of the best iteration so far (thumbnail: `/api/images/<id>?variant=thumb`). */
  bestImageId: imageIdSchema.nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const judgementViewSchema = z.object({ score: z.number(), rationale: z.string(), iteration: z.number().int() });

export const MAX_INSTRUCTION_CHARACTERS = 500;

/**
 * What a person gives the first iteration of a branch: an instruction the Editor applies as
 * written (the Actor is skipped), or an edited critique the Actor reads instead of the Checker's.
 */
export const branchSteerSchema = z.union([
  z
    .object({
      instruction: z
        .string({ error: "instruction must be a string" })
        .trim()
        .min(1, "the instruction is empty")
        .max(MAX_INSTRUCTION_CHARACTERS, `the instruction is longer than ${MAX_INSTRUCTION_CHARACTERS} characters`),
    })
    .strict(),
  z.object({ critique: critiqueSchema }).strict(),
], { error: 'give either {"instruction": "..."} or {"critique": {...}}' });
export type BranchSteer = z.infer<typeof branchSteerSchema>;

/**
 * A branch's steer as stored: a request's, or one candidate of a rollout group (the policy's
 * candidate edits of one state, each opened as a sibling branch), which also records the group
 * and the probability and edit kind the policy gave it. Requests cannot send `rollout`.
 */
export const rolloutSampleSchema = z.object({ group: z.string(), probability: z.number().min(0).max(1), kind: z.string(), policy: z.string() });
export const storedBranchSteerSchema = z.union([
  z.object({ instruction: z.string().min(1), rollout: rolloutSampleSchema.optional() }).strict(),
  z.object({ critique: critiqueSchema }).strict(),
]);
export type StoredBranchSteer = z.infer<typeof storedBranchSteerSchema>;

/** POST /api/runs/[id]/rollouts: open the embedded Actor policy's candidate edits of `iteration` as sibling branches. */
export const MAX_ROLLOUT_GROUP = 12;
export const createRolloutGroupRequestSchema = z
  .object({
    iteration: z.number({ error: "iteration must be the index of one of the run's iterations" }).int().min(0),
    groupSize: z.number().int().min(2).max(MAX_ROLLOUT_GROUP).default(8),
  })
  .strict();

/** One candidate of a rollout group, as the viewer shows it once its branch has run. */
export const rolloutSampleViewSchema = z.object({
  runId: z.string(),
  instruction: z.string(),
  kind: z.string(),
  probability: z.number(),
  status: runStatusSchema,
  /** The trainer's reward (rewardOf: SG-IoU and Entity-IoU gain, damage, unfollowed), null until the branch's edit is checked. */
  reward: z.number().nullable(),
  /** Group-normalised among the samples that have a reward (GRPO's (r - mean) / (std + eps)). */
  advantage: z.number().nullable(),
  sgIoU: z.number().nullable(),
});

/** GET /api/runs/[id]/rollouts: the tree's rollout groups, oldest first. */
export const rolloutGroupsResponseSchema = z.object({
  groups: z.array(
    z.object({
      group: z.string(),
      parentRunId: z.string(),
      forkIndex: z.number().int(),
      policy: z.string(),
      /** SG-IoU of the state the candidates were weighed at. */
      stateSgIoU: z.number(),
      samples: z.array(rolloutSampleViewSchema),
    }),
  ),
});
export type RolloutGroupsResponse = z.infer<typeof rolloutGroupsResponseSchema>;

/**
 * Where a branch came from; null for a run started from a prompt. Through a share link the other
 * runs' ids are null: a link shares one run, not the tree.
 */
export const runLineageSchema = z.object({
  parentRunId: z.string().nullable(),
  /** The parent's iteration the branch continues from; the branch's own iterations start at forkIndex + 1. */
  forkIndex: z.number().int().min(0),
  rootRunId: z.string().nullable(),
  steer: storedBranchSteerSchema,
});
export type RunLineage = z.infer<typeof runLineageSchema>;

/**
 * POST /api/runs/[id]/branches: fork the run at `iteration`. `budget` is how many new iterations
 * the branch may add (default: as many edits as the parent was allowed, within 20 in all); the
 * other settings default to the parent's.
 */
export const createBranchRequestSchema = z
  .object({
    iteration: z.number({ error: "iteration must be the index of one of the run's iterations" }).int().min(0),
    steer: branchSteerSchema,
    budget: z.number().int().min(1).max(MAX_RUN_ITERATIONS - 1).optional(),
    settings: z.preprocess((value) => upgradeLegacySettings(value ?? {}), z.object(runSettingsFields).omit({ maxIterations: true }).partial().strict()).optional(),
  })
  .strict();
export type CreateBranchRequest = z.input<typeof createBranchRequestSchema>;

export const runDetailSchema = runSummarySchema.extend({
  target: sceneGraphSchema,
  settings: runSettingsSchema,
  /** Null until the worker has resolved the run's profile (and for runs stored before profiles). */
  backends: runBackendsSchema.nullable(),
  error: z.string().nullable(),
  stopReason: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  judgement: judgementViewSchema.nullable(),
  lineage: runLineageSchema.nullable(),
  iterations: z.array(iterationViewSchema),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

/** One run of a tree (a root and every branch forked from it or from its branches). */
export const runTreeNodeSchema = runSummarySchema.extend({
  parentRunId: z.string().nullable(),
  forkIndex: z.number().int().nullable(),
  /** The person's instruction, or "edited critique", for a branch; null for the root. */
  steerLabel: z.string().nullable(),
});
export type RunTreeNode = z.infer<typeof runTreeNodeSchema>;

/** GET /api/runs/[id]/tree: the tree the run belongs to, oldest first (the root first). */
export const runTreeSchema = z.object({
  rootRunId: z.string(),
  nodes: z.array(runTreeNodeSchema),
  /** The leaf (a run no branch was forked from) with the best SG-IoU; ties go to the oldest. */
  bestLeafId: z.string().nullable(),
});
export type RunTree = z.infer<typeof runTreeSchema>;

export const runListQuerySchema = z.object({
  query: z.string().trim().max(200).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const runListResponseSchema = z.object({
  runs: z.array(runSummarySchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

/** How far a role call of the iteration in flight has got: `done` of `total` units (sampling steps). */
export const roleProgressSchema = z.object({
  iteration: z.number().int().min(0),
  role: roleNameSchema,
  done: z.number().min(0),
  total: z.number().min(0),
  stage: z.string().max(200).optional(),
});
export type RoleProgressView = z.infer<typeof roleProgressSchema>;

/** Server-sent events of GET /api/runs/[id]/events (the `event:` field names the kind). */
export const runStreamEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("snapshot"), run: runDetailSchema }),
  z.object({ type: z.literal("iteration"), iteration: iterationViewSchema }),
  z.object({ type: z.literal("status"), status: runStatusSchema, error: z.string().nullable(), stopReason: z.string().nullable() }),
  /** The run's profile was resolved: what serves each role. */
  z.object({ type: z.literal("backends"), backends: runBackendsSchema }),
  /** A long role call's progress (e.g. ComfyUI's sampling steps) in the iteration in flight; live only, never stored. */
  roleProgressSchema.extend({ type: z.literal("progress") }),
]);
export type RunStreamEvent = z.infer<typeof runStreamEventSchema>;

export const shareResponseSchema = z.object({ token: z.string(), url: z.string(), expiresAt: z.string().nullable() });

/** POST /api/runs/[id]/share's optional body: days until the link stops working (omit: until revoked). */
export const MAX_SHARE_DAYS = 365;
export const shareRequestSchema = z.object({ expiresInDays: z.number().int().min(1).max(MAX_SHARE_DAYS).optional() }).strict();

/** Every API error body. `code` is machine-readable (`not_found:run`, `bad_request:input` ...). */
export const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Run ids are made by the database layer (cuid: lower-case letters and digits). */
export const runIdSchema = z.string().regex(/^[a-z0-9]{20,40}$/, "not a run id");

/** Share tokens are 32 random bytes (256 bits) in base64url: 43 characters. */
export const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not a share token");

/** `?variant=thumb` on GET /api/images/[id] gives the WebP thumbnail. */
export const imageVariantSchema = z.enum(["original", "thumb"]).default("original");
