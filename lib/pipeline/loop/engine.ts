import { abortableSleep } from "../util/sleep";
import type { RasterImage } from "../image/raster";
import { RoleError, type RoleName } from "../roles/errors";
import type { RoleCallOptions, RoleProgress } from "../roles/types";
import { assertCapabilities, seedWarning } from "./capabilities";
import type { LoopEvent, RoleProgressEvent } from "./events";
import { deriveSeed } from "./seeds";
import {
  bestIterationIndex,
  iterationBudgetSpent,
  noImprovementFor,
  sgIoUReached,
  type StopCondition,
} from "./stop-conditions";
import {
  defaultLoopSettings,
  defaultRoleRetry,
  type IterationDurations,
  type IterationRecord,
  type IterationSeeds,
  type LoopDependencies,
  type LoopInput,
  type LoopJudgement,
  type LoopResult,
  type LoopSettings,
} from "./types";

/**
 * The Generate-Reflect-Edit loop.
 *
 * Iteration 0: the Diffuser draws the prompt, the Checker compares the image with the target, and
 * `score` turns the detected graph into metrics. Every later iteration: the Actor reads the latest
 * image, its critique and the instructions already tried, and writes one instruction; the Editor
 * applies it to the latest image; the Checker and `score` judge the result. After each iteration
 * the stop conditions are evaluated in this order, and the first that holds names the stop reason:
 * target reached, budget spent, no improvement. If a Judge is given it then judges the best image.
 *
 * Failures: a role, `score` or a subscriber that throws ends the run with `run-error`, and the
 * promise rejects with that very error (a RoleError keeps its role and code). Iterations that
 * ended before it were already reported through their `iteration-end` events. A failing Judge
 * fails the run too: one rule for every role. Invalid settings reject before `run-start`.
 *
 * Cancellation: the signal goes to every role call and is checked before each one. An abort
 * noticed there, or a role call that throws RoleError "aborted" (or throws anything while the
 * signal is aborted), cancels the run: the unfinished iteration is dropped and the run RESOLVES
 * with stopReason "cancelled" and the iterations it has, after `run-end` - the best image so far
 * is still worth keeping. Only when no iteration had completed is there nothing to resolve with:
 * then the run emits `run-error` (code "aborted") and rejects with a RoleError "aborted".
 * An abort arriving after the last role call has returned changes nothing.
 *
 * Progress: every role call gets an `onProgress`; each report becomes a `role-progress` event.
 * They are emitted one at a time in the order reported, all before the loop goes on after the
 * call (before its end event), and reports made after the call settled are dropped. If the
 * subscriber throws on one, later reports are dropped, the call's signal is aborted, and once the
 * call has settled the run fails with the subscriber's error (it wins over the call's own
 * outcome, cancellation included), as with a subscriber throwing on any other event.
 *
 * Capabilities (`deps.capabilities`, see capabilities.ts): a back end that cannot serve its role,
 * or an Editor that cannot edit when the run may edit, rejects with a CapabilityError before
 * `run-start`; a call whose back end ignores seeds adds one warning to its step.
 */
