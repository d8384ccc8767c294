import "server-only";
import { evaluationConcurrency, postgresUrl, serverEnv } from "../env";
import { evaluationListener } from "./evaluations";
import type { RunQueue } from "./queue";
import type { RunWorker, RunWorkerOptions } from "./worker";
import { setWorkerHandle } from "./worker-handle";

/**
 * The process's one worker, on globalThis (instrumentation and route handlers are separate
 * bundles, and dev reloads modules). Started by instrumentation.ts in the Node.js runtime.
 *
 * SQLite (the default): the worker polls the database, one process. PostgreSQL: the web app
 * enqueues waiting runs on the job queue (lib/jobs/queue.ts) and relays live events between
 * processes (pg-events.ts); unless RIG_WORKER=off it also takes jobs itself, beside any number of
 * `rig worker` processes on other hosts.
 */
const globalForWorker = globalThis as unknown as { rigWorker?: RunWorker; rigQueue?: RunQueue; rigStopEvents?: () => Promise<void> };

export function getRunWorker(): RunWorker | undefined {
  return globalForWorker.rigWorker;
}

/** Starts the worker once per process (no-op when already started; RIG_WORKER=off starts none). */
export async function startRunWorker(options: RunWorkerOptions = {}): Promise<RunWorker | undefined> {
  const env = serverEnv();
  const postgres = postgresUrl(env);
  if (postgres && !globalForWorker.rigQueue) {
    const [{ startRunQueue, queueGroupLimits }, { startPgRunEvents }] = await Promise.all([import("./queue"), import("./pg-events")]);
    globalForWorker.rigStopEvents = await startPgRunEvents(postgres);
    globalForWorker.rigQueue = await startRunQueue({ connectionString: postgres, localConcurrency: env.RIG_WORKER_CONCURRENCY, groupLimits: queueGroupLimits() });
    // With no worker here, waking means enqueueing the new run for the workers elsewhere.
    if (env.RIG_WORKER === "off") setWorkerHandle({ wake: () => void globalForWorker.rigQueue?.sweep().catch(() => {}), cancel: async () => false });
  }
  if (env.RIG_WORKER === "off") return undefined;
  if (globalForWorker.rigWorker) return globalForWorker.rigWorker;
  // Loaded here, not at the top: route handlers import this module and need not bundle the sim world.
  const { RunWorker } = await import("./worker");
  if (globalForWorker.rigWorker) return globalForWorker.rigWorker;
  const worker = new RunWorker({
    concurrency: env.RIG_WORKER_CONCURRENCY,
    evaluationConcurrency: evaluationConcurrency(env),
    listener: evaluationListener,
    ...(postgres ? { source: "queue" as const } : {}),
    ...options,
  });
  globalForWorker.rigWorker = worker;
  const queue = globalForWorker.rigQueue;
  setWorkerHandle(
    queue
      ? { wake: () => void queue.sweep().catch(() => {}), cancel: (runId) => worker.cancel(runId) }
      : worker,
  );
  await worker.start();
  if (queue) await queue.work(worker);
  return worker;
}

/** Stops and forgets the worker (tests, shutdown). */
export async function stopRunWorker(): Promise<void> {
  const { rigWorker: worker, rigQueue: queue, rigStopEvents: stopEvents } = globalForWorker;
  globalForWorker.rigWorker = undefined;
  globalForWorker.rigQueue = undefined;
  globalForWorker.rigStopEvents = undefined;
  setWorkerHandle(undefined);
  await queue?.stop();
  await worker?.stop();
  await stopEvents?.();
}
