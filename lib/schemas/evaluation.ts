import { z } from "zod";
import { runSettingsFields, runSettingsSchema, runStatusSchema } from "./run";

/**
 * The evaluation contract between the server (POST /api/evals, the database layer) and the pages.
 * Browser-safe: zod only. Requests are parsed with these schemas; JSON columns are re-parsed on read.
 */

/** Uploads above this are refused (413) before the importer sees them. */
export const MAX_DATASET_BYTES = 2 * 1024 * 1024;
/** Items per evaluation (after limit / sample). */
export const MAX_EVALUATION_ITEMS = 1000;

/** The importers' formats (lib/pipeline/datasets datasetFormats, kept equal by a test). */
export const evaluationFormats = ["laion-sg", "geneval", "t2i-compbench", "dsg", "text"] as const;
export const evaluationFormatSchema = z.enum(evaluationFormats, { error: `format must be one of ${evaluationFormats.join(", ")}` });

export const evaluationStatusSchema = runStatusSchema;
export type EvaluationStatus = z.infer<typeof evaluationStatusSchema>;

export const evaluationSettingsSchema = z
  .object({
    seed: runSettingsSchema.shape.seed,
    maxIterations: runSettingsSchema.shape.maxIterations,
    targetSgIoU: runSettingsSchema.shape.targetSgIoU,
    patience: runSettingsSchema.shape.patience,
    /** Back-end profile of every item run (GET /api/profiles lists them). */
    profile: runSettingsSchema.shape.profile,
    actorPolicy: runSettingsSchema.shape.actorPolicy,
    editorPolicy: runSettingsSchema.shape.editorPolicy,
  })
  .strict();
export type EvaluationSettings = z.infer<typeof evaluationSettingsSchema>;

export const createEvaluationRequestSchema = z
  .object({
    name: z.string().trim().min(1, "the name is empty").max(200, "the name is longer than 200 characters"),
    format: evaluationFormatSchema,
    text: z.string({ error: "text must be the data set file's content" }).refine((text) => text.trim().length > 0, "the data set file is empty"),
    fileName: z.string().trim().max(255).optional(),
    /** Evaluate at most this many items: the first ones, or a seeded sample with `sampleSeed`. */
    limit: z.number().int().min(1).max(MAX_EVALUATION_ITEMS).optional(),
    sampleSeed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
    /** Skip bad lines (listed) instead of failing at the first. */
    lenient: z.boolean().default(false),
    settings: z
      .object({
        seed: runSettingsFields.seed,
        maxIterations: runSettingsFields.maxIterations,
        targetSgIoU: runSettingsFields.targetSgIoU,
        patience: runSettingsFields.patience,
        profile: runSettingsFields.profile,
        actorPolicy: runSettingsFields.actorPolicy,
        editorPolicy: runSettingsFields.editorPolicy,
      })
      .partial()
      .strict()
      .default({}),
  })
  .strict();
export type CreateEvaluationRequest = z.input<typeof createEvaluationRequestSchema>;

export const skippedLineSchema = z.object({ line: z.number().int(), reason: z.string() });

export const evaluationItemStatusSchema = z.enum(["pending", "done", "failed", "cancelled"]);
export type EvaluationItemStatus = z.infer<typeof evaluationItemStatusSchema>;

export const evaluationIdSchema = z.string().regex(/^[a-z0-9]{20,40}$/, "not an evaluation id");

export const exportFormatSchema = z.enum(["csv", "json"], { error: "format must be csv or json" });

/** List row of GET /api/evals. */
export interface EvaluationListRow {
  id: string;
  name: string;
  format: string;
  /** The back-end profile its items run on. */
  profile: string;
  status: EvaluationStatus;
  createdAt: string;
  itemCount: number;
  finished: number;
  oneShotSgIoU: number | null;
  loopSgIoU: number | null;
}

export interface EvaluationProgress {
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  pending: number;
  /** Finished items per second since the evaluation started; null before the first. */
  itemsPerSecond: number | null;
  /** Estimated milliseconds to finish; null when unknown or finished. */
  etaMs: number | null;
}