export async function runLoop(input: LoopInput, deps: LoopDependencies): Promise<LoopResult> {
  const settings = resolveSettings(input);
  const { target, prompt, seed, signal } = input;
  const { roles, score, capabilities } = deps;
  const retry = deps.retry ?? defaultRoleRetry;
  assertCapabilities(roles, capabilities, settings.maxIterations);
  const now = deps.now ?? (() => globalThis.performance.now());
  const emit = async (event: LoopEvent) => {
    await deps.onEvent?.(event);
  };
  const iterations: IterationRecord[] = resumedIterations(input);
  const steer = checkedSteer(input, iterations.length);
  // A branch is judged on its own iterations, except for the budget, which counts them all.
  const branchStart = steer?.iteration ?? 0;
  const stopConditions: Array<[LoopResult["stopReason"], StopCondition]> = [
    ["target-reached", from(branchStart, sgIoUReached(settings.targetSgIoU))],
    ["budget-spent", iterationBudgetSpent(settings.maxIterations)],
    ["no-improvement", from(Math.max(0, branchStart - 1), noImprovementFor(settings.patience))],
  ];
  /** Where the run is, for `run-error`: the role is set only while its call is in flight. */
  const position: { iteration: number; role?: RoleName } = { iteration: 0 };

  /**
   * One role call: its seed, an abortable signal that follows the run's, progress relayed as
   * events, the time it took, and its warnings plus the capability warning for its back end.
   */
  async function call<T extends { warnings: string[] }>(role: RoleName, iteration: number, invoke: (options: RoleCallOptions) => Promise<T>) {
    const callSeed = deriveSeed(seed, iteration, role);
    if (signal?.aborted) throw new Cancellation(role);
    position.role = role;
    const controller = new AbortController();
    const forward = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    const progress = progressRelay(emit, iteration, role, () => controller.abort(new Error("a subscriber failed on role-progress")));
    const started = now();
    let outcome: { value: T } | { error: unknown };
    const retries: string[] = [];
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          outcome = { value: await invoke({ seed: callSeed, signal: controller.signal, onProgress: progress.report }) };
          break;
        } catch (error) {
          const again = error instanceof RoleError && error.retryable && error.code !== "aborted" && attempt < retry.attempts && !controller.signal.aborted;
          if (!again) {
            outcome = { error };
            break;
          }
          retries.push(`retried after: ${error.message}`);
          await (retry.sleep ?? abortableSleep)(retry.delayMs * 2 ** attempt, controller.signal);
        }
      }
    } catch (error) {
      // The run was cancelled during a retry's wait.
      outcome = { error };
    } finally {
      signal?.removeEventListener("abort", forward);
    }
    const durationMs = now() - started;
    const subscriberFailure = await progress.close();
    if (subscriberFailure) {
      position.role = undefined;
      throw subscriberFailure.error;
    }
    if ("error" in outcome) {
      const { error } = outcome;
      if (signal?.aborted || (error instanceof RoleError && error.code === "aborted")) throw new Cancellation(role, error);
      throw error;
    }
    position.role = undefined;
    const warning = seedWarning(role, roles[role]!.name, capabilities);
    const warnings = [...retries, ...outcome.value.warnings, ...(warning === undefined ? [] : [warning])];
    return { value: outcome.value, warnings, durationMs, seed: callSeed };
  }

  async function runIteration(index: number, previous: IterationRecord | undefined): Promise<IterationRecord> {
    position.iteration = index;
    await emit({ type: "iteration-start", iteration: index });
    const warnings: string[] = [];
    const collect = (role: RoleName, list: readonly string[]) => warnings.push(...list.map((warning) => `${role}: ${warning}`));
    const seeds: Partial<IterationSeeds> = {};
    const durationsMs: Partial<IterationDurations> = {};
    let image: RasterImage;
    let instruction: string | undefined;

    if (previous === undefined) {
      const generated = await call("diffuser", index, (options) => roles.diffuser.generate(prompt, options));
      image = generated.value.image;
      seeds.diffuser = generated.seed;
      durationsMs.diffuser = generated.durationMs;
      collect("diffuser", generated.warnings);
      const { durationMs } = generated;
      await emit({ type: "image-end", iteration: index, role: "diffuser", image, warnings: generated.warnings, durationMs });
    } else {
      const steered = steer?.iteration === index ? steer : undefined;
      if (steered?.instruction !== undefined) {
        instruction = steered.instruction;
      } else {
        const history = iterations.flatMap((record) => (record.instruction === undefined ? [] : [record.instruction]));
        const critique = steered?.critique ?? previous.critique;
        const acted = await call("actor", index, (options) => roles.actor.act({ image: previous.image, target, critique, history }, options));
        instruction = acted.value.instruction;
        seeds.actor = acted.seed;
        durationsMs.actor = acted.durationMs;
        collect("actor", acted.warnings);
      }
      const written = instruction;
      const edited = await call("editor", index, (options) => roles.editor.edit(previous.image, written, options));
      image = edited.value.image;
      seeds.editor = edited.seed;
      durationsMs.editor = edited.durationMs;
      collect("editor", edited.warnings);
      const { durationMs } = edited;
      await emit({ type: "image-end", iteration: index, role: "editor", image, warnings: edited.warnings, durationMs });
      await emit({ type: "edit-end", iteration: index, instruction, image });
    }

    const checked = await call("checker", index, (options) => roles.checker.check(image, target, options));
    const { detected, critique } = checked.value;
    collect("checker", checked.warnings);
    const metrics = score(target, detected);
    if (!Number.isFinite(metrics.sgIoU)) throw new TypeError(`score returned a non-finite SG-IoU (${metrics.sgIoU})`);
    await emit({
      type: "check-end",
      iteration: index,
      detected,
      critique,
      metrics,
      warnings: checked.warnings,
      durationMs: checked.durationMs,
    });

    const record: IterationRecord = {
      index,
      image,
      detected,
      critique,
      metrics,
      instruction,
      warnings,
      durationsMs: { ...durationsMs, checker: checked.durationMs },
      seeds: { ...seeds, checker: checked.seed },
    };
    await emit({ type: "iteration-end", iteration: index, record });
    iterations.push(record);
    return record;
  }

  async function fail(error: unknown): Promise<never> {
    try {
      await emit({
        type: "run-error",
        iteration: position.iteration,
        role: error instanceof RoleError && error.role !== "scorer" ? error.role : position.role,
        code: error instanceof RoleError ? error.code : "internal",
        message: error instanceof Error ? error.message : String(error),
        completedIterations: iterations.length,
      });
    } catch {
      // The subscriber failed while hearing about a failure; the original error is the one to report.
    }
    throw error;
  }

  const startedAt = now();
  let stopReason: LoopResult["stopReason"];
  let judgement: LoopJudgement | undefined;
  try {
    await emit({
      type: "run-start",
      prompt,
      target,
      seed,
      settings,
      roles: {
        diffuser: roles.diffuser.name,
        checker: roles.checker.name,
        actor: roles.actor.name,
        editor: roles.editor.name,
        ...(roles.judge ? { judge: roles.judge.name } : {}),
      },
    });
    // A resumed run may already have met a stop condition (it crashed before recording its end).
    let reason = iterations.length > 0 ? stopConditions.find(([, holds]) => holds({ iterations }))?.[0] : undefined;
    while (reason === undefined) {
      await runIteration(iterations.length, iterations.at(-1));
      reason = stopConditions.find(([, holds]) => holds({ iterations }))?.[0];
    }
    stopReason = reason;
    const judge = roles.judge;
    const best = bestIterationIndex(iterations);
    const bestRecord = iterations[best];
    if (judge && bestRecord) {
      position.iteration = best;
      const judged = await call("judge", best, (options) => judge.judge(bestRecord.image, prompt, options));
      const { score: judgeScore, rationale } = judged.value;
      judgement = { score: judgeScore, rationale, iteration: best, warnings: judged.warnings, durationMs: judged.durationMs, seed: judged.seed };
    }
  } catch (error) {
    if (!(error instanceof Cancellation)) return fail(error);
    if (iterations.length === 0) {
      const cause = error.cause ?? signal?.reason;
      return fail(
        error.cause instanceof RoleError
          ? error.cause
          : new RoleError(error.role, "aborted", "the run was aborted before its first iteration completed", false, { cause }),
      );
    }
    stopReason = "cancelled";
    judgement = undefined;
  }

  const best = bestIterationIndex(iterations);
  const totalMs = now() - startedAt;
  const result: LoopResult = { iterations, best, stopReason, ...(judgement ? { judgement } : {}), totalMs };
  // Outside the try: a subscriber throwing on run-end rejects the run but gets no run-error after it.
  await emit({
    type: "run-end",
    summary: {
      iterationCount: iterations.length,
      best,
      bestMetrics: iterations[best]!.metrics,
      stopReason,
      ...(judgement ? { judgement } : {}),
      totalMs,
    },
  });
  return result;
}

