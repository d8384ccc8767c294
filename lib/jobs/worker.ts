import "server-only";
import { encodePng, decodeImage } from "../pipeline/image/png";
import { createSimRoles } from "../pipeline/backends/sim";
import { SimActor } from "../pipeline/backends/sim/actor";
import { SimEditor } from "../pipeline/backends/sim/editor";
import type { Env } from "../pipeline/backends/config";
import { runLoop } from "../pipeline/loop/engine";
import type { LoopEvent, RoleProgressEvent } from "../pipeline/loop/events";
import type { IterationRecord, ScoreFunction, Steer } from "../pipeline/loop/types";
import { sceneGraphMetrics } from "../pipeline/metrics/scene-graph-iou";
import { RoleError } from "../pipeline/roles/errors";
import type { RasterImage } from "../pipeline/image/raster";
import type { Roles } from "../pipeline/roles/types";
import { checkerGrade, gradeImage, selfGraded } from "../pipeline/evaluation/grade";
import { judgeKeptImages } from "../pipeline/evaluation/judge-kept";
import {
  claimNextRun,
  claimRun,
  commitIteration,
  finishRun,
  markRunningRunsInterrupted,
  recordRunBackends,
  recordRunRoles,
  type ClaimedRun,
  type RunOutcome,
  type StoredIteration,
} from "../db/run-execution";
import { listActiveEvaluationProfiles, markEvaluationRunning, markRunningEvaluationsInterrupted } from "../db/evaluations";
import { deriveSeed } from "../pipeline/loop/seeds";
import type { RunDetail } from "../schemas/run";
import { putPng, readImage } from "../images/store";
import { publishRunEvent } from "./event-bus";
import type { DatasetFormat } from "../pipeline/datasets/types";
import type { FinishedItemRun } from "./evaluation-results";
import type { GradeRun, RunListener } from "./run-listener";
import { resolveActorPolicy, resolveEditorPolicy } from "./role-policies";
import { ProfileRoles, type ResolveRunRoles, type RunRoles } from "./profile-roles";
import { ProgressThrottle } from "./progress-throttle";

/**
 * Executes runs in the background of the server process, never inside a request.
 *
 * - `concurrency` slots each claim the oldest waiting run (queued, or interrupted by a crash) and
 *   execute it with runLoop on the roles of the run's back-end profile (settings.profile), resolved
 *   through the registry from rig.config.json and cached per profile until the file changes. The
 *   embedded sim world is created once and shared by every profile's sim roles (its sprite library
 *   caches decoded sprites). A profile that cannot be resolved (broken config, profile removed, key
 *   variable not set) fails the run at once with that error stored. What served each role and the
 *   prompt versions are recorded with the run before the loop starts.
 * - Every `iteration-end` is persisted as it lands: PNG (and thumbnail) into the content-addressed
 *   store first, then one transaction for the iteration row and the run's best/count. Then the
 *   event goes to the in-process bus for live viewers. `role-progress` events (a long role call's
 *   steps) go only to the bus, as throttled `progress` events; they are never stored.
 * - Resume: on start, runs left "running" become "interrupted"; a slot that claims one loads its
 *   stored iterations (images decoded from the store, lossless PNG) and hands them to runLoop's
 *   `resume` input, which continues at the next iteration exactly as the uninterrupted run would
 *   have (same derived seeds, same Actor history). This is a true resume, not a replay: it costs
 *   nothing for the stored iterations and also holds for back ends that are not deterministic.
 * - Cancel: one AbortController per executing run. A cancel requested through the database by
 *   another process is noticed after the next iteration commits.
 * - Evaluations: an item's run is a normal run. At most `evaluationConcurrency[kind]` item runs
 *   whose profile uses back-end kind `kind` execute at once (slots beyond that take only other
 *   runs); claims are made one at a time so the places are counted exactly. When a run ends the
 *   worker tells its `listener` (evaluations.ts evaluationListener stores the item's result, graded
 *   by `gradeRun`: the profile's Scorer on the stored one-shot and best images, and its Judge on
 *   iteration 0 when the best is a later one); on start the listener records what a crash missed.
 */
