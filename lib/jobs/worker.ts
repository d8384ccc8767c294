import "server-only";
import { encodePng, decodeImage } from "../pipeline/image/png";
import { createSimRoles } from "../pipeline/backends/sim";
import { runLoop } from "../pipeline/loop/engine";
import type { LoopEvent } from "../pipeline/loop/events";
import type { IterationRecord, ScoreFunction } from "../pipeline/loop/types";
import { sceneGraphMetrics } from "../pipeline/metrics/scene-graph-iou";
import { RoleError } from "../pipeline/roles/errors";
import type { Roles } from "../pipeline/roles/types";
import {
  claimNextRun,
  commitIteration,
  finishRun,
  markRunningRunsInterrupted,
  recordRunRoles,
  type ClaimedRun,
  type RunOutcome,
  type StoredIteration,
} from "../db/run-execution";
import { markEvaluationRunning, markRunningEvaluationsInterrupted } from "../db/evaluations";
import { deriveSeed } from "../pipeline/loop/seeds";
import type { RunDetail } from "../schemas/run";
import { putPng, readImage } from "../images/store";
import { publishRunEvent } from "./event-bus";
import { reconcileEvaluations, recordEvaluationRun } from "./evaluations";

/**
 * Executes runs in the background of the server process, never inside a request.
 *
 * - `concurrency` slots each claim the oldest waiting run (queued, or interrupted by a crash) and
 *   execute it with runLoop. Roles are created once per worker and shared: the sim's sprite
 *   library caches decoded sprites.
 * - Every `iteration-end` is persisted as it lands: PNG (and thumbnail) into the content-addressed
 *   store first, then one transaction for the iteration row and the run's best/count. Then the
 *   event goes to the in-process bus for live viewers.
 * - Resume: on start, runs left "running" become "interrupted"; a slot that claims one loads its
 *   stored iterations (images decoded from the store, lossless PNG) and hands them to runLoop's
 *   `resume` input, which continues at the next iteration exactly as the uninterrupted run would
 *   have (same derived seeds, same Actor history). This is a true resume, not a replay: it costs
 *   nothing for the stored iterations and also holds for back ends that are not deterministic.
 * - Cancel: one AbortController per executing run. A cancel requested through the database by
 *   another process is noticed after the next iteration commits.
 * - Evaluations: an item's run is a normal run. At most `evaluationConcurrency[backend]` of them
 *   execute at once (slots beyond that take only other runs). When one ends, the item's result is
 *   stored (the Judge scores iteration 0 here when the best is a later one) and the evaluation is
 *   finished after its last item. On start, results missed by a crash are recorded.
 */
export interface RunWorkerOptions {
  concurrency?: number;
  /** Builds the roles once per worker (default: the embedded sim world). */
  createRoles?: () => Roles;
  score?: ScoreFunction;
  /** How often idle slots look for work when nobody calls `wake()`. */
  pollIntervalMs?: number;
  log?: (message: string) => void;
  /** Evaluation item runs executed at once, per back end (default: `concurrency`). */
  evaluationConcurrency?: Partial<Record<string, number>>;
}

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

export class RunWorker {
  private readonly concurrency: number;
  private readonly createRoles: () => Roles;
  private readonly score: ScoreFunction;
  private readonly pollIntervalMs: number;
  private readonly log: (message: string) => void;
  private readonly evaluationConcurrency: Partial<Record<string, number>>;
  /** Evaluation item runs executing (or being claimed) in this worker. */
  private evaluationRunsHeld = 0;
  private roles: Roles | undefined;
  private readonly active = new Map<string, ActiveRun>();
  private readonly sleepers = new Set<() => void>();
  private slots: Promise<void>[] = [];
  private running = false;
  /** Set by `abandon()`: stop writing anything, as a crashed process would. */
  private abandoned = false;

  constructor(options: RunWorkerOptions = {}) {
    this.concurrency = options.concurrency ?? 2;
    this.createRoles = options.createRoles ?? (() => createSimRoles());
    this.score = options.score ?? sceneGraphMetrics;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.log = options.log ?? ((message) => console.log(`[rig worker] ${message}`));
    this.evaluationConcurrency = options.evaluationConcurrency ?? {};
  }