/** Internal signal that the run was aborted; never escapes `runLoop`. */
class Cancellation {
  constructor(
    readonly role: RoleName,
    readonly cause?: unknown,
  ) {}
}

/**
 * Relays one call's progress reports as `role-progress` events: emitted one after the other in
 * the order reported (each awaits the subscriber), none after the first that failed, and none
 * reported after `close()`. `close()` waits until every accepted report was emitted and returns
 * the subscriber's failure, if there was one; `onFailure` runs as soon as it happens.
 */
function progressRelay(emit: (event: LoopEvent) => Promise<void>, iteration: number, role: RoleName, onFailure: () => void) {
  let open = true;
  let failure: { error: unknown } | undefined;
  let chain = Promise.resolve();
  return {
    report(progress: RoleProgress): void {
      if (!open || failure) return;
      const event: RoleProgressEvent = {
        type: "role-progress",
        iteration,
        role,
        done: progress.done,
        total: progress.total,
        ...(progress.stage !== undefined ? { stage: progress.stage } : {}),
      };
      chain = chain.then(async () => {
        if (failure) return;
        try {
          await emit(event);
        } catch (error) {
          failure = { error };
          onFailure();
        }
      });
    },
    async close(): Promise<{ error: unknown } | undefined> {
      open = false;
      await chain;
      return failure;
    },
  };
}

