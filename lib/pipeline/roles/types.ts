import { z } from "zod";
import type { RasterImage } from "../image/raster";
import { boxSchema, sceneGraphSchema, type SceneGraph } from "../scene-graph/schema";

/**
 * The five roles of Generate-Reflect-Edit. Only images and text cross these interfaces, exactly
 * as with real models: a Diffuser sees the prompt text, an Editor the image and the instruction.
 * Every call is async, abortable and seeded, and returns warnings as data.
 */
export interface RoleCallOptions {
  seed: number;
  signal?: AbortSignal;
  /** Called while a long call works (e.g. ComfyUI's sampling steps). Never called after the call settles. */
  onProgress?: (progress: RoleProgress) => void;
}

/** How far a long role call has got: `done` of `total` units (sampling steps, usually). */
export interface RoleProgress {
  done: number;
  total: number;
  /** What the units are or which part is working (e.g. "sampling", a ComfyUI node id). */
  stage?: string;
}

export interface RoleResult {
  warnings: string[];
}

export interface Diffuser {
  readonly name: string;
  generate(prompt: string, options: RoleCallOptions): Promise<RoleResult & { image: RasterImage }>;
}

export const tripleStatusSchema = z.enum(["satisfied", "violated", "missing"]);
export type TripleStatus = z.infer<typeof tripleStatusSchema>;

/** One target triple, judged against the image. Object ids are the target's ids. */
export const tripleVerdictSchema = z.object({
  subject: z.string(),
  predicate: z.string(),
  object: z.string(),
  status: tripleStatusSchema,
  /** The predicate the Checker saw between the two objects (from the target vocabulary when it can). */
  observedPredicate: z.string().optional(),
});
export type TripleVerdict = z.infer<typeof tripleVerdictSchema>;

export const attributeMismatchSchema = z.object({
  objectId: z.string(),
  expected: z.array(z.string()),
  observed: z.array(z.string()),
});

export const extraObjectSchema = z.object({
  detectedId: z.string(),
  label: z.string(),
  box: boxSchema.optional(),
});

export const critiqueSchema = z.object({
  triples: z.array(tripleVerdictSchema),
  /** Target object ids not found in the image. */
  missingObjects: z.array(z.string()),
  /** Objects in the image the target does not ask for (a surplus instance, or an unknown thing). */
  extraObjects: z.array(extraObjectSchema),
  attributeMismatches: z.array(attributeMismatchSchema),
  /** Detected object id for each found target object id. */
  matches: z.record(z.string(), z.string()),
  /** Where each found target object was seen (target id -> box), so an Actor can say "the leftmost cup". */
  locations: z.record(z.string(), boxSchema),
  /** How far each found target object seemed (target id -> depth, larger = farther), when the Checker can tell. */
  depths: z.record(z.string(), z.number()).default({}),
  summary: z.string(),
});
export type Critique = z.infer<typeof critiqueSchema>;

export const checkResultSchema = z.object({
  detected: sceneGraphSchema,
  critique: critiqueSchema,
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export interface Checker {
  readonly name: string;
  check(image: RasterImage, target: SceneGraph, options: RoleCallOptions): Promise<RoleResult & CheckResult>;
}

export interface ActorInput {
  image: RasterImage;
  target: SceneGraph;
  critique: Critique;
  /** Instructions already tried in this run, oldest first. */
  history: string[];
}

export interface Actor {
  readonly name: string;
  act(input: ActorInput, options: RoleCallOptions): Promise<RoleResult & { instruction: string }>;
}

export interface Editor {
  readonly name: string;
  edit(image: RasterImage, instruction: string, options: RoleCallOptions): Promise<RoleResult & { image: RasterImage }>;
}

export const judgementSchema = z.object({
  score: z.number().min(1).max(10),
  rationale: z.string(),
});
export type Judgement = z.infer<typeof judgementSchema>;

export interface Judge {
  readonly name: string;
  judge(image: RasterImage, prompt: string, options: RoleCallOptions): Promise<RoleResult & Judgement>;
}

export interface Roles {
  diffuser: Diffuser;
  checker: Checker;
  actor: Actor;
  editor: Editor;
  judge?: Judge;
}