export interface RunWorkerOptions {
  concurrency?: number;
  /** Builds the embedded world's roles, once per worker (default: createSimRoles). Serves profile "sim". */
  createRoles?: () => Roles;
  /** Resolves a profile to roles (default: the registry on rig.config.json / RIG_CONFIG). Test seam. */
  resolveRoles?: ResolveRunRoles;
  /** Where API keys are read from (default process.env). */
  env?: Env;
  score?: ScoreFunction;
  /** How often idle slots look for work when nobody calls `wake()`. */
  pollIntervalMs?: number;
  log?: (message: string) => void;
  /** Evaluation item runs executed at once, per back-end kind of their profile (default: `concurrency`). */
  evaluationConcurrency?: Partial<Record<string, number>>;
  /** Live progress events per run at most once per this many ms (default 250). */
  progressIntervalMs?: number;
  /** The loop (default runLoop). Test seam. */
  loop?: typeof runLoop;
  /** Told when the worker starts and whenever a run ends (evaluations record their items this way). */
  listener?: RunListener;
  /**
   * "database" (default): slots poll the database for waiting runs, and runs left "running" at
   * start-up are taken as interrupted (one worker process per database). "queue": runs come from
   * the PostgreSQL job queue (lib/jobs/queue.ts) through `executeRun`; several worker processes
   * share the database, so none may take another's running runs as interrupted.
   */
  source?: "database" | "queue";
}


interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

export class RunWorker {
  private readonly concurrency: number;
  private readonly profiles: ProfileRoles;
  private readonly resolveRoles: ResolveRunRoles;
  private readonly score: ScoreFunction;
  private readonly pollIntervalMs: number;
  private readonly log: (message: string) => void;
  private readonly evaluationConcurrency: Partial<Record<string, number>>;
  private readonly progressIntervalMs: number;
  private readonly loop: typeof runLoop;
  private readonly listener: RunListener | undefined;
  /** Evaluation item runs executing in this worker, per back-end kind. */
  private readonly evaluationRunsHeld = new Map<string, number>();
  /** Claims are made one at a time, so the evaluation places they take are counted before the next looks. */
  private claiming: Promise<unknown> = Promise.resolve();
  private readonly active = new Map<string, ActiveRun>();
  private readonly sleepers = new Set<() => void>();
  private slots: Promise<void>[] = [];
  private running = false;
  private readonly source: "database" | "queue";
  /** Set by `abandon()`: stop writing anything, as a crashed process would. */
  private abandoned = false;

  constructor(options: RunWorkerOptions = {}) {
    this.concurrency = options.concurrency ?? 2;
    this.profiles = new ProfileRoles(options.createRoles ?? (() => createSimRoles()), options.env ?? process.env);
    this.resolveRoles = options.resolveRoles ?? ((profile) => this.profiles.forProfile(profile));
    this.score = options.score ?? sceneGraphMetrics;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.log = options.log ?? ((message) => console.log(`[rig worker] ${message}`));
    this.evaluationConcurrency = options.evaluationConcurrency ?? {};
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
    this.loop = options.loop ?? runLoop;
    this.listener = options.listener;
    this.source = options.source ?? "database";
  }