/** The iterations a resumed run starts with, checked to be 0..n-1 in order. */
function resumedIterations(input: LoopInput): IterationRecord[] {
  const iterations = [...(input.resume?.iterations ?? [])];
  iterations.forEach((record, position) => {
    if (record.index !== position) throw new RangeError(`resumed iterations must be 0..n-1 in order; found index ${record.index} at position ${position}`);
  });
  return iterations;
}

/** The steer of a branch, checked to continue its resumed iterations; undefined for a plain run. */
function checkedSteer(input: LoopInput, resumedCount: number): LoopInput["steer"] {
  const { steer } = input;
  if (steer === undefined) return undefined;
  if (!Number.isInteger(steer.iteration) || steer.iteration < 1) throw new RangeError(`steer.iteration must be an integer >= 1 (a branch starts after an iteration), got ${steer.iteration}`);
  if (resumedCount < steer.iteration) throw new RangeError(`a branch steered at iteration ${steer.iteration} needs iterations 0..${steer.iteration - 1} to resume from; got ${resumedCount}`);
  if (steer.instruction !== undefined && steer.instruction.trim() === "") throw new RangeError("steer.instruction is empty");
  return steer;
}

/** The condition applied to the iterations from index `start` on. */
function from(start: number, condition: StopCondition): StopCondition {
  return start === 0 ? condition : ({ iterations }) => condition({ iterations: iterations.slice(start) });
}

/** Applies the defaults and rejects settings the loop cannot honour. */
export function resolveSettings(input: Pick<LoopInput, "seed" | "maxIterations" | "targetSgIoU" | "patience">): LoopSettings {
  const settings: LoopSettings = {
    maxIterations: input.maxIterations ?? defaultLoopSettings.maxIterations,
    targetSgIoU: input.targetSgIoU ?? defaultLoopSettings.targetSgIoU,
    patience: input.patience ?? defaultLoopSettings.patience,
  };
  if (!Number.isSafeInteger(input.seed)) throw new RangeError(`seed must be a safe integer, got ${input.seed}`);
  if (!Number.isInteger(settings.maxIterations) || settings.maxIterations < 1) {
    throw new RangeError(`maxIterations counts the first generation and must be an integer >= 1, got ${settings.maxIterations}`);
  }
  if (!Number.isInteger(settings.patience) || settings.patience < 1) {
    throw new RangeError(`patience must be an integer >= 1, got ${settings.patience}`);
  }
  if (!(settings.targetSgIoU >= 0 && settings.targetSgIoU <= 1)) {
    throw new RangeError(`targetSgIoU must lie in [0, 1], got ${settings.targetSgIoU}`);
  }
  return settings;
}
