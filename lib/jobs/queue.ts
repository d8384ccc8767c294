import "server-only";
import { createHash } from "node:crypto";
import { PgBoss } from "pg-boss";
import { listWaitingRuns } from "../db/run-execution";
import { evaluationConcurrencyVariable } from "../env";
import { backendKinds, type BackendKind } from "../pipeline/backends/capabilities";
import { loadProfileCatalogue, profileKinds } from "./profiles";
import type { RunWorker } from "./worker";

/**
 * Runs as jobs of a PostgreSQL job queue (pg-boss), for many worker processes on many hosts.
 *
 * - Every waiting run (queued, or interrupted) becomes one job of queue `rig-runs`, with an id
 *   derived from the run id, so a run is enqueued once however many processes sweep for waiting
 *   runs (the web app and each worker do, every `sweepIntervalMs`; pg-boss skips a job id it has).
 * - A worker takes jobs through pg-boss's `work()`, at most `localConcurrency` at once, and
 *   executes each with RunWorker.executeRun, which resumes from the run's stored iterations.
 * - Per-back-end limits hold across all workers: each job is in the group of its profile's main
 *   back-end kind (an image back end before a VLM before the local detector before sim), and
 *   pg-boss's `groupConcurrency` caps a group's active jobs globally (RIG_EVAL_CONCURRENCY_<KIND>).
 * - A worker that dies stops sending heartbeats; after `heartbeatSeconds` pg-boss hands the job to
 *   another worker, which resumes the run from its last stored iteration (each iteration is one
 *   transaction and (run, index) is unique: nothing is lost or done twice). A handler that throws
 *   (the database went away) is retried with exponential backoff.
 */
export const RUN_QUEUE = "rig-runs";

export interface RunQueueOptions {
  connectionString: string;
  /** Jobs this process executes at once. */
  localConcurrency: number;
  /** Active runs per back-end kind across all workers (kinds not named are not limited). */
  groupLimits?: Partial<Record<BackendKind, number>>;
  /** Seconds without a heartbeat before a job is handed to another worker (pg-boss minimum 10). */
  heartbeatSeconds?: number;
  sweepIntervalMs?: number;
  log?: (message: string) => void;
}

export interface RunQueue {
  /** Enqueues the waiting runs now (also done every sweep interval). */
  sweep(): Promise<number>;
  /** Starts taking jobs for `worker`. */
  work(worker: RunWorker): Promise<void>;
  stop(options?: { graceful?: boolean }): Promise<void>;
}

/** The job id of a run: a UUID made from its id, so enqueueing a run twice is a no-op. */
export function runJobId(runId: string): string {
  const hex = createHash("sha256").update(`rig-run:${runId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const groupPreference: readonly BackendKind[] = ["comfyui", "a1111", "openai-images", "openai-compatible", "local-detector", "sim"];

/** The back-end kind whose limit a run counts against: its profile's heaviest. */
export function queueGroupOf(kinds: readonly BackendKind[]): BackendKind {
  return groupPreference.find((kind) => kinds.includes(kind)) ?? "sim";
}

/** pg-boss counts groupConcurrency per tier: the group and its tier are both the kind. */
function groupFor(kinds: readonly BackendKind[]): { id: string; tier: string } {
  const kind = queueGroupOf(kinds);
  return { id: kind, tier: kind };
}

/** RIG_EVAL_CONCURRENCY_<KIND> for the kinds that have one set. */
export function queueGroupLimits(env: Record<string, string | undefined> = process.env): Partial<Record<BackendKind, number>> {
  const limits: Partial<Record<BackendKind, number>> = {};
  for (const kind of backendKinds) {
    const value = Number(env[evaluationConcurrencyVariable(kind)]);
    if (Number.isInteger(value) && value >= 1) limits[kind] = value;
  }
  return limits;
}

export async function startRunQueue(options: RunQueueOptions): Promise<RunQueue> {
  const log = options.log ?? ((message: string) => console.log(`[rig queue] ${message}`));
  // Supervise every 5 s, so a job whose worker stopped sending heartbeats is handed on promptly.
  const boss = new PgBoss({ connectionString: options.connectionString, schema: "pgboss", superviseIntervalSeconds: 5, monitorIntervalSeconds: 5 });
  boss.on("error", (error) => log(`pg-boss: ${error instanceof Error ? error.message : String(error)}`));
  await boss.start();
  if (!(await boss.getQueue(RUN_QUEUE))) {
    await boss.createQueue(RUN_QUEUE, {
      retryLimit: 5,
      retryDelay: 2,
      retryBackoff: true,
      heartbeatSeconds: options.heartbeatSeconds ?? 20,
      // A run may take hours on real back ends; the heartbeat, not this, detects a dead worker.
      expireInSeconds: 24 * 60 * 60,
    });
  }

  async function sweep(): Promise<number> {
    const waiting = await listWaitingRuns(500);
    if (waiting.length === 0) return 0;
    const catalogue = await loadProfileCatalogue();
    const jobs = waiting.map((run) => ({
      id: runJobId(run.id),
      data: { runId: run.id },
      group: groupFor(run.profile === "sim" ? ["sim"] : (profileKinds(catalogue, run.profile) ?? ["sim"])),
    }));
    await boss.insert(RUN_QUEUE, jobs);
    return jobs.length;
  }

  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweep()
      .catch((error: unknown) => log(`enqueueing waiting runs failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (sweeping = false));
  }, options.sweepIntervalMs ?? 1000);
  timer.unref?.();

  return {
    sweep,
    async work(worker) {
      const limits = options.groupLimits ?? {};
      await boss.work<{ runId: string }>(
        RUN_QUEUE,
        {
          localConcurrency: options.localConcurrency,
          batchSize: 1,
          pollingIntervalSeconds: 0.5,
          groupConcurrency: { default: 10_000, tiers: limits as Record<string, number> },
        },
        async ([job]) => {
          if (job) await worker.executeRun(job.data.runId);
        },
      );
    },
    async stop({ graceful = true } = {}) {
      clearInterval(timer);
      await boss.stop({ graceful, timeout: 30_000 });
    },
  };
}