  /** Marks runs a dead process left running as interrupted, then starts the slots. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.abandoned = false;
    const interrupted = await markRunningRunsInterrupted();
    if (interrupted > 0) this.log(`${interrupted} run(s) were interrupted by a restart; resuming them`);
    await markRunningEvaluationsInterrupted();
    try {
      await reconcileEvaluations((run) => this.judgeFirstIteration(run));
    } catch (error) {
      this.log(`recording evaluation results failed: ${describeError(error)}`);
    }
    this.slots = Array.from({ length: this.concurrency }, () => this.slot());
  }

  /** Wakes idle slots at once (a run was just queued). */
  wake(): void {
    for (const wakeUp of [...this.sleepers]) wakeUp();
  }

  isExecuting(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Aborts an executing run; resolves once its outcome is written. False if not executing here. */
  async cancel(runId: string): Promise<boolean> {
    const active = this.active.get(runId);
    if (!active) return false;
    active.controller.abort(new Error("cancelled by request"));
    await active.done;
    return true;
  }

  /** Stops taking runs and waits for the executing ones to end on their own. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await Promise.all(this.slots);
  }

  /** Test seam: stops as a crash would, leaving executing runs "running" with what they stored. */
  async abandon(): Promise<void> {
    this.abandoned = true;
    this.running = false;
    for (const active of this.active.values()) active.controller.abort(new Error("abandoned"));
    this.wake();
    await Promise.all(this.slots);
  }

  private async slot(): Promise<void> {
    while (this.running) {
      let claimed: ClaimedRun | null = null;
      // Reserve an evaluation place before the claim's await, so two slots cannot both take the last one.
      const mayTakeEvaluationRun = this.evaluationRunsHeld < this.evaluationLimit();
      if (mayTakeEvaluationRun) this.evaluationRunsHeld += 1;
      try {
        claimed = await claimNextRun({ skipEvaluationRuns: !mayTakeEvaluationRun });
        if (claimed?.evaluationId) await markEvaluationRunning(claimed.evaluationId);
      } catch (error) {
        this.log(`claiming a run failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const holdsEvaluationPlace = mayTakeEvaluationRun && Boolean(claimed?.evaluationId);
      if (mayTakeEvaluationRun && !holdsEvaluationPlace) this.evaluationRunsHeld -= 1;
      if (!this.running) {
        if (holdsEvaluationPlace) this.evaluationRunsHeld -= 1;
        break;
      }
      if (!claimed) {
        await this.sleep(this.pollIntervalMs);
        continue;
      }
      const controller = new AbortController();
      const done = this.execute(claimed, controller);
      this.active.set(claimed.id, { controller, done });
      await done;
      this.active.delete(claimed.id);
      if (holdsEvaluationPlace) this.evaluationRunsHeld -= 1;
    }
  }

  /** Evaluation item runs of the (only) back end allowed at once. */
  private evaluationLimit(): number {
    return this.evaluationConcurrency.sim ?? this.concurrency;
  }

  /** The one-shot judge score of a finished evaluation run whose best is a later iteration. */
  private async judgeFirstIteration(run: RunDetail): Promise<{ score: number; durationMs: number } | null> {
    this.roles ??= this.createRoles();
    const judge = this.roles.judge;
    const first = run.iterations[0];
    if (!judge || !first) return null;
    const png = await readImage(first.imageId);
    if (!png) return null;
    const started = performance.now();
    try {
      const judged = await judge.judge(await decodeImage(png), run.prompt, { seed: deriveSeed(run.settings.seed, 0, "judge") });
      return { score: judged.score, durationMs: performance.now() - started };
    } catch (error) {
      this.log(`run ${run.id}: judging iteration 0 failed: ${describeError(error)}`);
      return null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wakeUp = () => {
        clearTimeout(timer);
        this.sleepers.delete(wakeUp);
        resolve();
      };
      const timer = setTimeout(wakeUp, ms);
      this.sleepers.add(wakeUp);
    });
  }

  private async execute(run: ClaimedRun, controller: AbortController): Promise<void> {
    publishRunEvent(run.id, { type: "status", status: "running", error: null, stopReason: null });
    let outcome: RunOutcome;
    try {
      this.roles ??= this.createRoles();
      const resumed = await Promise.all(run.iterations.map(toIterationRecord));
      if (resumed.length > 0) this.log(`run ${run.id}: resuming after iteration ${resumed.length - 1}`);
      const result = await runLoop(
        {
          target: run.target,
          prompt: run.prompt,
          seed: run.settings.seed,
          maxIterations: run.settings.maxIterations,
          targetSgIoU: run.settings.targetSgIoU,
          patience: run.settings.patience,
          signal: controller.signal,
          resume: { iterations: resumed },
        },
        { roles: this.roles, score: this.score, onEvent: (event) => this.onEvent(run.id, event, controller) },
      );
      const judgement = result.judgement
        ? { ...result.judgement, warnings: [...result.judgement.warnings] }
        : undefined;
      outcome = {
        status: result.stopReason === "cancelled" ? "cancelled" : "succeeded",
        stopReason: result.stopReason,
        error: null,
        ...(judgement ? { judgement } : {}),
      };
    } catch (error) {
      const aborted = controller.signal.aborted || (error instanceof RoleError && error.code === "aborted");
      outcome = aborted
        ? { status: "cancelled", stopReason: "cancelled", error: null }
        : { status: "failed", stopReason: "failed", error: describeError(error) };
      if (!aborted && !this.abandoned) this.log(`run ${run.id} failed: ${outcome.error}`);
    }
    if (this.abandoned) return;
    try {
      if (await finishRun(run.id, outcome)) {
        publishRunEvent(run.id, { type: "status", status: outcome.status, error: outcome.error, stopReason: outcome.stopReason });
      }
    } catch (error) {
      this.log(`run ${run.id}: recording its end failed: ${describeError(error)}`);
    }
    if (!run.evaluationId) return;
    try {
      await recordEvaluationRun(run.id, (detail) => this.judgeFirstIteration(detail));
    } catch (error) {
      this.log(`run ${run.id}: recording its evaluation result failed: ${describeError(error)}`);
    }
  }

  private async onEvent(runId: string, event: LoopEvent, controller: AbortController): Promise<void> {
    if (this.abandoned) throw new Error("worker abandoned");
    if (event.type === "run-start") {
      await recordRunRoles(runId, event.roles);
      return;
    }
    if (event.type !== "iteration-end") return;
    const { record } = event;
    // The file first (content-addressed, idempotent), then the rows in one transaction.
    const imageId = await putPng(await encodePng(record.image));
    if (this.abandoned) throw new Error("worker abandoned");
    const { view, cancelRequested } = await commitIteration(runId, toStoredIteration(record, imageId));
    publishRunEvent(runId, { type: "iteration", iteration: view });
    if (cancelRequested) controller.abort(new Error("cancelled by request"));
  }
}

function toStoredIteration(record: IterationRecord, imageId: string): StoredIteration {
  return {
    index: record.index,
    imageId,
    instruction: record.instruction ?? null,
    detected: record.detected,
    critique: record.critique,
    metrics: { sgIoU: record.metrics.sgIoU, entityIoU: record.metrics.entityIoU, relationIoU: record.metrics.relationIoU },
    durationsMs: { ...record.durationsMs },
    seeds: { ...record.seeds },
    warnings: [...record.warnings],
  };
}

async function toIterationRecord(stored: StoredIteration): Promise<IterationRecord> {
  const png = await readImage(stored.imageId);
  if (!png) throw new Error(`cannot resume: the image of iteration ${stored.index} (${stored.imageId}) is missing from the image store`);
  const { checker, ...durations } = stored.durationsMs;
  return {
    index: stored.index,
    image: await decodeImage(png),
    detected: stored.detected,
    critique: stored.critique,
    metrics: stored.metrics,
    ...(stored.instruction === null ? {} : { instruction: stored.instruction }),
    warnings: stored.warnings,
    durationsMs: { ...durations, checker: checker ?? 0 },
    seeds: stored.seeds,
  };
}

function describeError(error: unknown): string {
  if (error instanceof RoleError) return `${error.role}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
