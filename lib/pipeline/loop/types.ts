import type { RasterImage } from "../image/raster";
import type { Critique, Judgement, Roles } from "../roles/types";
import type { SceneGraph } from "../scene-graph/schema";
import type { RoleCapabilities } from "./capabilities";
import type { LoopEvent } from "./events";

/**
 * The scores the loop steers by. Structurally the return type of `sceneGraphMetrics` in
 * lib/pipeline/metrics, which the caller injects as `score`; the engine only reads `sgIoU`.
 */
export interface LoopMetrics {
  sgIoU: number;
  entityIoU: number;
  relationIoU: number;
}

export type ScoreFunction = (target: SceneGraph, detected: SceneGraph) => LoopMetrics;

/**
 * Why a run ended. A resolved `LoopResult` carries one of the first four; "failed" is never in a
 * resolved result (a failing run rejects) but belongs to the same vocabulary, so a subscriber can
 * record it as the run's outcome when it sees `run-error`.
 */
export type StopReason = "target-reached" | "budget-spent" | "no-improvement" | "cancelled" | "failed";

export interface LoopInput {
  target: SceneGraph;
  /** The text handed to the Diffuser (and to the Judge). */
  prompt: string;
  /** Run seed, a safe integer. Every role call's seed is derived from it (see seeds.ts). */
  seed: number;
  /**
   * Total number of iterations, counting the first generation: iteration 0 is the Diffuser's
   * image, iterations 1..maxIterations-1 are edits. Default 6 (one generation and up to five edits).
   */
  maxIterations?: number;
  /** Stop as soon as an iteration reaches this SG-IoU. Default 1 (a perfect match). */
  targetSgIoU?: number;
  /** Stop when the best SG-IoU has not improved for this many consecutive iterations. Default 3. */
  patience?: number;
  signal?: AbortSignal;
  /**
   * Continue a run from iterations that completed earlier (e.g. stored before a crash), indices
   * 0..n-1 in order. The loop starts at iteration n, as if it had produced them itself: the stop
   * conditions see them, the Actor's history includes their instructions, the best may be one of
   * them. Their `iteration-end` events are not emitted again. Omit for a new run.
   */
  resume?: { iterations: readonly IterationRecord[] };
  /**
   * A person's hand on one iteration: how a branch forked from another run's iteration k starts.
   * The run resumes from the parent's iterations 0..k, and iteration `steer.iteration` (k + 1) is
   * made from that person's input: with `instruction` the Actor is not called and the Editor
   * applies the instruction as written; with only `critique` the Actor reads that critique instead
   * of the Checker's. Every later iteration is the loop's own. The stop conditions other than the
   * budget see only the branch: "target reached" counts iterations from `steer.iteration` on, and
   * "no improvement" measures from the fork point k. Applied only when the loop reaches that index,
   * so a branch resumed after a crash past it is not steered twice.
   */
  steer?: Steer;
}

export interface Steer {
  /** The first iteration of the branch (the fork point + 1), at least 1. */
  iteration: number;
  instruction?: string;
  critique?: Critique;
}

export interface LoopDependencies {
  roles: Roles;
  score: ScoreFunction;
  /** Millisecond clock for durations; default `performance.now`. */
  now?: () => number;
  /** Awaited for every event, in order: a slow subscriber slows the run (back-pressure). */
  onEvent?: (event: LoopEvent) => void | Promise<void>;
  /**
   * What each role's back end can do (a resolved profile's `capabilities`). A role left out counts
   * as the embedded world (everything honoured). What the loop does with them: capabilities.ts.
   */
  capabilities?: RoleCapabilities;
  /** How the loop retries a role call that failed with a retryable RoleError; default defaultRoleRetry. */
  retry?: RoleRetryPolicy;
}

/**
 * A role call whose error says it may be tried again (a timeout, a 5xx that outlasted the HTTP
 * client's own retries, a malformed answer) is called again, same seed, after `delayMs`,
 * doubling, up to `attempts` more times; each retry leaves a warning on the iteration.
 */
export interface RoleRetryPolicy {
  attempts: number;
  delayMs: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export const defaultRoleRetry: RoleRetryPolicy = { attempts: 2, delayMs: 500 };

/** The seed each role call of one iteration received. */
export interface IterationSeeds {
  diffuser?: number;
  checker: number;
  actor?: number;
  editor?: number;
}

export interface IterationDurations {
  diffuser?: number;
  checker: number;
  actor?: number;
  editor?: number;
}

export interface IterationRecord {
  index: number;
  image: RasterImage;
  detected: SceneGraph;
  critique: Critique;
  metrics: LoopMetrics;
  /** The instruction that produced this iteration's image; undefined for iteration 0. */
  instruction?: string;
  /** Every role's warnings from this iteration, each prefixed "role: ". */
  warnings: string[];
  durationsMs: IterationDurations;
  seeds: IterationSeeds;
}

export interface LoopJudgement extends Judgement {
  /** The iteration judged (always the best one). */
  iteration: number;
  warnings: string[];
  durationMs: number;
  seed: number;
}

export interface LoopResult {
  /** Completed iterations, in order; never empty. */
  iterations: IterationRecord[];
  /** Index of the iteration with the highest SG-IoU; ties go to the earliest. */
  best: number;
  stopReason: Exclude<StopReason, "failed">;
  /** Present when a Judge was given and the run was not cancelled before it answered. */
  judgement?: LoopJudgement;
  totalMs: number;
}

export interface LoopSettings {
  maxIterations: number;
  targetSgIoU: number;
  patience: number;
}

export const defaultLoopSettings: LoopSettings = { maxIterations: 6, targetSgIoU: 1, patience: 3 };
