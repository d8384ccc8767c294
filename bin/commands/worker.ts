import { CliError } from "../cli-error";
import { evaluationConcurrency, postgresUrl, serverEnv } from "../../lib/env";

export interface WorkerOptions {
  concurrency?: string;
  heartbeat?: string;
}

/**
 * `rig worker`: executes runs (and evaluation items, which are runs) and training rollout groups
 * (`rig train actor --queue`) from the PostgreSQL job queue
 * on this host, beside the web app and any other workers that reach the same database, image store
 * and back ends. Stops gracefully on SIGINT / SIGTERM (the runs it holds finish their iteration in
 * flight and are resumed by another worker if it is killed).
 */
export async function workerCommand(options: WorkerOptions): Promise<void> {
  const env = serverEnv();
  const url = postgresUrl(env);
  if (!url) {
    throw new CliError("rig worker needs PostgreSQL: set DATABASE_URL=postgres://user:password@host:5432/rig (the embedded SQLite default runs its worker inside the web app)");
  }
  const concurrency = options.concurrency === undefined ? env.RIG_WORKER_CONCURRENCY : Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new CliError(`--concurrency must be a whole number 1..64, got ${options.concurrency}`);
  const heartbeatSeconds = options.heartbeat === undefined ? 20 : Number(options.heartbeat);
  if (!Number.isInteger(heartbeatSeconds) || heartbeatSeconds < 10) throw new CliError(`--heartbeat must be a whole number of seconds >= 10, got ${options.heartbeat}`);

  const { applyPostgresMigrations } = await import("../../lib/db/postgres-migrations");
  const { startRunQueue, queueGroupLimits } = await import("../../lib/jobs/queue");
  const { startTrainingQueue } = await import("../../lib/jobs/training-queue");
  const { startPgRunEvents } = await import("../../lib/jobs/pg-events");
  const { RunWorker } = await import("../../lib/jobs/worker");
  const { evaluationListener } = await import("../../lib/jobs/evaluations");
  const { subscribeAllRunEvents } = await import("../../lib/jobs/event-bus");

  await applyPostgresMigrations(url);
  const stopEvents = await startPgRunEvents(url);
  const queue = await startRunQueue({ connectionString: url, localConcurrency: concurrency, groupLimits: queueGroupLimits(), heartbeatSeconds });
  const worker = new RunWorker({ concurrency, evaluationConcurrency: evaluationConcurrency(env), listener: evaluationListener, source: "queue" });
  // One line per run that starts or ends here: long work shows progress.
  const unsubscribe = subscribeAllRunEvents((runId, event) => {
    if (event.type === "status" && event.status !== "running") console.log(`[rig worker] run ${runId}: ${event.status}${event.stopReason ? ` (${event.stopReason})` : ""}${event.error ? `: ${event.error}` : ""}`);
    else if (event.type === "status") console.log(`[rig worker] run ${runId}: started`);
  });
  await worker.start();
  await queue.work(worker);
  // Training rollouts (rig train actor --queue) share the host: one group at a time beside the runs.
  const training = await startTrainingQueue({ connectionString: url });
  await training.work(1);
  console.log(`[rig worker] pid ${process.pid}: taking runs from the queue, ${concurrency} at a time (heartbeat ${heartbeatSeconds} s)`);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      console.log(`[rig worker] ${signal}: finishing the runs in hand`);
      resolve();
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
  });
  await queue.stop({ graceful: true });
  await training.stop();
  await worker.stop();
  unsubscribe();
  await stopEvents();
}
