import type { RasterImage } from "../image/raster";
import type { RoleErrorCode, RoleName } from "../roles/errors";
import type { Critique } from "../roles/types";
import type { SceneGraph } from "../scene-graph/schema";
import type { IterationRecord, LoopJudgement, LoopMetrics, LoopSettings, StopReason } from "./types";

/**
 * What the engine reports while it runs, named noun-verb. For one run the order is always
 *
 *   run-start
 *   iteration-start(0)  P(diffuser)  image-end(0, diffuser)  P(checker)  check-end(0)  iteration-end(0)
 *   iteration-start(i)  P(actor)  P(editor)  image-end(i, editor)  edit-end(i)  P(checker)  check-end(i)  iteration-end(i)   (i = 1, 2, ...)
 *   P(judge)                                    (with a Judge; iteration = the best one, judged after the last iteration-end)
 *   run-end | run-error
 *
 * where P(role) is zero or more `role-progress` events of that role's call, with the iteration
 * of the `iteration-start` before them, in the order the call reported them. They all come out
 * before the loop goes on after the call (so before that call's end event, and before the next
 * call starts); a report made after its call settled is dropped. A run-error can follow them.
 *
 * An iteration counts once its `iteration-end` is out; a run cut short by an abort or an error
 * may leave an iteration started but never ended. Exactly one of `run-end` / `run-error` closes
 * every run that emitted `run-start`. Payloads share objects with the result: do not mutate them.
 */
export type LoopEvent =
  | RunStartEvent
  | IterationStartEvent
  | ImageEndEvent
  | CheckEndEvent
  | EditEndEvent
  | RoleProgressEvent
  | IterationEndEvent
  | RunEndEvent
  | RunErrorEvent;

export type LoopEventType = LoopEvent["type"];

export interface RunStartEvent {
  type: "run-start";
  prompt: string;
  target: SceneGraph;
  seed: number;
  settings: LoopSettings;
  /** The `name` of each role, for the record. */
  roles: { diffuser: string; checker: string; actor: string; editor: string; judge?: string };
}

export interface IterationStartEvent {
  type: "iteration-start";
  iteration: number;
}

/** An image appeared: the Diffuser's (iteration 0) or the Editor's (every later iteration). */
export interface ImageEndEvent {
  type: "image-end";
  iteration: number;
  role: "diffuser" | "editor";
  image: RasterImage;
  /** This call's warnings, unprefixed. */
  warnings: string[];
  durationMs: number;
}

/**
 * A role call reported progress (RoleCallOptions.onProgress), e.g. ComfyUI's sampling steps.
 * Comes between `iteration-start` and the end event of that role's call (the Judge's: before
 * `run-end`); never stored, only shown. See the order above.
 */
export interface RoleProgressEvent {
  type: "role-progress";
  iteration: number;
  role: RoleName;
  done: number;
  total: number;
  stage?: string;
}

export interface EditEndEvent {
  type: "edit-end";
  iteration: number;
  instruction: string;
  image: RasterImage;
}

export interface CheckEndEvent {
  type: "check-end";
  iteration: number;
  detected: SceneGraph;
  critique: Critique;
  metrics: LoopMetrics;
  /** The Checker's warnings, unprefixed. */
  warnings: string[];
  durationMs: number;
}

export interface IterationEndEvent {
  type: "iteration-end";
  iteration: number;
  record: IterationRecord;
}

/** The result without the images (those went out with `image-end` and `iteration-end`). */
export interface RunSummary {
  iterationCount: number;
  best: number;
  bestMetrics: LoopMetrics;
  stopReason: Exclude<StopReason, "failed">;
  judgement?: LoopJudgement;
  totalMs: number;
}

export interface RunEndEvent {
  type: "run-end";
  summary: RunSummary;
}

export interface RunErrorEvent {
  type: "run-error";
  /** The iteration being worked on when the error struck (for the Judge: the iteration judged). */
  iteration: number;
  /** The role whose call failed; undefined when the score function or a subscriber threw. */
  role?: RoleName;
  /** A RoleError's code, or "internal" for anything else. */
  code: RoleErrorCode | "internal";
  message: string;
  /** How many iterations had ended (their `iteration-end` events were emitted). */
  completedIterations: number;
}