  /** Marks runs a dead process left running as interrupted, then starts the slots. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.abandoned = false;
    if (this.source === "database") {
      const interrupted = await markRunningRunsInterrupted();
      if (interrupted > 0) this.log(`${interrupted} run(s) were interrupted by a restart; resuming them`);
      await markRunningEvaluationsInterrupted();
    }
    try {
      await this.listener?.onStart(this.grader);
    } catch (error) {
      this.log(`recording evaluation results failed: ${describeError(error)}`);
    }
    if (this.source === "database") this.slots = Array.from({ length: this.concurrency }, () => this.slot());
  }

  /**
   * Executes one run the queue handed to this worker (source "queue"): claims it by id, resuming
   * from its stored iterations, and resolves when its end is written. A run that has already
   * finished is left as it is. The queue limits how many run at once, here and across workers.
   */
  async executeRun(runId: string): Promise<void> {
    if (!this.running) throw new Error("the worker is not running");
    const run = await claimRun(runId);
    if (!run) return;
    if (run.evaluationId) {
      try {
        await markEvaluationRunning(run.evaluationId);
      } catch (error) {
        this.log(`evaluation ${run.evaluationId}: marking it running failed: ${describeError(error)}`);
      }
    }
    const controller = new AbortController();
    const done = this.execute(run, controller);
    this.active.set(run.id, { controller, done });
    try {
      await done;
    } finally {
      this.active.delete(run.id);
    }
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
      let claimed: { run: ClaimedRun; kinds: string[] } | null = null;
      try {
        claimed = await this.claim();
      } catch (error) {
        this.log(`claiming a run failed: ${describeError(error)}`);
      }
      if (!this.running) {
        if (claimed) this.release(claimed.kinds);
        break;
      }
      if (!claimed) {
        await this.sleep(this.pollIntervalMs);
        continue;
      }
      const { run, kinds } = claimed;
      const controller = new AbortController();
      const done = this.execute(run, controller);
      this.active.set(run.id, { controller, done });
      await done;
      this.active.delete(run.id);
      this.release(kinds);
    }
  }

  /**
   * Claims the oldest waiting run whose evaluation (if any) has room: an evaluation is eligible when
   * every back-end kind of its profile is below its limit. One claim at a time per worker.
   */
  private claim(): Promise<{ run: ClaimedRun; kinds: string[] } | null> {
    const next = this.claiming.then(async () => {
      const evaluations = await listActiveEvaluationProfiles();
      const kindsByEvaluation = new Map<string, string[]>();
      for (const evaluation of evaluations) kindsByEvaluation.set(evaluation.id, await this.profiles.kindsOf(evaluation.profile));
      const eligible = evaluations
        .filter((evaluation) => kindsByEvaluation.get(evaluation.id)!.every((kind) => (this.evaluationRunsHeld.get(kind) ?? 0) < this.evaluationLimit(kind)))
        .map((evaluation) => evaluation.id);
      const run = await claimNextRun({ evaluationIds: eligible });
      if (!run) return null;
      const kinds = run.evaluationId ? (kindsByEvaluation.get(run.evaluationId) ?? (await this.profiles.kindsOf(run.settings.profile))) : [];
      for (const kind of kinds) this.evaluationRunsHeld.set(kind, (this.evaluationRunsHeld.get(kind) ?? 0) + 1);
      if (run.evaluationId) {
        try {
          await markEvaluationRunning(run.evaluationId);
        } catch (error) {
          this.log(`evaluation ${run.evaluationId}: marking it running failed: ${describeError(error)}`);
        }
      }
      return { run, kinds };
    });
    this.claiming = next.catch(() => {});
    return next;
  }

  private release(kinds: readonly string[]): void {
    for (const kind of kinds) this.evaluationRunsHeld.set(kind, Math.max(0, (this.evaluationRunsHeld.get(kind) ?? 0) - 1));
  }

  /** Evaluation item runs of one back-end kind allowed at once. */
  private evaluationLimit(kind: string): number {
    return this.evaluationConcurrency[kind] ?? this.concurrency;
  }

  /**
   * Grades a finished evaluation run on its stored images, as `rig eval` grades an item: the
   * profile's Scorer reads iteration 0 and the best (grade.ts; self-graded when the profile has
   * none) and the profile's Judge scores both (judge-kept.ts; item runs leave the Judge out of the
   * loop, so a Judge failure is a warning on the item, not a failed run).
   */
  private readonly grader: GradeRun = (run, format) => this.gradeRun(run, format);

  private async gradeRun(run: RunDetail, format: DatasetFormat): Promise<Pick<FinishedItemRun, "judges" | "grades">> {
    const first = run.iterations[0];
    if (!first) return {};
    let resolved;
    try {
      resolved = await this.resolveRoles(run.settings.profile);
    } catch (error) {
      this.log(`run ${run.id}: cannot grade: ${describeError(error)}`);
      return {};
    }
    const best = run.iterations.find((iteration) => iteration.index === run.bestIteration) ?? first;
    const grader = resolved.grader ?? selfGraded;
    const redact = resolved.redact ?? ((text: string) => text);
    const item = { target: run.target, prompt: run.prompt, format };
    // Each kept image is read and decoded once, for the Scorer and the Judge both.
    const decoded = new Map<string, Promise<RasterImage | undefined>>();
    const stored = (iteration: RunDetail["iterations"][number]) => {
      let image = decoded.get(iteration.imageId);
      if (!image) {
        image = readImage(iteration.imageId).then((png) => (png ? decodeImage(png) : undefined));
        decoded.set(iteration.imageId, image);
      }
      return image;
    };
    const gradeOf = async (iteration: RunDetail["iterations"][number]) => {
      const image = await stored(iteration);
      const graded = image
        ? await gradeImage(item, image, iteration, grader, { seed: deriveSeed(run.settings.seed, iteration.index, "scorer") })
        : checkerGrade(item, iteration, undefined, "the stored image is missing; the Checker's own figures stand in (self-graded)");
      return { ...graded, warnings: graded.warnings.map(redact) };
    };
    const oneShot = await gradeOf(first);
    const loop = best.index === 0 ? oneShot : await gradeOf(best);
    const image = async (iteration: RunDetail["iterations"][number]) => {
      const found = await stored(iteration);
      if (!found) throw new Error("the stored image is missing");
      return found;
    };
    const judges = await judgeKeptImages(resolved.roles.judge, run.prompt, run.settings.seed, { oneShot: () => image(first), best: () => image(best), bestIndex: best.index }, resolved.capabilities ? { capabilities: resolved.capabilities } : {});
    return { judges: { ...judges, warnings: judges.warnings.map(redact) }, grades: { oneShot, loop, scoredBy: grader.scoredBy } };
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
    const progress = new ProgressThrottle<RoleProgressEvent>(
      ({ iteration, role, done, total, stage }) => publishRunEvent(run.id, { type: "progress", iteration, role, done, total, ...(stage ? { stage: stage.slice(0, 200) } : {}) }),
      this.progressIntervalMs,
    );
    let outcome: RunOutcome;
    let redact = (text: string) => text;
    try {
      const profile = await this.resolveRoles(run.settings.profile);
      const { roles, backends } = await withEditorPolicy(await withActorPolicy(profile, run.settings.actorPolicy), run.settings.editorPolicy);
      const { capabilities, redact: redactEndpoints } = profile;
      if (redactEndpoints) redact = redactEndpoints;
      if (this.abandoned) throw new Error("worker abandoned");
      await recordRunBackends(run.id, backends);
      publishRunEvent(run.id, { type: "backends", backends });
      const resumed = await Promise.all(run.iterations.map(toIterationRecord));
      if (resumed.length > 0) this.log(`run ${run.id}: resuming after iteration ${resumed.length - 1}`);
      // An evaluation item's Judge runs at grading (gradeRun), as in `rig eval`: not in the loop.
      const loopRoles = run.evaluationId ? { ...roles, judge: undefined } : roles;
      const result = await this.loop(
        {
          target: run.target,
          prompt: run.prompt,
          seed: run.settings.seed,
          maxIterations: run.settings.maxIterations,
          targetSgIoU: run.settings.targetSgIoU,
          patience: run.settings.patience,
          signal: controller.signal,
          resume: { iterations: resumed },
          ...(run.branch ? { steer: loopSteer(run.branch) } : {}),
        },
        { roles: loopRoles, score: this.score, ...(capabilities ? { capabilities } : {}), onEvent: (event) => this.onEvent(run.id, event, controller, progress, redact) },
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
        : { status: "failed", stopReason: "failed", error: redact(describeError(error)) };
      // The log (server-side) keeps the addresses; what is stored and shown does not.
      if (!aborted && !this.abandoned) this.log(`run ${run.id} failed: ${describeError(error)}`);
    } finally {
      progress.cancel();
    }
    if (this.abandoned) return;
    try {
      if (await finishRun(run.id, outcome)) {
        publishRunEvent(run.id, { type: "status", status: outcome.status, error: outcome.error, stopReason: outcome.stopReason });
      }
    } catch (error) {
      this.log(`run ${run.id}: recording its end failed: ${describeError(error)}`);
    }
    try {
      await this.listener?.onRunFinished(run.id, run.evaluationId ?? null, this.grader);
    } catch (error) {
      this.log(`run ${run.id}: recording its evaluation result failed: ${describeError(error)}`);
    }
  }

  private async onEvent(
    runId: string,
    event: LoopEvent,
    controller: AbortController,
    progress: ProgressThrottle<RoleProgressEvent>,
    redact: (text: string) => string,
  ): Promise<void> {
    if (this.abandoned) throw new Error("worker abandoned");
    if (event.type === "role-progress") {
      // Live only: never stored, never awaited (the loop awaits every subscriber).
      progress.push(event);
      return;
    }
    if (event.type === "run-start") {
      await recordRunRoles(runId, event.roles);
      return;
    }
    if (event.type !== "iteration-end") return;
    progress.cancel();
    const { record } = event;
    // The file first (content-addressed, idempotent), then the rows in one transaction.
    const imageId = await putPng(await encodePng(record.image));
    if (this.abandoned) throw new Error("worker abandoned");
    const stored = toStoredIteration(record, imageId);
    stored.warnings = stored.warnings.map(redact);
    const { view, cancelRequested } = await commitIteration(runId, stored);
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

/**
 * The profile's roles with the run's Actor policy (settings.actorPolicy) on the embedded Actor,
 * recorded in the run's backends; a profile whose Actor is a model cannot take one.
 */
async function withActorPolicy(profile: RunRoles, name: string | undefined): Promise<Pick<RunRoles, "roles" | "backends">> {
  if (name === undefined || name === "heuristic") return profile;
  const actorBackend = profile.backends.roles.actor ?? "sim";
  if (actorBackend !== "sim") throw new Error(`settings.actorPolicy "${name}" is for the embedded Actor; profile "${profile.backends.profile}" runs its Actor on ${actorBackend}`);
  return {
    roles: { ...profile.roles, actor: new SimActor(await resolveActorPolicy(name)) },
    backends: { ...profile.backends, roles: { ...profile.backends.roles, actor: `sim (policy ${name})` } },
  };
}

/** The same for the embedded Editor's placement policy (settings.editorPolicy). */
async function withEditorPolicy(profile: Pick<RunRoles, "roles" | "backends">, name: string | undefined): Promise<Pick<RunRoles, "roles" | "backends">> {
  if (name === undefined || name === "heuristic") return profile;
  const { editor } = profile.roles;
  if (!(editor instanceof SimEditor)) throw new Error(`settings.editorPolicy "${name}" is for the embedded Editor; profile "${profile.backends.profile}" runs its Editor on ${profile.backends.roles.editor ?? editor.name}`);
  return {
    roles: { ...profile.roles, editor: editor.withPolicy(await resolveEditorPolicy(name)) },
    backends: { ...profile.backends, roles: { ...profile.backends.roles, editor: `sim (policy ${name})` } },
  };
}

/** What the loop needs of a branch's stored steer: where it starts and the person's (or a rollout's) input. */
function loopSteer({ forkIndex, steer }: NonNullable<ClaimedRun["branch"]>): Steer {
  return "instruction" in steer ? { iteration: forkIndex + 1, instruction: steer.instruction } : { iteration: forkIndex + 1, critique: steer.critique };
}

/** A RoleError's message already starts with its role ("editor: ..."). */
function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
